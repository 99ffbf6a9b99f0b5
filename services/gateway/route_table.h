// The gateway's routes, read at start-up from the google.api.http annotations of the backend
// services' compiled descriptors (the model of Envoy's JSON transcoder): a service adds an
// annotated method, and the gateway serves it and documents it, with no route written by hand.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "services/gateway/http_rule.h"

namespace huiyin::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PATCH", "PUT", "DELETE"
  PathTemplate path;
  // "*" (the whole request from the body), a field name, or "" (no body: query parameters).
  std::string body;
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "/huiyin.intake.v1.IntakeService/SubmitItem"
  std::string grpc_path;
  // The method is marked (huiyin.common.v1.allow_anonymous).
  bool allow_anonymous = false;
};

class RouteTable {
 public:
  // Every method of these services with a google.api.http rule (and its additional bindings).
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    PathTemplate::Bindings bindings;
    // The path matched a route, but not with this HTTP method (→ 405).
    bool method_not_allowed = false;
    std::vector<std::string> allowed_methods;
  };
  Match Find(const std::string& http_method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace huiyin::gateway

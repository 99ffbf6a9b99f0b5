// The services behind the gateway: one long-lived channel each, created at start-up, and a
// generic unary call (by method path, with serialized messages) with a deadline on every call.
//
// Adding a service to the gateway is one line in Backends::Create (its descriptor and the
// configured address); its annotated methods then appear as routes and in /openapi.json.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/identity/caller.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin::gateway {

struct Backend {
  std::string name;  // "intake"
  const google::protobuf::ServiceDescriptor* service;
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
};

struct CallOptions {
  const Caller* caller = nullptr;  // null: anonymous (no caller metadata)
  std::string internal_credential;
  std::string request_id;
  absl::Duration deadline = absl::Seconds(5);
};

class Backends {
 public:
  static std::unique_ptr<Backends> Create(const config::v1::Config& config);

  std::vector<const google::protobuf::ServiceDescriptor*> services() const;
  const std::vector<Backend>& all() const { return backends_; }

  // Calls `grpc_path` on the backend serving `method`'s service.
  absl::Status Call(const google::protobuf::MethodDescriptor& method, const std::string& grpc_path,
                    const google::protobuf::Message& request, google::protobuf::Message& response,
                    const CallOptions& options) const;
  // grpc.health.v1 of every backend; the first that is not SERVING, as an error.
  absl::Status CheckHealth(absl::Duration deadline) const;

 private:
  const Backend* For(const google::protobuf::ServiceDescriptor* service) const;
  std::vector<Backend> backends_;
};

}  // namespace huiyin::gateway

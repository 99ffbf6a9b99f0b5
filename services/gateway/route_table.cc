#include "services/gateway/route_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "huiyin/common/v1/annotations.pb.h"

namespace huiyin::gateway {
namespace {

absl::Status AddRule(const google::api::HttpRule& rule,
                     const google::protobuf::MethodDescriptor* method, std::vector<Route>& out) {
  std::pair<std::string, std::string> verb_path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      verb_path = {"GET", rule.get()};
      break;
    case google::api::HttpRule::kPost:
      verb_path = {"POST", rule.post()};
      break;
    case google::api::HttpRule::kPut:
      verb_path = {"PUT", rule.put()};
      break;
    case google::api::HttpRule::kPatch:
      verb_path = {"PATCH", rule.patch()};
      break;
    case google::api::HttpRule::kDelete:
      verb_path = {"DELETE", rule.delete_()};
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": unsupported http rule"));
  }
  auto path = PathTemplate::Parse(verb_path.second);
  if (!path.ok()) return path.status();
  Route route{verb_path.first,
              *std::move(path),
              rule.body(),
              method,
              absl::StrCat("/", method->service()->full_name(), "/", method->name()),
              method->options().GetExtension(common::v1::allow_anonymous)};
  out.push_back(std::move(route));
  for (const auto& extra : rule.additional_bindings()) {
    if (auto s = AddRule(extra, method, out); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      if (!method->options().HasExtension(google::api::http)) continue;
      if (auto s =
              AddRule(method->options().GetExtension(google::api::http), method, table.routes_);
          !s.ok()) {
        return s;
      }
    }
  }
  // Templates with more literal segments win over ones with variables where both match.
  std::stable_sort(table.routes_.begin(), table.routes_.end(), [](const Route& a, const Route& b) {
    return a.path.literal_count() > b.path.literal_count();
  });
  return table;
}

RouteTable::Match RouteTable::Find(const std::string& http_method, const std::string& path) const {
  Match match;
  for (const auto& route : routes_) {
    auto bindings = route.path.Match(path);
    if (!bindings) continue;
    if (route.http_method == http_method) {
      match.route = &route;
      match.bindings = *std::move(bindings);
      match.method_not_allowed = false;
      return match;
    }
    match.method_not_allowed = true;
    match.allowed_methods.push_back(route.http_method);
  }
  return match;
}

}  // namespace huiyin::gateway

// The OpenAPI 3 description of the gateway, generated from the same route table the gateway
// serves and the request/response descriptors, so it cannot drift from what is served.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "services/gateway/route_table.h"

namespace huiyin::gateway {

// The gateway's own routes that are not transcoded (method, path, summary).
struct FixedRoute {
  std::string method;
  std::string path;
  std::string summary;
};
const std::vector<FixedRoute>& FixedRoutes();

nlohmann::json OpenApiDocument(const RouteTable& routes);

}  // namespace huiyin::gateway

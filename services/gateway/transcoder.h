// HTTP ⇄ protobuf by reflection, with protobuf's JSON mapping (lowerCamelCase names, enums by
// name): path variables, query parameters and the JSON body fill the request message; the
// response message becomes the JSON body.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/gateway/route_table.h"

namespace huiyin::gateway {

// INVALID_ARGUMENT with a field violation naming the parameter or body field that is wrong.
absl::Status BuildRequest(const Route& route, const PathTemplate::Bindings& bindings,
                          const std::multimap<std::string, std::string>& query,
                          const std::string& body, google::protobuf::Message& request);

std::string ToJson(const google::protobuf::Message& message);

// Sets a scalar (or appends to a repeated scalar) field named by a dotted path of field names or
// JSON names ("draft.title", "q").
absl::Status SetFieldByPath(google::protobuf::Message& message, const std::string& path,
                            const std::string& value);

}  // namespace huiyin::gateway

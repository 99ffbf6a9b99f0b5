// Path templates of google.api.http rules (services/gateway/http_rule.h): any pattern either
// parses or is refused with INVALID_ARGUMENT, and a parsed template matches the paths it
// describes. Two ways: the request path given (its bindings are one per variable, in order), and
// a path made from the template's own OpenAPI form with each parameter filled in, which must
// match and bind each variable to what was filled in.
//
// Input: the template on the first line ("/v1/{name=items/*}:accept"), a request path on the
// second ("/v1/items/k3v9:accept").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "services/gateway/http_rule.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin::gateway {
namespace {

// "/v1/items/{item}:accept" with every "{…}" replaced by `value`.
std::string Filled(const std::string& openapi_path, const std::string& value) {
  std::string out;
  for (size_t i = 0; i < openapi_path.size(); ++i) {
    if (openapi_path[i] == '{') {
      size_t close = openapi_path.find('}', i);
      if (close == std::string::npos) return "";
      out += value;
      i = close;
    } else {
      out += openapi_path[i];
    }
  }
  return out;
}

void CheckTemplate(const PathTemplate& t, const std::string& path) {
  if (auto bindings = t.Match(path)) {
    FUZZ_CHECK(bindings->size() == t.variables().size(),
               t.pattern() + " bound " + std::to_string(bindings->size()) + " variables");
    for (size_t i = 0; i < bindings->size(); ++i) {
      FUZZ_CHECK((*bindings)[i].first == t.variables()[i], "bindings out of order");
    }
  }
  const std::string made = Filled(t.OpenApiPath(), "v7");
  auto bindings = t.Match(made);
  FUZZ_CHECK(bindings.has_value(), t.pattern() + " does not match its own path " + made);
}

}  // namespace
}  // namespace huiyin::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using huiyin::gateway::PathTemplate;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string pattern(input.substr(0, newline));
  const std::string path(newline == std::string_view::npos ? "" : input.substr(newline + 1));
  auto parsed = PathTemplate::Parse(pattern);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument,
               parsed.status().ToString());
    return 0;
  }
  huiyin::gateway::CheckTemplate(*parsed, path);
  return 0;
}

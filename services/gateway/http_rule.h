// Path templates of google.api.http rules ("/v1/{name=items/*}:accept"), parsed once and matched
// against request paths. Pure: no I/O.
//
//   auto t = PathTemplate::Parse("/v1/{name=items/*}:accept");
//   auto bindings = t->Match("/v1/items/k3v9:accept");   // {{"name", "items/k3v9"}}
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace huiyin::gateway {

class PathTemplate {
 public:
  using Bindings = std::vector<std::pair<std::string, std::string>>;  // field path → value

  static absl::StatusOr<PathTemplate> Parse(const std::string& pattern);

  // The variable bindings when `path` matches, nullopt otherwise. `path` is already
  // percent-decoded, without the query string.
  std::optional<Bindings> Match(const std::string& path) const;

  const std::string& pattern() const { return pattern_; }
  // Field paths bound by the template, in order.
  std::vector<std::string> variables() const;
  // The template in OpenAPI form: "/v1/items/{item}:accept" (each '*' of a variable becomes a
  // parameter named after the collection before it, singularised by dropping a final 's').
  std::string OpenApiPath() const;
  // For choosing between overlapping templates: more literal segments first.
  int literal_count() const;

 private:
  struct Segment {
    enum Kind { kLiteral, kStar, kDoubleStar } kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    size_t first;  // segment indices [first, last)
    size_t last;
  };

  std::string pattern_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// Splits "a/b/c:verb" into segments and the verb after the last ':' of the last segment.
std::pair<std::vector<std::string>, std::string> SplitPath(const std::string& path);

}  // namespace huiyin::gateway

#include "services/gateway/http_rule.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace huiyin::gateway {

std::pair<std::vector<std::string>, std::string> SplitPath(const std::string& path) {
  std::string body = path;
  std::string verb;
  auto last_slash = body.rfind('/');
  auto colon = body.rfind(':');
  if (colon != std::string::npos && (last_slash == std::string::npos || colon > last_slash)) {
    verb = body.substr(colon + 1);
    body = body.substr(0, colon);
  }
  std::vector<std::string> segments;
  for (absl::string_view s : absl::StrSplit(body, '/')) {
    if (!s.empty()) segments.emplace_back(s);
  }
  return {segments, verb};
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(const std::string& pattern) {
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", pattern, "\": ", why));
  };
  if (pattern.empty() || pattern[0] != '/') return bad("must start with '/'");
  PathTemplate t;
  t.pattern_ = pattern;
  std::string rest = pattern.substr(1);
  // The verb follows the last ':' outside braces.
  int depth = 0;
  size_t verb_at = std::string::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') --depth;
    if (rest[i] == ':' && depth == 0) verb_at = i;
  }
  if (verb_at != std::string::npos) {
    t.verb_ = rest.substr(verb_at + 1);
    rest = rest.substr(0, verb_at);
    // A ':' inside a segment would make the rest of the template the verb, never matched.
    if (t.verb_.empty() || t.verb_.find_first_of("/{}*") != std::string::npos) {
      return bad("the verb after ':' must be a literal");
    }
  }
  size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == '/') {
      ++i;
      continue;
    }
    if (rest[i] == '{') {
      size_t close = rest.find('}', i);
      if (close == std::string::npos) return bad("unclosed '{'");
      std::string inner = rest.substr(i + 1, close - i - 1);
      std::pair<std::string, std::string> parts = absl::StrSplit(inner, absl::MaxSplits('=', 1));
      if (parts.first.empty()) return bad("variable without a field");
      if (!std::all_of(parts.first.begin(), parts.first.end(), [](char c) {
            return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
          })) {
        return bad("a variable names a field path (letters, digits, '_' and '.')");
      }
      std::string sub = parts.second.empty() ? "*" : parts.second;
      Variable v{parts.first, t.segments_.size(), 0};
      for (absl::string_view s : absl::StrSplit(sub, '/')) {
        if (s == "*") {
          t.segments_.push_back({Segment::kStar, ""});
        } else if (s == "**") {
          t.segments_.push_back({Segment::kDoubleStar, ""});
        } else if (s.find_first_of("{}:") != absl::string_view::npos) {
          return bad("misplaced brace or ':' in a variable");
        } else if (!s.empty()) {
          t.segments_.push_back({Segment::kLiteral, std::string(s)});
        }
      }
      v.last = t.segments_.size();
      t.variables_.push_back(v);
      i = close + 1;
      continue;
    }
    size_t end = rest.find('/', i);
    std::string literal = rest.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (literal.find_first_of("{}") != std::string::npos) return bad("misplaced brace");
    if (literal == "*") {
      t.segments_.push_back({Segment::kStar, ""});
    } else if (literal == "**") {
      t.segments_.push_back({Segment::kDoubleStar, ""});
    } else {
      t.segments_.push_back({Segment::kLiteral, literal});
    }
    i = end == std::string::npos ? rest.size() : end;
  }
  for (size_t s = 0; s + 1 < t.segments_.size(); ++s) {
    if (t.segments_[s].kind == Segment::kDoubleStar) return bad("'**' must be last");
  }
  return t;
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(const std::string& path) const {
  auto [segments, verb] = SplitPath(path);
  if (verb != verb_) return std::nullopt;
  bool tail = !segments_.empty() && segments_.back().kind == Segment::kDoubleStar;
  if (tail ? segments.size() < segments_.size() : segments.size() != segments_.size()) {
    return std::nullopt;
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.kind == Segment::kLiteral && segments[i] != s.literal) return std::nullopt;
  }
  Bindings out;
  for (const Variable& v : variables_) {
    size_t last = (tail && v.last == segments_.size()) ? segments.size() : v.last;
    std::vector<std::string> parts(segments.begin() + v.first, segments.begin() + last);
    out.emplace_back(v.field_path, absl::StrJoin(parts, "/"));
  }
  return out;
}

std::vector<std::string> PathTemplate::variables() const {
  std::vector<std::string> out;
  for (const auto& v : variables_) out.push_back(v.field_path);
  return out;
}

int PathTemplate::literal_count() const {
  int n = 0;
  for (const auto& s : segments_) n += s.kind == Segment::kLiteral;
  return n;
}

std::string PathTemplate::OpenApiPath() const {
  // Literals stay; each '*' inside a variable becomes a parameter named after the collection
  // before it, singular: {name=items/*/assignment/objections/*} →
  // /items/{item}/assignment/objections/{objection}.
  std::vector<std::string> names(segments_.size());
  for (const Variable& v : variables_) {
    for (size_t s = v.first; s < v.last; ++s) {
      if (segments_[s].kind == Segment::kLiteral) continue;
      std::string name = v.field_path;
      if (s > v.first && segments_[s - 1].kind == Segment::kLiteral) {
        name = segments_[s - 1].literal;
        if (name.size() > 1 && name.back() == 's') name.pop_back();
      }
      names[s] = name;
    }
  }
  std::string out;
  for (size_t s = 0; s < segments_.size(); ++s) {
    if (segments_[s].kind == Segment::kLiteral) {
      absl::StrAppend(&out, "/", segments_[s].literal);
    } else {
      absl::StrAppend(&out, "/{", names[s].empty() ? "path" : names[s], "}");
    }
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

}  // namespace huiyin::gateway

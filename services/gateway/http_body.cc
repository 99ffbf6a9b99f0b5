#include "services/gateway/http_body.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace huiyin::gateway {
namespace {

constexpr char kHttpDateFormat[] = "%a, %d %b %Y %H:%M:%S GMT";

std::string Unquote(absl::string_view tag) {
  tag = absl::StripAsciiWhitespace(tag);
  absl::ConsumePrefix(&tag, "W/");
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  return std::string(tag);
}

bool IsAttrChar(unsigned char c) {  // RFC 5987 attr-char
  return absl::ascii_isalnum(c) || c == '!' || c == '#' || c == '$' || c == '&' || c == '+' ||
         c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
}

}  // namespace

bool IsHttpBody(const google::protobuf::Descriptor& type) {
  return type.full_name() == common::v1::HttpBody::descriptor()->full_name();
}

std::vector<std::pair<std::string, std::string>> HttpBodyHeaders(
    const common::v1::HttpBody& body, const std::string& default_cache_control) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.etag().empty()) headers.emplace_back("ETag", absl::StrCat("\"", body.etag(), "\""));
  if (body.has_last_modified()) {
    headers.emplace_back("Last-Modified", HttpDate(absl::FromUnixSeconds(
                                              body.last_modified().seconds())));
  }
  const std::string& cache =
      body.cache_control().empty() ? default_cache_control : body.cache_control();
  if (!cache.empty()) headers.emplace_back("Cache-Control", cache);
  if (!body.filename().empty()) {
    headers.emplace_back("Content-Disposition", AttachmentDisposition(body.filename()));
  }
  return headers;
}

std::string HttpDate(absl::Time time) {
  return absl::FormatTime(kHttpDateFormat, time, absl::UTCTimeZone());
}

std::string AttachmentDisposition(const std::string& filename) {
  std::string fallback;
  std::string encoded;
  for (unsigned char c : filename) {
    bool plain = c < 0x80 && c >= 0x20 && c != '"' && c != '\\' && c != '/' && c != 0x7f;
    fallback.push_back(plain ? static_cast<char>(c) : '_');
    if (IsAttrChar(c)) {
      encoded.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&encoded, "%", absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return absl::StrCat("attachment; filename=\"", fallback, "\"; filename*=UTF-8''", encoded);
}

std::string BodyEtag(const std::string& body) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16), "-", body.size());
}

bool NotModified(const std::string& if_none_match, const std::string& if_modified_since,
                 const std::string& etag, absl::Time last_modified) {
  if (!absl::StripAsciiWhitespace(if_none_match).empty()) {
    if (etag.empty()) return false;
    for (absl::string_view candidate : absl::StrSplit(if_none_match, ',')) {
      std::string tag = Unquote(candidate);
      if (tag == "*" || tag == etag) return true;
    }
    return false;
  }
  if (if_modified_since.empty() || last_modified == absl::InfinitePast()) return false;
  absl::Time since;
  std::string error;
  if (!absl::ParseTime(kHttpDateFormat, if_modified_since, absl::UTCTimeZone(), &since, &error)) {
    return false;  // an unparsable date is ignored, as RFC 9110 says
  }
  return absl::ToUnixSeconds(last_modified) <= absl::ToUnixSeconds(since);
}

}  // namespace huiyin::gateway

#include "common/validation/field_checks.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace huiyin {
namespace {

int Utf8Chars(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControlChars(const std::string& s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](unsigned char c) {
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return c < 0x20 || c == 0x7f;
  });
}

// U+3000 (ideographic space) alone still counts as text; titles of only that are rare.
bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

void CheckText(FieldViolations& v, const std::string& field, const std::string& value,
               int min_chars, int max_chars, bool multiline) {
  if (min_chars > 0 && IsBlank(value)) {
    v.Add(field, "is required");
    return;
  }
  int n = Utf8Chars(value);
  if (n < min_chars) v.Add(field, absl::StrCat("must have at least ", min_chars, " characters"));
  if (n > max_chars) v.Add(field, absl::StrCat("must have at most ", max_chars, " characters"));
  if (HasControlChars(value, multiline)) v.Add(field, "must not contain control characters");
}

bool IsPhoneNumber(const std::string& phone) {
  if (phone.size() > 20) return false;
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != ' ') {
      return false;
    }
  }
  return digits >= 7;
}

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.size() > 64) return InvalidField("request_id", "must have at most 64 characters");
  for (char c : request_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return InvalidField("request_id", "may hold only letters, digits and - _ . :");
  }
  return absl::OkStatus();
}

}  // namespace huiyin

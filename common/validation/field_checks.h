// Checks every service makes on request fields, adding to common/status's FieldViolations so a
// caller learns every wrong field at once.
//
//   FieldViolations v;
//   CheckText(v, "reason", request.reason(), /*min_chars=*/1, /*max_chars=*/2000,
//   /*multiline=*/true); if (!request.phone().empty() && !IsPhoneNumber(request.phone()))
//   v.Add("phone", "..."); if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/status/errors.h"

namespace huiyin {

// A text field: with min_chars > 0 it is required and blank is "is required"; characters
// (not bytes) are counted; control characters are refused, newlines and tabs only if multiline.
void CheckText(FieldViolations& v, const std::string& field, const std::string& value,
               int min_chars, int max_chars, bool multiline);

// Digits with '-', '+' and spaces, 7 digits at least, 20 characters at most.
bool IsPhoneNumber(const std::string& phone);

// A client's request id (AIP-155): at most 64 of letters, digits and - _ . : (field "request_id").
absl::Status ValidateRequestId(const std::string& request_id);

}  // namespace huiyin

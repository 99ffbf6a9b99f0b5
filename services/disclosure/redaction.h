// Redaction (脱敏) of text before it is public: mainland mobile and landline numbers, 18-digit
// resident ID numbers (checksum and birth date verified, so ordinary long numbers survive),
// e-mail addresses, bank card numbers (Luhn verified) and passages a reviewer marked. Pure: no
// I/O, no exceptions, any bytes in (invalid UTF-8 becomes U+FFFD), valid UTF-8 out.
//
//   RedactionResult r = Redact("联系电话：13807463375，身份证11010519491231002X。", {});
//   // r.text == "联系电话：138********，身份证******************。"
//   // r.masked[0].kind == MaskKind::kMobilePhone, r.masked[0].original == "13807463375"
//
// Full-width digits (１３８…) count as digits. A number is only taken whole: digits right
// before or after it make it part of a longer number (an order number, an amount), which is left
// alone. Offsets are in characters (code points) of the input, for reviewers' screens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace huiyin::disclosure {

enum class MaskKind {
  kMobilePhone,  // 1[3-9]x xxxx xxxx, optional +86 / 0086, spaces or hyphens between groups
  kLandline,  // 0 + 2–3 digit area code + 7–8 digits; or 7–8 digits right after 电话/座机/Tel
  kResidentId,  // 17 digits + check character, valid ISO 7064 MOD 11-2 and a real birth date
  kEmail,
  kBankCard,  // 16–19 digits (groups of 4 may be separated), Luhn valid
  kMarked,    // a passage a reviewer marked
};

struct Masked {
  MaskKind kind;
  int start = 0;   // characters into the input
  int length = 0;  // characters
  std::string original;
  std::string replacement;
};

struct RedactionResult {
  std::string text;
  std::vector<Masked> masked;  // in order of position
};

// `marked` are exact passages to mask wherever they occur (empty strings are ignored).
RedactionResult Redact(std::string_view text, const std::vector<std::string>& marked);

// 18 characters: 17 digits and a check digit or X (GB 11643-1999), with a real birth date.
bool IsValidResidentId(std::string_view id);
// The Luhn check over a string of ASCII digits (false if anything else is in it).
bool PassesLuhn(std::string_view digits);

}  // namespace huiyin::disclosure

// Redaction (脱敏, services/disclosure/redaction.h) on any bytes: the public text is valid UTF-8;
// it is the input with exactly the reported passages replaced; every number masked is what its
// kind says (a valid resident ID, a Luhn-valid card, a mobile number) and loses at least four
// digits; redacting the result again finds nothing left to mask (unless a reviewer's marking cut
// a number in two); and no passage a reviewer marked survives.
//
// Input: the text, or "passage\npassage\n===\ntext" with passages a reviewer marked.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/text/unicode.h"
#include "services/disclosure/redaction.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin::disclosure {
namespace {

using text::AppendUtf8;
using text::DecodeUtf8;

const char* KindName(MaskKind kind) {
  switch (kind) {
    case MaskKind::kMobilePhone:
      return "mobile";
    case MaskKind::kLandline:
      return "landline";
    case MaskKind::kResidentId:
      return "resident id";
    case MaskKind::kEmail:
      return "e-mail";
    case MaskKind::kBankCard:
      return "bank card";
    case MaskKind::kMarked:
      return "marked";
  }
  return "?";
}

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < s.size();) {
    auto c = DecodeUtf8(s, pos);
    out.push_back(c.code_point);
    pos += c.length;
  }
  return out;
}

// The digits and X of a masked number, full-width forms folded.
std::string DigitsOf(const std::string& original) {
  std::string out;
  for (char32_t c : CodePoints(original)) {
    c = text::FoldWidth(c);
    if ((c >= '0' && c <= '9') || c == 'X' || c == 'x') out.push_back(static_cast<char>(c));
  }
  return out;
}

void CheckNumber(const Masked& m) {
  const std::string digits = DigitsOf(m.original);
  const std::string what = std::string(KindName(m.kind)) + " \"" + m.original + "\"";
  switch (m.kind) {
    case MaskKind::kResidentId:
      FUZZ_CHECK(IsValidResidentId(digits), what + " is no valid resident ID");
      break;
    case MaskKind::kBankCard:
      FUZZ_CHECK(digits.size() >= 16 && digits.size() <= 19 && PassesLuhn(digits),
                 what + " is no Luhn-valid card number");
      break;
    case MaskKind::kMobilePhone: {
      FUZZ_CHECK(digits.size() >= 11, what + " has fewer than 11 digits");
      const std::string number = digits.substr(digits.size() - 11);
      FUZZ_CHECK(number[0] == '1' && number[1] >= '3', what + " is no mainland mobile number");
      break;
    }
    default:
      break;
  }
  size_t stars = 0;
  for (char c : m.replacement) stars += c == '*';
  FUZZ_CHECK(stars >= 4, what + " keeps too many digits: " + m.replacement);
  FUZZ_CHECK(text::Utf8Length(m.replacement) == static_cast<size_t>(m.length),
             what + " is masked to a different length: " + m.replacement);
}

// r.text is the input with each reported passage replaced, and nothing else changed.
void CheckRebuilds(const std::vector<char32_t>& input, const RedactionResult& r) {
  std::string rebuilt;
  size_t next = 0;
  for (const Masked& m : r.masked) {
    const auto start = static_cast<size_t>(m.start);
    const auto end = start + static_cast<size_t>(m.length);
    FUZZ_CHECK(m.length > 0 && start >= next && end <= input.size(),
               "masked passages overlap, are empty or lie outside the text");
    for (size_t i = next; i < start; ++i) AppendUtf8(input[i], &rebuilt);
    std::string original;
    for (size_t i = start; i < end; ++i) AppendUtf8(input[i], &original);
    FUZZ_CHECK(original == m.original, "a masked passage's original is not the input there");
    rebuilt += m.replacement;
    next = end;
  }
  for (size_t i = next; i < input.size(); ++i) AppendUtf8(input[i], &rebuilt);
  FUZZ_CHECK(rebuilt == r.text, "the redacted text is not the input with its masks applied");
}

// A marked passage could only reappear through the masks' own characters, or as the ASCII form
// of full-width digits a mask keeps (１３８ → 138).
bool MayReappear(const std::string& passage) {
  for (char32_t c : CodePoints(passage)) {
    if (c == '*' || c == '@' || c == '[' || c == ']' || c == U'已' || c == U'隐' || c == U'去' ||
        c == text::kInvalidCodePoint || (c > 0x20 && c < 0x7f)) {
      return true;
    }
  }
  return false;
}

// The first number found on redacting `r.text` again that lies wholly outside r's masks, or null.
// One that overlaps a mask is made of the digits a mask keeps visible (138********) joined to
// neighbours the first pass had judged harmless: nothing it covers was hidden before, so it
// uncovers nothing.
const Masked* UncoveredOutsideMasks(const RedactionResult& r, const RedactionResult& again) {
  std::vector<std::pair<int, int>> masks;  // [start, end) in characters of r.text
  int shift = 0;
  for (const Masked& m : r.masked) {
    const int length = static_cast<int>(text::Utf8Length(m.replacement));
    masks.emplace_back(m.start + shift, m.start + shift + length);
    shift += length - m.length;
  }
  for (const Masked& found : again.masked) {
    const bool overlaps = std::any_of(masks.begin(), masks.end(), [&](const auto& mask) {
      return found.start < mask.second && mask.first < found.start + found.length;
    });
    if (!overlaps) return &found;
  }
  return nullptr;
}

}  // namespace
}  // namespace huiyin::disclosure

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huiyin::disclosure;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> marked;
  if (size_t split = input.find("\n===\n"); split != std::string_view::npos) {
    marked = absl::StrSplit(absl::string_view(input.data(), split), '\n');
    input.remove_prefix(split + 5);
  }

  const RedactionResult r = Redact(input, marked);
  FUZZ_CHECK(huiyin::text::IsValidUtf8(r.text), "redacted text is not valid UTF-8");
  CheckRebuilds(CodePoints(input), r);
  for (const Masked& m : r.masked) {
    if (m.kind != MaskKind::kMarked && m.kind != MaskKind::kEmail) CheckNumber(m);
  }
  // A passage a reviewer marked may cut a longer number in two and leave a part that looks like
  // a number of its own; without markings, masking must not uncover anything outside the masks.
  const bool reviewer_marked =
      std::any_of(marked.begin(), marked.end(), [](const std::string& p) { return !p.empty(); });
  const RedactionResult again = Redact(r.text, {});
  const Masked* uncovered = reviewer_marked ? nullptr : UncoveredOutsideMasks(r, again);
  FUZZ_CHECK(uncovered == nullptr, std::string("redacted text still holds a ") +
                                       KindName(uncovered->kind) + ": \"" + uncovered->original +
                                       "\" in " + r.text);
  for (const std::string& passage : marked) {
    if (passage.empty() || MayReappear(passage)) continue;
    FUZZ_CHECK(r.text.find(passage) == std::string::npos,
               "marked passage \"" + passage + "\" survives in " + r.text);
  }
  return 0;
}

// The answer pre-check (答复质量预审, services/workflow/rules.h) on any item and answer: every
// finding is a known code, found once, blocking exactly when configured so; the findings that
// follow from plain facts (length, contact person, class) appear exactly when those facts hold;
// and the same answer gets the same findings.
//
// Input: sections separated by a line "===": the item's title, its body, the answering unit's
// name, the answer's text, the rest of the answer in protobuf text format (answer_class,
// commitments, contact_person, explanation) and the configured blocking codes
// ("OFF_TOPIC, TOO_SHORT"). Missing sections are empty.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/text/unicode.h"
#include "services/workflow/rules.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin::workflow {
namespace {

using text::IsValidUtf8;

bool Has(const std::vector<v1::PrecheckFinding>& findings, v1::PrecheckCode code) {
  for (const auto& f : findings) {
    if (f.code() == code) return true;
  }
  return false;
}

void CheckFindings(const PrecheckInput& in, const std::vector<v1::PrecheckFinding>& findings) {
  std::set<int> seen;
  bool any_blocking = false;
  for (const auto& f : findings) {
    const std::string code = v1::PrecheckCode_Name(f.code());
    FUZZ_CHECK(v1::PrecheckCode_IsValid(f.code()) && f.code() != v1::PRECHECK_CODE_UNSPECIFIED,
               "unknown finding code " + std::to_string(f.code()));
    FUZZ_CHECK(seen.insert(f.code()).second, code + " found twice");
    const bool blocking = in.blocking.count(f.code()) > 0;
    any_blocking = any_blocking || blocking;
    FUZZ_CHECK(f.severity() == (blocking ? v1::SEVERITY_BLOCKING : v1::SEVERITY_WARNING),
               code + " has the wrong severity");
    FUZZ_CHECK(!f.message().empty() && IsValidUtf8(f.message()), code + " has a bad message");
    for (const auto& e : f.evidence()) FUZZ_CHECK(IsValidUtf8(e), code + " evidence not UTF-8");
  }
  FUZZ_CHECK(AnyBlocking(findings) == any_blocking, "AnyBlocking disagrees with the findings");

  const v1::Answer& a = in.answer;
  FUZZ_CHECK(Has(findings, v1::PRECHECK_CODE_TOO_SHORT) ==
                 (text::Utf8Length(a.text()) < static_cast<size_t>(kMinAnswerCharacters)),
             "TOO_SHORT does not follow the answer's length");
  const bool no_contact = absl::StripAsciiWhitespace(a.contact_person()).empty() ||
                          !absl::StrContains(a.text(), "联系人");
  FUZZ_CHECK(Has(findings, v1::PRECHECK_CODE_NO_CONTACT_PERSON) == no_contact,
             "NO_CONTACT_PERSON does not follow the contact person");
  FUZZ_CHECK(!Has(findings, v1::PRECHECK_CODE_C_WITHOUT_REASON) ||
                 a.answer_class() == v1::ANSWER_CLASS_C,
             "C_WITHOUT_REASON on an answer of another class");
  FUZZ_CHECK(!Has(findings, v1::PRECHECK_CODE_B_WITHOUT_DATES) ||
                 a.answer_class() == v1::ANSWER_CLASS_B,
             "B_WITHOUT_DATES on an answer of another class");
}

std::string Serialized(const std::vector<v1::PrecheckFinding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.SerializeAsString() + "|";
  return out;
}

}  // namespace
}  // namespace huiyin::workflow

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huiyin::workflow;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Texts arrive over gRPC, as UTF-8.
  if (!IsValidUtf8(input)) return 0;
  std::vector<std::string> parts = absl::StrSplit(
      absl::string_view(input.data(), input.size()), "\n===\n");
  parts.resize(6);

  PrecheckInput in;
  in.item_title = parts[0];
  in.item_body = parts[1];
  in.unit_display_name = parts[2];
  if (!huiyin::fuzz::ParseAsReceived(parts[4], in.answer)) return 0;
  in.answer.set_text(parts[3]);
  auto blocking = ParseBlockingFindings(parts[5]);
  if (!blocking.ok()) return 0;
  in.blocking = *blocking;

  const auto findings = Precheck(in, huiyin::fuzz::SharedNormalizer());
  CheckFindings(in, findings);
  FUZZ_CHECK(Serialized(Precheck(in, huiyin::fuzz::SharedNormalizer())) == Serialized(findings),
             "the same answer got other findings");
  return 0;
}

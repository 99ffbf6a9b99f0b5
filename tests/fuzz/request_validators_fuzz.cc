// The validators of whole request messages, each service's rules: intake's ValidateSubmission,
// assignment's ValidateUnit and ValidatePlan, workflow's ValidateDraft, disclosure's
// CheckMarkings and supervision's ValidateNoticeRequest. Each answers OK or INVALID_ARGUMENT
// naming fields under its request's own prefix, the same answer twice, and what it accepts keeps
// the promises the core relies on.
//
// Input: the message's name on the first line, then the message in protobuf text format, e.g.
//   Answer
//   answer_class: ANSWER_CLASS_B text: "尊敬的…" contact_person: "王明"
//   commitments { text: "完成改造" due_date: "2026-10-31" }
// The message goes through the binary wire format first, as it would arrive over gRPC (strings
// that are not UTF-8 do not).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "common/calendar/working_day_calendar.h"
#include "common/text/unicode.h"
#include "services/assignment/rules.h"
#include "services/disclosure/rules.h"
#include "services/intake/rules.h"
#include "services/supervision/notice_rules.h"
#include "services/workflow/rules.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin {
namespace {

using fuzz::CheckValidation;
using fuzz::ParseAsReceived;

// Validates twice: bad input gets the same answer every time.
template <typename Validate>
absl::Status Twice(Validate validate, const std::string& name) {
  const absl::Status first = validate();
  FUZZ_CHECK(first == validate(), name + " answered the same request differently");
  return first;
}

size_t Chars(const std::string& s) { return text::Utf8Length(s); }
bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void FuzzSubmission(const std::string& text) {
  intake::v1::SubmitItemRequest request;
  if (!ParseAsReceived(text, request)) return;
  const absl::Status s =
      Twice([&] { return intake::ValidateSubmission(request, absl::CivilYear(2026)); },
            "ValidateSubmission");
  CheckValidation(s, {"item", "request_id"}, "ValidateSubmission");
  if (!s.ok()) return;
  const auto& item = request.item();
  FUZZ_CHECK(item.year() >= 2000 && item.year() <= 2027 && !Blank(item.title()) &&
                 Chars(item.title()) <= intake::kMaxTitleChars &&
                 Chars(item.body()) >= intake::kMinBodyChars &&
                 Chars(item.body()) <= intake::kMaxBodyChars && item.has_lead_proposer() &&
                 item.co_proposers_size() <= intake::kMaxCoProposers,
             "ValidateSubmission accepted " + request.ShortDebugString());
  std::set<std::string> people = {item.lead_proposer().person()};
  for (const auto& p : item.co_proposers()) {
    FUZZ_CHECK(people.insert(p.person()).second, "a proposer appears twice in an accepted item");
  }
}

void FuzzUnit(const std::string& text) {
  assignment::v1::Unit unit;
  if (!ParseAsReceived(text, unit)) return;
  const absl::Status s = Twice([&] { return assignment::ValidateUnit(unit); }, "ValidateUnit");
  CheckValidation(s, {"unit"}, "ValidateUnit");
  if (!s.ok()) return;
  std::set<std::string> categories;
  for (const auto& c : unit.categories()) {
    FUZZ_CHECK(categories.insert(c).second, "an accepted unit lists a category twice");
  }
}

void FuzzPlan(const std::string& text) {
  assignment::v1::AssignmentPlan plan;
  if (!ParseAsReceived(text, plan)) return;
  const absl::Status s = Twice(
      [&] { return assignment::ValidatePlan(plan, "plans[3]", absl::CivilDay(2026, 3, 2), 12); },
      "ValidatePlan");
  CheckValidation(s, {"plans[3]"}, "ValidatePlan");
  if (!s.ok()) return;
  std::set<std::string> units;
  for (const auto& u : plan.units()) {
    FUZZ_CHECK(units.insert(u.unit()).second, "an accepted plan names a unit twice");
  }
  FUZZ_CHECK(plan.key() || plan.leading_official().empty(),
             "an accepted plan that is no key item has a leading official");
}

void FuzzDraft(const std::string& text) {
  workflow::v1::Answer answer;
  if (!ParseAsReceived(text, answer)) return;
  for (bool allow_class_d : {false, true}) {
    const absl::Status s =
        Twice([&] { return workflow::ValidateDraft(answer, allow_class_d); }, "ValidateDraft");
    CheckValidation(s, {"answer"}, "ValidateDraft");
    if (!s.ok()) continue;
    const auto c = answer.answer_class();
    FUZZ_CHECK(c == workflow::v1::ANSWER_CLASS_A || c == workflow::v1::ANSWER_CLASS_B ||
                   c == workflow::v1::ANSWER_CLASS_C ||
                   (allow_class_d && c == workflow::v1::ANSWER_CLASS_D),
               "ValidateDraft accepted answer class " + std::to_string(c));
    FUZZ_CHECK(!Blank(answer.text()) && !Blank(answer.contact_person()),
               "ValidateDraft accepted a draft without text or contact person");
    FUZZ_CHECK(c != workflow::v1::ANSWER_CLASS_B || answer.commitments_size() > 0,
               "ValidateDraft accepted a B answer without commitments");
    for (const auto& commitment : answer.commitments()) {
      FUZZ_CHECK(ParseCivilDay(commitment.due_date()).has_value(),
                 "ValidateDraft accepted a commitment without a due date");
    }
  }
}

void FuzzMarkings(const std::string& text) {
  disclosure::v1::MarkRedactionsRequest request;
  if (!ParseAsReceived(text, request)) return;
  const absl::Status s = Twice(
      [&] {
        FieldViolations v;
        disclosure::CheckMarkings(v, "markings", request.markings());
        return v.ToStatus();
      },
      "CheckMarkings");
  CheckValidation(s, {"markings"}, "CheckMarkings");
  if (!s.ok()) return;
  for (const auto& m : request.markings()) {
    FUZZ_CHECK(!Blank(m.text()) && Chars(m.text()) <= 500, "CheckMarkings accepted a passage");
  }
}

void FuzzNotice(const std::string& text) {
  supervision::v1::CreateNoticeRequest request;
  if (!ParseAsReceived(text, request)) return;
  const absl::Status s =
      Twice([&] { return supervision::ValidateNoticeRequest(request); }, "ValidateNoticeRequest");
  CheckValidation(s, {"notice", "request_id"}, "ValidateNoticeRequest");
  if (!s.ok()) return;
  const auto& n = request.notice();
  FUZZ_CHECK(n.task().rfind("tasks/", 0) == 0 && n.task().size() > 6 && !Blank(n.reason()) &&
                 n.reason().size() <= 4000,
             "ValidateNoticeRequest accepted " + request.ShortDebugString());
}

}  // namespace
}  // namespace huiyin

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string::npos) return 0;
  const std::string kind = input.substr(0, newline);
  const std::string text = input.substr(newline + 1);
  if (kind == "SubmitItemRequest") huiyin::FuzzSubmission(text);
  if (kind == "Unit") huiyin::FuzzUnit(text);
  if (kind == "AssignmentPlan") huiyin::FuzzPlan(text);
  if (kind == "Answer") huiyin::FuzzDraft(text);
  if (kind == "MarkRedactionsRequest") huiyin::FuzzMarkings(text);
  if (kind == "CreateNoticeRequest") huiyin::FuzzNotice(text);
  return 0;
}

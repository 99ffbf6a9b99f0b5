// Every validator and parser that takes one string from a request or a configuration file, fed
// the same input: common/validation (CheckText, IsPhoneNumber, ValidateRequestId), page tokens
// (common/pagination), dates (common/calendar's ParseCivilDay), intake's and assignment's
// resource names and free texts, assignment's dates and year lists, workflow's blocking pre-check
// codes and supervision's plan due day. Each answers OK or INVALID_ARGUMENT naming its field, and
// what it accepts is what it promises: a parsed name or date prints back to the same text, a
// checked text has the characters it allows.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/calendar/working_day_calendar.h"
#include "common/pagination/page_token.h"
#include "common/text/unicode.h"
#include "common/validation/field_checks.h"
#include "services/assignment/rules.h"
#include "services/intake/rules.h"
#include "services/supervision/steps.h"
#include "services/workflow/rules.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin {
namespace {

using fuzz::CheckValidation;

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool HasControl(const std::string& s, bool multiline) {
  for (unsigned char c : s) {
    if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

void FuzzCheckText(const std::string& s) {
  struct Limits {
    int min, max;
    bool multiline;
  };
  for (Limits l : {Limits{1, 200, false}, Limits{10, 20000, true}, Limits{0, 50, false}}) {
    FieldViolations v;
    CheckText(v, "item.title", s, l.min, l.max, l.multiline);
    const absl::Status status = v.ToStatus();
    CheckValidation(status, {"item.title"}, "CheckText");
    if (!status.ok()) continue;
    FUZZ_CHECK(!(l.min > 0 && IsBlank(s)) && !HasControl(s, l.multiline),
               "CheckText accepted \"" + s + "\"");
    // Characters, not bytes, for the UTF-8 that requests carry (gRPC and the gateway refuse
    // anything else before a validator sees it).
    if (!text::IsValidUtf8(s)) continue;
    const size_t chars = text::Utf8Length(s);
    FUZZ_CHECK(chars >= static_cast<size_t>(l.min) && chars <= static_cast<size_t>(l.max),
               "CheckText accepted \"" + s + "\"");
  }
}

void FuzzPhoneAndRequestId(const std::string& s) {
  if (IsPhoneNumber(s)) {
    int digits = 0;
    for (char c : s) {
      FUZZ_CHECK((c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' ',
                 "IsPhoneNumber accepted \"" + s + "\"");
      digits += c >= '0' && c <= '9';
    }
    FUZZ_CHECK(digits >= 7 && s.size() <= 20, "IsPhoneNumber accepted \"" + s + "\"");
  }
  const absl::Status id = ValidateRequestId(s);
  CheckValidation(id, {"request_id"}, "ValidateRequestId");
  FUZZ_CHECK(!id.ok() || s.size() <= 64, "ValidateRequestId accepted a long id");
}

void FuzzPageToken(const std::string& s) {
  constexpr uint64_t kQuery = 0x9e3779b97f4a7c15ULL;
  auto after = DecodePageToken(s, kQuery);
  CheckValidation(after.status(), {"page_token"}, "DecodePageToken");
  if (after.ok()) {
    FUZZ_CHECK(*after >= 0, "DecodePageToken gave a negative position");
    FUZZ_CHECK(*DecodePageToken(EncodePageToken(kQuery, *after), kQuery) == *after,
               "a re-encoded page token decodes to another position");
  }
  // A token this service issued: decodes to its position, and only for its own query.
  uint64_t mixed = 0;
  for (unsigned char c : s) mixed = mixed * 131 + c;
  const auto key = static_cast<int64_t>(mixed >> 1);
  const std::string token = EncodePageToken(kQuery, key);
  FUZZ_CHECK(*DecodePageToken(token, kQuery) == key, "an issued page token lost its position");
  FUZZ_CHECK(!DecodePageToken(token, kQuery + 1).ok(), "a page token served another query");
}

void FuzzResourceNames(const std::string& s) {
  auto intake_item = intake::ParseItemName(s, "name");
  CheckValidation(intake_item.status(), {"name"}, "intake::ParseItemName");
  if (intake_item.ok()) {
    FUZZ_CHECK(intake::ItemName(*intake_item) == s, "intake item name does not print back");
  }
  auto item = assignment::ParseItemName(s, "name");
  CheckValidation(item.status(), {"name"}, "assignment::ParseItemName");
  if (item.ok()) FUZZ_CHECK(assignment::ItemName(*item) == s, "item name does not print back");
  auto unit = assignment::ParseUnitName(s, "unit");
  CheckValidation(unit.status(), {"unit"}, "ParseUnitName");
  if (unit.ok()) {
    FUZZ_CHECK(assignment::UnitName(*unit) == s, "unit name does not print back");
    FUZZ_CHECK(assignment::ValidateUnitId(*unit, "unit_id").ok(), "a parsed unit id is invalid");
  }
  CheckValidation(assignment::ValidateUnitId(s, "unit_id"), {"unit_id"}, "ValidateUnitId");
  auto assigned = assignment::ParseAssignmentName(s, "name");
  CheckValidation(assigned.status(), {"name"}, "ParseAssignmentName");
  if (assigned.ok()) {
    FUZZ_CHECK(assignment::AssignmentName(*assigned) == s, "assignment name does not print back");
  }
  auto objection = assignment::ParseChildName(s, "objections", "name");
  CheckValidation(objection.status(), {"name"}, "ParseChildName");
  if (objection.ok()) {
    FUZZ_CHECK(assignment::ObjectionName(objection->item_id, objection->child_id) == s,
               "objection name does not print back");
  }
  auto extension = assignment::ParseChildName(s, "extensions", "name");
  if (extension.ok()) {
    FUZZ_CHECK(assignment::ExtensionName(extension->item_id, extension->child_id) == s,
               "extension name does not print back");
  }
}

void FuzzFreeTexts(const std::string& s) {
  CheckValidation(intake::ValidateReason(s, true), {"reason"}, "ValidateReason");
  CheckValidation(intake::ValidateReason(s, false), {"reason"}, "ValidateReason");
  FieldViolations v;
  assignment::CheckFreeText(v, s, "objection.reason", true);
  CheckValidation(v.ToStatus(), {"objection.reason"}, "CheckFreeText");
}

void FuzzDates(const std::string& s) {
  // YYYY-MM-DD with four digits of year (absl prints the year 202 as "202").
  auto printed = [](absl::CivilDay d) {
    return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
  };
  if (auto day = ParseCivilDay(s)) {
    FUZZ_CHECK(printed(*day) == s, "ParseCivilDay accepted \"" + s + "\"");
  }
  auto date = assignment::ParseDate(s, "plan.fixed_date");
  CheckValidation(date.status(), {"plan.fixed_date"}, "ParseDate");
  if (date.ok()) FUZZ_CHECK(printed(*date) == s, "ParseDate accepted \"" + s + "\"");
  auto due = supervision::ParsePlanDue(s);
  FUZZ_CHECK(due.ok() || due.status().code() == absl::StatusCode::kInvalidArgument,
             due.status().ToString());
  if (due.ok() && due->has_value()) {
    FUZZ_CHECK(absl::StrFormat("%02d-%02d", (*due)->month, (*due)->day) == s,
               "ParsePlanDue accepted \"" + s + "\"");
  }
}

void FuzzConfiguredLists(const std::string& s) {
  auto years = assignment::ParseYearList(s);
  FUZZ_CHECK(years.ok() || years.status().code() == absl::StatusCode::kInvalidArgument,
             years.status().ToString());
  if (years.ok()) {
    for (int year : *years) FUZZ_CHECK(year >= 2000 && year <= 2100, "ParseYearList: " + s);
  }
  auto codes = workflow::ParseBlockingFindings(s);
  FUZZ_CHECK(codes.ok() || codes.status().code() == absl::StatusCode::kInvalidArgument,
             codes.status().ToString());
  if (codes.ok()) {
    for (int code : *codes) {
      FUZZ_CHECK(workflow::v1::PrecheckCode_IsValid(code) &&
                     code != workflow::v1::PRECHECK_CODE_UNSPECIFIED,
                 "ParseBlockingFindings accepted \"" + s + "\"");
    }
  }
}

}  // namespace
}  // namespace huiyin

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  huiyin::FuzzCheckText(s);
  huiyin::FuzzPhoneAndRequestId(s);
  huiyin::FuzzPageToken(s);
  huiyin::FuzzResourceNames(s);
  huiyin::FuzzFreeTexts(s);
  huiyin::FuzzDates(s);
  huiyin::FuzzConfiguredLists(s);
  return 0;
}

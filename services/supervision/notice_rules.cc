#include "services/supervision/notice_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "services/supervision/readers.h"
#include "services/supervision/steps.h"

namespace huiyin::supervision {

std::optional<v1::NoticeTrigger> RuleTriggerOn(const v1::StepDeadline& step, absl::CivilDay today,
                                               int due_soon, int red_after,
                                               const WorkingDayCalendar& calendar) {
  switch (StepStateOn(step, today, due_soon, calendar)) {
    case v1::DEADLINE_STATE_DUE_SOON:
      return v1::NOTICE_TRIGGER_DUE_SOON;
    case v1::DEADLINE_STATE_OVERDUE: {
      const auto deadline = ParseCivilDay(step.deadline());
      return WorkingDaysLate(*deadline, today, calendar) > red_after
                 ? v1::NOTICE_TRIGGER_LONG_OVERDUE
                 : v1::NOTICE_TRIGGER_OVERDUE;
    }
    default:
      return std::nullopt;
  }
}

v1::NoticeColour ColourOf(v1::NoticeTrigger trigger) {
  switch (trigger) {
    case v1::NOTICE_TRIGGER_DUE_SOON:
      return v1::NOTICE_COLOUR_GREEN;
    case v1::NOTICE_TRIGGER_OVERDUE:
      return v1::NOTICE_COLOUR_YELLOW;
    case v1::NOTICE_TRIGGER_LONG_OVERDUE:
    case v1::NOTICE_TRIGGER_RETURNED:
      return v1::NOTICE_COLOUR_RED;
    default:
      return v1::NOTICE_COLOUR_UNSPECIFIED;
  }
}

std::string RuleReason(v1::NoticeTrigger trigger, v1::Step step, const std::string& deadline,
                       int64_t working_days, int red_after) {
  const std::string what = StepLabel(step);
  switch (trigger) {
    case v1::NOTICE_TRIGGER_DUE_SOON:
      return absl::StrCat(what, "期限为", deadline, "，尚余", working_days,
                          "个工作日，请抓紧办理（催办）");
    case v1::NOTICE_TRIGGER_OVERDUE:
      return absl::StrCat(what, "已逾期", working_days, "个工作日（期限", deadline,
                          "），予以黄色警示");
    case v1::NOTICE_TRIGGER_LONG_OVERDUE:
      return absl::StrCat(what, "已逾期", working_days, "个工作日（期限", deadline, "），超过",
                          red_after, "个工作日，予以红色督办");
    case v1::NOTICE_TRIGGER_RETURNED:
      return absl::StrCat("答复已被退回重办", working_days, "次，予以红色督办");
    default:
      return what;
  }
}

absl::Status ValidateNoticeRequest(const v1::CreateNoticeRequest& request) {
  const v1::Notice& n = request.notice();
  FieldViolations v;
  if (!absl::StartsWith(n.task(), "tasks/") || n.task().size() <= 6 ||
      n.task().find('/', 6) != std::string::npos) {
    v.Add("notice.task", "须指明任务，形如 tasks/{task}");
  }
  if (n.colour() != v1::NOTICE_COLOUR_GREEN && n.colour() != v1::NOTICE_COLOUR_YELLOW &&
      n.colour() != v1::NOTICE_COLOUR_RED) {
    v.Add("notice.colour", "须选择绿、黄、红之一");
  }
  if (absl::StripAsciiWhitespace(n.reason()).empty()) {
    v.Add("notice.reason", "督办单须写明事由");
  } else if (n.reason().size() > 4000) {
    v.Add("notice.reason", "事由过长（至多4000字节）");
  }
  if (n.step() != v1::STEP_UNSPECIFIED && !v1::Step_IsValid(n.step())) {
    v.Add("notice.step", "未知的办理环节");
  }
  if (request.request_id().size() > 128) v.Add("request_id", "at most 128 characters");
  return v.ToStatus();
}

NoticeReader ReaderOf(const Caller& caller) {
  if (IsOffice(caller)) return NoticeReader::kAll;
  if (IsUnit(caller)) return NoticeReader::kUnit;
  if (caller.role() == common::v1::ROLE_LEADING_OFFICIAL && !caller.principal().empty()) {
    return NoticeReader::kEscalated;
  }
  return NoticeReader::kNone;
}

bool Escalates(v1::NoticeColour colour, bool key_item, bool asked) {
  return asked || (colour == v1::NOTICE_COLOUR_RED && key_item);
}

}  // namespace huiyin::supervision

// The pure rules of notices (督办单, proto/huiyin/supervision/v1/notices.proto): which colour a
// step has reached, what a rule notice says, what a hand-written one must carry, and who may do
// what. No I/O: NoticeDesk (notices.h) applies them.
//
//   auto trigger = RuleTriggerOn(step, today, /*due_soon=*/3, /*red_after=*/5, calendar);
//   if (trigger) notice.set_colour(ColourOf(*trigger));
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/calendar/working_day_calendar.h"
#include "common/identity/caller.h"
#include "huiyin/supervision/v1/notices.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"

namespace huiyin::supervision {

// The furthest rule trigger a pending step has reached today: DUE_SOON (at most `due_soon`
// working days left), OVERDUE, LONG_OVERDUE (more than `red_after` working days late); nullopt
// while on track, done, or without a deadline.
std::optional<v1::NoticeTrigger> RuleTriggerOn(const v1::StepDeadline& step, absl::CivilDay today,
                                               int due_soon, int red_after,
                                               const WorkingDayCalendar& calendar);

// GREEN for DUE_SOON, YELLOW for OVERDUE, RED for LONG_OVERDUE and RETURNED.
v1::NoticeColour ColourOf(v1::NoticeTrigger trigger);

// What a rule notice says, in Chinese, e.g. "答复已逾期7个工作日（期限2026-06-30），超过5个工作日，
// 予以红色督办".
std::string RuleReason(v1::NoticeTrigger trigger, v1::Step step, const std::string& deadline,
                       int64_t working_days, int red_after);

// A hand-written notice: task ("tasks/{task}"), colour and a reason are required; step, if set,
// a known one. INVALID_ARGUMENT naming every wrong field ("notice.reason" …).
absl::Status ValidateNoticeRequest(const v1::CreateNoticeRequest& request);

// How a caller may see notices.
enum class NoticeReader {
  kNone,       // refused
  kAll,        // the four offices
  kUnit,       // its own unit's notices (caller.unit)
  kEscalated,  // a leading official: those escalated to caller.principal
};
NoticeReader ReaderOf(const Caller& caller);

// Escalated to `leading_official` when asked, or for a RED notice on a key item.
bool Escalates(v1::NoticeColour colour, bool key_item, bool asked);

}  // namespace huiyin::supervision

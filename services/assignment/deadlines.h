// Deadlines (办结时限) on the working-day calendar. Every deadline carries how it was derived: the
// rule, the day counting started from, the working days in between, the holidays and weekends
// passed over, the make-up days (调休) counted, and all of it as one Chinese sentence that units
// and offices read as it is.
//
//   auto d = DeadlineFromRule(calendar, rule /* months: 3 */, absl::CivilDay(2025, 3, 10),
//                             "plan.deadline");
//   // d->date() == "2025-06-10"; d->explanation() ==
//   //   "按交办之日起3个月计：自2025-03-10起3个月为2025-06-10。自2025-03-10起算62个工作日（不含
//   //    当日），截止2025-06-10；跳过清明节(2025-04-04至2025-04-06)、…；含调休上班日2025-04-27。"
//
// A period in months ends on the same day of the month (or the month's last day) and, when that
// is not a working day, on the next working day (民法典 第二百零三条), so a unit never loses a
// day to a holiday. A fixed date is kept as the office set it. Years the calendar does not know
// are FAILED_PRECONDITION, never guessed.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/calendar/working_day_calendar.h"
#include "huiyin/assignment/v1/assignment.pb.h"

namespace huiyin::assignment {

// The deadline `rule` sets for an assignment made on `assign_day` (`rule` has one rule set; the
// plan's own checks have passed). Errors name `field` ("plan.deadline").
absl::StatusOr<v1::Deadline> DeadlineFromRule(const WorkingDayCalendar& calendar,
                                              const v1::DeadlineRule& rule,
                                              absl::CivilDay assign_day, const std::string& field);

// 延期: `date` granted by `extension`, counted from the deadline it replaces.
absl::StatusOr<v1::Deadline> ExtendedDeadline(const WorkingDayCalendar& calendar,
                                              const v1::Deadline& current, absl::CivilDay date,
                                              const std::string& extension);

// No deadline, even extended, is later than `max_months` after the first assignment (that day
// moved to the next working day like any period in months). INVALID_ARGUMENT on `field`.
absl::Status CheckDeadlineLimit(const WorkingDayCalendar& calendar, absl::CivilDay date,
                                absl::CivilDay first_assign_day, int max_months,
                                const std::string& field);

}  // namespace huiyin::assignment

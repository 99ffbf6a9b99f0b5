// Step deadlines (办理环节时限): for one unit's task, every step that has a time limit — 签收,
// 办理方案, 协办意见, 答复, 公开 of each issued answer, each 承诺事项 — with its deadline on the
// working-day calendar, how that was derived, and whether (and when) it was done. Pure: the task
// snapshot and the two facts it does not carry (StepFacts) in, StepDeadline messages out; the
// state against today is computed when read (StepStateOn). The rules are documented on
// huiyin.supervision.v1.Step.
//
//   StepOptions options;  // from SupervisionConfig
//   auto steps = StepDeadlinesOf(task, {.acknowledged_date = "2026-03-23"}, options, calendar);
//   v1::DeadlineState s = StepStateOn(steps[0], clock.Today(), options.step_due_soon_working_days,
//                                     calendar);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/working_day_calendar.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::supervision {

struct MonthDay {
  int month = 0;
  int day = 0;
};

struct StepOptions {
  int acknowledgement_working_days = 3;
  // The fixed 办理方案 date of the item's year (seed 003: 4月20日); nullopt: always counted.
  std::optional<MonthDay> plan_due = MonthDay{4, 20};
  int plan_working_days = 15;
  int co_opinion_working_days = 30;
  int disclosure_working_days = 20;
  // Due soon (临期) for every step but the answer, which keeps its own lead time.
  int step_due_soon_working_days = 3;
};

// "MM-DD" (any day a leap year has) → MonthDay; "none" → nullopt; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::optional<MonthDay>> ParsePlanDue(absl::string_view text);

// What a task snapshot does not say by itself.
struct StepFacts {
  // The China date the task left WAITING_ACKNOWLEDGEMENT (from the event that moved it).
  std::string acknowledged_date;
  // Answer name → the China date it was disclosed (公开).
  std::map<std::string, std::string> disclosed_dates;
};

// The steps of `task` in Step order (disclosures and commitments in answer order); none for a
// cancelled task. A deadline the calendar cannot count (a year it does not know) is left empty
// with the reason in `explanation`: refused, not guessed.
std::vector<v1::StepDeadline> StepDeadlinesOf(const workflow::v1::Task& task,
                                              const StepFacts& facts, const StepOptions& options,
                                              const WorkingDayCalendar& calendar);

// DONE once done; otherwise OVERDUE after the deadline, DUE_SOON with at most `due_soon` working
// days left (today excluded, the deadline included), ON_TRACK before; UNSPECIFIED without a
// deadline. Where the calendar does not know a year, days are counted as calendar days rather
// than not at all (as for the answer deadline).
v1::DeadlineState StepStateOn(const v1::StepDeadline& step, absl::CivilDay today, int due_soon,
                              const WorkingDayCalendar& calendar);

// The lead time of `step`: `answer_due_soon` for the answer, step_due_soon_working_days else.
inline int DueSoonWorkingDays(v1::Step step, int answer_due_soon, const StepOptions& options) {
  return step == v1::STEP_ANSWER ? answer_due_soon : options.step_due_soon_working_days;
}

// The working days in (deadline, today] — how late a step is; calendar days where the calendar
// does not know a year; 0 if today is not after the deadline.
int64_t WorkingDaysLate(absl::CivilDay deadline, absl::CivilDay today,
                        const WorkingDayCalendar& calendar);

// Whether the rules (the notice sweeper) still act on `step` of a task in `state`: the steps up
// to the answer while the task is open (waiting for acknowledgement or handling); disclosure and
// commitments whatever the task's state.
bool RulesActOn(v1::Step step, workflow::v1::TaskState state);

// "签收", "办理方案", "协办意见", "答复", "公开", "承诺事项".
std::string StepLabel(v1::Step step);

}  // namespace huiyin::supervision

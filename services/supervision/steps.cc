#include "services/supervision/steps.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/base/clock.h"

namespace huiyin::supervision {
namespace {

using workflow::v1::Task;

constexpr char kCalendarUnknown[] = "工作日历尚无所需年份的数据，期限暂无法计算";

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string ChinaDate(const google::protobuf::Timestamp& t) {
  return Day(absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), ChinaTimeZone()));
}

bool IsIssued(const workflow::v1::Answer& a) {
  return a.state() == workflow::v1::ANSWER_STATE_ISSUED ||
         a.state() == workflow::v1::ANSWER_STATE_SUPERSEDED;
}

v1::StepDeadline Make(v1::Step step, const std::string& subject) {
  v1::StepDeadline s;
  s.set_step(step);
  s.set_subject(subject);
  return s;
}

// `n` working days after `from` (a "YYYY-MM-DD"), with the calendar's explanation.
void SetCounted(v1::StepDeadline& s, const std::string& from, int n,
                const WorkingDayCalendar& calendar) {
  const auto start = ParseCivilDay(from);
  if (!start.has_value()) {
    s.set_explanation("缺少起算日期，期限无法计算");
    return;
  }
  auto due = calendar.AddWorkingDays(*start, n);
  if (!due.ok()) {
    s.set_explanation(kCalendarUnknown);
    return;
  }
  s.set_deadline(Day(due->date));
  s.set_explanation(due->Explain());
}

// A date that was set rather than counted, explained from `from` when the calendar can.
void SetFixed(v1::StepDeadline& s, const std::string& from, const std::string& deadline,
              const std::string& what, const WorkingDayCalendar& calendar) {
  const auto due = ParseCivilDay(deadline);
  if (!due.has_value()) {
    s.set_explanation(absl::StrCat(what, "缺失或格式不对，期限无法判断"));
    return;
  }
  s.set_deadline(deadline);
  const auto start = ParseCivilDay(from);
  auto between = start.has_value() && *start <= *due
                     ? calendar.Between(*start, *due)
                     : absl::StatusOr<Deadline>(absl::InvalidArgumentError("no start"));
  s.set_explanation(between.ok() ? absl::StrCat(what, "：", between->Explain())
                                 : absl::StrCat(what, "：", deadline));
}

bool Answers(const Task& task) { return task.role() != assignment::v1::UNIT_ROLE_CO; }

v1::StepDeadline Acknowledgement(const Task& t, const StepFacts& facts, const StepOptions& o,
                                 const WorkingDayCalendar& calendar) {
  v1::StepDeadline s = Make(v1::STEP_ACKNOWLEDGEMENT, t.name());
  SetCounted(s, t.assign_date(), o.acknowledgement_working_days, calendar);
  if (t.state() != workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT) {
    // Not seen happen (a snapshot that arrived acknowledged): the snapshot's own date.
    s.set_done_date(!facts.acknowledged_date.empty() ? facts.acknowledged_date
                                                     : ChinaDate(t.update_time()));
  }
  return s;
}

v1::StepDeadline Plan(const Task& t, const StepOptions& o, const WorkingDayCalendar& calendar) {
  v1::StepDeadline s = Make(v1::STEP_PLAN, t.name());
  const auto assigned = ParseCivilDay(t.assign_date());
  const int year = t.item().year() > 0
                       ? t.item().year()
                       : (assigned.has_value() ? static_cast<int>(assigned->year()) : 0);
  std::optional<absl::CivilDay> fixed;
  if (o.plan_due.has_value() && year > 0) {
    fixed = absl::CivilDay(year, o.plan_due->month, o.plan_due->day);
  }
  if (fixed.has_value() && assigned.has_value() && *assigned < *fixed) {
    SetFixed(s, t.assign_date(), Day(*fixed), "办理方案固定报送日期", calendar);
  } else {
    SetCounted(s, t.assign_date(), o.plan_working_days, calendar);
  }
  if (t.plan().has_submit_time()) s.set_done_date(ChinaDate(t.plan().submit_time()));
  return s;
}

v1::StepDeadline CoOpinion(const Task& t, const StepOptions& o,
                           const WorkingDayCalendar& calendar) {
  v1::StepDeadline s = Make(v1::STEP_CO_OPINION, t.name());
  std::string dated;
  const workflow::v1::Opinion* sent = nullptr;
  for (const auto& op : t.opinions()) {
    if (!op.due_date().empty()) dated = op.due_date();
    if (op.state() == workflow::v1::OPINION_STATE_SENT ||
        op.state() == workflow::v1::OPINION_STATE_ACCEPTED) {
      sent = &op;
    }
  }
  if (!dated.empty()) {
    SetFixed(s, t.assign_date(), dated, "协办意见期限", calendar);
  } else {
    SetCounted(s, t.assign_date(), o.co_opinion_working_days, calendar);
  }
  if (sent != nullptr) {
    s.set_done_date(sent->has_send_time() ? ChinaDate(sent->send_time())
                                          : ChinaDate(t.update_time()));
  } else if (t.state() == workflow::v1::TASK_STATE_OPINION_SENT) {
    s.set_done_date(ChinaDate(t.update_time()));
  }
  return s;
}

v1::StepDeadline Answer(const Task& t, const WorkingDayCalendar& calendar) {
  v1::StepDeadline s = Make(v1::STEP_ANSWER, t.name());
  SetFixed(s, t.assign_date(), t.deadline(), "办结时限", calendar);
  for (const auto& a : t.answers()) {
    if (IsIssued(a)) {
      s.set_done_date(ChinaDate(a.issue_time()));
      break;
    }
  }
  return s;
}

}  // namespace

absl::StatusOr<std::optional<MonthDay>> ParsePlanDue(absl::string_view text) {
  if (text == "none") return std::optional<MonthDay>();
  MonthDay md;
  // Digits only: SimpleAtoi alone would also take " 4-20" and "+4-20".
  const bool digits = text.size() == 5 && absl::ascii_isdigit(text[0]) &&
                      absl::ascii_isdigit(text[1]) && absl::ascii_isdigit(text[3]) &&
                      absl::ascii_isdigit(text[4]);
  if (!digits || text[2] != '-' || !absl::SimpleAtoi(text.substr(0, 2), &md.month) ||
      !absl::SimpleAtoi(text.substr(3, 2), &md.day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a month-day like \"04-20\" (or \"none\")"));
  }
  const absl::CivilDay leap(2024, md.month, md.day);
  if (md.month < 1 || md.month > 12 || leap.month() != md.month || leap.day() != md.day) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a day of the year"));
  }
  return std::optional<MonthDay>(md);
}

std::vector<v1::StepDeadline> StepDeadlinesOf(const Task& task, const StepFacts& facts,
                                              const StepOptions& options,
                                              const WorkingDayCalendar& calendar) {
  std::vector<v1::StepDeadline> out;
  if (task.state() == workflow::v1::TASK_STATE_CANCELLED) return out;
  out.push_back(Acknowledgement(task, facts, options, calendar));
  if (!Answers(task)) {
    out.push_back(CoOpinion(task, options, calendar));
    return out;
  }
  out.push_back(Plan(task, options, calendar));
  out.push_back(Answer(task, calendar));
  for (const auto& a : task.answers()) {
    if (!IsIssued(a)) continue;
    v1::StepDeadline d = Make(v1::STEP_DISCLOSURE, a.name());
    SetCounted(d, ChinaDate(a.issue_time()), options.disclosure_working_days, calendar);
    if (auto it = facts.disclosed_dates.find(a.name()); it != facts.disclosed_dates.end()) {
      d.set_done_date(it->second);
    }
    out.push_back(std::move(d));
  }
  for (const auto& a : task.answers()) {
    if (!IsIssued(a)) continue;
    for (const auto& m : a.commitments()) {
      v1::StepDeadline c = Make(v1::STEP_COMMITMENT, m.name());
      SetFixed(c, ChinaDate(a.issue_time()), m.due_date(), "承诺完成期限", calendar);
      if (m.state() == workflow::v1::COMMITMENT_STATE_FULFILLED) {
        c.set_done_date(!m.fulfil_date().empty() ? m.fulfil_date() : ChinaDate(task.update_time()));
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

v1::DeadlineState StepStateOn(const v1::StepDeadline& step, absl::CivilDay today, int due_soon,
                              const WorkingDayCalendar& calendar) {
  if (!step.done_date().empty()) return v1::DEADLINE_STATE_DONE;
  const auto deadline = ParseCivilDay(step.deadline());
  if (!deadline.has_value()) return v1::DEADLINE_STATE_UNSPECIFIED;
  if (today > *deadline) return v1::DEADLINE_STATE_OVERDUE;
  auto left = calendar.CountWorkingDays(today, *deadline);
  const int64_t days = left.ok() ? *left : (*deadline - today);
  return days <= due_soon ? v1::DEADLINE_STATE_DUE_SOON : v1::DEADLINE_STATE_ON_TRACK;
}

int64_t WorkingDaysLate(absl::CivilDay deadline, absl::CivilDay today,
                        const WorkingDayCalendar& calendar) {
  if (today <= deadline) return 0;
  auto late = calendar.CountWorkingDays(deadline, today);
  return late.ok() ? *late : (today - deadline);
}

bool RulesActOn(v1::Step step, workflow::v1::TaskState state) {
  if (state == workflow::v1::TASK_STATE_CANCELLED) return false;
  if (step == v1::STEP_DISCLOSURE || step == v1::STEP_COMMITMENT) return true;
  return state == workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT ||
         state == workflow::v1::TASK_STATE_HANDLING;
}

std::string StepLabel(v1::Step step) {
  switch (step) {
    case v1::STEP_ACKNOWLEDGEMENT:
      return "签收";
    case v1::STEP_PLAN:
      return "办理方案";
    case v1::STEP_CO_OPINION:
      return "协办意见";
    case v1::STEP_ANSWER:
      return "答复";
    case v1::STEP_DISCLOSURE:
      return "公开";
    case v1::STEP_COMMITMENT:
      return "承诺事项";
    default:
      return "办理";
  }
}

}  // namespace huiyin::supervision

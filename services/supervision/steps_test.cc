// Step deadlines of one task, worked out by hand on the 2026 calendar: 劳动节 05-01..05-05 are
// holidays and Saturday 05-09 is a make-up working day (劳动节调休).
#include "services/supervision/steps.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/base/clock.h"
#include "gtest/gtest.h"

namespace huiyin::supervision {
namespace {

using workflow::v1::Task;

google::protobuf::Timestamp At(int year, int month, int day) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(year, month, day, 15, 0, 0), ChinaTimeZone())));
  return ts;
}

Task LeadTask(const std::string& assign_date) {
  Task t;
  t.set_name("tasks/t1");
  t.mutable_item()->set_item("items/i1");
  t.mutable_item()->set_year(2026);
  t.set_unit("units/housing");
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  t.set_assign_date(assign_date);
  t.set_deadline("2026-07-31");
  return t;
}

const v1::StepDeadline* Find(const std::vector<v1::StepDeadline>& steps, v1::Step step) {
  for (const auto& s : steps) {
    if (s.step() == step) return &s;
  }
  return nullptr;
}

const WorkingDayCalendar& Calendar() { return WorkingDayCalendar::ChinaMainland(); }

// Assigned Tuesday 2026-04-28, after the fixed plan date of 04-20:
//   签收 3 working days: 04-29 04-30 | 05-01..05-05 holiday | 05-06            → 2026-05-06
//   办理方案 15: 04-29 04-30 05-06 05-07 05-08 05-09(调休) 05-11 … 05-15 05-18 … 05-21 → 2026-05-21
TEST(StepDeadlinesTest, CountedDeadlinesSkipTheHolidayAndCountTheMakeUpDay) {
  const auto steps = StepDeadlinesOf(LeadTask("2026-04-28"), {}, StepOptions{}, Calendar());
  ASSERT_EQ(steps.size(), 3u);  // 签收, 办理方案, 答复: nothing issued yet
  EXPECT_EQ(steps[0].step(), v1::STEP_ACKNOWLEDGEMENT);
  EXPECT_EQ(steps[0].deadline(), "2026-05-06");
  EXPECT_NE(steps[0].explanation().find("劳动节"), std::string::npos) << steps[0].explanation();
  EXPECT_EQ(steps[1].step(), v1::STEP_PLAN);
  EXPECT_EQ(steps[1].deadline(), "2026-05-21");
  EXPECT_EQ(steps[2].step(), v1::STEP_ANSWER);
  EXPECT_EQ(steps[2].deadline(), "2026-07-31");
  for (const auto& s : steps) EXPECT_TRUE(s.done_date().empty());
}

TEST(StepDeadlinesTest, PlanIsDueOnTheFixedDateWhenAssignedBeforeIt) {
  const auto steps = StepDeadlinesOf(LeadTask("2026-03-20"), {}, StepOptions{}, Calendar());
  EXPECT_EQ(Find(steps, v1::STEP_PLAN)->deadline(), "2026-04-20");
  StepOptions counted;
  counted.plan_due.reset();
  counted.plan_working_days = 5;  // 03-23 … 03-27
  EXPECT_EQ(Find(StepDeadlinesOf(LeadTask("2026-03-20"), {}, counted, Calendar()), v1::STEP_PLAN)
                ->deadline(),
            "2026-03-27");
}

// Answer issued 2026-04-28; 公开 20 working days: 04-29 04-30 05-06 05-07 05-08 05-09(调休)
// 05-11..05-15 (5) 05-18..05-22 (5) 05-25 05-26 05-27 05-28 → 2026-05-28.
TEST(StepDeadlinesTest, DoneStepsCarryTheirDates) {
  Task t = LeadTask("2026-03-20");
  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  *t.mutable_plan()->mutable_submit_time() = At(2026, 4, 15);
  auto* a = t.add_answers();
  a->set_name("tasks/t1/answers/a1");
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  *a->mutable_issue_time() = At(2026, 4, 28);
  auto* m1 = a->add_commitments();
  m1->set_name("tasks/t1/answers/a1/commitments/1");
  m1->set_due_date("2026-09-30");
  m1->set_state(workflow::v1::COMMITMENT_STATE_FULFILLED);
  m1->set_fulfil_date("2026-09-01");
  auto* m2 = a->add_commitments();
  m2->set_name("tasks/t1/answers/a1/commitments/2");
  m2->set_due_date("2026-12-31");
  m2->set_state(workflow::v1::COMMITMENT_STATE_OPEN);
  StepFacts facts;
  facts.acknowledged_date = "2026-03-23";
  const auto pending = StepDeadlinesOf(t, facts, StepOptions{}, Calendar());
  ASSERT_EQ(pending.size(), 6u);  // 签收 方案 答复 公开 承诺×2
  EXPECT_EQ(pending[0].done_date(), "2026-03-23");
  EXPECT_EQ(pending[1].done_date(), "2026-04-15");
  EXPECT_EQ(pending[2].done_date(), "2026-04-28");
  EXPECT_EQ(pending[3].step(), v1::STEP_DISCLOSURE);
  EXPECT_EQ(pending[3].subject(), "tasks/t1/answers/a1");
  EXPECT_EQ(pending[3].deadline(), "2026-05-28");
  EXPECT_TRUE(pending[3].done_date().empty());
  EXPECT_EQ(pending[4].subject(), "tasks/t1/answers/a1/commitments/1");
  EXPECT_EQ(pending[4].done_date(), "2026-09-01");
  EXPECT_EQ(pending[5].deadline(), "2026-12-31");
  EXPECT_TRUE(pending[5].done_date().empty());
  facts.disclosed_dates["tasks/t1/answers/a1"] = "2026-05-20";
  EXPECT_EQ(StepDeadlinesOf(t, facts, StepOptions{}, Calendar())[3].done_date(), "2026-05-20");
}

TEST(StepDeadlinesTest, ReturnedAnswerIsNotDone) {
  Task t = LeadTask("2026-03-20");
  t.set_state(workflow::v1::TASK_STATE_HANDLING);
  auto* a = t.add_answers();
  a->set_name("tasks/t1/answers/a1");
  a->set_state(workflow::v1::ANSWER_STATE_RETURNED);
  *a->mutable_issue_time() = At(2026, 4, 28);
  const auto steps = StepDeadlinesOf(t, {}, StepOptions{}, Calendar());
  EXPECT_TRUE(Find(steps, v1::STEP_ANSWER)->done_date().empty());
  EXPECT_EQ(Find(steps, v1::STEP_DISCLOSURE), nullptr);
}

TEST(StepDeadlinesTest, CoHandlerOpinionTakesWorkflowsDueDateAndIsDoneOnlyWhileSent) {
  Task co = LeadTask("2026-03-20");
  co.set_role(assignment::v1::UNIT_ROLE_CO);
  co.set_state(workflow::v1::TASK_STATE_HANDLING);
  auto steps = StepDeadlinesOf(co, {}, StepOptions{}, Calendar());
  ASSERT_EQ(steps.size(), 2u);  // 签收, 协办意见: a co-handler neither plans nor answers
  // 30 working days from Friday 03-20: 03-23..04-03 (10), 04-07..04-10 (4, 清明 04-04..04-06),
  // 04-13..04-30 (14), 05-06 05-07 (2) → 2026-05-07.
  EXPECT_EQ(steps[1].deadline(), "2026-05-07");
  auto* o = co.add_opinions();
  o->set_due_date("2026-05-08");
  o->set_state(workflow::v1::OPINION_STATE_SENT_BACK);
  *o->mutable_send_time() = At(2026, 4, 10);
  steps = StepDeadlinesOf(co, {}, StepOptions{}, Calendar());
  EXPECT_EQ(steps[1].deadline(), "2026-05-08");
  EXPECT_TRUE(steps[1].done_date().empty());
  auto* again = co.add_opinions();
  again->set_due_date("2026-05-08");
  again->set_state(workflow::v1::OPINION_STATE_SENT);
  *again->mutable_send_time() = At(2026, 4, 21);
  EXPECT_EQ(StepDeadlinesOf(co, {}, StepOptions{}, Calendar())[1].done_date(), "2026-04-21");
}

TEST(StepDeadlinesTest, YearTheCalendarDoesNotKnowIsRefusedNotGuessed) {
  Task t = LeadTask("2026-12-29");
  const auto steps = StepDeadlinesOf(t, {}, StepOptions{}, Calendar());
  // 签收 3 working days from 12-29: 12-30 12-31, then 2027, which the calendar does not know.
  EXPECT_TRUE(steps[0].deadline().empty());
  EXPECT_FALSE(steps[0].explanation().empty());
  EXPECT_EQ(StepStateOn(steps[0], absl::CivilDay(2026, 12, 30), 3, Calendar()),
            v1::DEADLINE_STATE_UNSPECIFIED);
}

// 签收 due 2026-05-06 (the day after the holiday), lead time 2 working days.
//   04-28: 04-29 04-30 05-06 = 3 left → ON_TRACK
//   04-29: 04-30 05-06 = 2 left → DUE_SOON (7 calendar days: had the holiday counted, ON_TRACK)
//   05-06: 0 left → DUE_SOON;  05-07: OVERDUE
TEST(StepDeadlinesTest, StatesAcrossTheHoliday) {
  v1::StepDeadline s;
  s.set_step(v1::STEP_ACKNOWLEDGEMENT);
  s.set_deadline("2026-05-06");
  auto on = [&](int month, int day) {
    return StepStateOn(s, absl::CivilDay(2026, month, day), 2, Calendar());
  };
  EXPECT_EQ(on(4, 28), v1::DEADLINE_STATE_ON_TRACK);
  EXPECT_EQ(on(4, 29), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(on(5, 6), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(on(5, 7), v1::DEADLINE_STATE_OVERDUE);
  s.set_done_date("2026-05-08");
  EXPECT_EQ(on(5, 9), v1::DEADLINE_STATE_DONE);
}

// Late after 05-06: 05-07 05-08 05-09(调休) = 3 on Sunday 05-10, 4 on Monday 05-11.
TEST(StepDeadlinesTest, WorkingDaysLateCountTheMakeUpDay) {
  const absl::CivilDay due(2026, 5, 6);
  EXPECT_EQ(WorkingDaysLate(due, due, Calendar()), 0);
  EXPECT_EQ(WorkingDaysLate(due, absl::CivilDay(2026, 5, 10), Calendar()), 3);
  EXPECT_EQ(WorkingDaysLate(due, absl::CivilDay(2026, 5, 11), Calendar()), 4);
}

TEST(StepDeadlinesTest, ParsesThePlanMonthDay) {
  auto april = ParsePlanDue("04-20");
  ASSERT_TRUE(april.ok());
  ASSERT_TRUE(april->has_value());
  EXPECT_EQ((*april)->month, 4);
  EXPECT_EQ((*april)->day, 20);
  auto none = ParsePlanDue("none");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // " 4-20" and "+4-20" found by tests/fuzz/field_checks_fuzz (a parsed day prints back as given).
  for (const char* bad :
       {"", "4-20", "04-31", "13-01", "04/20", "2026-04-20", " 4-20", "+4-20", "04- 1"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParsePlanDue(bad).status())) << bad;
  }
}

TEST(StepDeadlinesTest, RulesActOnOpenTasksAndOnDisclosureAndCommitmentsAfter) {
  EXPECT_TRUE(RulesActOn(v1::STEP_PLAN, workflow::v1::TASK_STATE_HANDLING));
  EXPECT_FALSE(RulesActOn(v1::STEP_PLAN, workflow::v1::TASK_STATE_CLOSED));
  EXPECT_FALSE(RulesActOn(v1::STEP_CO_OPINION, workflow::v1::TASK_STATE_OPINION_SENT));
  EXPECT_TRUE(RulesActOn(v1::STEP_COMMITMENT, workflow::v1::TASK_STATE_CLOSED));
  EXPECT_TRUE(RulesActOn(v1::STEP_DISCLOSURE, workflow::v1::TASK_STATE_ANSWERED));
  EXPECT_FALSE(RulesActOn(v1::STEP_DISCLOSURE, workflow::v1::TASK_STATE_CANCELLED));
}

}  // namespace
}  // namespace huiyin::supervision

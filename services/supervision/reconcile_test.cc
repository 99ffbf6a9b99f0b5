#include "services/supervision/reconcile.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::supervision {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kItem[] = "items/k7q2";
constexpr char kUnit[] = "units/zhujianju";
constexpr char kTask[] = "tasks/t-1";
constexpr char kAnswer[] = "tasks/t-1/answers/a-1";

intake::v1::Item AcceptedItem() {
  intake::v1::Item item;
  item.set_name(kItem);
  item.set_number_label("建议第15号");
  item.set_state(intake::v1::ITEM_STATE_ACCEPTED);
  item.set_year(2026);
  return item;
}

assignment::v1::Assignment SoleAssignment() {
  assignment::v1::Assignment a;
  a.mutable_item()->set_item(kItem);
  a.add_units()->set_unit(kUnit);
  return a;
}

// 住建局's task, answered and rated 满意.
workflow::v1::Task AnsweredTask() {
  workflow::v1::Task t;
  t.set_name(kTask);
  t.mutable_item()->set_item(kItem);
  t.mutable_item()->set_year(2026);
  t.set_unit(kUnit);
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  t.set_deadline("2026-12-31");
  auto* a = t.add_answers();
  a->set_name(kAnswer);
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  a->set_answer_class(workflow::v1::ANSWER_CLASS_A);
  a->mutable_issue_time()->set_seconds(1780000000);  // 2026-05-28
  a->mutable_evaluation()->set_rating(workflow::v1::RATING_SATISFIED);
  return t;
}

// What supervision shows once it applied every event of the owners above.
v1::LedgerEntry AgreeingEntry() {
  v1::LedgerEntry e;
  e.mutable_item()->set_item(kItem);
  e.mutable_item()->set_number_label("建议第15号");
  e.set_stage(v1::STAGE_ANSWERED);
  auto* u = e.add_units();
  u->set_unit(kUnit);
  u->set_task(kTask);
  u->set_task_state(workflow::v1::TASK_STATE_ANSWERED);
  for (auto step : {v1::STEP_ACKNOWLEDGEMENT, v1::STEP_ANSWER}) {
    auto* s = u->add_steps();
    s->set_step(step);
    s->set_done_date("2026-05-29");
  }
  auto* a = e.add_answers();
  a->set_answer(kAnswer);
  a->set_rating(workflow::v1::RATING_SATISFIED);
  return e;
}

v1::FigureCounts AgreeingFigures() {
  v1::FigureCounts f;
  f.set_assigned(1);
  f.set_answered(1);
  f.set_answered_on_time(1);
  f.set_class_a(1);
  f.set_rated(1);
  f.set_satisfied(1);
  return f;
}

Snapshot Consistent() {
  Snapshot s;
  AddItem(s, AcceptedItem());
  AddAssignment(s, SoleAssignment());
  AddTask(s, AnsweredTask());
  AddLedgerEntry(s, AgreeingEntry());
  AddLedgerFigures(s, 2026, AgreeingFigures());
  return s;
}

TEST(ReconcileTest, AgreesWhenTheLedgerShowsWhatTheOwnersSay) {
  EXPECT_THAT(Reconcile(Consistent()), IsEmpty());
}

TEST(ReconcileTest, FindsAnItemTheLedgerNeverGot) {
  Snapshot s = Consistent();
  intake::v1::Item other = AcceptedItem();
  other.set_name("items/m3x9");
  other.set_number_label("建议第16号");
  AddItem(s, other);
  auto found = Reconcile(s);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].check, "ledger-missing");
  EXPECT_THAT(found[0].text, HasSubstr("建议第16号"));
}

TEST(ReconcileTest, FindsATaskCreatedTwiceForOneAssignedUnit) {
  Snapshot s = Consistent();
  workflow::v1::Task again = AnsweredTask();
  again.set_name("tasks/t-2");
  AddTask(s, again);
  auto found = Reconcile(s);
  EXPECT_THAT(found, testing::Contains(Field(&Disagreement::check, "task-duplicate")));
  EXPECT_THAT(found, testing::Contains(Field(&Disagreement::check, "figure-assigned")));
}

TEST(ReconcileTest, FindsARatingTheLedgerDidNotApply) {
  Snapshot s = Consistent();
  v1::LedgerEntry stale = AgreeingEntry();
  stale.mutable_answers(0)->set_rating(workflow::v1::RATING_UNSPECIFIED);
  AddLedgerEntry(s, stale);
  auto found = Reconcile(s);
  ASSERT_THAT(found, ElementsAre(Field(&Disagreement::check, "rating")));
  EXPECT_THAT(found[0].text, HasSubstr("RATING_SATISFIED"));
}

TEST(ReconcileTest, FindsAStepTheLedgerShowsUndone) {
  Snapshot s = Consistent();
  v1::LedgerEntry stale = AgreeingEntry();
  stale.mutable_units(0)->mutable_steps(1)->clear_done_date();  // 答复
  AddLedgerEntry(s, stale);
  auto found = Reconcile(s);
  ASSERT_THAT(found, ElementsAre(Field(&Disagreement::check, "step")));
  EXPECT_THAT(found[0].text,
              HasSubstr("STEP_ANSWER: workflow says done, the ledger says not done"));
}

TEST(ReconcileTest, FindsAFigureCountedTwice) {
  Snapshot s = Consistent();
  v1::FigureCounts twice = AgreeingFigures();
  twice.set_satisfied(2);
  AddLedgerFigures(s, 2026, twice);
  auto found = Reconcile(s);
  ASSERT_THAT(found, ElementsAre(Field(&Disagreement::check, "figure-satisfied")));
  EXPECT_THAT(found[0].text,
              HasSubstr("satisfied is 1 counted from workflow's tasks; supervision says 2"));
}

TEST(ReconcileTest, FindsAPublicationTheLedgerMissed) {
  Snapshot s = Consistent();
  disclosure::v1::Disclosure record;
  record.set_item(kItem);
  record.set_state(disclosure::v1::DISCLOSURE_STATE_PUBLISHED);
  record.set_version(1);
  record.add_answers()->set_answer(kAnswer);
  AddDisclosure(s, record);
  EXPECT_THAT(Reconcile(s), ElementsAre(Field(&Disagreement::check, "disclosure-state")));
}

}  // namespace
}  // namespace huiyin::supervision

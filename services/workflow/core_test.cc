// The life of an item through workflow: tasks from assignment's events, acknowledgement with the
// three levels, contacts, co-handlers' opinions and their window, answers through review,
// signature and issue, the proposer's evaluation, second handling, returns and commitments —
// and every refusal with its status.
#include "services/workflow/core.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/workflow/testing.h"

namespace huiyin::workflow {
namespace {

using assignment::v1::ASSIGNMENT_MODE_LEAD_AND_CO;
using assignment::v1::ASSIGNMENT_MODE_SOLE;
using assignment::v1::ASSIGNMENT_MODE_SPLIT;
using assignment::v1::UNIT_ROLE_CO;
using assignment::v1::UNIT_ROLE_LEAD;
using assignment::v1::UNIT_ROLE_PART;
using testing::Assigned;
using testing::Assignment;
using testing::ClerkOf;
using testing::DeputyOf;
using ::testing::ElementsAre;
using testing::GoodAnswer;
using testing::HeadOf;
using ::testing::IsEmpty;
using testing::Proposer;
using testing::VagueAnswer;

class WorkflowCoreTest : public testing::WorkflowFixture {
 protected:
  v1::Task SoleTask() {
    Arrive("a1", Assignment("a1", ASSIGNMENT_MODE_SOLE, {Assigned("housing", UNIT_ROLE_LEAD)}));
    return TaskOf("a1", "housing");
  }
  absl::StatusOr<v1::Contact> Contact(const v1::Task& task, const std::string& unit,
                                      const std::string& date) {
    v1::RecordContactRequest r;
    r.set_name(task.name());
    auto* c = r.mutable_contact();
    c->set_stage(v1::CONTACT_STAGE_BEFORE);
    c->set_mode(v1::CONTACT_MODE_SITE_VISIT);
    c->set_contact_date(date);
    c->add_participants("王建国");
    c->add_participants("孙浩");
    c->set_summary("到解放路小区实地查看管网和停车情况，听取王建国代表意见。");
    return core_->RecordContact(ClerkOf(unit), r);
  }
  absl::StatusOr<v1::Opinion> SendOpinion(const v1::Task& co, const std::string& unit,
                                          const std::string& text) {
    v1::SendOpinionRequest r;
    r.set_name(co.name());
    r.set_text(text);
    return core_->SendOpinion(ClerkOf(unit), r);
  }
  absl::StatusOr<v1::Opinion> ReviewOpinion(const std::string& opinion, const std::string& unit,
                                            bool accept, const std::string& reason = "") {
    v1::ReviewOpinionRequest r;
    r.set_name(opinion);
    r.set_accept(accept);
    r.set_reason(reason);
    return core_->ReviewOpinion(ClerkOf(unit), r);
  }
  absl::StatusOr<v1::Commitment> Fulfill(
      const std::string& commitment, const std::string& unit,
      const std::string& evidence = "县住建〔2025〕45号验收报告") {
    v1::FulfillCommitmentRequest r;
    r.set_name(commitment);
    r.set_evidence(evidence);
    return core_->FulfillCommitment(ClerkOf(unit), r);
  }
};

TEST_F(WorkflowCoreTest, SoleItemFromTaskToClosing) {
  v1::Task task = SoleTask();
  EXPECT_EQ(task.state(), v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  // The event carried no display name: taken from the unit as assignment's feed brought it.
  EXPECT_EQ(task.unit_display_name(), "县住房和城乡建设局");
  EXPECT_EQ(task.deadline(), "2025-06-10");
  EXPECT_EQ(task.round(), 1);

  task = Acknowledge(task, "housing");
  EXPECT_EQ(task.state(), v1::TASK_STATE_HANDLING);
  EXPECT_EQ(task.responsible().head_name(), "陈志强");
  EXPECT_EQ(task.responsible().deputy_head_name(), "刘卫东");
  EXPECT_EQ(task.responsible().clerk_name(), "孙浩");

  v1::SubmitPlanRequest plan;
  plan.set_name(task.name());
  plan.set_text("成立工作专班，4月完成摸底，5月与城关镇对接改造计划。");
  plan.set_plan_date("2025-03-14");
  ASSERT_TRUE(core_->SubmitPlan(ClerkOf("housing"), plan).ok());

  SetToday(2025, 4, 2);
  auto contact = Contact(task, "housing", "2025-04-01");
  ASSERT_TRUE(contact.ok()) << contact.status();
  EXPECT_THAT(contact->name(), ::testing::StartsWith(task.name() + "/contacts/"));

  SetToday(2025, 6, 20);
  auto draft = Draft(task, "housing", GoodAnswer());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->state(), v1::ANSWER_STATE_DRAFT);
  EXPECT_THAT(draft->findings(), IsEmpty());
  EXPECT_EQ(draft->commitments(0).name(), draft->name() + "/commitments/1");

  auto reviewed = Review(draft->name(), DeputyOf("housing"));
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  EXPECT_EQ(reviewed->state(), v1::ANSWER_STATE_REVIEWED);
  auto signed_answer = Sign(draft->name(), HeadOf("housing"));
  ASSERT_TRUE(signed_answer.ok()) << signed_answer.status();
  EXPECT_EQ(signed_answer->state(), v1::ANSWER_STATE_SIGNED);
  auto issued = Issue(draft->name(), ClerkOf("housing"));
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(Reload(task).state(), v1::TASK_STATE_ANSWERED);

  SetToday(2025, 7, 1);
  auto rated = Evaluate(draft->name(), Proposer("persons/wang"), v1::RATING_SATISFIED, "很满意");
  ASSERT_TRUE(rated.ok()) << rated.status();
  // Class B: closed only once every commitment is fulfilled.
  EXPECT_EQ(Reload(task).state(), v1::TASK_STATE_ANSWERED);
  ASSERT_TRUE(Fulfill(issued->commitments(0).name(), "housing").ok());
  EXPECT_EQ(Reload(task).state(), v1::TASK_STATE_ANSWERED);
  ASSERT_TRUE(Fulfill(issued->commitments(1).name(), "housing").ok());
  EXPECT_EQ(Reload(task).state(), v1::TASK_STATE_CLOSED);

  EXPECT_EQ(EventsOf<v1::TaskCreated>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::AnswerIssued>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::CommitmentFulfilled>().size(), 2u);
  ASSERT_EQ(EventsOf<v1::TaskClosed>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::TaskClosed>()[0].task().state(), v1::TASK_STATE_CLOSED);
}

TEST_F(WorkflowCoreTest, LeadAndCoKeyItemWaitsForTheOpinionAndTheLeadingOfficial) {
  auto a = Assignment("a2", ASSIGNMENT_MODE_LEAD_AND_CO,
                      {Assigned("housing", UNIT_ROLE_LEAD), Assigned("chengguan", UNIT_ROLE_CO)});
  a.set_key(true);
  a.set_leading_official("persons/vice-mayor-zhao");
  Arrive("a2", a);
  v1::Task lead = Acknowledge(TaskOf("a2", "housing"), "housing");
  v1::Task co = Acknowledge(TaskOf("a2", "chengguan"), "chengguan");

  // A co-handler sends an opinion, it does not answer.
  EXPECT_EQ(Draft(co, "chengguan", GoodAnswer()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  SetToday(2025, 4, 1);
  auto first = SendOpinion(co, "chengguan", "同意。");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->due_date(), "2025-04-22");  // 30 working days after 2025-03-10, 清明 skipped
  EXPECT_EQ(first->lead_task(), lead.name());

  auto draft = Draft(lead, "housing", GoodAnswer());
  ASSERT_TRUE(draft.ok());
  ASSERT_TRUE(Review(draft->name(), DeputyOf("housing")).ok());
  // The opinion waits for the lead unit's review.
  EXPECT_EQ(Sign(draft->name(), HeadOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Only the lead unit reviews; sending back needs a reason.
  EXPECT_EQ(ReviewOpinion(first->name(), "chengguan", true).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReviewOpinion(first->name(), "housing", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto sent_back = ReviewOpinion(first->name(), "housing", false, "无实质内容");
  ASSERT_TRUE(sent_back.ok()) << sent_back.status();
  EXPECT_EQ(sent_back->state(), v1::OPINION_STATE_SENT_BACK);
  // Sent back, inside the window: still outstanding.
  EXPECT_EQ(Sign(draft->name(), HeadOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto second = SendOpinion(co, "chengguan",
                            "城关镇将配合做好解放路、建设路小区居民动员和施工期间交通疏导，"
                            "并负责改造后小区物业管理的引入。");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(ReviewOpinion(second->name(), "housing", true).ok());
  EXPECT_EQ(Reload(co).state(), v1::TASK_STATE_OPINION_SENT);
  EXPECT_EQ(Reload(lead).opinions_size(), 2);

  auto by_head = Sign(draft->name(), HeadOf("housing"));
  ASSERT_TRUE(by_head.ok()) << by_head.status();
  // A key item: the leading official signs after the head.
  EXPECT_EQ(by_head->state(), v1::ANSWER_STATE_REVIEWED);
  EXPECT_EQ(Issue(draft->name(), ClerkOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Sign(draft->name(), testing::LeadingOfficial("persons/vice-mayor-qian")).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto by_official = Sign(draft->name(), testing::LeadingOfficial("persons/vice-mayor-zhao"));
  ASSERT_TRUE(by_official.ok()) << by_official.status();
  EXPECT_EQ(by_official->state(), v1::ANSWER_STATE_SIGNED);
  EXPECT_EQ(by_official->leading_official_signed_by(), "persons/vice-mayor-zhao");
  ASSERT_TRUE(Issue(draft->name(), ClerkOf("housing")).ok());
  ASSERT_TRUE(
      Evaluate(draft->name(), Proposer("persons/wang"), v1::RATING_BASICALLY_SATISFIED).ok());
  EXPECT_EQ(EventsOf<v1::OpinionSent>().size(), 2u);
  EXPECT_EQ(EventsOf<v1::OpinionReviewed>().size(), 2u);
  // Class B: the item closes once its commitments are fulfilled — and the co-handler's part
  // closes with it, each with its TaskClosed.
  EXPECT_EQ(Reload(co).state(), v1::TASK_STATE_OPINION_SENT);
  for (const auto& c : by_official->commitments()) ASSERT_TRUE(Fulfill(c.name(), "housing").ok());
  EXPECT_EQ(Reload(lead).state(), v1::TASK_STATE_CLOSED);
  EXPECT_EQ(Reload(co).state(), v1::TASK_STATE_CLOSED);
  EXPECT_EQ(EventsOf<v1::TaskClosed>().size(), 2u);
}

// 30 working days from 2025-04-14 (a Monday): 15–18 Apr (4), 21–25 Apr (9), Sunday 27 Apr is a
// 劳动节 make-up working day (10), 28–30 Apr (13), 1–5 May holiday, 6–9 May (17), 12–16 May (22),
// 19–23 May (27), 26, 27, 28 May (30): due 2025-05-28 (data/cn_mainland.txt, year 2025).
TEST_F(WorkflowCoreTest, CoOpinionWindowOfThirtyWorkingDaysAcrossLabourDay) {
  Arrive("a3",
         Assignment("a3", ASSIGNMENT_MODE_LEAD_AND_CO,
                    {Assigned("housing", UNIT_ROLE_LEAD), Assigned("chengguan", UNIT_ROLE_CO)},
                    "2025-04-14", "2025-07-14"));
  v1::Task lead = Acknowledge(TaskOf("a3", "housing"), "housing");
  Acknowledge(TaskOf("a3", "chengguan"), "chengguan");
  SetToday(2025, 5, 26);
  auto draft = Draft(lead, "housing", GoodAnswer());
  ASSERT_TRUE(draft.ok());
  ASSERT_TRUE(Review(draft->name(), DeputyOf("housing")).ok());

  SetToday(2025, 5, 28);  // the last day of the window: still waited for
  auto refused = Sign(draft->name(), HeadOf("housing"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), ::testing::HasSubstr("2025-05-28"));
  EXPECT_THAT(EventsOf<v1::OpinionMissing>(), IsEmpty());

  SetToday(2025, 5, 29);  // past it: recorded missing, not waited for
  auto signed_answer = Sign(draft->name(), HeadOf("housing"));
  ASSERT_TRUE(signed_answer.ok()) << signed_answer.status();
  auto missing = EventsOf<v1::OpinionMissing>();
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].opinion().state(), v1::OPINION_STATE_MISSING);
  EXPECT_EQ(missing[0].opinion().due_date(), "2025-05-28");
  EXPECT_EQ(missing[0].opinion().from_unit(), "units/chengguan");
  ASSERT_EQ(Reload(lead).opinions_size(), 1);
  EXPECT_EQ(Reload(lead).opinions(0).state(), v1::OPINION_STATE_MISSING);
}

TEST_F(WorkflowCoreTest, SplitItemEachPartAnswersOnItsOwn) {
  Arrive("a4", Assignment("a4", ASSIGNMENT_MODE_SPLIT,
                          {Assigned("housing", UNIT_ROLE_PART, "小区改造部分"),
                           Assigned("transport", UNIT_ROLE_PART, "周边道路部分")}));
  v1::Task housing = Acknowledge(TaskOf("a4", "housing"), "housing");
  v1::Task transport = Acknowledge(TaskOf("a4", "transport"), "transport");
  EXPECT_EQ(housing.part(), "小区改造部分");
  EXPECT_EQ(SendOpinion(housing, "housing", "意见").status().code(),
            absl::StatusCode::kFailedPrecondition);
  SetToday(2025, 6, 20);
  v1::Answer h = IssueThrough(housing, "housing", GoodAnswer());
  EXPECT_EQ(Reload(transport).state(), v1::TASK_STATE_HANDLING);
  v1::Answer t = IssueThrough(transport, "transport", GoodAnswer());
  EXPECT_EQ(h.state(), v1::ANSWER_STATE_ISSUED);
  EXPECT_EQ(t.state(), v1::ANSWER_STATE_ISSUED);
  EXPECT_EQ(Reload(housing).state(), v1::TASK_STATE_ANSWERED);
  EXPECT_EQ(Reload(transport).state(), v1::TASK_STATE_ANSWERED);
  // Each part is rated on its own.
  ASSERT_TRUE(Evaluate(h.name(), Proposer("persons/wang"), v1::RATING_UNSATISFIED).ok());
  EXPECT_EQ(Reload(housing).state(), v1::TASK_STATE_HANDLING);
  EXPECT_EQ(Reload(transport).state(), v1::TASK_STATE_ANSWERED);
}

TEST_F(WorkflowCoreTest, UnsatisfiedStartsSecondHandling) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 6, 20);
  v1::Answer first = IssueThrough(task, "housing", GoodAnswer());
  SetToday(2025, 7, 1);
  auto rated = Evaluate(first.name(), Proposer("persons/wang"), v1::RATING_UNSATISFIED,
                        "停车位数量不足，未涉及加装电梯");
  ASSERT_TRUE(rated.ok()) << rated.status();
  task = Reload(task);
  EXPECT_EQ(task.state(), v1::TASK_STATE_HANDLING);
  EXPECT_EQ(task.round(), 2);
  EXPECT_EQ(task.deadline(), "2025-10-09");  // 3 months after 2025-07-01 falls in 国庆中秋
  auto second_handling = EventsOf<v1::SecondHandlingStarted>();
  ASSERT_EQ(second_handling.size(), 1u);
  EXPECT_EQ(second_handling[0].answer().evaluation().rating(), v1::RATING_UNSATISFIED);
  // Once per answer.
  EXPECT_EQ(Evaluate(first.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).status().code(),
            absl::StatusCode::kFailedPrecondition);

  SetToday(2025, 8, 15);
  v1::Answer second = IssueThrough(task, "housing", GoodAnswer());
  EXPECT_EQ(second.round(), 2);
  task = Reload(task);
  EXPECT_EQ(task.answers(0).state(), v1::ANSWER_STATE_SUPERSEDED);
  ASSERT_TRUE(Evaluate(second.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).ok());
}

TEST_F(WorkflowCoreTest, OnlyTheLeadProposerRates) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 6, 20);
  v1::Answer a = IssueThrough(task, "housing", GoodAnswer());
  for (const Caller& caller :
       {ClerkOf("housing"), HeadOf("housing"), testing::GovernmentOffice(),
        testing::CongressOffice(), testing::SupervisionOffice(), Proposer("persons/li"),
        Proposer("persons/zhang"), testing::LeadingOfficial("persons/vice-mayor-zhao")}) {
    EXPECT_EQ(Evaluate(a.name(), caller, v1::RATING_SATISFIED).status().code(),
              absl::StatusCode::kPermissionDenied)
        << caller.principal();
  }
  // A proposer learns nothing of tasks that are not theirs, existing or not.
  EXPECT_EQ(Evaluate("tasks/nope/answers/x", Proposer("persons/zhang"), v1::RATING_SATISFIED)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(EventsOf<v1::AnswerEvaluated>(), IsEmpty());
  ASSERT_TRUE(Evaluate(a.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).ok());
}

TEST_F(WorkflowCoreTest, RefusalsWithTheirStatus) {
  v1::Task task = SoleTask();
  // Acknowledgement names people of the unit in the right roles.
  v1::AcknowledgeTaskRequest ack;
  ack.set_name(task.name());
  *ack.mutable_responsible() = ResponsibleOf("housing");
  ack.mutable_responsible()->set_deputy_head("persons/chengguan-deputy");
  ack.mutable_responsible()->set_head("persons/housing-clerk");
  auto wrong_people = core_->AcknowledgeTask(ClerkOf("housing"), ack);
  EXPECT_EQ(wrong_people.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(wrong_people.status()).size(), 2u);
  *ack.mutable_responsible() = ResponsibleOf("housing");
  ack.mutable_responsible()->set_section("财务股");
  EXPECT_THAT(FieldViolationsOf(core_->AcknowledgeTask(ClerkOf("housing"), ack).status()),
              ElementsAre(::testing::Pair("responsible.section", ::testing::_)));
  *ack.mutable_responsible() = ResponsibleOf("housing");
  EXPECT_EQ(core_->AcknowledgeTask(ClerkOf("transport"), ack).status().code(),
            absl::StatusCode::kPermissionDenied);
  ack.set_etag("r999");
  EXPECT_EQ(core_->AcknowledgeTask(ClerkOf("housing"), ack).status().code(),
            absl::StatusCode::kAborted);
  ack.set_name("tasks/none");
  EXPECT_EQ(core_->AcknowledgeTask(ClerkOf("housing"), ack).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetTaskRequest get;
  get.set_name("tasks/none");
  EXPECT_EQ(core_->GetTask(testing::GovernmentOffice(), get).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->GetTask(ClerkOf("housing"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Nothing before acknowledgement.
  EXPECT_EQ(Draft(task, "housing", GoodAnswer()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  task = Acknowledge(task, "housing");
  ack.set_name(task.name());
  ack.clear_etag();
  EXPECT_EQ(core_->AcknowledgeTask(ClerkOf("housing"), ack).status().code(),
            absl::StatusCode::kFailedPrecondition);  // twice

  // Contacts: not before the assignment, not in the future.
  SetToday(2025, 4, 2);
  EXPECT_EQ(Contact(task, "housing", "2025-03-07").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Contact(task, "housing", "2025-04-03").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contact(task, "housing", "2025-03-10").ok());

  // Drafting rules.
  v1::Answer no_commitments = GoodAnswer();
  no_commitments.clear_commitments();
  EXPECT_EQ(Draft(task, "housing", no_commitments).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::Answer d = GoodAnswer();
  d.set_answer_class(v1::ANSWER_CLASS_D);
  EXPECT_EQ(Draft(task, "housing", d).status().code(), absl::StatusCode::kInvalidArgument);
  auto draft = Draft(task, "housing", GoodAnswer());
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(Draft(task, "housing", GoodAnswer()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // Only the named people review and sign, in order.
  EXPECT_EQ(Review(draft->name(), ClerkOf("housing")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Review(draft->name(), HeadOf("housing")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Review(draft->name(), DeputyOf("transport")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Review(draft->name(), DeputyOf("housing"), false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Sign(draft->name(), HeadOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Issue(draft->name(), ClerkOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Evaluate(draft->name(), Proposer("persons/wang"), v1::RATING_SATISFIED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ReviewAnswerRequest stale;
  stale.set_name(draft->name());
  stale.set_approve(true);
  stale.set_etag("r1");
  EXPECT_EQ(core_->ReviewAnswer(DeputyOf("housing"), stale).status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(Review(draft->name(), DeputyOf("housing")).ok());
  EXPECT_EQ(Sign(draft->name(), DeputyOf("housing")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      Sign(draft->name(), testing::LeadingOfficial("persons/vice-mayor-zhao")).status().code(),
      absl::StatusCode::kPermissionDenied);  // not a key item
}

TEST_F(WorkflowCoreTest, BlockingFindingStopsReviewUntilTheDraftIsFixed) {
  auto blocking = std::set<int>{v1::PRECHECK_CODE_VAGUE_WORDING, v1::PRECHECK_CODE_OFF_TOPIC};
  options_.blocking_findings = blocking;
  MakeCore();
  v1::Task task = Acknowledge(SoleTask(), "housing");
  auto draft = Draft(task, "housing", VagueAnswer());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->findings_size(), 6);

  v1::PrecheckAnswerRequest check;
  check.set_name(draft->name());
  auto pre = core_->PrecheckAnswer(ClerkOf("housing"), check);
  ASSERT_TRUE(pre.ok());
  EXPECT_TRUE(pre->blocking());
  EXPECT_EQ(Review(draft->name(), DeputyOf("housing")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UpdateDraftRequest update;
  *update.mutable_answer() = GoodAnswer();
  update.mutable_answer()->set_name(draft->name());
  update.mutable_answer()->set_etag("r1");
  EXPECT_EQ(core_->UpdateDraft(ClerkOf("housing"), update).status().code(),
            absl::StatusCode::kAborted);
  update.mutable_answer()->set_etag(Reload(task).answers(0).etag());
  auto fixed = core_->UpdateDraft(ClerkOf("housing"), update);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_THAT(fixed->findings(), IsEmpty());
  EXPECT_TRUE(Review(draft->name(), DeputyOf("housing")).ok());
}

TEST_F(WorkflowCoreTest, SupervisionReturnsAnIssuedAnswer) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 6, 20);
  v1::Answer a = IssueThrough(task, "housing", GoodAnswer());
  v1::ReturnAnswerRequest r;
  r.set_name(a.name());
  r.add_reasons(v1::RETURN_REASON_AMBIGUOUS);
  r.set_comment("停车位建设地点不明确");
  EXPECT_EQ(core_->ReturnAnswer(ClerkOf("housing"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->ReturnAnswer(testing::GovernmentOffice(), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto returned = core_->ReturnAnswer(testing::SupervisionOffice(), r);
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), v1::ANSWER_STATE_RETURNED);
  ASSERT_EQ(returned->returns_size(), 1);
  EXPECT_EQ(returned->returns(0).returned_by(), "persons/sup-1");
  task = Reload(task);
  EXPECT_EQ(task.state(), v1::TASK_STATE_HANDLING);
  EXPECT_EQ(task.returned_count(), 1);
  EXPECT_EQ(EventsOf<v1::AnswerReturned>().size(), 1u);
  EXPECT_EQ(ReasonOfLast("AnswerReturned"), "停车位建设地点不明确");  // 留痕: who and why
  EXPECT_EQ(core_->ReturnAnswer(testing::SupervisionOffice(), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A returned answer is not rated; a new one is drafted.
  EXPECT_EQ(Evaluate(a.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Draft(task, "housing", GoodAnswer()).ok());
}

TEST_F(WorkflowCoreTest, RatedAnswerIsReturnedOnlyWhenFoundContraryToTheFacts) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 6, 20);
  v1::Answer a = IssueThrough(task, "housing", GoodAnswer());
  ASSERT_TRUE(Evaluate(a.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).ok());
  v1::ReturnAnswerRequest r;
  r.set_name(a.name());
  r.add_reasons(v1::RETURN_REASON_AMBIGUOUS);
  r.set_comment("答复含糊");
  EXPECT_EQ(core_->ReturnAnswer(testing::SupervisionOffice(), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
  r.add_reasons(v1::RETURN_REASON_CONTRADICTS_FACTS);
  r.set_comment("实地核查：停车场未建成");
  auto returned = core_->ReturnAnswer(testing::SupervisionOffice(), r);
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state(), v1::ANSWER_STATE_RETURNED);
  task = Reload(task);
  EXPECT_EQ(task.state(), v1::TASK_STATE_HANDLING);
  EXPECT_EQ(task.round(), 2);
  EXPECT_EQ(task.returned_count(), 1);
}

TEST_F(WorkflowCoreTest, ReassignmentCancelsRemovedUnitsAndCreatesAdded) {
  Arrive("a5",
         Assignment("a5", ASSIGNMENT_MODE_LEAD_AND_CO,
                    {Assigned("housing", UNIT_ROLE_LEAD), Assigned("transport", UNIT_ROLE_CO)}));
  v1::Task transport = TaskOf("a5", "transport");
  assignment::v1::ItemReassigned re;
  *re.mutable_assignment() =
      Assignment("a5", ASSIGNMENT_MODE_LEAD_AND_CO,
                 {Assigned("housing", UNIT_ROLE_LEAD), Assigned("chengguan", UNIT_ROLE_CO)},
                 "2025-03-14", "2025-06-16");
  re.mutable_assignment()->set_version(2);
  re.add_removed_units("units/transport");
  re.add_added_units("units/chengguan");
  ApplyAssignment(testing::FeedEvent("assignment", 99, "items/a5/assignment", re));
  EXPECT_EQ(Reload(transport).state(), v1::TASK_STATE_CANCELLED);
  v1::Task chengguan = TaskOf("a5", "chengguan");
  EXPECT_EQ(chengguan.assign_date(), "2025-03-14");
  EXPECT_EQ(TaskOf("a5", "housing").deadline(), "2025-06-16");
  EXPECT_EQ(TaskOf("a5", "housing").assignment_version(), 2);
  EXPECT_EQ(EventsOf<v1::TaskCancelled>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::TaskCreated>().size(), 3u);
  // Replayed, nothing doubles.
  ApplyAssignment(testing::FeedEvent("assignment", 99, "items/a5/assignment", re));
  EXPECT_EQ(EventsOf<v1::TaskCreated>().size(), 3u);
}

TEST_F(WorkflowCoreTest, OpenCommitmentsAcrossYearsWithTheirAge) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 6, 20);
  v1::Answer a = IssueThrough(task, "housing", GoodAnswer());
  ASSERT_TRUE(Evaluate(a.name(), Proposer("persons/wang"), v1::RATING_SATISFIED).ok());
  SetToday(2025, 11, 3);
  ASSERT_TRUE(Fulfill(a.commitments(0).name(), "housing").ok());
  EXPECT_EQ(Fulfill(a.commitments(0).name(), "housing").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Fulfill(a.commitments(1).name(), "housing", "").status().code(),
            absl::StatusCode::kInvalidArgument);

  SetToday(2026, 3, 2);
  v1::ListOpenCommitmentsRequest r;
  auto open = core_->ListOpenCommitments(testing::SupervisionOffice(), r);
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_EQ(open->commitments_size(), 1);
  EXPECT_EQ(open->commitments(0).text(), "新增停车位860个并投用");
  EXPECT_EQ(open->commitments(0).age_days(), 255);  // 2025-06-20 → 2026-03-02
  EXPECT_EQ(open->commitments(0).item_year(), 2025);
  EXPECT_EQ(open->commitments(0).unit(), "units/housing");
  EXPECT_EQ(core_->ListOpenCommitments(ClerkOf("housing"), r)->commitments_size(), 1);
  EXPECT_EQ(core_->ListOpenCommitments(ClerkOf("transport"), r)->commitments_size(), 0);
  r.set_unit("units/housing");
  EXPECT_EQ(core_->ListOpenCommitments(ClerkOf("transport"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->ListOpenCommitments(Proposer("persons/wang"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reload(task).state(), v1::TASK_STATE_ANSWERED);
}

TEST_F(WorkflowCoreTest, ProposerSeesOnlyIssuedAnswersOfTheirItems) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  ASSERT_TRUE(Draft(task, "housing", GoodAnswer()).ok());
  v1::GetTaskRequest get;
  get.set_name(task.name());
  auto seen = core_->GetTask(Proposer("persons/li"), get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_THAT(seen->answers(), IsEmpty());
  EXPECT_EQ(core_->GetTask(Proposer("persons/zhang"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListTasksRequest list;
  auto mine = core_->ListTasks(Proposer("persons/wang"), list);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->tasks_size(), 1);
  EXPECT_EQ(core_->ListTasks(Proposer("persons/zhang"), list)->tasks_size(), 0);
  EXPECT_EQ(core_->ListTasks(MakeCaller("public", common::v1::ROLE_PUBLIC), list).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(WorkflowCoreTest, RetriedRequestsReplayWhatTheyMade) {
  v1::Task task = Acknowledge(SoleTask(), "housing");
  SetToday(2025, 4, 2);
  v1::RecordContactRequest contact;
  contact.set_name(task.name());
  contact.set_request_id("c-1");
  auto* c = contact.mutable_contact();
  c->set_stage(v1::CONTACT_STAGE_DURING);
  c->set_mode(v1::CONTACT_MODE_MEETING);
  c->set_contact_date("2025-04-02");
  c->add_participants("王建国");
  c->set_summary("召开解放路小区居民座谈会，通报改造方案。");
  auto first = core_->RecordContact(ClerkOf("housing"), contact);
  auto again = core_->RecordContact(ClerkOf("housing"), contact);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->name(), again->name());
  EXPECT_EQ(Reload(task).contacts_size(), 1);

  v1::DraftAnswerRequest draft;
  draft.set_name(task.name());
  draft.set_request_id("d-1");
  *draft.mutable_answer() = GoodAnswer();
  auto a1 = core_->DraftAnswer(ClerkOf("housing"), draft);
  auto a2 = core_->DraftAnswer(ClerkOf("housing"), draft);
  ASSERT_TRUE(a1.ok() && a2.ok()) << a2.status();
  EXPECT_EQ(a1->name(), a2->name());
  EXPECT_EQ(EventsOf<v1::AnswerDrafted>().size(), 1u);
}

TEST_F(WorkflowCoreTest, PlanAndOpinionRefusals) {
  Arrive("a6",
         Assignment("a6", ASSIGNMENT_MODE_LEAD_AND_CO,
                    {Assigned("housing", UNIT_ROLE_LEAD), Assigned("chengguan", UNIT_ROLE_CO)}));
  v1::Task co = TaskOf("a6", "chengguan");
  v1::SubmitPlanRequest plan;
  plan.set_name(co.name());
  plan.set_text("配合住建局做好居民动员。");
  plan.set_plan_date("2025-03-12");
  EXPECT_EQ(core_->SubmitPlan(ClerkOf("chengguan"), plan).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not acknowledged yet
  EXPECT_EQ(SendOpinion(co, "chengguan", "同意").status().code(),
            absl::StatusCode::kFailedPrecondition);
  co = Acknowledge(co, "chengguan");
  plan.set_plan_date("3月12日");
  EXPECT_EQ(core_->SubmitPlan(ClerkOf("chengguan"), plan).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core_->SubmitPlan(ClerkOf("housing"), plan).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(SendOpinion(co, "chengguan", "  ").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SendOpinion(co, "housing", "同意").status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(SendOpinion(co, "chengguan", "城关镇负责居民动员和施工协调。").ok());
  // One at a time: the lead unit reviews it first.
  EXPECT_EQ(SendOpinion(co, "chengguan", "补充意见").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReviewOpinion("tasks/none/opinions/x", "housing", true).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(WorkflowCoreTest, ListsTasksPageByPage) {
  Arrive("a7", Assignment("a7", ASSIGNMENT_MODE_SPLIT,
                          {Assigned("housing", UNIT_ROLE_PART, "小区改造部分"),
                           Assigned("transport", UNIT_ROLE_PART, "周边道路部分"),
                           Assigned("chengguan", UNIT_ROLE_PART, "居民动员部分")}));
  v1::ListTasksRequest r;
  r.set_page_size(2);
  auto first = core_->ListTasks(Proposer("persons/li"), r);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->tasks_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  r.set_page_token(first->next_page_token());
  auto second = core_->ListTasks(Proposer("persons/li"), r);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->tasks_size(), 1);
  EXPECT_EQ(second->tasks(0).part(), "居民动员部分");
  EXPECT_TRUE(second->next_page_token().empty());
  r.set_item("items/a7");  // another query: the token does not fit
  EXPECT_EQ(core_->ListTasks(Proposer("persons/li"), r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.clear_page_token();
  auto office = core_->ListTasks(testing::GovernmentOffice(), r);
  ASSERT_TRUE(office.ok());
  EXPECT_EQ(office->total_size(), 3);
  auto clerk = core_->ListTasks(ClerkOf("transport"), v1::ListTasksRequest());
  ASSERT_TRUE(clerk.ok());
  ASSERT_EQ(clerk->tasks_size(), 1);
  EXPECT_EQ(clerk->tasks(0).unit(), "units/transport");
}

}  // namespace
}  // namespace huiyin::workflow

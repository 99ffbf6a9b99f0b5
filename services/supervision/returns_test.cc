// Returns (退回重办) and on-site verifications (实地核查): what the supervision office may do, what
// reaches workflow, and how workflow's AnswerReturned comes back as the record of the return.
#include "services/supervision/returns.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/events/testing/fake_feed.h"
#include "common/status/errors.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/supervision/v1/supervision_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/huiyin_supervision_migrations.h"

namespace huiyin::supervision {
namespace {

using workflow::v1::Answer;
using workflow::v1::Task;
using testing::AllEvents;
using testing::PayloadsOf;

absl::Time At(int year, int month, int day) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, 10, 0, 0), ChinaTimeZone());
}

Caller SupervisionOffice() {
  return MakeCaller("persons/du-cha", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}
Caller UnitClerk(const std::string& unit) {
  return MakeCaller("persons/" + unit + "-clerk", common::v1::ROLE_UNIT_CLERK, "units/" + unit);
}

// Workflow as supervision sees it: records every call, answers with the answer it is given.
class FakeWorkflow final : public AnswerReturner {
 public:
  absl::StatusOr<Answer> ReturnAnswer(const Caller& caller,
                                      const workflow::v1::ReturnAnswerRequest& request) override {
    calls.push_back(request);
    callers.push_back(caller.principal());
    if (!fail.ok()) return fail;
    Answer a;
    a.set_name(request.name());
    a.set_state(workflow::v1::ANSWER_STATE_RETURNED);
    return a;
  }
  absl::Status fail = absl::OkStatus();
  std::vector<workflow::v1::ReturnAnswerRequest> calls;
  std::vector<std::string> callers;
};

// The lead task of 建议第12号 with one issued answer of `answer_class`.
Task IssuedTask(workflow::v1::AnswerClass answer_class) {
  Task t;
  t.set_name("tasks/t12");
  t.mutable_item()->set_item("items/i12");
  t.mutable_item()->set_year(2026);
  t.mutable_item()->set_title("关于改造城东农贸市场的建议");
  t.set_unit("units/commerce");
  t.set_unit_display_name("县商务局");
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  t.set_round(1);
  t.set_deadline("2026-06-30");
  Answer* a = t.add_answers();
  a->set_name("tasks/t12/answers/a1");
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  a->set_answer_class(answer_class);
  a->set_answer_date("2026-06-10");
  return t;
}

template <typename Payload>
events::v1::Event WorkflowEvent(const Payload& payload, absl::Time when) {
  events::v1::Event e;
  e.set_source("workflow");
  e.set_subject(payload.task().name());
  e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(when));
  e.mutable_payload()->PackFrom(payload);
  return e;
}

class ReturnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                              SupervisionOptions{});
    desk_ = std::make_unique<ReturnDesk>(*db_, clock_, ids_, workflow_);
  }
  void TearDown() override {
    desk_.reset();
    core_.reset();
  }
  void Apply(const events::v1::Event& e) {
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyWorkflowEvent(tx, e); }).ok());
  }
  void Issue(const Task& task) {
    workflow::v1::AnswerIssued issued;
    *issued.mutable_task() = task;
    *issued.mutable_answer() = task.answers(0);
    Apply(WorkflowEvent(issued, At(2026, 6, 10)));
  }
  // What workflow publishes after it carried out a return.
  void WorkflowReturned(Task task, const std::vector<workflow::v1::ReturnReason>& reasons,
                        const std::string& comment) {
    task.set_state(workflow::v1::TASK_STATE_HANDLING);
    task.set_round(task.round() + 1);
    task.set_returned_count(task.returned_count() + 1);
    Answer* a = task.mutable_answers(0);
    a->set_state(workflow::v1::ANSWER_STATE_RETURNED);
    auto* r = a->add_returns();
    for (auto reason : reasons) r->add_reasons(reason);
    r->set_comment(comment);
    r->set_returned_by("persons/du-cha");
    r->mutable_return_time()->set_seconds(absl::ToUnixSeconds(At(2026, 6, 15)));
    workflow::v1::AnswerReturned returned;
    *returned.mutable_task() = task;
    *returned.mutable_answer() = *a;
    Apply(WorkflowEvent(returned, At(2026, 6, 15)));
  }
  v1::ReturnAnswerRequest AmbiguousReturn() {
    v1::ReturnAnswerRequest r;
    r.set_answer("tasks/t12/answers/a1");
    r.add_reasons(workflow::v1::RETURN_REASON_AMBIGUOUS);
    r.add_reasons(workflow::v1::RETURN_REASON_NO_TIMELINE);
    r.set_comment("改造时间和资金来源均未说明");
    r.set_request_id("ret-1");
    return r;
  }
  v1::VerifyResultRequest Verification(v1::VerificationResult result) {
    v1::VerifyResultRequest r;
    auto* v = r.mutable_verification();
    v->set_answer("tasks/t12/answers/a1");
    v->set_result(result);
    v->set_findings("市场顶棚已更换，排水沟未改造");
    v->set_visit_date("2026-07-01");
    v->add_inspectors("张督查");
    v->add_inspectors("李科长");
    r.set_request_id("ver-1");
    return r;
  }

  FakeClock clock_{At(2026, 7, 2)};
  SequentialIdGenerator ids_{"s"};
  FakeWorkflow workflow_;
  testing::TempDatabase db_{"returns", kMigrations};
  std::unique_ptr<SupervisionCore> core_;
  std::unique_ptr<ReturnDesk> desk_;
};

TEST_F(ReturnsTest, OnlyTheSupervisionOfficeReturnsAnAnswer) {
  for (const Caller& caller :
       {UnitClerk("commerce"),
        MakeCaller("persons/gov", common::v1::ROLE_GOVERNMENT_OFFICE),
        MakeCaller("persons/wang", common::v1::ROLE_PROPOSER),
        MakeCaller("persons/vice-mayor", common::v1::ROLE_LEADING_OFFICIAL)}) {
    EXPECT_EQ(desk_->ReturnAnswer(caller, AmbiguousReturn()).status().code(),
              absl::StatusCode::kPermissionDenied)
        << caller.principal();
  }
  EXPECT_TRUE(workflow_.calls.empty());
}

TEST_F(ReturnsTest, ReturnNamesEveryWrongField) {
  v1::ReturnAnswerRequest r;
  r.set_answer("answers/a1");
  r.add_reasons(workflow::v1::RETURN_REASON_UNSPECIFIED);
  auto s = desk_->ReturnAnswer(SupervisionOffice(), r).status();
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(s)) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"answer", "reasons[0]", "comment"}));
  EXPECT_TRUE(workflow_.calls.empty());
}

TEST_F(ReturnsTest, ReturnIsCarriedOutByWorkflowOnBehalfOfTheOfficer) {
  auto returned = desk_->ReturnAnswer(SupervisionOffice(), AmbiguousReturn());
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->answer().state(), workflow::v1::ANSWER_STATE_RETURNED);
  ASSERT_EQ(workflow_.calls.size(), 1u);
  EXPECT_EQ(workflow_.callers[0], "persons/du-cha");
  EXPECT_EQ(workflow_.calls[0].name(), "tasks/t12/answers/a1");
  EXPECT_EQ(workflow_.calls[0].reasons_size(), 2);
  EXPECT_EQ(workflow_.calls[0].request_id(), "ret-1");
  // Nothing is listed until workflow says it happened.
  auto listed = desk_->ListReturns(SupervisionOffice(), {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->returns_size(), 0);
}

TEST_F(ReturnsTest, ReturnWithoutRequestIdGetsOneSoWorkflowCanDropRetries) {
  auto r = AmbiguousReturn();
  r.clear_request_id();
  ASSERT_TRUE(desk_->ReturnAnswer(SupervisionOffice(), r).ok());
  EXPECT_EQ(workflow_.calls[0].request_id(), "s-1");
}

TEST_F(ReturnsTest, WorkflowRefusalReachesTheCallerAsItIs) {
  workflow_.fail = WrongState("tasks/t12/answers/a1", "ANSWER_STATE_DRAFT", "not issued");
  EXPECT_EQ(desk_->ReturnAnswer(SupervisionOffice(), AmbiguousReturn()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReturnsTest, WorkflowsAnswerReturnedBecomesTheRecordAndSurvivesRebuild) {
  Task task = IssuedTask(workflow::v1::ANSWER_CLASS_B);
  Issue(task);
  WorkflowReturned(task, {workflow::v1::RETURN_REASON_AMBIGUOUS}, "改造时间未说明");
  auto check = [&] {
    auto listed = desk_->ListReturns(SupervisionOffice(), {});
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->returns_size(), 1);
    const auto& r = listed->returns(0);
    EXPECT_EQ(r.answer(), "tasks/t12/answers/a1");
    EXPECT_EQ(r.item(), "items/i12");
    EXPECT_EQ(r.unit(), "units/commerce");
    EXPECT_EQ(r.unit_display_name(), "县商务局");
    ASSERT_EQ(r.reasons_size(), 1);
    EXPECT_EQ(r.reasons(0), workflow::v1::RETURN_REASON_AMBIGUOUS);
    EXPECT_EQ(r.comment(), "改造时间未说明");
    EXPECT_EQ(r.returned_by(), "persons/du-cha");
    EXPECT_EQ(r.round(), 2);
  };
  check();
  auto rebuilt = core_->RebuildLedger(SupervisionOffice(), {});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  check();  // cleared and replayed: still exactly one
}

TEST_F(ReturnsTest, UnitListsOnlyItsOwnReturns) {
  Task task = IssuedTask(workflow::v1::ANSWER_CLASS_B);
  Issue(task);
  WorkflowReturned(task, {workflow::v1::RETURN_REASON_FORMAT}, "格式不规范");
  auto own = desk_->ListReturns(UnitClerk("commerce"), {});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->returns_size(), 1);
  auto other = desk_->ListReturns(UnitClerk("housing"), {});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->returns_size(), 0);
  v1::ListReturnsRequest naming;
  naming.set_unit("units/commerce");
  EXPECT_EQ(desk_->ListReturns(UnitClerk("housing"), naming).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(desk_->ListReturns(MakeCaller("persons/wang", common::v1::ROLE_PROPOSER), {})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReturnsTest, ReturnsPageWithTokensBoundToTheQuery) {
  Task task = IssuedTask(workflow::v1::ANSWER_CLASS_B);
  Issue(task);
  for (int i = 0; i < 3; ++i) {
    WorkflowReturned(task, {workflow::v1::RETURN_REASON_FORMAT}, "第" + std::to_string(i) + "次");
  }
  v1::ListReturnsRequest page;
  page.set_page_size(2);
  auto first = desk_->ListReturns(SupervisionOffice(), page);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->returns_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  page.set_page_token(first->next_page_token());
  auto second = desk_->ListReturns(SupervisionOffice(), page);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->returns_size(), 1);
  EXPECT_EQ(second->returns(0).comment(), "第2次");
  EXPECT_TRUE(second->next_page_token().empty());
  page.set_item("items/other");
  EXPECT_EQ(desk_->ListReturns(SupervisionOffice(), page).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReturnsTest, VerifiedResultIsRecordedWithItsEventAndNothingReturned) {
  Issue(IssuedTask(workflow::v1::ANSWER_CLASS_A));
  auto v = desk_->VerifyResult(SupervisionOffice(), Verification(v1::VERIFICATION_RESULT_VERIFIED));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->unit(), "units/commerce");
  EXPECT_EQ(v->item(), "items/i12");
  EXPECT_EQ(v->recorded_by(), "persons/du-cha");
  EXPECT_TRUE(workflow_.calls.empty());
  auto events = PayloadsOf<v1::ResultVerified>(AllEvents(*db_));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].verification().name(), v->name());
  // A retry with the same request id is the same record, not a second one.
  auto again =
      desk_->VerifyResult(SupervisionOffice(), Verification(v1::VERIFICATION_RESULT_VERIFIED));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), v->name());
  EXPECT_EQ(PayloadsOf<v1::ResultVerified>(AllEvents(*db_)).size(), 1u);
}

TEST_F(ReturnsTest, NotAsAnsweredReturnsTheAnswerAsContraryToTheFacts) {
  Issue(IssuedTask(workflow::v1::ANSWER_CLASS_A));
  auto v = desk_->VerifyResult(SupervisionOffice(),
                               Verification(v1::VERIFICATION_RESULT_NOT_AS_ANSWERED));
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(workflow_.calls.size(), 1u);
  const auto& call = workflow_.calls[0];
  EXPECT_EQ(call.name(), "tasks/t12/answers/a1");
  ASSERT_EQ(call.reasons_size(), 1);
  EXPECT_EQ(call.reasons(0), workflow::v1::RETURN_REASON_CONTRADICTS_FACTS);
  EXPECT_EQ(call.comment(), "实地核查与答复不符：市场顶棚已更换，排水沟未改造");
  EXPECT_EQ(call.request_id(), "verification:ver-1");
  auto listed = desk_->ListVerifications(UnitClerk("commerce"), {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->verifications_size(), 1);
  EXPECT_EQ(listed->verifications(0).result(), v1::VERIFICATION_RESULT_NOT_AS_ANSWERED);
}

TEST_F(ReturnsTest, NotAsAnsweredIsNotRecordedWhenWorkflowRefuses) {
  Issue(IssuedTask(workflow::v1::ANSWER_CLASS_A));
  workflow_.fail = absl::UnavailableError("workflow is unavailable");
  EXPECT_EQ(desk_->VerifyResult(SupervisionOffice(),
                                Verification(v1::VERIFICATION_RESULT_NOT_AS_ANSWERED))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(PayloadsOf<v1::ResultVerified>(AllEvents(*db_)).empty());
}

TEST_F(ReturnsTest, OnlyAnIssuedClassAAnswerIsVerified) {
  Issue(IssuedTask(workflow::v1::ANSWER_CLASS_B));
  EXPECT_EQ(
      desk_->VerifyResult(SupervisionOffice(), Verification(v1::VERIFICATION_RESULT_VERIFIED))
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  auto unknown = Verification(v1::VERIFICATION_RESULT_VERIFIED);
  unknown.mutable_verification()->set_answer("tasks/nope/answers/a1");
  EXPECT_EQ(desk_->VerifyResult(SupervisionOffice(), unknown).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(desk_->VerifyResult(UnitClerk("commerce"),
                                Verification(v1::VERIFICATION_RESULT_VERIFIED))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReturnsTest, VerificationNamesEveryWrongField) {
  v1::VerifyResultRequest r;
  r.mutable_verification()->set_answer("tasks/t12");
  r.mutable_verification()->set_visit_date("2026-07-03");  // tomorrow
  r.mutable_verification()->add_inspectors(" ");
  auto s = desk_->VerifyResult(SupervisionOffice(), r).status();
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(s)) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "verification.answer", "verification.result", "verification.findings",
                        "verification.visit_date", "verification.inspectors[0]"}));
}

}  // namespace
}  // namespace huiyin::supervision

// Step deadlines on the ledger and notices (督办单) from crafted workflow events, with a fake
// clock moved across the 2026 劳动节 holiday (05-01..05-05) and its make-up working day (Saturday
// 05-09): the sweeper issues GREEN → YELLOW → RED once each, also after a restart; RED on a key
// item goes to its leading official; units see and acknowledge their own; the office issues by
// hand; events reach supervision's own feed; RebuildLedger keeps notices and disclosures.
#include "services/supervision/notices.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "common/events/feed_service.h"
#include "common/events/testing/fake_feed.h"
#include "common/status/errors.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/supervision/v1/supervision_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/huiyin_supervision_migrations.h"
#include "services/supervision/notice_grpc_service.h"

namespace huiyin::supervision {
namespace {

using testing::AllEvents;
using testing::PayloadsOf;
using workflow::v1::Task;

constexpr char kViceMayor[] = "persons/vice-mayor-li";

absl::Time At(int year, int month, int day) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, 9, 0, 0), ChinaTimeZone());
}

google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

Caller SupervisionOffice() {
  return MakeCaller("persons/du-cha-wang", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}
Caller UnitClerk(const std::string& unit) {
  return MakeCaller("persons/" + unit + "-clerk", common::v1::ROLE_UNIT_CLERK, "units/" + unit);
}
Caller ViceMayor() { return MakeCaller(kViceMayor, common::v1::ROLE_LEADING_OFFICIAL); }

// A lead task assigned on Tuesday 2026-04-28: 签收 due 2026-05-06 (3 working days across the
// holiday), 办理方案 2026-05-21 (15 working days), 答复 2026-07-31.
Task HousingTask(const std::string& id, bool key) {
  Task t;
  t.set_name("tasks/" + id);
  auto* item = t.mutable_item();
  item->set_item("items/" + id);
  item->set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  item->set_session("县第十八届人民代表大会第五次会议");
  item->set_year(2026);
  item->set_title("关于加快城区老旧小区改造的建议");
  item->set_category("城乡建设");
  t.set_unit("units/housing");
  t.set_unit_display_name("县住房和城乡建设局");
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  t.set_assign_date("2026-04-28");
  t.set_deadline("2026-07-31");
  t.set_key(key);
  if (key) t.set_leading_official(kViceMayor);
  return t;
}

template <typename Payload>
events::v1::Event WorkflowEvent(const Task& task, absl::Time when) {
  Payload payload;
  *payload.mutable_task() = task;
  events::v1::Event e;
  e.set_source("workflow");
  e.set_subject(task.name());
  *e.mutable_occur_time() = Stamp(when);
  *e.mutable_actor() = MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

class NoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.steps.step_due_soon_working_days = 2;
    notice_options_.red_overdue_working_days = 3;
    Open();
  }
  void TearDown() override {
    desk_.reset();
    core_.reset();
  }
  // Opens (or reopens, as after a restart) the database, the core and the desk.
  void Open() {
    desk_.reset();
    core_.reset();
    db_.Reopen();
    core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                              options_);
    desk_ = std::make_unique<NoticeDesk>(*db_, clock_, ids_, WorkingDayCalendar::ChinaMainland(),
                                         options_, notice_options_);
  }

  template <typename Payload>
  void Apply(const Task& task, absl::Time when) {
    const auto e = WorkflowEvent<Payload>(task, when);
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyWorkflowEvent(tx, e); }).ok());
  }

  int SweepOn(int month, int day) {
    clock_.Set(At(2026, month, day));
    auto n = desk_->SweepDeadlines();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  std::vector<v1::Notice> List(const Caller& caller, v1::ListNoticesRequest request = {}) {
    auto r = desk_->ListNotices(caller, request);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    return {r->notices().begin(), r->notices().end()};
  }

  v1::LedgerEntry Entry(const std::string& item) {
    v1::GetLedgerEntryRequest get;
    get.set_name("ledger/" + item);
    auto e = core_->GetLedgerEntry(SupervisionOffice(), get);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : v1::LedgerEntry();
  }

  FakeClock clock_{At(2026, 4, 28)};
  SequentialIdGenerator ids_{"n"};
  SupervisionOptions options_;
  NoticeOptions notice_options_;
  testing::TempDatabase db_{"notices", kMigrations};
  std::unique_ptr<SupervisionCore> core_;
  std::unique_ptr<NoticeDesk> desk_;
};

const v1::StepDeadline* StepOf(const v1::LedgerUnit& unit, v1::Step step) {
  for (const auto& s : unit.steps()) {
    if (s.step() == step) return &s;
  }
  return nullptr;
}

// The ledger line of a task waiting for acknowledgement, day by day (lead time 2 working days):
//   05-04 (holiday): 签收 left 05-06 = 1 → DUE_SOON;  05-07: OVERDUE; 办理方案 05-21 ON_TRACK.
// Acknowledged on 05-08: DONE with that date.
TEST_F(NoticesTest, LedgerShowsEveryStepDeadlineWithItsState) {
  Task t = HousingTask("i1", false);
  Apply<workflow::v1::TaskCreated>(t, At(2026, 4, 28));
  clock_.Set(At(2026, 5, 4));
  v1::LedgerEntry e = Entry("i1");
  ASSERT_EQ(e.units_size(), 1);
  ASSERT_EQ(e.units(0).steps_size(), 3);
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ACKNOWLEDGEMENT)->deadline(), "2026-05-06");
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ACKNOWLEDGEMENT)->state(), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_PLAN)->deadline(), "2026-05-21");
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ANSWER)->state(), v1::DEADLINE_STATE_ON_TRACK);
  // The answer deadline's own fields work as before.
  EXPECT_EQ(e.units(0).answer_deadline(), "2026-07-31");
  EXPECT_EQ(e.units(0).deadline_state(), v1::DEADLINE_STATE_ON_TRACK);

  clock_.Set(At(2026, 5, 7));
  e = Entry("i1");
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ACKNOWLEDGEMENT)->state(), v1::DEADLINE_STATE_OVERDUE);
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_PLAN)->state(), v1::DEADLINE_STATE_ON_TRACK);
  v1::ListLedgerRequest list;
  list.set_overdue_step(v1::STEP_ACKNOWLEDGEMENT);
  auto overdue = core_->ListLedger(SupervisionOffice(), list);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_EQ(overdue->entries_size(), 1);
  list.set_overdue_step(v1::STEP_PLAN);
  EXPECT_EQ(core_->ListLedger(SupervisionOffice(), list)->entries_size(), 0);

  t.set_state(workflow::v1::TASK_STATE_HANDLING);
  Apply<workflow::v1::TaskAcknowledged>(t, At(2026, 5, 8));
  clock_.Set(At(2026, 5, 11));
  e = Entry("i1");
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ACKNOWLEDGEMENT)->state(), v1::DEADLINE_STATE_DONE);
  EXPECT_EQ(StepOf(e.units(0), v1::STEP_ACKNOWLEDGEMENT)->done_date(), "2026-05-08");
  list.set_overdue_step(v1::STEP_ACKNOWLEDGEMENT);
  EXPECT_EQ(core_->ListLedger(SupervisionOffice(), list)->entries_size(), 0);
}

// 签收 due 2026-05-06; GREEN with 2 working days left, YELLOW once late, RED when more than 3
// working days late:
//   04-28: 3 left, nothing;  04-29: 2 left (04-30, 05-06 across the holiday) → GREEN;
//   05-07, 05-10: 1 and 3 late (05-09 is a make-up working day) → YELLOW;
//   05-11: 4 late → RED, to the vice-mayor as well (a key item).
TEST_F(NoticesTest, SweeperIssuesGreenYellowRedOnceEachAsTheClockMoves) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", true), At(2026, 4, 28));
  EXPECT_EQ(SweepOn(4, 28), 0);
  EXPECT_EQ(SweepOn(4, 29), 1);
  EXPECT_EQ(SweepOn(4, 29), 0);
  EXPECT_EQ(SweepOn(5, 4), 0);
  EXPECT_EQ(SweepOn(5, 7), 1);
  EXPECT_EQ(SweepOn(5, 10), 0);
  Open();  // a restart: a new core and desk over the same database
  EXPECT_EQ(SweepOn(5, 10), 0);
  EXPECT_EQ(SweepOn(5, 11), 1);
  EXPECT_EQ(SweepOn(5, 11), 0);
  Open();
  EXPECT_EQ(SweepOn(5, 12), 0);

  const auto notices = List(SupervisionOffice());  // newest first
  ASSERT_EQ(notices.size(), 3u);
  EXPECT_EQ(notices[2].colour(), v1::NOTICE_COLOUR_GREEN);
  EXPECT_EQ(notices[2].trigger(), v1::NOTICE_TRIGGER_DUE_SOON);
  EXPECT_EQ(notices[1].colour(), v1::NOTICE_COLOUR_YELLOW);
  EXPECT_EQ(notices[0].colour(), v1::NOTICE_COLOUR_RED);
  EXPECT_EQ(notices[0].reason(),
            "签收已逾期4个工作日（期限2026-05-06），超过3个工作日，予以红色督办");
  for (const auto& n : notices) {
    EXPECT_EQ(n.step(), v1::STEP_ACKNOWLEDGEMENT);
    EXPECT_EQ(n.deadline(), "2026-05-06");
    EXPECT_EQ(n.task(), "tasks/i1");
    EXPECT_EQ(n.unit(), "units/housing");
    EXPECT_EQ(n.item_title(), "关于加快城区老旧小区改造的建议");
    EXPECT_EQ(n.issued_by(), kServicePrincipal);
    EXPECT_EQ(n.state(), v1::NOTICE_STATE_ISSUED);
  }
  EXPECT_TRUE(notices[2].escalated_to().empty());
  EXPECT_TRUE(notices[1].escalated_to().empty());
  EXPECT_EQ(notices[0].escalated_to(), kViceMayor);

  // Supervision's own feed carries each issue once.
  const auto issued = PayloadsOf<v1::NoticeIssued>(AllEvents(*db_));
  ASSERT_EQ(issued.size(), 3u);
  EXPECT_EQ(issued[0].notice().colour(), v1::NOTICE_COLOUR_GREEN);
  EXPECT_EQ(issued[2].notice().name(), notices[0].name());
  EXPECT_EQ(AllEvents(*db_).back().source(), "supervision");
}

// A step first seen long overdue gets the colour it reached, not the ones before it; an item that
// is not key is not escalated.
TEST_F(NoticesTest, StepFirstSeenLongOverdueGetsOnlyRed) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i2", false), At(2026, 4, 28));
  EXPECT_EQ(SweepOn(5, 11), 1);
  const auto notices = List(SupervisionOffice());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].colour(), v1::NOTICE_COLOUR_RED);
  EXPECT_TRUE(notices[0].escalated_to().empty());
}

// Answers returned twice (red_returned_count 2): RED once, escalated for the key item.
TEST_F(NoticesTest, AnswerReturnedRepeatedlyGetsRed) {
  Task t = HousingTask("i3", true);
  t.set_state(workflow::v1::TASK_STATE_HANDLING);
  Apply<workflow::v1::TaskCreated>(t, At(2026, 4, 28));
  EXPECT_EQ(SweepOn(4, 28), 0);
  t.set_returned_count(1);
  Apply<workflow::v1::AnswerReturned>(t, At(2026, 4, 28));
  EXPECT_EQ(SweepOn(4, 28), 0);
  t.set_returned_count(2);
  Apply<workflow::v1::AnswerReturned>(t, At(2026, 4, 28));
  EXPECT_EQ(SweepOn(4, 28), 1);
  EXPECT_EQ(SweepOn(4, 28), 0);
  const auto notices = List(SupervisionOffice());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].colour(), v1::NOTICE_COLOUR_RED);
  EXPECT_EQ(notices[0].trigger(), v1::NOTICE_TRIGGER_RETURNED);
  EXPECT_EQ(notices[0].returned_count(), 2);
  EXPECT_EQ(notices[0].escalated_to(), kViceMayor);
}

TEST_F(NoticesTest, LeadingOfficialReadsOnlyWhatIsEscalatedToThem) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", true), At(2026, 4, 28));
  ASSERT_EQ(SweepOn(5, 7), 1);   // YELLOW: not escalated
  ASSERT_EQ(SweepOn(5, 11), 1);  // RED on a key item: escalated
  const auto mine = List(ViceMayor());
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].colour(), v1::NOTICE_COLOUR_RED);
  const auto all = List(SupervisionOffice());
  ASSERT_EQ(all.size(), 2u);
  v1::GetNoticeRequest get;
  get.set_name(all[1].name());  // the YELLOW one
  EXPECT_TRUE(absl::IsPermissionDenied(desk_->GetNotice(ViceMayor(), get).status()));
  get.set_name(all[0].name());
  EXPECT_TRUE(desk_->GetNotice(ViceMayor(), get).ok());
  EXPECT_TRUE(
      List(MakeCaller("persons/vice-mayor-zhao", common::v1::ROLE_LEADING_OFFICIAL)).empty());
  // A leading official cannot acknowledge: that is the unit's.
  v1::AcknowledgeNoticeRequest ack;
  ack.set_name(all[0].name());
  ack.set_response("已督促住建局三日内签收");
  EXPECT_TRUE(absl::IsPermissionDenied(desk_->AcknowledgeNotice(ViceMayor(), ack).status()));
}

TEST_F(NoticesTest, UnitSeesAndAcknowledgesOnlyItsOwn) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", false), At(2026, 4, 28));
  Task transport = HousingTask("i4", false);
  transport.set_unit("units/transport");
  transport.set_unit_display_name("县交通运输局");
  Apply<workflow::v1::TaskCreated>(transport, At(2026, 4, 28));
  ASSERT_EQ(SweepOn(5, 7), 2);
  const auto housing = List(UnitClerk("housing"));
  ASSERT_EQ(housing.size(), 1u);
  EXPECT_EQ(housing[0].unit(), "units/housing");
  v1::ListNoticesRequest other;
  other.set_unit("units/transport");
  EXPECT_TRUE(absl::IsPermissionDenied(desk_->ListNotices(UnitClerk("housing"), other).status()));
  const auto theirs = List(UnitClerk("transport"));
  ASSERT_EQ(theirs.size(), 1u);

  v1::GetNoticeRequest get;
  get.set_name(theirs[0].name());
  EXPECT_TRUE(absl::IsPermissionDenied(desk_->GetNotice(UnitClerk("housing"), get).status()));
  v1::AcknowledgeNoticeRequest ack;
  ack.set_name(theirs[0].name());
  ack.set_response("已安排专人签收办理");
  EXPECT_TRUE(
      absl::IsPermissionDenied(desk_->AcknowledgeNotice(UnitClerk("housing"), ack).status()));
  ack.set_name("notices/no-such");
  EXPECT_TRUE(
      absl::IsPermissionDenied(desk_->AcknowledgeNotice(UnitClerk("housing"), ack).status()));

  ack.set_name(housing[0].name());
  ack.set_response(" ");
  auto blank = desk_->AcknowledgeNotice(UnitClerk("housing"), ack);
  ASSERT_TRUE(absl::IsInvalidArgument(blank.status()));
  EXPECT_EQ(FieldViolationsOf(blank.status()).at(0).first, "response");
  ack.set_response("已于5月8日签收，明确分管副局长和承办科室");
  clock_.Set(At(2026, 5, 8));
  auto done = desk_->AcknowledgeNotice(UnitClerk("housing"), ack);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), v1::NOTICE_STATE_ACKNOWLEDGED);
  EXPECT_EQ(done->response(), "已于5月8日签收，明确分管副局长和承办科室");
  EXPECT_EQ(done->acknowledged_by(), "persons/housing-clerk");
  EXPECT_EQ(absl::FromUnixSeconds(done->acknowledge_time().seconds()), At(2026, 5, 8));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(desk_->AcknowledgeNotice(UnitClerk("housing"), ack).status()));

  v1::ListNoticesRequest acknowledged;
  acknowledged.set_state(v1::NOTICE_STATE_ACKNOWLEDGED);
  EXPECT_EQ(List(SupervisionOffice(), acknowledged).size(), 1u);
  const auto events = PayloadsOf<v1::NoticeAcknowledged>(AllEvents(*db_));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].notice().response(), done->response());
  EXPECT_EQ(AllEvents(*db_).back().actor().principal(), "persons/housing-clerk");
}

TEST_F(NoticesTest, OfficeIssuesByHandWithAReason) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", false), At(2026, 4, 28));
  v1::CreateNoticeRequest request;
  request.mutable_notice()->set_task("tasks/i1");
  request.mutable_notice()->set_colour(v1::NOTICE_COLOUR_GREEN);
  request.mutable_notice()->set_step(v1::STEP_PLAN);
  EXPECT_TRUE(absl::IsPermissionDenied(
      desk_->CreateNotice(MakeCaller("persons/c", common::v1::ROLE_CONGRESS_OFFICE), request)
          .status()));
  EXPECT_TRUE(
      absl::IsPermissionDenied(desk_->CreateNotice(UnitClerk("housing"), request).status()));
  auto no_reason = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(absl::IsInvalidArgument(no_reason.status()));
  EXPECT_EQ(FieldViolationsOf(no_reason.status()).at(0).first, "notice.reason");

  request.mutable_notice()->set_reason("请于5月21日前报送办理方案，并抄送县人大常委会人事代表工委");
  request.set_request_id("call-1");
  auto made = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->trigger(), v1::NOTICE_TRIGGER_BY_HAND);
  EXPECT_EQ(made->deadline(), "2026-05-21");
  EXPECT_EQ(made->issued_by(), "persons/du-cha-wang");
  EXPECT_EQ(made->issued_by_name(), "县政府督查室");
  EXPECT_EQ(made->unit(), "units/housing");
  auto again = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), made->name());
  EXPECT_EQ(List(SupervisionOffice()).size(), 1u);

  request.clear_request_id();
  request.set_escalate(true);  // no leading official on this item
  auto no_leader = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(absl::IsInvalidArgument(no_leader.status()));
  EXPECT_EQ(FieldViolationsOf(no_leader.status()).at(0).first, "escalate");
  request.set_escalate(false);
  request.mutable_notice()->set_step(v1::STEP_CO_OPINION);  // a lead unit has none
  EXPECT_TRUE(absl::IsInvalidArgument(desk_->CreateNotice(SupervisionOffice(), request).status()));
  request.mutable_notice()->set_task("tasks/no-such");
  EXPECT_TRUE(absl::IsNotFound(desk_->CreateNotice(SupervisionOffice(), request).status()));
  EXPECT_EQ(PayloadsOf<v1::NoticeIssued>(AllEvents(*db_)).size(), 1u);
}

TEST_F(NoticesTest, OfficeEscalatesByHandToTheLeadingOfficial) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", true), At(2026, 4, 28));
  v1::CreateNoticeRequest request;
  request.mutable_notice()->set_task("tasks/i1");
  request.mutable_notice()->set_colour(v1::NOTICE_COLOUR_YELLOW);
  request.mutable_notice()->set_reason("重点建议，签收迟缓，提请领衔领导关注");
  auto plain = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->escalated_to().empty());
  request.set_escalate(true);
  auto escalated = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(escalated.ok()) << escalated.status();
  EXPECT_EQ(escalated->escalated_to(), kViceMayor);
  request.set_escalate(false);
  request.mutable_notice()->set_colour(v1::NOTICE_COLOUR_RED);
  auto red = desk_->CreateNotice(SupervisionOffice(), request);
  ASSERT_TRUE(red.ok());
  EXPECT_EQ(red->escalated_to(), kViceMayor);  // RED on a key item always is
  EXPECT_EQ(List(ViceMayor()).size(), 2u);
}

TEST_F(NoticesTest, StrangersAreRefusedBeforeExistence) {
  for (const auto& stranger : {MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER),
                               MakeCaller("", common::v1::ROLE_PUBLIC),
                               MakeCaller("persons/x", common::v1::ROLE_UNIT_CLERK)}) {
    v1::GetNoticeRequest get;
    get.set_name("notices/no-such");
    EXPECT_TRUE(absl::IsPermissionDenied(desk_->GetNotice(stranger, get).status()));
    EXPECT_TRUE(absl::IsPermissionDenied(desk_->ListNotices(stranger, {}).status()));
  }
  v1::GetNoticeRequest get;
  get.set_name("notices/no-such");
  EXPECT_TRUE(absl::IsNotFound(
      desk_->GetNotice(MakeCaller("persons/g", common::v1::ROLE_GOVERNMENT_OFFICE), get).status()));
}

TEST_F(NoticesTest, ListFiltersAndPages) {
  for (const char* id : {"i1", "i2", "i3"}) {
    Apply<workflow::v1::TaskCreated>(HousingTask(id, false), At(2026, 4, 28));
  }
  ASSERT_EQ(SweepOn(4, 29), 3);  // GREEN ×3
  ASSERT_EQ(SweepOn(5, 7), 3);   // YELLOW ×3
  v1::ListNoticesRequest request;
  request.set_colour(v1::NOTICE_COLOUR_YELLOW);
  request.set_page_size(2);
  auto page1 = desk_->ListNotices(SupervisionOffice(), request);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->notices_size(), 2);
  ASSERT_FALSE(page1->next_page_token().empty());
  request.set_page_token(page1->next_page_token());
  auto page2 = desk_->ListNotices(SupervisionOffice(), request);
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->notices_size(), 1);
  EXPECT_TRUE(page2->next_page_token().empty());
  EXPECT_EQ(page2->notices(0).colour(), v1::NOTICE_COLOUR_YELLOW);
  request.set_colour(v1::NOTICE_COLOUR_GREEN);  // a token of another query
  EXPECT_TRUE(absl::IsInvalidArgument(desk_->ListNotices(SupervisionOffice(), request).status()));
  v1::ListNoticesRequest year;
  year.set_year(2025);
  EXPECT_TRUE(List(SupervisionOffice(), year).empty());
  year.set_year(2026);
  EXPECT_EQ(List(SupervisionOffice(), year).size(), 6u);

  auto counts = desk_->CountNotices();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((counts->at({v1::NOTICE_COLOUR_GREEN, v1::NOTICE_STATE_ISSUED})), 3);
  EXPECT_EQ((counts->at({v1::NOTICE_COLOUR_RED, v1::NOTICE_STATE_ISSUED})), 0);
  auto overdue = desk_->OverdueSteps();
  ASSERT_TRUE(overdue.ok());
  EXPECT_EQ((overdue->at({"units/housing", v1::STEP_ACKNOWLEDGEMENT})), 3);
}

// Notices and disclosures are not rebuilt from the journal, and survive RebuildLedger; the step
// rows are rebuilt, and a sweep after it issues nothing twice.
TEST_F(NoticesTest, RebuildLedgerKeepsNoticesAndDisclosures) {
  Task t = HousingTask("i1", false);
  Apply<workflow::v1::TaskCreated>(t, At(2026, 4, 28));
  ASSERT_EQ(SweepOn(5, 7), 1);
  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  auto* a = t.add_answers();
  a->set_name("tasks/i1/answers/a1");
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  *a->mutable_issue_time() = Stamp(At(2026, 5, 8));
  Apply<workflow::v1::AnswerIssued>(t, At(2026, 5, 8));
  // 公开 20 working days after 05-08: 05-09(调休) 05-11..05-15 05-18..05-22 05-25..05-29 (16)
  // 06-01..06-04 → 2026-06-04.
  clock_.Set(At(2026, 5, 12));
  auto step = [&] { return *StepOf(Entry("i1").units(0), v1::STEP_DISCLOSURE); };
  EXPECT_EQ(step().deadline(), "2026-06-04");
  EXPECT_EQ(step().state(), v1::DEADLINE_STATE_ON_TRACK);
  ASSERT_TRUE(db_->Write([&](SQLite::Database& tx) {
                   return core_->MarkAnswerDisclosed(tx, "tasks/i1/answers/a1", "2026-05-12");
                 })
                  .ok());
  EXPECT_EQ(step().state(), v1::DEADLINE_STATE_DONE);
  EXPECT_EQ(Entry("i1").answers(0).disclosed_date(), "2026-05-12");
  EXPECT_TRUE(absl::IsInvalidArgument(db_->Write([&](SQLite::Database& tx) {
    return core_->MarkAnswerDisclosed(tx, "tasks/i1", "2026-05-12");
  })));

  auto rebuilt = core_->RebuildLedger(SupervisionOffice(), {});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(List(SupervisionOffice()).size(), 1u);
  EXPECT_EQ(step().state(), v1::DEADLINE_STATE_DONE);
  EXPECT_EQ(StepOf(Entry("i1").units(0), v1::STEP_ACKNOWLEDGEMENT)->done_date(), "2026-05-08");
  EXPECT_EQ(SweepOn(5, 7), 0);
}

// Over gRPC, as the gateway calls it: the office issues, a proposer is refused, and supervision's
// own feed (EventFeedService on the same database) serves the NoticeIssued event.
TEST_F(NoticesTest, NoticeServiceAndFeedOverGrpc) {
  Apply<workflow::v1::TaskCreated>(HousingTask("i1", false), At(2026, 4, 28));
  constexpr char kCredential[] = "notices-test-credential";
  NoticeGrpcService service(*desk_, kCredential);
  EventFeedService feed(*db_, kCredential);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.RegisterService(&feed);
  auto server = builder.BuildAndStart();
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto stub = v1::NoticeService::NewStub(channel);
  auto as = [&](const Caller& caller) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    AttachCaller(*ctx, caller, kCredential);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  };
  v1::CreateNoticeRequest request;
  request.mutable_notice()->set_task("tasks/i1");
  request.mutable_notice()->set_colour(v1::NOTICE_COLOUR_GREEN);
  request.mutable_notice()->set_reason("请尽快签收并明确三级负责人");
  v1::Notice made;
  auto status = stub->CreateNotice(as(SupervisionOffice()).get(), request, &made);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(made.colour(), v1::NOTICE_COLOUR_GREEN);
  v1::ListNoticesResponse listed;
  status = stub->ListNotices(as(MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER)).get(), {},
                             &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  request.mutable_notice()->clear_reason();
  status = stub->CreateNotice(as(SupervisionOffice()).get(), request, &made);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  auto events = events::v1::EventFeed::NewStub(channel);
  events::v1::ListEventsRequest after;
  events::v1::ListEventsResponse page;
  status = events->ListEvents(as(SupervisionOffice()).get(), after, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.events_size(), 1);
  v1::NoticeIssued issued;
  ASSERT_TRUE(page.events(0).payload().UnpackTo(&issued));
  EXPECT_EQ(issued.notice().reason(), "请尽快签收并明确三级负责人");
  EXPECT_EQ(page.events(0).actor().principal(), "persons/du-cha-wang");
  feed.Stop();
  server->Shutdown();
}

}  // namespace
}  // namespace huiyin::supervision

// The ledger and the figures from crafted feed events: a hand-computed scenario, deadline states
// across the 2026 劳动节 holiday and its make-up working day, the rebuild from the journal, and
// who may read what.
#include "services/supervision/core.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "common/events/testing/feed_event.h"
#include "common/identity/caller.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/disclosure/v1/disclosure_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/huiyin_supervision_migrations.h"

namespace huiyin::supervision {
namespace {

using common::v1::Caller;
using workflow::v1::Task;

constexpr char kSession[] = "县第十八届人民代表大会第五次会议";
constexpr char kViceMayor[] = "persons/vice-mayor-li";

absl::Time At(int year, int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

Caller Office(common::v1::Role role) {
  return MakeCaller("persons/office", role, "", "县政府督查室");
}
Caller UnitClerk(const std::string& unit) {
  return MakeCaller("persons/" + unit + "-clerk", common::v1::ROLE_UNIT_CLERK, "units/" + unit);
}

// One task of the scenario, and how far it got.
struct TaskSpec {
  std::string item;
  std::string unit;
  assignment::v1::UnitRole role = assignment::v1::UNIT_ROLE_LEAD;
  intake::v1::ItemKind kind = intake::v1::ITEM_KIND_SUGGESTION;
  std::string category = "城乡建设";
  std::string leading_official;
  std::string deadline = "2026-06-30";
  std::vector<workflow::v1::ContactMode> contacts;
  workflow::v1::AnswerClass answer_class = workflow::v1::ANSWER_CLASS_UNSPECIFIED;  // none issued
  absl::CivilDay issue_day;
  workflow::v1::Rating rating = workflow::v1::RATING_UNSPECIFIED;
  int commitments = 0;
  int fulfilled = 0;
  bool closed = false;
  bool acknowledged = true;
};

template <typename Payload>
events::v1::Event FeedEvent(const std::string& source, const std::string& subject,
                            const Payload& payload, absl::Time when) {
  return huiyin::FeedEvent(source, subject, payload, when,
                           MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK));
}

class SupervisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                              SupervisionOptions{});
  }
  void TearDown() override { core_.reset(); }

  void Apply(const events::v1::Event& e) {
    ASSERT_TRUE(db_->Write([&](SQLite::Database& tx) {
                     if (e.source() == "intake") return core_->ApplyIntakeEvent(tx, e);
                     if (e.source() == "assignment") return core_->ApplyAssignmentEvent(tx, e);
                     if (e.source() == "disclosure") return core_->ApplyDisclosureEvent(tx, e);
                     return core_->ApplyWorkflowEvent(tx, e);
                   })
                    .ok());
  }

  assignment::v1::ItemSummary Summary(const TaskSpec& s) {
    assignment::v1::ItemSummary item;
    item.set_item("items/" + s.item);
    item.set_kind(s.kind);
    item.set_session(kSession);
    item.set_year(2026);
    item.set_title("关于" + s.item + "的建议");
    item.set_category(s.category);
    return item;
  }

  // Intake's and assignment's events for the item, then the task's life as workflow's snapshots,
  // each event carrying the whole task as it stood.
  void Play(const TaskSpec& s) {
    const std::string task_name = "tasks/" + s.item + "-" + s.unit;
    if (s.role != assignment::v1::UNIT_ROLE_CO) {
      intake::v1::ItemAccepted accepted;
      auto* item = accepted.mutable_item();
      item->set_name("items/" + s.item);
      item->set_kind(s.kind);
      item->set_session(kSession);
      item->set_year(2026);
      item->set_title("关于" + s.item + "的建议");
      item->set_category(s.category);
      Apply(FeedEvent("intake", item->name(), accepted, At(2026, 3, 10)));
      assignment::v1::ItemAssigned assigned;
      *assigned.mutable_assignment()->mutable_item() = Summary(s);
      Apply(FeedEvent("assignment", item->name(), assigned, At(2026, 3, 20)));
    }
    Task t;
    t.set_name(task_name);
    *t.mutable_item() = Summary(s);
    t.set_unit("units/" + s.unit);
    t.set_role(s.role);
    t.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
    t.set_assign_date("2026-03-20");
    t.set_deadline(s.deadline);
    t.set_leading_official(s.leading_official);
    t.set_key(!s.leading_official.empty());
    workflow::v1::TaskCreated created;
    *created.mutable_task() = t;
    Apply(FeedEvent("workflow", task_name, created, At(2026, 3, 20)));
    if (!s.acknowledged) return;
    t.set_state(workflow::v1::TASK_STATE_HANDLING);
    t.mutable_responsible()->set_head_name(s.unit + "局长");
    t.mutable_responsible()->set_deputy_head_name(s.unit + "副局长");
    t.mutable_responsible()->set_clerk_name(s.unit + "科员");
    workflow::v1::TaskAcknowledged acknowledged;
    *acknowledged.mutable_task() = t;
    Apply(FeedEvent("workflow", task_name, acknowledged, At(2026, 3, 23)));
    for (auto mode : s.contacts) {
      auto* c = t.add_contacts();
      c->set_mode(mode);
      c->set_stage(workflow::v1::CONTACT_STAGE_BEFORE);
      workflow::v1::ContactRecorded recorded;
      *recorded.mutable_task() = t;
      *recorded.mutable_contact() = *c;
      Apply(FeedEvent("workflow", task_name, recorded, At(2026, 4, 8)));
    }
    if (s.answer_class == workflow::v1::ANSWER_CLASS_UNSPECIFIED) return;
    auto* a = t.add_answers();
    a->set_name(task_name + "/answers/1");
    a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
    a->set_answer_class(s.answer_class);
    const absl::Time issued = absl::FromCivil(s.issue_day, ChinaTimeZone()) + absl::Hours(16);
    *a->mutable_issue_time() = Stamp(issued);
    for (int i = 0; i < s.commitments; ++i) {
      auto* m = a->add_commitments();
      m->set_name(a->name() + "/commitments/" + std::to_string(i + 1));
      m->set_due_date("2026-12-31");
      m->set_state(workflow::v1::COMMITMENT_STATE_OPEN);
    }
    t.set_state(workflow::v1::TASK_STATE_ANSWERED);
    workflow::v1::AnswerIssued answer_issued;
    *answer_issued.mutable_task() = t;
    Apply(FeedEvent("workflow", task_name, answer_issued, issued));
    if (s.rating != workflow::v1::RATING_UNSPECIFIED) {
      t.mutable_answers(0)->mutable_evaluation()->set_rating(s.rating);
      workflow::v1::AnswerEvaluated evaluated;
      *evaluated.mutable_task() = t;
      Apply(FeedEvent("workflow", task_name, evaluated, issued + absl::Hours(72)));
    }
    for (int i = 0; i < s.fulfilled; ++i) {
      t.mutable_answers(0)->mutable_commitments(i)->set_state(
          workflow::v1::COMMITMENT_STATE_FULFILLED);
      workflow::v1::CommitmentFulfilled fulfilled;
      *fulfilled.mutable_task() = t;
      Apply(FeedEvent("workflow", task_name, fulfilled, issued + absl::Hours(240)));
    }
    if (s.closed) {
      t.set_state(workflow::v1::TASK_STATE_CLOSED);
      workflow::v1::TaskClosed closed;
      *closed.mutable_task() = t;
      Apply(FeedEvent("workflow", task_name, closed, issued + absl::Hours(480)));
    }
  }

  // The scenario: 8 items, 3 units (see the hand computation in FiguresOfTheScenario).
  void PlayScenario() {
    using workflow::v1::ANSWER_CLASS_A;
    using workflow::v1::ANSWER_CLASS_B;
    using workflow::v1::ANSWER_CLASS_C;
    const auto kFace = workflow::v1::CONTACT_MODE_FACE_TO_FACE;
    const auto kSite = workflow::v1::CONTACT_MODE_SITE_VISIT;
    const auto kMeeting = workflow::v1::CONTACT_MODE_MEETING;
    const auto kPhone = workflow::v1::CONTACT_MODE_PHONE;
    std::vector<TaskSpec> specs(9);
    auto spec = [&](int i, const std::string& item, const std::string& unit) -> TaskSpec& {
      specs[i].item = item;
      specs[i].unit = unit;
      return specs[i];
    };
    auto answer = [](TaskSpec& s, workflow::v1::AnswerClass c, absl::CivilDay day,
                     workflow::v1::Rating rating) {
      s.answer_class = c;
      s.issue_day = day;
      s.rating = rating;
    };
    TaskSpec& i1 = spec(0, "i1", "housing");
    i1.leading_official = kViceMayor;
    i1.contacts = {kFace};
    answer(i1, ANSWER_CLASS_A, absl::CivilDay(2026, 6, 20), workflow::v1::RATING_SATISFIED);
    i1.closed = true;
    TaskSpec& i2 = spec(1, "i2", "housing");
    i2.contacts = {kPhone};
    answer(i2, ANSWER_CLASS_B, absl::CivilDay(2026, 6, 25),
           workflow::v1::RATING_BASICALLY_SATISFIED);
    i2.commitments = 2;
    i2.fulfilled = 2;
    i2.closed = true;
    TaskSpec& i3 = spec(2, "i3", "housing");
    i3.contacts = {kSite};
    answer(i3, ANSWER_CLASS_C, absl::CivilDay(2026, 7, 5), workflow::v1::RATING_UNSATISFIED);
    TaskSpec& i4 = spec(3, "i4", "transport");
    i4.kind = intake::v1::ITEM_KIND_PROPOSAL;
    i4.category = "交通";
    i4.contacts = {kMeeting};
    answer(i4, ANSWER_CLASS_A, absl::CivilDay(2026, 6, 10),
           workflow::v1::RATING_BASICALLY_SATISFIED);
    TaskSpec& i5 = spec(4, "i5", "transport");
    i5.category = "交通";
    answer(i5, ANSWER_CLASS_B, absl::CivilDay(2026, 7, 2), workflow::v1::RATING_SATISFIED);
    i5.commitments = 2;
    i5.fulfilled = 1;
    i5.closed = true;
    TaskSpec& i6 = spec(5, "i6", "transport");
    i6.category = "交通";
    i6.contacts = {kFace};
    TaskSpec& i7 = spec(6, "i7", "chengguan");
    i7.kind = intake::v1::ITEM_KIND_PROPOSAL;
    answer(i7, ANSWER_CLASS_A, absl::CivilDay(2026, 6, 28), workflow::v1::RATING_UNSPECIFIED);
    TaskSpec& i8 = spec(7, "i8", "chengguan");
    i8.category = "交通";
    i8.acknowledged = false;
    TaskSpec& i8_co = spec(8, "i8", "transport");
    i8_co.role = assignment::v1::UNIT_ROLE_CO;
    i8_co.category = "交通";
    i8_co.contacts = {kFace};
    for (const auto& s : specs) Play(s);
  }

  std::vector<std::string> Dump(const std::string& sql) {
    std::vector<std::string> rows;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& conn) {
                     SQLite::Statement q(conn, sql);
                     while (q.executeStep()) {
                       std::string row;
                       for (int i = 0; i < q.getColumnCount(); ++i) {
                         row += q.getColumn(i).getString() + "|";
                       }
                       rows.push_back(row);
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    return rows;
  }

  v1::FigureRow Row(const v1::GetFiguresResponse& r, const std::string& group) {
    for (const auto& row : r.rows()) {
      if (row.group() == group) return row;
    }
    ADD_FAILURE() << "no row " << group;
    return {};
  }

  FakeClock clock_{At(2026, 7, 15)};
  testing::TempDatabase db_{"supervision", kMigrations};
  std::unique_ptr<SupervisionCore> core_;
};

void ExpectCounts(const v1::FigureCounts& c, const std::vector<int64_t>& want) {
  const std::vector<int64_t> got = {c.assigned(),
                                    c.answered(),
                                    c.answered_on_time(),
                                    c.closed(),
                                    c.class_a(),
                                    c.class_a_closed(),
                                    c.class_b_fulfilled(),
                                    c.rated(),
                                    c.satisfied(),
                                    c.basically_satisfied(),
                                    c.met()};
  EXPECT_EQ(got, want);
}

void ExpectFigures(const v1::Figures& f, const std::vector<double>& want) {
  const std::vector<double> got = {
      f.answer_rate(),       f.on_time_answer_rate(),      f.close_rate(),   f.class_a_close_rate(),
      f.satisfaction_rate(), f.strict_satisfaction_rate(), f.meeting_rate(), f.resolution_rate()};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << "figure " << i;
}

// Every answer deadline is 2026-06-30. Tasks (✓ = yes):
//   item unit       class issued      on time rating   commitments closed 见面
//   i1   housing    A     2026-06-20  ✓       满意     -           ✓      ✓ face to face
//   i2   housing    B     2026-06-25  ✓       基本满意 2 of 2 done ✓      phone only: no
//   i3   housing    C     2026-07-05  late    不满意   -                  ✓ site visit
//   i4   transport  A     2026-06-10  ✓       基本满意 -                  ✓ meeting
//   i5   transport  B     2026-07-02  late    满意     1 of 2 done ✓      no
//   i6   transport  (handling, no answer)                                ✓ face to face
//   i7   chengguan  A     2026-06-28  ✓       not rated                   no
//   i8   chengguan  (not acknowledged)                                   no
//   i8   transport  co-handler (协办): not counted anywhere, although it met the proposer
//
// counts: assigned answered on_time closed A A_closed B_fulfilled rated 满意 基本满意 met
//   housing    3 3 2 2 1 1 1 3 1 1 2
//   transport  3 2 1 1 1 0 0 2 1 1 2
//   chengguan  2 1 1 0 1 0 0 0 0 0 0
//   all        8 6 4 3 3 1 1 5 2 2 4
// figures: 办复率 按期办复率 办结率 A类件办结率 满意率 满意率(满意) 见面率 问题解决率
//   housing    3/3 2/3 2/3 1/1 2/3 1/3 2/3 (1+1)/3
//   transport  2/3 1/3 1/3 0/1 2/2 1/2 2/3 (1+0)/3
//   chengguan  1/2 1/2 0/2 0/1 0 (none rated) 0 0/2 (1+0)/2
//   all        6/8 4/8 3/8 1/3 4/5 2/5 4/8 (3+1)/8
TEST_F(SupervisionTest, FiguresOfTheScenario) {
  PlayScenario();
  const Caller office = Office(common::v1::ROLE_SUPERVISION_OFFICE);
  v1::GetFiguresRequest request;
  request.set_year(2026);
  auto all = core_->GetFigures(office, request);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->rows_size(), 1);
  ExpectCounts(all->rows(0).counts(), {8, 6, 4, 3, 3, 1, 1, 5, 2, 2, 4});
  ExpectFigures(all->rows(0).figures(),
                {6.0 / 8, 4.0 / 8, 3.0 / 8, 1.0 / 3, 4.0 / 5, 2.0 / 5, 4.0 / 8, 4.0 / 8});

  request.set_group_by(v1::GROUP_BY_UNIT);
  auto by_unit = core_->GetFigures(office, request);
  ASSERT_TRUE(by_unit.ok()) << by_unit.status();
  ASSERT_EQ(by_unit->rows_size(), 3);
  auto housing = Row(*by_unit, "units/housing");
  ExpectCounts(housing.counts(), {3, 3, 2, 2, 1, 1, 1, 3, 1, 1, 2});
  ExpectFigures(housing.figures(),
                {1.0, 2.0 / 3, 2.0 / 3, 1.0, 2.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3});
  auto transport = Row(*by_unit, "units/transport");
  ExpectCounts(transport.counts(), {3, 2, 1, 1, 1, 0, 0, 2, 1, 1, 2});
  ExpectFigures(transport.figures(),
                {2.0 / 3, 1.0 / 3, 1.0 / 3, 0.0, 1.0, 1.0 / 2, 2.0 / 3, 1.0 / 3});
  auto chengguan = Row(*by_unit, "units/chengguan");
  ExpectCounts(chengguan.counts(), {2, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0});
  ExpectFigures(chengguan.figures(), {0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5});

  // By kind: proposals are i4 (transport) and i7 (chengguan); by leading official: i1 only.
  request.set_group_by(v1::GROUP_BY_KIND);
  auto by_kind = core_->GetFigures(office, request);
  ASSERT_TRUE(by_kind.ok());
  ExpectCounts(Row(*by_kind, "ITEM_KIND_PROPOSAL").counts(), {2, 2, 2, 0, 2, 0, 0, 1, 0, 1, 1});
  ExpectCounts(Row(*by_kind, "ITEM_KIND_SUGGESTION").counts(), {6, 4, 2, 3, 1, 1, 1, 4, 2, 1, 3});
  request.set_group_by(v1::GROUP_BY_LEADING_OFFICIAL);
  auto by_leader = core_->GetFigures(office, request);
  ASSERT_TRUE(by_leader.ok());
  ASSERT_EQ(by_leader->rows_size(), 1);
  ExpectCounts(Row(*by_leader, kViceMayor).counts(), {1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1});
  // Filtered to proposals, by category: i4 交通, i7 城乡建设.
  request.set_kind(intake::v1::ITEM_KIND_PROPOSAL);
  request.set_group_by(v1::GROUP_BY_CATEGORY);
  auto by_category = core_->GetFigures(office, request);
  ASSERT_TRUE(by_category.ok());
  ASSERT_EQ(by_category->rows_size(), 2);
  ExpectCounts(Row(*by_category, "交通").counts(), {1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1});
  request.set_year(2025);
  auto other_year = core_->GetFigures(office, request);
  ASSERT_TRUE(other_year.ok());
  EXPECT_EQ(other_year->rows_size(), 0);
}

// 公开率 on the scenario above, from disclosure's feed: i1 published in time, i2 published late,
// i3 withheld (不予公开), i4 published in time (and its publication repeated), i5 and i7 not yet.
//   answered (as above)   disclosed in time   公开率
//   housing    3          1 (i1)              1/3
//   transport  2          1 (i4)              1/2
//   chengguan  1          0                   0
//   all        6          2                   2/6
// i6 (transport, handling) and i8 (chengguan, not acknowledged) are open past 2026-06-30; the
// answered tasks and the co-handler are not counted, whatever their deadline; every unit with a
// task reads 0 otherwise.
TEST_F(SupervisionTest, OverdueByUnitCountsOpenAnsweringTasksPastTheirDeadline) {
  PlayScenario();
  auto overdue = core_->OverdueByUnit();
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(*overdue, (std::map<std::string, int64_t>{
                          {"units/chengguan", 1}, {"units/housing", 0}, {"units/transport", 1}}));
  clock_.Set(At(2026, 6, 30));  // the deadline itself is not late
  overdue = core_->OverdueByUnit();
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(*overdue, (std::map<std::string, int64_t>{
                          {"units/chengguan", 0}, {"units/housing", 0}, {"units/transport", 0}}));
}

TEST_F(SupervisionTest, DisclosureRateCountsAnswersPublishedInTime) {
  PlayScenario();
  auto published = [&](const std::string& task, bool on_time, absl::Time when) {
    disclosure::v1::RecordPublished e;
    e.set_item("items/" + task.substr(0, task.find('-')));
    e.set_answer("tasks/" + task + "/answers/1");
    e.set_on_time(on_time);
    Apply(FeedEvent("disclosure", e.answer(), e, when));
  };
  published("i1-housing", true, At(2026, 7, 1));
  published("i2-housing", false, At(2026, 8, 20));
  disclosure::v1::RecordWithheld withheld;
  withheld.set_item("items/i3");
  withheld.set_answer("tasks/i3-housing/answers/1");
  withheld.set_reason_text("涉及个人隐私");
  Apply(FeedEvent("disclosure", withheld.answer(), withheld, At(2026, 7, 20)));
  published("i4-transport", true, At(2026, 6, 20));
  published("i4-transport", true, At(2026, 6, 22));

  const Caller office = Office(common::v1::ROLE_SUPERVISION_OFFICE);
  auto check = [&] {
    v1::GetFiguresRequest request;
    request.set_year(2026);
    auto all = core_->GetFigures(office, request);
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(all->rows(0).counts().disclosed_on_time(), 2);
    EXPECT_DOUBLE_EQ(all->rows(0).figures().disclosure_rate(), 2.0 / 6);
    request.set_group_by(v1::GROUP_BY_UNIT);
    auto by_unit = core_->GetFigures(office, request);
    ASSERT_TRUE(by_unit.ok()) << by_unit.status();
    EXPECT_DOUBLE_EQ(Row(*by_unit, "units/housing").figures().disclosure_rate(), 1.0 / 3);
    EXPECT_DOUBLE_EQ(Row(*by_unit, "units/transport").figures().disclosure_rate(), 1.0 / 2);
    EXPECT_DOUBLE_EQ(Row(*by_unit, "units/chengguan").figures().disclosure_rate(), 0.0);
    v1::GetLedgerEntryRequest get;
    get.set_name("ledger/i3");
    auto i3 = core_->GetLedgerEntry(office, get);
    ASSERT_TRUE(i3.ok()) << i3.status();
    ASSERT_EQ(i3->answers_size(), 1);
    EXPECT_EQ(i3->answers(0).disclosed_date(), "2026-07-20");
    EXPECT_TRUE(i3->answers(0).disclosure_withheld());
    get.set_name("ledger/i4");
    auto i4 = core_->GetLedgerEntry(office, get);
    ASSERT_TRUE(i4.ok());
    EXPECT_EQ(i4->answers(0).disclosed_date(), "2026-06-20");  // the first publication
    EXPECT_FALSE(i4->answers(0).disclosure_withheld());
  };
  check();
  ASSERT_TRUE(core_->RebuildLedger(office, {}).ok());
  check();  // disclosures are kept, and the replayed counters count them the same
}

TEST_F(SupervisionTest, LedgerEntryShowsTheItemsLife) {
  PlayScenario();
  const Caller office = Office(common::v1::ROLE_CONGRESS_OFFICE);
  v1::GetLedgerEntryRequest get;
  get.set_name("ledger/i2");
  auto i2 = core_->GetLedgerEntry(office, get);
  ASSERT_TRUE(i2.ok()) << i2.status();
  EXPECT_EQ(i2->stage(), v1::STAGE_CLOSED);
  EXPECT_EQ(i2->item().title(), "关于i2的建议");
  ASSERT_EQ(i2->answers_size(), 1);
  EXPECT_EQ(i2->answers(0).answer_class(), workflow::v1::ANSWER_CLASS_B);
  EXPECT_EQ(i2->answers(0).issue_date(), "2026-06-25");
  EXPECT_TRUE(i2->answers(0).on_time());
  EXPECT_EQ(i2->answers(0).rating(), workflow::v1::RATING_BASICALLY_SATISFIED);
  ASSERT_EQ(i2->units_size(), 1);
  EXPECT_FALSE(i2->units(0).met_proposer());
  EXPECT_EQ(i2->units(0).open_commitments(), 0);
  EXPECT_EQ(i2->units(0).responsible().head_name(), "housing局长");  // 三级负责
  EXPECT_EQ(i2->units(0).responsible().clerk_name(), "housing科员");
  ASSERT_EQ(i2->units(0).contacts_size(), 1);  // a phone call: a contact, not a meeting
  EXPECT_EQ(i2->units(0).contacts(0).mode(), workflow::v1::CONTACT_MODE_PHONE);
  // accepted, assigned, created, acknowledged, 1 contact, issued, evaluated, 2 fulfilled, closed
  ASSERT_EQ(i2->timeline_size(), 10);
  EXPECT_EQ(i2->timeline(0).type(), "huiyin.intake.v1.ItemAccepted");
  EXPECT_EQ(i2->timeline(9).type(), "huiyin.workflow.v1.TaskClosed");

  get.set_name("ledger/i8");
  auto i8 = core_->GetLedgerEntry(office, get);
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(i8->stage(), v1::STAGE_ASSIGNED);
  ASSERT_EQ(i8->units_size(), 2);
  // Today 2026-07-15 is past the 2026-06-30 deadline of the unacknowledged lead unit.
  EXPECT_TRUE(i8->overdue());

  v1::ListLedgerRequest list;
  list.set_year(2026);
  list.set_overdue_only(true);
  auto overdue = core_->ListLedger(office, list);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  std::vector<std::string> names;
  for (const auto& e : overdue->entries()) names.push_back(e.name());
  EXPECT_EQ(names, (std::vector<std::string>{"ledger/i6", "ledger/i8"}));

  list.Clear();
  list.set_unit("units/transport");
  list.set_page_size(2);
  auto page1 = core_->ListLedger(office, list);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->entries_size(), 2);
  ASSERT_FALSE(page1->next_page_token().empty());
  list.set_page_token(page1->next_page_token());
  auto page2 = core_->ListLedger(office, list);
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->entries_size(), 2);  // i4 i5 | i6 i8 (co-handler)
  EXPECT_EQ(page2->entries(1).name(), "ledger/i8");
  EXPECT_TRUE(page2->next_page_token().empty());

  list.Clear();
  list.set_stage(v1::STAGE_ANSWERED);
  auto answered = core_->ListLedger(office, list);
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(answered->entries_size(), 3);  // i3, i4, i7
}

// 2026 劳动节: holiday 05-01 to 05-05, make-up working day Saturday 05-09. A deadline of Monday
// 2026-05-11; working days left (today excluded, the deadline included):
//   Tue 04-28: 04-29 04-30 05-06 05-07 05-08 05-09 05-11 = 7 (10 if the holiday were counted)
//   Wed 05-06: 05-07 05-08 05-09 05-11 = 4 (3 if the make-up Saturday were not counted)
//   Thu 05-07: 05-08 05-09 05-11 = 3;  Mon 05-11: 0;  Tue 05-12: past the deadline
TEST_F(SupervisionTest, DeadlineStatesAcrossHolidayAndMakeUpDay) {
  TaskSpec m1;
  m1.item = "m1";
  m1.unit = "housing";
  m1.deadline = "2026-05-11";
  Play(m1);
  const Caller office = Office(common::v1::ROLE_GOVERNMENT_OFFICE);
  auto state_on = [&](absl::CivilDay today, int lead) {
    SupervisionCore core(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                         SupervisionOptions{lead});
    clock_.Set(absl::FromCivil(today, ChinaTimeZone()) + absl::Hours(10));
    v1::GetLedgerEntryRequest get;
    get.set_name("ledger/m1");
    auto e = core.GetLedgerEntry(office, get);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? e->units(0).deadline_state() : v1::DEADLINE_STATE_UNSPECIFIED;
  };
  EXPECT_EQ(state_on(absl::CivilDay(2026, 4, 28), 7), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(state_on(absl::CivilDay(2026, 4, 28), 6), v1::DEADLINE_STATE_ON_TRACK);
  EXPECT_EQ(state_on(absl::CivilDay(2026, 5, 6), 3), v1::DEADLINE_STATE_ON_TRACK);
  EXPECT_EQ(state_on(absl::CivilDay(2026, 5, 7), 3), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(state_on(absl::CivilDay(2026, 5, 11), 3), v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(state_on(absl::CivilDay(2026, 5, 12), 3), v1::DEADLINE_STATE_OVERDUE);
}

TEST_F(SupervisionTest, RebuildLedgerEqualsIncrementalState) {
  PlayScenario();
  const std::string entries =
      "SELECT item, pre_stage, year, session, kind, category, "
      "leading_official, stage, units, hex(data) FROM entries ORDER BY item";
  const std::string counters =
      "SELECT * FROM figure_counters WHERE assigned != 0 OR met != 0 "
      "ORDER BY year, session, kind, dimension, value";
  const std::string tasks = "SELECT name, item, hex(data) FROM tasks ORDER BY name";
  const auto entries_before = Dump(entries);
  const auto counters_before = Dump(counters);
  const auto tasks_before = Dump(tasks);
  ASSERT_EQ(entries_before.size(), 8u);
  ASSERT_FALSE(counters_before.empty());
  EXPECT_TRUE(absl::IsPermissionDenied(
      core_->RebuildLedger(Office(common::v1::ROLE_CONGRESS_OFFICE), {}).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(core_->RebuildLedger(UnitClerk("housing"), {}).status()));
  auto rebuilt = core_->RebuildLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), {});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->entries(), 8);
  // 8 accepted + 8 assigned, and workflow's (created, acknowledged, contacts, issued, evaluated,
  // fulfilled, closed): i1 6, i2 8, i3 5, i4 5, i5 6, i6 3, i7 3, i8 lead 1, i8 co 3 = 40.
  EXPECT_EQ(rebuilt->events_replayed(), 56);
  EXPECT_EQ(Dump(entries), entries_before);
  EXPECT_EQ(Dump(counters), counters_before);
  EXPECT_EQ(Dump(tasks), tasks_before);
  // The counters left after the rebuild hold no row that nets to zero but for zeros.
  EXPECT_EQ(Dump("SELECT count(*) FROM figure_counters WHERE assigned < 0 OR answered < 0 OR "
                 "closed < 0 OR rated < 0 OR met < 0"),
            std::vector<std::string>{"0|"});
}

// The counters moved event by event (each event's before/after difference) equal counters built
// from nothing but each task's final snapshot, in a second database.
TEST_F(SupervisionTest, IncrementalCountersEqualCountsOfFinalSnapshots) {
  PlayScenario();
  const std::string counters =
      "SELECT * FROM figure_counters WHERE assigned != 0 OR met != 0 "
      "ORDER BY year, session, kind, dimension, value";
  const auto incremental = Dump(counters);
  std::vector<Task> finals;
  ASSERT_TRUE(db_->Read([&](SQLite::Database& conn) {
                   SQLite::Statement q(conn, "SELECT data FROM tasks ORDER BY name DESC");
                   while (q.executeStep()) {
                     finals.emplace_back().ParseFromString(q.getColumn(0).getString());
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_EQ(finals.size(), 9u);
  core_.reset();
  db_.Recreate();
  core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                            SupervisionOptions{});
  for (const auto& task : finals) {
    workflow::v1::TaskClosed snapshot;
    *snapshot.mutable_task() = task;
    Apply(FeedEvent("workflow", task.name(), snapshot, At(2026, 7, 15)));
  }
  EXPECT_EQ(Dump(counters), incremental);
}

// Each event rewrites only the step deadlines it changed (and drops those no longer derived):
// after the whole scenario they equal the rows derived afresh from each task's final snapshot.
TEST_F(SupervisionTest, StepDeadlinesKeptRowByRowEqualThoseDerivedAfresh) {
  PlayScenario();
  const std::string steps = "SELECT * FROM step_deadlines ORDER BY task, step, subject";
  const auto kept = Dump(steps);
  ASSERT_GT(kept.size(), 20u);
  std::vector<Task> finals;
  ASSERT_TRUE(db_->Write([&](SQLite::Database& tx) {
                   SQLite::Statement q(tx, "SELECT data FROM tasks ORDER BY name");
                   while (q.executeStep()) {
                     finals.emplace_back().ParseFromString(q.getColumn(0).getString());
                   }
                   tx.exec("DELETE FROM step_deadlines");
                   return absl::OkStatus();
                 })
                  .ok());
  for (const auto& task : finals) {
    workflow::v1::TaskClosed snapshot;
    *snapshot.mutable_task() = task;
    Apply(FeedEvent("workflow", task.name(), snapshot, At(2026, 7, 15)));
  }
  EXPECT_EQ(Dump(steps), kept);
}

TEST_F(SupervisionTest, UnknownEventTypesAreSkipped) {
  assignment::v1::UnitCreated unit;
  unit.mutable_unit()->set_name("units/housing");
  Apply(FeedEvent("assignment", "units/housing", unit, At(2026, 3, 1)));
  EXPECT_EQ(Dump("SELECT count(*) FROM journal"), std::vector<std::string>{"0|"});
  EXPECT_EQ(Dump("SELECT count(*) FROM entries"), std::vector<std::string>{"0|"});
}

TEST_F(SupervisionTest, UnitsReadOnlyTheirOwn) {
  PlayScenario();
  const Caller housing = UnitClerk("housing");
  v1::GetFiguresRequest figures;
  figures.set_year(2026);
  auto own = core_->GetFigures(housing, figures);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->rows_size(), 1);
  EXPECT_EQ(own->rows(0).group(), "units/housing");
  EXPECT_EQ(own->rows(0).counts().assigned(), 3);
  figures.set_group_by(v1::GROUP_BY_UNIT);
  own = core_->GetFigures(housing, figures);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->rows_size(), 1);
  EXPECT_EQ(own->rows(0).group(), "units/housing");
  figures.set_group_by(v1::GROUP_BY_CATEGORY);
  EXPECT_TRUE(absl::IsPermissionDenied(core_->GetFigures(housing, figures).status()));

  v1::GetLedgerEntryRequest get;
  get.set_name("ledger/i4");  // transport's item
  EXPECT_TRUE(absl::IsPermissionDenied(core_->GetLedgerEntry(housing, get).status()));
  get.set_name("ledger/no-such-item");  // as for an item that does not exist: nothing revealed
  EXPECT_TRUE(absl::IsPermissionDenied(core_->GetLedgerEntry(housing, get).status()));
  EXPECT_TRUE(absl::IsNotFound(
      core_->GetLedgerEntry(Office(common::v1::ROLE_SUPERVISION_OFFICE), get).status()));
  get.set_name("ledger/i1");
  EXPECT_TRUE(core_->GetLedgerEntry(housing, get).ok());
  // The co-handler reads the item it helps with.
  get.set_name("ledger/i8");
  EXPECT_TRUE(core_->GetLedgerEntry(UnitClerk("transport"), get).ok());

  v1::ListLedgerRequest list;
  list.set_unit("units/transport");
  EXPECT_TRUE(absl::IsPermissionDenied(core_->ListLedger(housing, list).status()));
  list.clear_unit();
  auto mine = core_->ListLedger(housing, list);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->entries_size(), 3);

  for (const auto& stranger :
       {MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER),
        MakeCaller("persons/leader", common::v1::ROLE_LEADING_OFFICIAL),
        MakeCaller("", common::v1::ROLE_PUBLIC),
        MakeCaller("persons/x", common::v1::ROLE_UNIT_CLERK)}) {  // a clerk with no unit
    figures.set_group_by(v1::GROUP_BY_NONE);
    EXPECT_TRUE(absl::IsPermissionDenied(core_->GetFigures(stranger, figures).status()));
    EXPECT_TRUE(absl::IsPermissionDenied(core_->GetLedgerEntry(stranger, get).status()));
    EXPECT_TRUE(absl::IsPermissionDenied(core_->ListLedger(stranger, list).status()));
  }
  figures.clear_year();
  EXPECT_TRUE(absl::IsInvalidArgument(
      core_->GetFigures(Office(common::v1::ROLE_CPPCC_OFFICE), figures).status()));
}

}  // namespace
}  // namespace huiyin::supervision

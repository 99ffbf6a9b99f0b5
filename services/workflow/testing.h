// Test fixtures for workflow: a core over a temporary database with a fake clock, the county's
// units with their three levels of responsible people, an item with realistic Chinese texts and
// the events of intake and assignment as their feeds bring them, and answers good and bad.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/events/testing/fake_feed.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "common/text/normalize.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/workflow/core.h"
#include "services/workflow/huiyin_workflow_migrations.h"

namespace huiyin::workflow::testing {

inline constexpr char kItemTitle[] = "关于加快城区老旧小区改造的建议";
inline constexpr char kItemBody[] =
    "城关镇城区现有老旧小区42个，多建成于上世纪八九十年代，普遍存在管网老化、雨污混流、"
    "停车难、无电梯等问题，居民反映强烈。建议县政府加快城区老旧小区改造，优先实施雨污分流和"
    "供水管网改造，同步增设停车位，并引入专业物业管理，让老旧小区居民住得更舒心。";

// 答复 that a supervision office would pass: salutation, on the point, dated commitments,
// contact person, the unit and the date at the end.
inline constexpr char kGoodAnswer[] =
    "尊敬的王建国代表：\n"
    "　　您提出的《关于加快城区老旧小区改造的建议》收悉。感谢您对我县城市建设的关心和支持。"
    "现答复如下：\n"
    "　　一、关于城区老旧小区改造计划。我局已将城区42个老旧小区全部纳入2025—2027年改造计划，"
    "2025年改造解放路、建设路等12个小区，总投资1.2亿元，目前已完成设计招标。\n"
    "　　二、关于管网改造和雨污分流。今年改造的12个小区将同步完成雨污分流和供水管网改造，"
    "计划于2025年10月底前完工。\n"
    "　　三、关于停车难问题。结合老旧小区改造新增停车位860个，2025年12月31日前建成投用；"
    "改造完成的小区由街道引入专业物业管理。\n"
    "　　再次感谢您对我们工作的关心和支持。\n"
    "　　联系人：孙浩，电话：0571-88005678\n"
    "县住房和城乡建设局\n"
    "2025年6月20日\n";

// One no office should pass: no salutation, off the point, vague, no contact, no signature.
inline constexpr char kVagueAnswer[] =
    "王代表：您的建议收到。我局将适时研究研究，积极协调有关部门，逐步解决。谢谢。";

inline std::string UnitName(const std::string& id) { return "units/" + id; }

inline Caller UnitCaller(const std::string& unit, const std::string& who, Role role) {
  return MakeCaller("persons/" + unit + "-" + who, role, UnitName(unit));
}
inline Caller ClerkOf(const std::string& unit) {
  return UnitCaller(unit, "clerk", common::v1::ROLE_UNIT_CLERK);
}
inline Caller DeputyOf(const std::string& unit) {
  return UnitCaller(unit, "deputy", common::v1::ROLE_UNIT_DEPUTY_HEAD);
}
inline Caller HeadOf(const std::string& unit) {
  return UnitCaller(unit, "head", common::v1::ROLE_UNIT_HEAD);
}
inline Caller Proposer(const std::string& person) {
  return MakeCaller(person, common::v1::ROLE_PROPOSER);
}
inline Caller LeadingOfficial(const std::string& person) {
  return MakeCaller(person, common::v1::ROLE_LEADING_OFFICIAL, "", "副县长");
}
inline Caller GovernmentOffice() {
  return MakeCaller("persons/gov-1", common::v1::ROLE_GOVERNMENT_OFFICE, "", "县政府办督查科");
}
inline Caller SupervisionOffice() {
  return MakeCaller("persons/sup-1", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}
inline Caller CongressOffice() {
  return MakeCaller("persons/office-1", common::v1::ROLE_CONGRESS_OFFICE, "", "人大选联工委");
}

inline absl::Time At(int year, int month, int day, int hour = 9) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

// A unit with its head, deputy head and clerk ("persons/{id}-head" …).
inline assignment::v1::Unit CountyUnit(const std::string& id, const std::string& display_name,
                                       const std::string& head, const std::string& deputy,
                                       const std::string& clerk) {
  assignment::v1::Unit u;
  u.set_name(UnitName(id));
  u.set_display_name(display_name);
  u.set_active(true);
  auto add = [&](const std::string& who, const std::string& name, assignment::v1::MemberRole r) {
    auto* m = u.add_members();
    m->set_person("persons/" + id + "-" + who);
    m->set_name(name);
    m->set_role(r);
    m->set_section("城建股");
  };
  add("head", head, assignment::v1::MEMBER_ROLE_HEAD);
  add("deputy", deputy, assignment::v1::MEMBER_ROLE_DEPUTY_HEAD);
  add("clerk", clerk, assignment::v1::MEMBER_ROLE_CLERK);
  return u;
}

inline std::vector<assignment::v1::Unit> CountyUnits() {
  return {CountyUnit("housing", "县住房和城乡建设局", "陈志强", "刘卫东", "孙浩"),
          CountyUnit("chengguan", "城关镇人民政府", "周国华", "吴丽萍", "郑小军"),
          CountyUnit("transport", "县交通运输局", "黄建平", "林晓燕", "何伟")};
}

inline intake::v1::Item AcceptedItem(const std::string& id) {
  intake::v1::Item item;
  item.set_name("items/" + id);
  item.set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  item.set_year(2025);
  item.set_title(kItemTitle);
  item.set_body(kItemBody);
  item.mutable_lead_proposer()->set_person("persons/wang");
  item.mutable_lead_proposer()->set_name("王建国");
  item.add_co_proposers()->set_person("persons/li");
  item.mutable_co_proposers(0)->set_name("李秀英");
  item.set_category("城乡建设");
  item.set_state(intake::v1::ITEM_STATE_ACCEPTED);
  return item;
}

inline assignment::v1::AssignedUnit Assigned(const std::string& unit, assignment::v1::UnitRole role,
                                             const std::string& part = "") {
  assignment::v1::AssignedUnit u;
  u.set_unit(UnitName(unit));
  u.set_role(role);
  u.set_part(part);
  return u;
}

// The assignment as assignment's ItemAssigned carries it.
inline assignment::v1::Assignment Assignment(const std::string& item_id,
                                             assignment::v1::AssignmentMode mode,
                                             std::vector<assignment::v1::AssignedUnit> units,
                                             const std::string& assign_date = "2025-03-10",
                                             const std::string& deadline = "2025-06-10") {
  assignment::v1::Assignment a;
  a.set_name("items/" + item_id + "/assignment");
  a.mutable_item()->set_item("items/" + item_id);
  a.mutable_item()->set_year(2025);
  a.mutable_item()->set_title(kItemTitle);
  a.mutable_item()->add_proposers("persons/wang");
  a.mutable_item()->add_proposers("persons/li");
  a.set_version(1);
  a.set_mode(mode);
  for (auto& u : units) *a.add_units() = std::move(u);
  a.mutable_current_deadline()->set_date(deadline);
  a.set_state(assignment::v1::ASSIGNMENT_STATE_ASSIGNED);
  a.set_assign_date(assign_date);
  return a;
}

template <typename Payload>
events::v1::Event FeedEvent(const std::string& source, int64_t sequence, const std::string& subject,
                            const Payload& payload) {
  events::v1::Event e;
  e.set_sequence(sequence);
  e.set_source(source);
  e.set_subject(subject);
  *e.mutable_actor() = GovernmentOffice();
  e.mutable_payload()->PackFrom(payload);
  return e;
}

inline v1::Answer GoodAnswer() {
  v1::Answer a;
  a.set_answer_class(v1::ANSWER_CLASS_B);
  a.set_text(kGoodAnswer);
  a.set_contact_person("孙浩");
  a.set_contact_phone("0571-88005678");
  a.set_answer_date("2025-06-20");
  auto* c1 = a.add_commitments();
  c1->set_text("完成12个小区雨污分流和供水管网改造");
  c1->set_due_date("2025-10-31");
  auto* c2 = a.add_commitments();
  c2->set_text("新增停车位860个并投用");
  c2->set_due_date("2025-12-31");
  return a;
}

inline v1::Answer VagueAnswer() {
  v1::Answer a;
  a.set_answer_class(v1::ANSWER_CLASS_A);
  a.set_text(kVagueAnswer);
  a.set_contact_person("孙浩");
  return a;
}

inline const text::TextNormalizer& SharedNormalizer() {
  static const text::TextNormalizer* normalizer = [] {
    auto n = text::TextNormalizer::Create();
    EXPECT_TRUE(n.ok()) << n.status();
    return n->release();
  }();
  return *normalizer;
}

class WorkflowFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeCore();
    for (const auto& unit : CountyUnits()) {
      assignment::v1::UnitCreated created;
      *created.mutable_unit() = unit;
      ApplyAssignment(FeedEvent("assignment", ++assignment_sequence_, unit.name(), created));
    }
  }

  void TearDown() override {
    core_.reset();
  }

  void MakeCore() {
    core_ = std::make_unique<WorkflowCore>(*db_, clock_, ids_, WorkingDayCalendar::ChinaMainland(),
                                           SharedNormalizer(), options_);
  }
  void SetToday(int year, int month, int day) { clock_.Set(At(year, month, day)); }

  void ApplyIntake(const events::v1::Event& e) {
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyIntakeEvent(tx, e); }).ok());
  }
  void ApplyAssignment(const events::v1::Event& e) {
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyAssignmentEvent(tx, e); }).ok());
  }
  // Intake accepted the item and assignment assigned it.
  void Arrive(const std::string& item_id, const assignment::v1::Assignment& a) {
    intake::v1::ItemAccepted accepted;
    *accepted.mutable_item() = AcceptedItem(item_id);
    ApplyIntake(FeedEvent("intake", ++intake_sequence_, "items/" + item_id, accepted));
    assignment::v1::ItemAssigned assigned;
    *assigned.mutable_assignment() = a;
    ApplyAssignment(FeedEvent("assignment", ++assignment_sequence_, a.name(), assigned));
  }

  // The active task of `unit` on the item.
  v1::Task TaskOf(const std::string& item_id, const std::string& unit) {
    v1::ListTasksRequest r;
    r.set_item("items/" + item_id);
    r.set_unit(UnitName(unit));
    auto list = core_->ListTasks(GovernmentOffice(), r);
    EXPECT_TRUE(list.ok()) << list.status();
    if (list.ok()) {
      for (const auto& t : list->tasks()) {
        if (t.state() != v1::TASK_STATE_CANCELLED) return t;
      }
    }
    ADD_FAILURE() << "no task of " << unit << " on " << item_id;
    return v1::Task();
  }
  v1::Task Reload(const v1::Task& t) {
    v1::GetTaskRequest r;
    r.set_name(t.name());
    auto got = core_->GetTask(GovernmentOffice(), r);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : v1::Task();
  }

  v1::Responsible ResponsibleOf(const std::string& unit) {
    v1::Responsible r;
    r.set_head("persons/" + unit + "-head");
    r.set_deputy_head("persons/" + unit + "-deputy");
    r.set_section("城建股");
    r.set_clerk("persons/" + unit + "-clerk");
    return r;
  }
  v1::Task Acknowledge(const v1::Task& task, const std::string& unit) {
    v1::AcknowledgeTaskRequest r;
    r.set_name(task.name());
    *r.mutable_responsible() = ResponsibleOf(unit);
    auto t = core_->AcknowledgeTask(ClerkOf(unit), r);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : v1::Task();
  }
  absl::StatusOr<v1::Answer> Draft(const v1::Task& task, const std::string& unit,
                                   v1::Answer answer) {
    v1::DraftAnswerRequest r;
    r.set_name(task.name());
    *r.mutable_answer() = std::move(answer);
    return core_->DraftAnswer(ClerkOf(unit), r);
  }
  absl::StatusOr<v1::Answer> Review(const std::string& answer, const Caller& caller,
                                    bool approve = true, const std::string& comment = "") {
    v1::ReviewAnswerRequest r;
    r.set_name(answer);
    r.set_approve(approve);
    r.set_comment(comment);
    return core_->ReviewAnswer(caller, r);
  }
  absl::StatusOr<v1::Answer> Sign(const std::string& answer, const Caller& caller) {
    v1::SignAnswerRequest r;
    r.set_name(answer);
    return core_->SignAnswer(caller, r);
  }
  absl::StatusOr<v1::Answer> Issue(const std::string& answer, const Caller& caller) {
    v1::IssueAnswerRequest r;
    r.set_name(answer);
    return core_->IssueAnswer(caller, r);
  }
  absl::StatusOr<v1::Answer> Evaluate(const std::string& answer, const Caller& caller,
                                      v1::Rating rating, const std::string& comment = "") {
    v1::EvaluateAnswerRequest r;
    r.set_name(answer);
    r.set_rating(rating);
    r.set_comment(comment);
    return core_->EvaluateAnswer(caller, r);
  }
  // Drafts, reviews, signs and issues `answer` for a unit's acknowledged task.
  v1::Answer IssueThrough(const v1::Task& task, const std::string& unit, v1::Answer answer) {
    auto a = Draft(task, unit, std::move(answer));
    EXPECT_TRUE(a.ok()) << a.status();
    if (!a.ok()) return v1::Answer();
    EXPECT_TRUE(Review(a->name(), DeputyOf(unit)).ok());
    auto signed_answer = Sign(a->name(), HeadOf(unit));
    EXPECT_TRUE(signed_answer.ok()) << signed_answer.status();
    auto issued = Issue(a->name(), ClerkOf(unit));
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : v1::Answer();
  }

  std::vector<events::v1::Event> Events() { return ::huiyin::testing::AllEvents(*db_); }
  // The payloads of one type, oldest first.
  template <typename Payload>
  std::vector<Payload> EventsOf() {
    return ::huiyin::testing::PayloadsOf<Payload>(Events());
  }

  // The reason recorded with the newest event whose type ends in `type` ("" if none).
  std::string ReasonOfLast(const std::string& type) {
    std::string reason;
    for (const auto& e : Events()) {
      if (absl::EndsWith(e.payload().type_url(), "." + type)) reason = e.reason();
    }
    return reason;
  }

  // 2025-03-10 is a Monday in the assignment season.
  FakeClock clock_{At(2025, 3, 10)};
  SequentialIdGenerator ids_{"id"};
  WorkflowOptions options_;
  ::huiyin::testing::TempDatabase db_{"workflow", kMigrations};
  std::unique_ptr<WorkflowCore> core_;
  int64_t intake_sequence_ = 0;
  int64_t assignment_sequence_ = 0;
};

}  // namespace huiyin::workflow::testing

// Test fixtures for disclosure: a core over a temporary database with a fake clock, and the
// feeds' facts as intake and workflow publish them — an item with realistic Chinese texts and a
// proposer's phone number, its task, and answers issued and rated.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/events/testing/fake_feed.h"
#include "common/events/testing/feed_event.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "common/text/bigram_tokenizer.h"
#include "common/text/normalize.h"
#include "gtest/gtest.h"
#include "huiyin/disclosure/v1/disclosure_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/disclosure/core.h"
#include "services/disclosure/huiyin_disclosure_migrations.h"

namespace huiyin::disclosure::testing {

inline constexpr char kSession[] = "县第十八届人民代表大会第五次会议";
inline constexpr char kCppccSession[] = "政协县第十一届委员会第五次会议";
inline constexpr char kTitle[] = "关于加快城区老旧小区改造的建议";
inline constexpr char kBody[] =
    "城关镇城区现有老旧小区42个，普遍存在管网老化、雨污混流、停车难等问题。"
    "建议加快改造，优先实施雨污分流。如需了解情况可联系我，手机13807463375。";
inline constexpr char kAnswer[] =
    "尊敬的王建国代表：\n您提出的《关于加快城区老旧小区改造的建议》收悉。"
    "我局已将城区42个老旧小区全部纳入2025—2027年改造计划，2025年改造12个小区，"
    "计划于2025年10月底前完工。\n联系人：孙浩，电话：0571-88005678\n县住房和城乡建设局";

inline Caller GovernmentOffice() {
  return MakeCaller("persons/gov-1", common::v1::ROLE_GOVERNMENT_OFFICE, "", "县政府办");
}
inline Caller CongressOffice() {
  return MakeCaller("persons/cong-1", common::v1::ROLE_CONGRESS_OFFICE, "", "县人大选联工委");
}
inline Caller CppccOffice() {
  return MakeCaller("persons/cppcc-1", common::v1::ROLE_CPPCC_OFFICE, "", "县政协提案委");
}
inline Caller SupervisionOffice() {
  return MakeCaller("persons/sup-1", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}
inline Caller Public() { return MakeCaller("", common::v1::ROLE_PUBLIC); }
inline Caller Clerk() {
  return MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK, "units/housing");
}

// A time of day in China.
inline absl::Time At(int year, int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}
inline google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

template <typename Payload>
events::v1::Event FeedEvent(const std::string& source, const std::string& subject,
                            const Payload& payload, absl::Time when) {
  return huiyin::FeedEvent(source, subject, payload, when, Clerk());
}

inline intake::v1::Item MakeItem(const std::string& id,
                                 intake::v1::ItemKind kind = intake::v1::ITEM_KIND_SUGGESTION) {
  intake::v1::Item item;
  item.set_name("items/" + id);
  item.set_kind(kind);
  const bool proposal = kind == intake::v1::ITEM_KIND_PROPOSAL;
  item.set_session(proposal ? kCppccSession : kSession);
  item.set_year(2025);
  item.set_title(kTitle);
  item.set_body(kBody);
  item.set_category("城乡建设");
  item.set_state(intake::v1::ITEM_STATE_ACCEPTED);
  item.set_number(15);
  item.set_number_label(proposal ? "提案第15号" : "建议第15号");
  auto* lead = item.mutable_lead_proposer();
  lead->set_person("persons/p-1011");
  lead->set_name("王建国");
  lead->set_group("双河乡代表团");
  lead->set_phone("13807463375");
  auto* co = item.add_co_proposers();
  co->set_person("persons/p-1004");
  co->set_name("刘桂芳");
  co->set_group("城关镇代表团");
  co->set_phone("13905118702");
  return item;
}

inline workflow::v1::Task MakeTask(const intake::v1::Item& item) {
  workflow::v1::Task t;
  t.set_name("tasks/" + item.name().substr(6) + "-housing");
  auto* s = t.mutable_item();
  s->set_item(item.name());
  s->set_kind(item.kind());
  s->set_session(item.session());
  s->set_year(item.year());
  s->set_title(item.title());
  s->set_number_label(item.number_label());
  s->set_category(item.category());
  t.set_unit("units/housing");
  t.set_unit_display_name("县住房和城乡建设局");
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_HANDLING);
  t.set_assign_date("2025-03-20");
  t.set_deadline("2025-06-20");
  auto* r = t.mutable_responsible();
  r->set_head("persons/housing-head");
  r->set_head_name("赵国强");
  r->set_clerk_name("孙浩");
  return t;
}

// Adds an issued answer to the task (the previous one, if any, superseded).
inline workflow::v1::Answer& IssueAnswer(
    workflow::v1::Task& t, absl::Time when, const std::string& text = kAnswer,
    workflow::v1::AnswerClass c = workflow::v1::ANSWER_CLASS_A) {
  for (auto& a : *t.mutable_answers()) {
    if (a.state() == workflow::v1::ANSWER_STATE_ISSUED) {
      a.set_state(workflow::v1::ANSWER_STATE_SUPERSEDED);
    }
  }
  auto* a = t.add_answers();
  a->set_name(t.name() + "/answers/" + std::to_string(t.answers_size()));
  a->set_round(t.answers_size());
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  a->set_answer_class(c);
  a->set_text(text);
  *a->mutable_issue_time() = Stamp(when);
  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  return *a;
}

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("huiyin-disclosure-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    RemoveFiles();
    auto normalizer = text::TextNormalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status();
    normalizer_ = std::move(*normalizer);
    Open(DisclosureOptions{});
  }
  void TearDown() override {
    core_.reset();
    db_.reset();
    RemoveFiles();
  }
  void Open(DisclosureOptions options) {
    core_.reset();
    db_.reset();
    DatabaseOptions db_options;
    db_options.path = path_;
    db_options.on_connection = [](SQLite::Database& conn) {
      return text::RegisterBigramTokenizer(conn.getHandle());
    };
    auto db = Database::Open(db_options, kMigrations);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    core_ = std::make_unique<DisclosureCore>(
        *db_, clock_, ids_, WorkingDayCalendar::ChinaMainland(), *normalizer_, std::move(options));
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  void ApplyIntake(const google::protobuf::Message& payload, const std::string& subject) {
    events::v1::Event e;
    e.set_source("intake");
    e.set_subject(subject);
    e.mutable_payload()->PackFrom(payload);
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyIntakeEvent(tx, e); }).ok());
  }
  template <typename Payload>
  void ApplyWorkflow(const workflow::v1::Task& task) {
    Payload p;
    *p.mutable_task() = task;
    const auto e = FeedEvent("workflow", task.name(), p, clock_.Now());
    auto s = db_->Write([&](SQLite::Database& tx) { return core_->ApplyWorkflowEvent(tx, e); });
    ASSERT_TRUE(s.ok()) << s;
  }

  // An accepted item and its answered task, the answer issued `issued`.
  workflow::v1::Task Answered(const std::string& id, absl::Time issued,
                              intake::v1::ItemKind kind = intake::v1::ITEM_KIND_SUGGESTION) {
    const auto item = MakeItem(id, kind);
    intake::v1::ItemAccepted accepted;
    *accepted.mutable_item() = item;
    ApplyIntake(accepted, item.name());
    auto task = MakeTask(item);
    ApplyWorkflow<workflow::v1::TaskCreated>(task);
    clock_.Set(issued);
    IssueAnswer(task, issued);
    ApplyWorkflow<workflow::v1::AnswerIssued>(task);
    return task;
  }

  FakeClock clock_{At(2025, 6, 1)};
  SequentialIdGenerator ids_{"d"};
  std::string path_;
  std::unique_ptr<text::TextNormalizer> normalizer_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<DisclosureCore> core_;
};

}  // namespace huiyin::disclosure::testing

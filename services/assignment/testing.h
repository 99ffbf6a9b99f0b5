// Test fixtures for assignment: a core over a temporary database with a fake clock, a fake source
// of similar items, callers in every role, the county's real handling units and accepted items
// arriving the way intake's feed brings them.
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
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "google/protobuf/util/time_util.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/assignment/core.h"
#include "services/assignment/huiyin_assignment_migrations.h"

namespace huiyin::assignment::testing {

inline constexpr char kSession2025[] = "县第十八届人民代表大会第四次会议";
inline constexpr char kSession2024[] = "县第十八届人民代表大会第三次会议";
inline constexpr char kCppccSession2025[] = "政协县第十一届委员会第四次会议";

inline Caller GovernmentOffice() {
  return MakeCaller("persons/gov-1", common::v1::ROLE_GOVERNMENT_OFFICE, "", "县政府办督查科");
}
inline Caller SupervisionOffice() {
  return MakeCaller("persons/sup-1", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}
inline Caller CongressOffice() {
  return MakeCaller("persons/office-1", common::v1::ROLE_CONGRESS_OFFICE, "", "人大选联工委");
}
inline Caller Clerk(const std::string& unit, const std::string& person = "persons/clerk-1") {
  return MakeCaller(person, common::v1::ROLE_UNIT_CLERK, unit, "承办人");
}
inline Caller Head(const std::string& unit) {
  return MakeCaller("persons/head-1", common::v1::ROLE_UNIT_HEAD, unit, "主要负责人");
}
inline Caller Proposer(const std::string& person) {
  return MakeCaller(person, common::v1::ROLE_PROPOSER);
}
inline Caller LeadingOfficial(const std::string& person) {
  return MakeCaller(person, common::v1::ROLE_LEADING_OFFICIAL, "", "副县长");
}
inline Caller Public() { return MakeCaller("public", common::v1::ROLE_PUBLIC); }

inline absl::Time At(int year, int month, int day, int hour = 9) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

// SimilarItemsSource that answers what the test says and remembers what it was asked.
class FakeSimilarItems final : public SimilarItemsSource {
 public:
  absl::StatusOr<intake::v1::FindSimilarResponse> FindSimilar(const std::string& item,
                                                              absl::Time deadline) override {
    asked.push_back(item);
    last_deadline = deadline;
    return answer;
  }
  void AddRecurring(const std::string& item, const std::string& number_label, int year,
                    double score, const std::string& title = "") {
    auto* s = answer->add_recurring();
    s->set_name(item);
    s->set_number_label(number_label);
    s->set_year(year);
    s->set_score(score);
    s->set_title(title);
  }

  absl::StatusOr<intake::v1::FindSimilarResponse> answer = intake::v1::FindSimilarResponse();
  std::vector<std::string> asked;
  absl::Time last_deadline;
};

inline v1::UnitMember Member(const std::string& person, const std::string& name,
                             v1::MemberRole role, const std::string& section = "",
                             const std::string& phone = "") {
  v1::UnitMember m;
  m.set_person(person);
  m.set_name(name);
  m.set_role(role);
  m.set_section(section);
  m.set_phone(phone);
  return m;
}

inline v1::CreateUnitRequest UnitRequest(const std::string& id, const std::string& display_name,
                                         v1::UnitKind kind, std::vector<std::string> categories,
                                         bool active = true) {
  v1::CreateUnitRequest r;
  r.set_unit_id(id);
  auto* u = r.mutable_unit();
  u->set_display_name(display_name);
  u->set_kind(kind);
  u->set_active(active);
  for (auto& c : categories) u->add_categories(std::move(c));
  *u->add_members() =
      Member("persons/" + id + "-head", "张建华", v1::MEMBER_ROLE_HEAD, "", "0571-88001234");
  *u->add_members() =
      Member("persons/" + id + "-clerk", "李明", v1::MEMBER_ROLE_CLERK, "办公室", "13900001111");
  return r;
}

// The units of a county, with one that was merged away and is inactive.
inline std::vector<v1::CreateUnitRequest> CountyUnits() {
  return {
      UnitRequest("housing", "县住房和城乡建设局", v1::UNIT_KIND_BUREAU, {"城乡建设", "物业管理"}),
      UnitRequest("transport", "县交通运输局", v1::UNIT_KIND_BUREAU, {"交通"}),
      UnitRequest("education", "县教育局", v1::UNIT_KIND_BUREAU, {"教育"}),
      UnitRequest("chengguan", "城关镇人民政府", v1::UNIT_KIND_TOWNSHIP, {"城乡建设", "社会管理"}),
      UnitRequest("market", "县市场监督管理局", v1::UNIT_KIND_BUREAU, {"市场监管"}),
      UnitRequest("water", "县水利局", v1::UNIT_KIND_BUREAU, {"农业农村"}),
      UnitRequest("grain", "县粮食局", v1::UNIT_KIND_BUREAU, {"农业农村"}, /*active=*/false),
  };
}

// An accepted item as intake's feed carries it (ItemAccepted).
inline intake::v1::Item AcceptedItem(const std::string& id, const std::string& title,
                                     const std::string& category, int number, int year = 2025,
                                     const std::string& session = kSession2025) {
  intake::v1::Item item;
  item.set_name("items/" + id);
  item.set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  item.set_session(session);
  item.set_year(year);
  item.set_title(title);
  item.set_body("正文从略。");
  item.mutable_lead_proposer()->set_person("persons/wang");
  item.mutable_lead_proposer()->set_name("王建国");
  item.add_co_proposers()->set_person("persons/li");
  item.mutable_co_proposers(0)->set_name("李秀英");
  item.set_category(category);
  item.set_state(intake::v1::ITEM_STATE_ACCEPTED);
  item.set_number(number);
  item.set_number_label("建议第" + std::to_string(number) + "号");
  *item.mutable_update_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(At(year, 2, 20)));
  return item;
}

template <typename Payload>
events::v1::Event IntakeEvent(int64_t sequence, const Payload& payload) {
  events::v1::Event e;
  e.set_sequence(sequence);
  e.set_source("intake");
  e.set_subject(payload.item().name());
  *e.mutable_actor() = CongressOffice();
  e.mutable_payload()->PackFrom(payload);
  return e;
}

inline v1::AssignedUnit Unit(const std::string& unit, v1::UnitRole role,
                             const std::string& part = "") {
  v1::AssignedUnit u;
  u.set_unit(unit);
  u.set_role(role);
  u.set_part(part);
  return u;
}

inline v1::AssignmentPlan Sole(const std::string& item, const std::string& unit) {
  v1::AssignmentPlan p;
  p.set_item(item);
  p.set_mode(v1::ASSIGNMENT_MODE_SOLE);
  *p.add_units() = Unit(unit, v1::UNIT_ROLE_LEAD);
  return p;
}

inline v1::AssignmentPlan LeadAndCo(const std::string& item, const std::string& lead,
                                    const std::vector<std::string>& cos) {
  v1::AssignmentPlan p;
  p.set_item(item);
  p.set_mode(v1::ASSIGNMENT_MODE_LEAD_AND_CO);
  *p.add_units() = Unit(lead, v1::UNIT_ROLE_LEAD);
  for (const auto& co : cos) *p.add_units() = Unit(co, v1::UNIT_ROLE_CO);
  return p;
}

inline v1::AssignmentPlan Split(const std::string& item,
                                const std::vector<std::pair<std::string, std::string>>& parts) {
  v1::AssignmentPlan p;
  p.set_item(item);
  p.set_mode(v1::ASSIGNMENT_MODE_SPLIT);
  for (const auto& [unit, part] : parts) *p.add_units() = Unit(unit, v1::UNIT_ROLE_PART, part);
  return p;
}

inline v1::AssignItemRequest Request(v1::AssignmentPlan plan, const std::string& request_id = "") {
  v1::AssignItemRequest r;
  *r.mutable_plan() = std::move(plan);
  r.set_request_id(request_id);
  return r;
}

class AssignmentFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeCore();
    for (const auto& unit : CountyUnits()) {
      ASSERT_TRUE(core_->CreateUnit(GovernmentOffice(), unit).ok()) << unit.unit_id();
    }
  }

  void TearDown() override {
    core_.reset();
  }

  // (Re)makes the core, e.g. after changing options_.
  void MakeCore() {
    core_ = std::make_unique<AssignmentCore>(
        *db_, clock_, ids_, WorkingDayCalendar::ChinaMainland(), similar_, options_);
  }


  void SetToday(int year, int month, int day) { clock_.Set(At(year, month, day)); }

  // Intake accepted `item`: applies the event as the consumer would.
  void Arrive(const intake::v1::Item& item) {
    intake::v1::ItemAccepted accepted;
    *accepted.mutable_item() = item;
    Apply(IntakeEvent(++intake_sequence_, accepted));
  }
  void Arrive(const std::string& id, const std::string& title = "关于加快推进老旧小区改造的建议",
              const std::string& category = "城乡建设") {
    Arrive(AcceptedItem(id, title, category, ++item_number_));
  }
  void Apply(const events::v1::Event& event) {
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyIntakeEvent(tx, event); }).ok());
  }

  v1::Assignment Assign(v1::AssignmentPlan plan) {
    auto a = core_->AssignItem(GovernmentOffice(), Request(std::move(plan)));
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : v1::Assignment();
  }

  std::vector<events::v1::Event> Events() { return ::huiyin::testing::AllEvents(*db_); }
  // The payloads of one type, oldest first.
  template <typename Payload>
  std::vector<Payload> EventsOf() {
    return ::huiyin::testing::PayloadsOf<Payload>(Events());
  }

  // A Monday in the middle of the assignment season.
  FakeClock clock_{At(2025, 3, 10)};
  SequentialIdGenerator ids_{"id"};
  FakeSimilarItems similar_;
  AssignmentOptions options_;
  ::huiyin::testing::TempDatabase db_{"assignment", kMigrations};
  std::unique_ptr<AssignmentCore> core_;
  int64_t intake_sequence_ = 0;
  int item_number_ = 0;
};

}  // namespace huiyin::assignment::testing

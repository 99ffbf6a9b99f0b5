// Units, the waiting list fed by intake's events, assigning in every mode and every refusal, and
// who reads what.
#include "services/assignment/core.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AcceptedItem;
using testing::AssignmentFixture;
using testing::Clerk;
using testing::CongressOffice;
using testing::CountyUnits;
using ::testing::ElementsAre;
using testing::GovernmentOffice;
using ::testing::HasSubstr;
using testing::Head;
using testing::IntakeEvent;
using testing::LeadAndCo;
using testing::LeadingOfficial;
using testing::Proposer;
using testing::Public;
using testing::Request;
using testing::Sole;
using testing::Split;
using testing::SupervisionOffice;
using testing::UnitRequest;

class AssignmentCoreTest : public AssignmentFixture {
 protected:
  std::vector<std::string> Waiting() {
    auto list = core_->ListWaitingItems(GovernmentOffice(), v1::ListWaitingItemsRequest());
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> out;
    for (const auto& item : list->items()) out.push_back(item.item());
    return out;
  }
  absl::StatusOr<v1::Assignment> Get(const Caller& caller, const std::string& item) {
    v1::GetAssignmentRequest r;
    r.set_name(item + "/assignment");
    return core_->GetAssignment(caller, r);
  }
};

MATCHER_P(HasViolationOn, field, "") {
  for (const auto& [f, d] : FieldViolationsOf(arg)) {
    if (f == field) return true;
  }
  *result_listener << arg;
  return false;
}

// --- units ---

TEST_F(AssignmentCoreTest, CreatedUnitsAreStoredAndAnnounced) {
  v1::GetUnitRequest get;
  get.set_name("units/housing");
  auto unit = core_->GetUnit(GovernmentOffice(), get);
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->display_name(), "县住房和城乡建设局");
  EXPECT_EQ(unit->etag(), "1");
  EXPECT_THAT(unit->categories(), ElementsAre("城乡建设", "物业管理"));
  auto created = EventsOf<v1::UnitCreated>();
  ASSERT_EQ(created.size(), CountyUnits().size());
  EXPECT_EQ(created[0].unit().name(), "units/housing");
  EXPECT_EQ(Events()[0].subject(), "units/housing");
}

TEST_F(AssignmentCoreTest, CreateUnitRefusals) {
  auto again = core_->CreateUnit(GovernmentOffice(), CountyUnits()[0]);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  auto bad_id = UnitRequest("住建局", "县住房和城乡建设局", v1::UNIT_KIND_BUREAU, {});
  EXPECT_THAT(core_->CreateUnit(GovernmentOffice(), bad_id).status(),
              HasViolationOn(std::string("unit_id")));
  auto no_kind = UnitRequest("health", "县卫生健康局", v1::UNIT_KIND_UNSPECIFIED, {});
  EXPECT_THAT(core_->CreateUnit(GovernmentOffice(), no_kind).status(),
              HasViolationOn(std::string("unit.kind")));
  auto fine = UnitRequest("health", "县卫生健康局", v1::UNIT_KIND_BUREAU, {"医疗卫生"});
  EXPECT_EQ(core_->CreateUnit(SupervisionOffice(), fine).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->CreateUnit(Head("units/health"), fine).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentCoreTest, UpdateUnitWithAStaleEtagIsAborted) {
  v1::UpdateUnitRequest r;
  *r.mutable_unit() = CountyUnits()[1].unit();
  r.mutable_unit()->set_name("units/transport");
  r.mutable_unit()->set_display_name("县交通运输局（县港航管理中心）");
  r.mutable_unit()->set_etag("1");
  auto updated = core_->UpdateUnit(GovernmentOffice(), r);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->etag(), "2");
  EXPECT_EQ(updated->display_name(), "县交通运输局（县港航管理中心）");
  EXPECT_EQ(core_->UpdateUnit(GovernmentOffice(), r).status().code(), absl::StatusCode::kAborted);
  r.mutable_unit()->set_name("units/no-such");
  EXPECT_EQ(core_->UpdateUnit(GovernmentOffice(), r).status().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(EventsOf<v1::UnitUpdated>().size(), 1u);
  EXPECT_EQ(EventsOf<v1::UnitUpdated>()[0].unit().etag(), "2");
}

TEST_F(AssignmentCoreTest, PhoneNumbersOnlyForTheOfficesAndTheUnitItself) {
  v1::GetUnitRequest get;
  get.set_name("units/housing");
  EXPECT_EQ(core_->GetUnit(Clerk("units/housing"), get)->members(0).phone(), "0571-88001234");
  EXPECT_EQ(core_->GetUnit(SupervisionOffice(), get)->members(0).phone(), "0571-88001234");
  auto other = core_->GetUnit(Clerk("units/transport"), get);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->members(0).phone(), "");
  EXPECT_EQ(other->members(0).name(), "张建华");
  EXPECT_EQ(core_->GetUnit(Proposer("persons/wang"), get)->members(1).phone(), "");
  EXPECT_EQ(core_->GetUnit(Public(), get).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentCoreTest, ListUnitsByActivityKindAndCategoryInPages) {
  auto names = [&](v1::ListUnitsRequest r) {
    std::vector<std::string> out;
    for (;;) {
      auto page = core_->ListUnits(Proposer("persons/wang"), r);
      EXPECT_TRUE(page.ok()) << page.status();
      for (const auto& u : page->units()) out.push_back(u.name());
      if (page->next_page_token().empty()) return out;
      r.set_page_token(page->next_page_token());
    }
  };
  v1::ListUnitsRequest r;
  r.set_page_size(2);
  EXPECT_THAT(names(r), ElementsAre("units/housing", "units/transport", "units/education",
                                    "units/chengguan", "units/market", "units/water"));
  r.set_include_inactive(true);
  EXPECT_EQ(names(r).size(), 7u);
  v1::ListUnitsRequest by_category;
  by_category.set_category("城乡建设");
  EXPECT_THAT(names(by_category), ElementsAre("units/housing", "units/chengguan"));
  v1::ListUnitsRequest townships;
  townships.set_kind(v1::UNIT_KIND_TOWNSHIP);
  EXPECT_THAT(names(townships), ElementsAre("units/chengguan"));
}

// --- the waiting list ---

TEST_F(AssignmentCoreTest, AcceptedItemsWaitUntilAssigned) {
  Arrive("a1");
  Arrive("a2", "关于改善乡村道路通行条件的建议", "交通");
  Arrive("a3", "关于缓解义务教育阶段教师结构性短缺的建议", "教育");
  EXPECT_THAT(Waiting(), ElementsAre("items/a1", "items/a2", "items/a3"));
  auto awaiting = EventsOf<v1::ItemAwaitingAssignment>();
  ASSERT_EQ(awaiting.size(), 3u);
  EXPECT_EQ(awaiting[1].item().title(), "关于改善乡村道路通行条件的建议");
  EXPECT_THAT(awaiting[1].item().proposers(), ElementsAre("persons/wang", "persons/li"));
  Assign(Sole("items/a2", "units/transport"));
  EXPECT_THAT(Waiting(), ElementsAre("items/a1", "items/a3"));
  v1::ListWaitingItemsRequest r;
  r.set_year(2024);
  EXPECT_EQ(core_->ListWaitingItems(CongressOffice(), r)->total_size(), 0);
  EXPECT_EQ(core_->ListWaitingItems(Clerk("units/housing"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentCoreTest, IntakeEventsOfOtherTypesAndRepeatsChangeNothing) {
  intake::v1::ItemSubmitted submitted;
  *submitted.mutable_item() = AcceptedItem("s1", "关于加强县城河道综合治理的建议", "生态环境", 9);
  submitted.mutable_item()->set_state(intake::v1::ITEM_STATE_SUBMITTED);
  Apply(IntakeEvent(1, submitted));
  events::v1::Event unknown;
  google::protobuf::StringValue value;
  value.set_value("a future event type");
  unknown.mutable_payload()->PackFrom(value);
  Apply(unknown);
  EXPECT_TRUE(Waiting().empty());
  intake::v1::Item item = AcceptedItem("a1", "关于加快推进老旧小区改造的建议", "城乡建设", 1);
  Arrive(item);
  Arrive(item);
  EXPECT_THAT(Waiting(), ElementsAre("items/a1"));
  EXPECT_EQ(EventsOf<v1::ItemAwaitingAssignment>().size(), 1u);
}

TEST_F(AssignmentCoreTest, AMergeGivesTheTargetsProposersTheirAssignment) {
  intake::v1::Item target =
      AcceptedItem("a1", "关于加快推进老旧小区物业管理全覆盖的建议", "城乡建设", 1);
  Arrive(target);
  Assign(Sole("items/a1", "units/housing"));
  EXPECT_EQ(Get(Proposer("persons/zhou"), "items/a1").status().code(),
            absl::StatusCode::kPermissionDenied);
  intake::v1::ItemMerged merged;
  merged.mutable_item()->set_name("items/m1");
  *merged.mutable_target() = target;
  merged.mutable_target()->add_co_proposers()->set_person("persons/zhou");
  Apply(IntakeEvent(7, merged));
  auto a = Get(Proposer("persons/zhou"), "items/a1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->item().proposers(), ElementsAre("persons/wang", "persons/li", "persons/zhou"));
}

// --- assigning ---

TEST_F(AssignmentCoreTest, SoleAssignmentWithTheDefaultDeadlineAndItsEvent) {
  Arrive("a1");
  v1::Assignment a = Assign(Sole("items/a1", "units/housing"));
  EXPECT_EQ(a.name(), "items/a1/assignment");
  EXPECT_EQ(a.version(), 1);
  EXPECT_EQ(a.mode(), v1::ASSIGNMENT_MODE_SOLE);
  ASSERT_EQ(a.units_size(), 1);
  EXPECT_EQ(a.units(0).unit_display_name(), "县住房和城乡建设局");
  EXPECT_EQ(a.state(), v1::ASSIGNMENT_STATE_ASSIGNED);
  EXPECT_EQ(a.assign_date(), "2025-03-10");
  EXPECT_EQ(a.assigned_by(), "persons/gov-1");
  EXPECT_EQ(a.etag(), "1");
  // The configured default: 3 months, 2025-06-10, a Tuesday after 端午节.
  EXPECT_EQ(a.original_deadline().date(), "2025-06-10");
  EXPECT_EQ(a.original_deadline().rule().months(), 3);
  EXPECT_EQ(a.current_deadline().date(), "2025-06-10");
  EXPECT_THAT(a.current_deadline().explanation(), HasSubstr("端午节(2025-05-31至2025-06-02)"));
  auto assigned = EventsOf<v1::ItemAssigned>();
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].assignment().item().title(), "关于加快推进老旧小区改造的建议");
  EXPECT_EQ(assigned[0].assignment().units(0).unit(), "units/housing");
  EXPECT_EQ(assigned[0].assignment().current_deadline().date(), "2025-06-10");
  EXPECT_EQ(Events().back().subject(), "items/a1/assignment");
  EXPECT_EQ(Events().back().actor().role(), common::v1::ROLE_GOVERNMENT_OFFICE);
}

TEST_F(AssignmentCoreTest, LeadUnitWithCoUnits) {
  Arrive("a1", "关于规范城区农贸市场周边占道经营的建议", "市场监管");
  auto plan = LeadAndCo("items/a1", "units/market", {"units/chengguan", "units/transport"});
  plan.set_note("请县市场监管局牵头，城关镇、县交通运输局配合，于6月底前答复代表。");
  v1::Assignment a = Assign(plan);
  ASSERT_EQ(a.units_size(), 3);
  EXPECT_EQ(a.units(0).role(), v1::UNIT_ROLE_LEAD);
  EXPECT_EQ(a.units(1).unit_display_name(), "城关镇人民政府");
  EXPECT_EQ(a.units(2).role(), v1::UNIT_ROLE_CO);
  EXPECT_EQ(a.note(), plan.note());
}

TEST_F(AssignmentCoreTest, SplitAssignmentEachUnitWithItsPart) {
  Arrive("a1", "关于城关镇东街道路硬化和路灯安装的建议", "交通");
  v1::Assignment a = Assign(Split(
      "items/a1", {{"units/transport", "道路硬化部分"}, {"units/chengguan", "路灯安装部分"}}));
  EXPECT_EQ(a.mode(), v1::ASSIGNMENT_MODE_SPLIT);
  EXPECT_EQ(a.units(0).part(), "道路硬化部分");
  EXPECT_EQ(a.units(1).part(), "路灯安装部分");
}

TEST_F(AssignmentCoreTest, AKeyItemWithItsLeadingOfficial) {
  Arrive("a1", "关于加快推进城区污水管网改造的建议", "城乡建设");
  auto plan = LeadAndCo("items/a1", "units/housing", {"units/chengguan"});
  plan.set_key(true);
  EXPECT_THAT(core_->AssignItem(GovernmentOffice(), Request(plan)).status(),
              HasViolationOn(std::string("plan.leading_official")));
  plan.set_leading_official("persons/vice-mayor-chen");
  plan.set_leading_official_name("陈志明");
  v1::Assignment a = Assign(plan);
  EXPECT_TRUE(a.key());
  EXPECT_EQ(a.leading_official_name(), "陈志明");
  EXPECT_TRUE(Get(LeadingOfficial("persons/vice-mayor-chen"), "items/a1").ok());
  EXPECT_EQ(Get(LeadingOfficial("persons/vice-mayor-liu"), "items/a1").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentCoreTest, EachDeadlineRuleWithItsDerivation) {
  Arrive("a1");
  Arrive("a2");
  Arrive("a3");
  auto fixed = Sole("items/a1", "units/housing");
  fixed.mutable_deadline()->set_fixed_date("2025-08-31");
  auto days = Sole("items/a2", "units/housing");
  days.mutable_deadline()->set_working_days(30);
  auto months = Sole("items/a3", "units/housing");
  months.mutable_deadline()->set_months(2);
  EXPECT_EQ(Assign(fixed).current_deadline().date(), "2025-08-31");
  v1::Deadline d = Assign(days).current_deadline();
  // 30 working days from 03-10: 03-11..04-21 less 清明节 (04-04 is a Friday).
  EXPECT_EQ(d.date(), "2025-04-22");
  EXPECT_EQ(d.working_days(), 30);
  EXPECT_EQ(d.holidays_skipped(0).name(), "清明节");
  EXPECT_EQ(Assign(months).current_deadline().date(), "2025-05-12");  // 05-10 is a Saturday
}

TEST_F(AssignmentCoreTest, EveryRefusalHasItsCodeAndField) {
  Arrive("a1");
  Arrive("done");
  Assign(Sole("items/done", "units/housing"));
  struct Case {
    const char* what;
    v1::AssignmentPlan plan;
    absl::StatusCode code;
    const char* field;  // "" when the refusal is not about a field
  };
  auto with_deadline = [](v1::AssignmentPlan p, const std::function<void(v1::DeadlineRule&)>& set) {
    set(*p.mutable_deadline());
    return p;
  };
  v1::AssignmentPlan no_unit = Sole("items/a1", "units/housing");
  no_unit.clear_units();
  const std::vector<Case> cases = {
      {"no unit", no_unit, absl::StatusCode::kInvalidArgument, "plan.units"},
      {"unknown unit", LeadAndCo("items/a1", "units/housing", {"units/no-such"}),
       absl::StatusCode::kInvalidArgument, "plan.units[1].unit"},
      {"inactive unit", LeadAndCo("items/a1", "units/water", {"units/grain"}),
       absl::StatusCode::kInvalidArgument, "plan.units[1].unit"},
      {"unit twice", Split("items/a1", {{"units/transport", "道路"}, {"units/transport", "桥梁"}}),
       absl::StatusCode::kInvalidArgument, "plan.units[1].unit"},
      {"lead also co", LeadAndCo("items/a1", "units/housing", {"units/housing"}),
       absl::StatusCode::kInvalidArgument, "plan.units[1].unit"},
      {"deadline before today",
       with_deadline(Sole("items/a1", "units/housing"),
                     [](auto& d) { d.set_fixed_date("2025-03-07"); }),
       absl::StatusCode::kInvalidArgument, "plan.deadline.fixed_date"},
      {"fixed date past six months",
       with_deadline(Sole("items/a1", "units/housing"),
                     [](auto& d) { d.set_fixed_date("2025-09-11"); }),
       absl::StatusCode::kInvalidArgument, "plan.deadline.fixed_date"},
      {"seven months",
       with_deadline(Sole("items/a1", "units/housing"), [](auto& d) { d.set_months(7); }),
       absl::StatusCode::kInvalidArgument, "plan.deadline.months"},
      {"working days past six months",
       with_deadline(Sole("items/a1", "units/housing"), [](auto& d) { d.set_working_days(200); }),
       absl::StatusCode::kInvalidArgument, "plan.deadline.working_days"},
      {"item never accepted", Sole("items/not-accepted", "units/housing"),
       absl::StatusCode::kNotFound, ""},
      {"item assigned already", Sole("items/done", "units/market"),
       absl::StatusCode::kFailedPrecondition, ""},
      {"malformed item", Sole("assignments/1", "units/housing"), absl::StatusCode::kInvalidArgument,
       "plan.item"},
  };
  for (const Case& c : cases) {
    auto result = core_->AssignItem(GovernmentOffice(), Request(c.plan));
    EXPECT_EQ(result.status().code(), c.code) << c.what << ": " << result.status();
    if (*c.field) {
      EXPECT_THAT(result.status(), HasViolationOn(std::string(c.field))) << c.what;
    }
  }
  EXPECT_THAT(Waiting(), ElementsAre("items/a1"));  // nothing half-assigned
  EXPECT_EQ(EventsOf<v1::ItemAssigned>().size(), 1u);
  EXPECT_EQ(
      ReasonOf(core_->AssignItem(GovernmentOffice(), Request(Sole("items/done", "units/market")))
                   .status()),
      "WRONG_STATE");
}

TEST_F(AssignmentCoreTest, DeadlinesInAYearTheCalendarDoesNotKnowAreRefused) {
  SetToday(2026, 10, 15);
  Arrive("a1");
  auto result = core_->AssignItem(GovernmentOffice(), Request(Sole("items/a1", "units/housing")));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("2027"));
}

TEST_F(AssignmentCoreTest, RetryWithTheSameRequestIdReturnsTheFirstAssignment) {
  Arrive("a1");
  auto first = core_->AssignItem(GovernmentOffice(),
                                 Request(Sole("items/a1", "units/housing"), "meeting-0310-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = core_->AssignItem(GovernmentOffice(),
                                 Request(Sole("items/a1", "units/market"), "meeting-0310-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->units(0).unit(), "units/housing");
  EXPECT_EQ(retry->etag(), first->etag());
  EXPECT_EQ(EventsOf<v1::ItemAssigned>().size(), 1u);
  EXPECT_EQ(core_
                ->AssignItem(GovernmentOffice(),
                             Request(Sole("items/a1", "units/housing"), "meeting-0310-2"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AssignmentCoreTest, OnlyTheGovernmentOfficeAssigns) {
  Arrive("a1");
  for (const Caller& c : {SupervisionOffice(), CongressOffice(), Head("units/housing"),
                          LeadingOfficial("persons/vice-mayor-chen"), Proposer("persons/wang")}) {
    EXPECT_EQ(core_->AssignItem(c, Request(Sole("items/a1", "units/housing"))).status().code(),
              absl::StatusCode::kPermissionDenied)
        << c.role();
  }
}

// --- reading ---

TEST_F(AssignmentCoreTest, WhoReadsAnAssignmentAndWhatAProposerSees) {
  Arrive("a1");
  auto plan = LeadAndCo("items/a1", "units/housing", {"units/chengguan"});
  plan.set_note("住建局牵头");
  Assign(plan);
  EXPECT_TRUE(Get(SupervisionOffice(), "items/a1").ok());
  EXPECT_TRUE(Get(Clerk("units/chengguan"), "items/a1").ok());
  EXPECT_EQ(Get(Clerk("units/market"), "items/a1").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto lead = Get(Proposer("persons/wang"), "items/a1");
  ASSERT_TRUE(lead.ok()) << lead.status();
  EXPECT_EQ(lead->units(0).unit_display_name(), "县住房和城乡建设局");
  EXPECT_EQ(lead->current_deadline().date(), "2025-06-10");
  EXPECT_EQ(lead->note(), "");  // 交办意见 is between the office and the units
  EXPECT_TRUE(Get(Proposer("persons/li"), "items/a1").ok());  // a co-signer
  EXPECT_EQ(Get(Proposer("persons/zhao"), "items/a1").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get(Public(), "items/a1").status().code(), absl::StatusCode::kPermissionDenied);
  // Whether an assignment exists is told only to those who see every assignment.
  EXPECT_EQ(Get(GovernmentOffice(), "items/nothing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(Clerk("units/housing"), "items/nothing").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get(Proposer("persons/wang"), "items/nothing").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AssignmentCoreTest, ListAssignmentsShowsEachRoleItsOwn) {
  Arrive("a1");
  Arrive("a2", "关于改善乡村道路通行条件的建议", "交通");
  intake::v1::Item other =
      AcceptedItem("a3", "关于缓解义务教育阶段教师结构性短缺的建议", "教育", 3);
  other.mutable_lead_proposer()->set_person("persons/zhao");
  other.clear_co_proposers();
  Arrive(other);
  Assign(LeadAndCo("items/a1", "units/housing", {"units/chengguan"}));
  Assign(Sole("items/a2", "units/transport"));
  auto key = Sole("items/a3", "units/education");
  key.set_key(true);
  key.set_leading_official("persons/vice-mayor-chen");
  key.set_leading_official_name("陈志明");
  Assign(key);
  auto list = [&](const Caller& c, const v1::ListAssignmentsRequest& r) {
    std::vector<std::string> out;
    auto page = core_->ListAssignments(c, r);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& a : page->assignments()) out.push_back(a.item().item());
    }
    return out;
  };
  EXPECT_THAT(list(GovernmentOffice(), {}), ElementsAre("items/a1", "items/a2", "items/a3"));
  EXPECT_THAT(list(Clerk("units/chengguan"), {}), ElementsAre("items/a1"));
  EXPECT_THAT(list(Proposer("persons/wang"), {}), ElementsAre("items/a1", "items/a2"));
  EXPECT_THAT(list(LeadingOfficial("persons/vice-mayor-chen"), {}), ElementsAre("items/a3"));
  v1::ListAssignmentsRequest by_unit;
  by_unit.set_unit("units/transport");
  EXPECT_THAT(list(SupervisionOffice(), by_unit), ElementsAre("items/a2"));
  EXPECT_EQ(core_->ListAssignments(Clerk("units/chengguan"), by_unit).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A unit role acting for no unit sees nothing, rather than everything.
  EXPECT_EQ(core_->ListAssignments(Clerk(""), {}).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListAssignmentsRequest key_only;
  key_only.set_key_only(true);
  EXPECT_THAT(list(GovernmentOffice(), key_only), ElementsAre("items/a3"));
  v1::ListAssignmentsRequest paged;
  paged.set_page_size(2);
  auto first = core_->ListAssignments(GovernmentOffice(), paged);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->total_size(), 3);
  paged.set_page_token(first->next_page_token());
  EXPECT_THAT(list(GovernmentOffice(), paged), ElementsAre("items/a3"));
}

}  // namespace
}  // namespace huiyin::assignment

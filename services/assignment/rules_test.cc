#include "services/assignment/rules.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::assignment {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::CivilDay kToday(2025, 3, 10);

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& [field, description] : FieldViolationsOf(status)) out.push_back(field);
  return out;
}

std::string Description(const absl::Status& status, const std::string& field) {
  for (const auto& [f, description] : FieldViolationsOf(status)) {
    if (f == field) return description;
  }
  return "";
}

v1::AssignedUnit U(const std::string& unit, v1::UnitRole role, const std::string& part = "") {
  v1::AssignedUnit u;
  u.set_unit(unit);
  u.set_role(role);
  u.set_part(part);
  return u;
}

v1::AssignmentPlan Plan(v1::AssignmentMode mode, std::vector<v1::AssignedUnit> units) {
  v1::AssignmentPlan p;
  p.set_item("items/item-1");
  p.set_mode(mode);
  for (auto& u : units) *p.add_units() = std::move(u);
  return p;
}

absl::Status Check(const v1::AssignmentPlan& plan) { return ValidatePlan(plan, "plan", kToday, 6); }

TEST(Names, ParseOnlyTheirOwnShape) {
  EXPECT_EQ(*ParseUnitName("units/housing", "unit"), "housing");
  EXPECT_EQ(*ParseAssignmentName("items/k3v9x0c2/assignment", "name"), "k3v9x0c2");
  auto child = ParseChildName("items/k3v9/assignment/objections/o-1", "objections", "name");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->item_id, "k3v9");
  EXPECT_EQ(child->child_id, "o-1");
  for (const char* bad : {"", "units/", "units/h", "units/住建局", "unit/housing", "units/a/b"}) {
    EXPECT_EQ(ParseUnitName(bad, "unit").status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_FALSE(ParseAssignmentName("items/k3v9", "name").ok());
  EXPECT_FALSE(ParseChildName("items/k3v9/assignment/extensions/e-1", "objections", "name").ok());
  EXPECT_EQ(ExtensionName("k3v9", "e-1"), "items/k3v9/assignment/extensions/e-1");
}

TEST(ValidateUnitId, TwoToFortyOfLowercaseDigitsAndDashes) {
  EXPECT_TRUE(ValidateUnitId("housing", "unit_id").ok());
  EXPECT_TRUE(ValidateUnitId("street-01", "unit_id").ok());
  for (const std::string& bad : {std::string("h"), std::string(41, 'a'), std::string("Housing"),
                                 std::string("住建局"), std::string("a_b"), std::string("")}) {
    EXPECT_THAT(Fields(ValidateUnitId(bad, "unit_id")), ElementsAre("unit_id")) << bad;
  }
}

TEST(ValidateUnit, NamesEveryWrongField) {
  v1::Unit unit;
  unit.set_display_name("");
  auto* a = unit.add_members();
  a->set_person("persons/p-1");
  a->set_name("张建华");
  a->set_role(v1::MEMBER_ROLE_HEAD);
  a->set_phone("call me");
  auto* b = unit.add_members();
  b->set_person("persons/p-1");
  b->set_name("李明");
  unit.add_categories("城乡建设");
  unit.add_categories("城乡建设");
  EXPECT_THAT(Fields(ValidateUnit(unit)),
              ElementsAre("unit.display_name", "unit.kind", "unit.members[0].phone",
                          "unit.members[1].person", "unit.members[1].role", "unit.categories[1]"));
}

TEST(ValidatePlan, AcceptsEveryModeDoneRight) {
  EXPECT_TRUE(Check(Plan(v1::ASSIGNMENT_MODE_SOLE, {U("units/housing", v1::UNIT_ROLE_LEAD)})).ok());
  EXPECT_TRUE(Check(Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO, {U("units/housing", v1::UNIT_ROLE_LEAD),
                                                           U("units/chengguan", v1::UNIT_ROLE_CO),
                                                           U("units/market", v1::UNIT_ROLE_CO)}))
                  .ok());
  EXPECT_TRUE(Check(Plan(v1::ASSIGNMENT_MODE_SPLIT,
                         {U("units/transport", v1::UNIT_ROLE_PART, "道路硬化部分"),
                          U("units/chengguan", v1::UNIT_ROLE_PART, "路灯安装部分")}))
                  .ok());
}

TEST(ValidatePlan, RefusesEachWrongShapeNamingItsField) {
  struct Case {
    const char* what;
    v1::AssignmentPlan plan;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"no unit", Plan(v1::ASSIGNMENT_MODE_SOLE, {}), "plan.units"},
      {"no mode", Plan(v1::ASSIGNMENT_MODE_UNSPECIFIED, {U("units/housing", v1::UNIT_ROLE_LEAD)}),
       "plan.mode"},
      {"sole unit as co", Plan(v1::ASSIGNMENT_MODE_SOLE, {U("units/housing", v1::UNIT_ROLE_CO)}),
       "plan.units[0].role"},
      {"sole with two units",
       Plan(v1::ASSIGNMENT_MODE_SOLE,
            {U("units/housing", v1::UNIT_ROLE_LEAD), U("units/market", v1::UNIT_ROLE_LEAD)}),
       "plan.units"},
      {"lead and co without co",
       Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO, {U("units/housing", v1::UNIT_ROLE_LEAD)}),
       "plan.units"},
      {"lead and co with a part role",
       Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO,
            {U("units/housing", v1::UNIT_ROLE_LEAD), U("units/market", v1::UNIT_ROLE_PART)}),
       "plan.units[1].role"},
      {"lead also a co-unit",
       Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO,
            {U("units/housing", v1::UNIT_ROLE_LEAD), U("units/housing", v1::UNIT_ROLE_CO)}),
       "plan.units[1].unit"},
      {"unit twice",
       Plan(v1::ASSIGNMENT_MODE_SPLIT, {U("units/transport", v1::UNIT_ROLE_PART, "道路"),
                                        U("units/transport", v1::UNIT_ROLE_PART, "桥梁")}),
       "plan.units[1].unit"},
      {"split part missing",
       Plan(v1::ASSIGNMENT_MODE_SPLIT, {U("units/transport", v1::UNIT_ROLE_PART, "道路"),
                                        U("units/chengguan", v1::UNIT_ROLE_PART)}),
       "plan.units[1].part"},
      {"split of one",
       Plan(v1::ASSIGNMENT_MODE_SPLIT, {U("units/transport", v1::UNIT_ROLE_PART, "道路")}),
       "plan.units"},
      {"part outside split",
       Plan(v1::ASSIGNMENT_MODE_SOLE, {U("units/housing", v1::UNIT_ROLE_LEAD, "全部")}),
       "plan.units[0].part"},
      {"malformed unit", Plan(v1::ASSIGNMENT_MODE_SOLE, {U("住建局", v1::UNIT_ROLE_LEAD)}),
       "plan.units[0].unit"},
  };
  for (const Case& c : cases) {
    absl::Status s = Check(c.plan);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_THAT(Fields(s), ::testing::Contains(std::string(c.field))) << c.what;
  }
  auto lead_as_co = Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO, {U("units/housing", v1::UNIT_ROLE_LEAD),
                                                           U("units/housing", v1::UNIT_ROLE_CO)});
  EXPECT_THAT(Description(Check(lead_as_co), "plan.units[1].unit"), HasSubstr("主办"));
}

TEST(ValidatePlan, DeadlineRulesAndTheirRanges) {
  auto plan = Plan(v1::ASSIGNMENT_MODE_SOLE, {U("units/housing", v1::UNIT_ROLE_LEAD)});
  plan.mutable_deadline()->set_fixed_date("2025-03-09");
  EXPECT_THAT(Fields(Check(plan)), ElementsAre("plan.deadline.fixed_date"));
  plan.mutable_deadline()->set_fixed_date("2025-03-10");  // today is not before today
  EXPECT_TRUE(Check(plan).ok());
  plan.mutable_deadline()->set_fixed_date("2025-02-30");
  EXPECT_THAT(Fields(Check(plan)), ElementsAre("plan.deadline.fixed_date"));
  for (int months : {0, 7, -1}) {
    plan.mutable_deadline()->set_months(months);
    EXPECT_THAT(Fields(Check(plan)), ElementsAre("plan.deadline.months")) << months;
  }
  plan.mutable_deadline()->set_months(6);
  EXPECT_TRUE(Check(plan).ok());
  plan.mutable_deadline()->set_working_days(0);
  EXPECT_THAT(Fields(Check(plan)), ElementsAre("plan.deadline.working_days"));
}

TEST(ValidatePlan, AKeyItemAndOnlyAKeyItemHasALeadingOfficial) {
  auto plan = Plan(v1::ASSIGNMENT_MODE_SOLE, {U("units/housing", v1::UNIT_ROLE_LEAD)});
  plan.set_key(true);
  EXPECT_THAT(Fields(Check(plan)),
              ElementsAre("plan.leading_official", "plan.leading_official_name"));
  plan.set_leading_official("persons/vice-mayor-chen");
  plan.set_leading_official_name("陈副县长");
  EXPECT_TRUE(Check(plan).ok());
  plan.set_key(false);
  EXPECT_THAT(Fields(Check(plan)), ElementsAre("plan.leading_official"));
}

TEST(ValidatePlan, FieldsOfABatchPlanCarryItsIndex) {
  auto plan = Plan(v1::ASSIGNMENT_MODE_LEAD_AND_CO,
                   {U("units/housing", v1::UNIT_ROLE_LEAD), U("units/housing", v1::UNIT_ROLE_CO)});
  plan.set_item("");
  EXPECT_THAT(Fields(ValidatePlan(plan, "plans[3]", kToday, 6)),
              ElementsAre("plans[3].item", "plans[3].units[1].unit"));
}

TEST(ParseYearList, CommaSeparatedYears) {
  EXPECT_THAT(*ParseYearList(""), ElementsAre());
  EXPECT_THAT(*ParseYearList("2022, 2023"), ElementsAre(2022, 2023));
  EXPECT_FALSE(ParseYearList("2022;2023").ok());
  EXPECT_FALSE(ParseYearList("今年").ok());
}

TEST(SummaryOf, ProposersLeadFirstEachOnce) {
  intake::v1::Item item;
  item.set_name("items/a1");
  item.mutable_lead_proposer()->set_person("persons/wang");
  item.add_co_proposers()->set_person("persons/li");
  item.add_co_proposers()->set_person("persons/wang");
  item.set_number_label("建议第15号");
  v1::ItemSummary s = SummaryOf(item);
  EXPECT_THAT(s.proposers(), ElementsAre("persons/wang", "persons/li"));
  EXPECT_EQ(s.number_label(), "建议第15号");
}

v1::Assignment Assigned(std::vector<v1::AssignedUnit> units) {
  v1::Assignment a;
  a.set_name("items/a1/assignment");
  a.set_assign_date("2025-09-29");
  for (auto& u : units) *a.add_units() = std::move(u);
  a.mutable_item()->add_proposers("persons/wang");
  return a;
}

TEST(Transitions, ObjectionWindowPendingObjectionsAndState) {
  v1::Assignment a = Assigned({U("units/housing", v1::UNIT_ROLE_LEAD)});
  EXPECT_TRUE(
      CheckObjectionWindow(a, absl::CivilDay(2025, 10, 13), absl::CivilDay(2025, 10, 13)).ok());
  absl::Status late =
      CheckObjectionWindow(a, absl::CivilDay(2025, 10, 14), absl::CivilDay(2025, 10, 13));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("2025-10-13"));
  EXPECT_EQ(StateOf(a), v1::ASSIGNMENT_STATE_ASSIGNED);
  auto* o = a.add_objections();
  o->set_unit("units/housing");
  o->set_state(v1::OBJECTION_STATE_PENDING);
  EXPECT_EQ(StateOf(a), v1::ASSIGNMENT_STATE_OBJECTED);
  EXPECT_EQ(CheckNoPendingObjection(a, "units/housing").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckNoPendingObjection(a, "units/market").ok());
  EXPECT_EQ(CheckCanResolve(*o).code(), absl::StatusCode::kOk);
  o->set_state(v1::OBJECTION_STATE_UPHELD);
  EXPECT_EQ(CheckCanResolve(*o).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StateOf(a), v1::ASSIGNMENT_STATE_ASSIGNED);
}

TEST(Permissions, AssigningIsTheGovernmentOfficesAlone) {
  EXPECT_TRUE(CheckMayAssign(MakeCaller("persons/g", common::v1::ROLE_GOVERNMENT_OFFICE)).ok());
  for (auto role : {common::v1::ROLE_SUPERVISION_OFFICE, common::v1::ROLE_CONGRESS_OFFICE,
                    common::v1::ROLE_UNIT_HEAD, common::v1::ROLE_LEADING_OFFICIAL,
                    common::v1::ROLE_SYSTEM, common::v1::ROLE_PUBLIC}) {
    EXPECT_EQ(CheckMayAssign(MakeCaller("persons/x", role)).code(),
              absl::StatusCode::kPermissionDenied)
        << role;
  }
}

TEST(Permissions, AUnitActsOnlyForItself) {
  auto clerk = MakeCaller("persons/c", common::v1::ROLE_UNIT_CLERK, "units/housing");
  EXPECT_TRUE(CheckMayActForUnit(clerk, "units/housing").ok());
  EXPECT_FALSE(CheckMayActForUnit(clerk, "units/market").ok());
  EXPECT_TRUE(
      CheckMayActForUnit(MakeCaller("persons/h", common::v1::ROLE_UNIT_HEAD, "units/market"),
                         "units/market")
          .ok());
  EXPECT_FALSE(CheckMayActForUnit(
                   MakeCaller("persons/g", common::v1::ROLE_GOVERNMENT_OFFICE, "units/market"),
                   "units/market")
                   .ok());
}

TEST(Permissions, WhoReadsAnAssignment) {
  v1::Assignment a =
      Assigned({U("units/housing", v1::UNIT_ROLE_LEAD), U("units/market", v1::UNIT_ROLE_CO)});
  auto may = [&](Caller c) { return MayReadAssignment(c, a); };
  EXPECT_TRUE(may(MakeCaller("persons/s", common::v1::ROLE_SUPERVISION_OFFICE)));
  EXPECT_TRUE(may(MakeCaller("persons/c", common::v1::ROLE_CPPCC_OFFICE)));
  EXPECT_TRUE(may(MakeCaller("persons/c", common::v1::ROLE_UNIT_CLERK, "units/market")));
  EXPECT_FALSE(may(MakeCaller("persons/c", common::v1::ROLE_UNIT_CLERK, "units/education")));
  EXPECT_TRUE(may(MakeCaller("persons/wang", common::v1::ROLE_PROPOSER)));
  EXPECT_FALSE(may(MakeCaller("persons/zhao", common::v1::ROLE_PROPOSER)));
  EXPECT_FALSE(may(MakeCaller("persons/vice-mayor-chen", common::v1::ROLE_LEADING_OFFICIAL)));
  a.set_key(true);
  a.set_leading_official("persons/vice-mayor-chen");
  EXPECT_TRUE(may(MakeCaller("persons/vice-mayor-chen", common::v1::ROLE_LEADING_OFFICIAL)));
  EXPECT_FALSE(may(MakeCaller("persons/vice-mayor-liu", common::v1::ROLE_LEADING_OFFICIAL)));
  EXPECT_FALSE(CheckMayReadAssignments(MakeCaller("public", common::v1::ROLE_PUBLIC)).ok());
  // Not granted by the contract: systems, and a unit role acting for no unit.
  EXPECT_FALSE(may(MakeCaller("systems/cppcc-online", common::v1::ROLE_SYSTEM)));
  EXPECT_FALSE(
      CheckMayReadAssignments(MakeCaller("systems/cppcc-online", common::v1::ROLE_SYSTEM)).ok());
  EXPECT_FALSE(CheckMayReadAssignments(MakeCaller("persons/c", common::v1::ROLE_UNIT_CLERK)).ok());
}

UnitEvidence Evidence(const std::string& unit, std::vector<SimilarHandled> similar,
                      bool category_listed, int handled) {
  return {unit, unit, std::move(similar), category_listed, handled};
}

TEST(RankUnits, ASimilarItemHandledLastYearOutranksTheCategoryAndTheCount) {
  std::vector<UnitEvidence> units = {
      Evidence("units/housing", {}, true, 12),
      Evidence("units/transport",
               {{"建议第12号", "关于缓解老旧小区停车难的建议", 2024, 0.82, v1::UNIT_ROLE_LEAD}},
               false, 0),
      Evidence("units/chengguan", {}, true, 0),
      Evidence("units/education", {}, false, 0),
  };
  auto ranked = RankUnits(units, "城乡建设", 2025, 5);
  ASSERT_EQ(ranked.size(), 3u);  // no evidence, no suggestion
  EXPECT_EQ(ranked[0].unit(), "units/transport");
  EXPECT_THAT(ranked[0].reasons(), ElementsAre("去年办理了相似的建议第12号（相似度0.82）"));
  EXPECT_EQ(ranked[1].unit(), "units/housing");
  EXPECT_THAT(ranked[1].reasons(),
              ElementsAre("职能领域包含 城乡建设", "此前承办城乡建设类建议、提案12件"));
  EXPECT_EQ(ranked[2].unit(), "units/chengguan");
  EXPECT_EQ(RankUnits(units, "城乡建设", 2025, 1).size(), 1u);
}

TEST(RankUnits, ACoUnitCountsHalfAndOlderYearsAreNamed) {
  std::vector<UnitEvidence> units = {
      Evidence("units/market", {{"建议第3号", "", 2022, 0.6, v1::UNIT_ROLE_CO}}, false, 0),
      Evidence("units/housing", {{"建议第7号", "", 2022, 0.4, v1::UNIT_ROLE_LEAD}}, false, 0),
  };
  auto ranked = RankUnits(units, "城乡建设", 2025, 5);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].unit(), "units/housing");  // 0.4 as lead > 0.6 as co
  EXPECT_THAT(ranked[1].reasons(), ElementsAre("2022年协办了相似的建议第3号（相似度0.60）"));
}

}  // namespace
}  // namespace huiyin::assignment

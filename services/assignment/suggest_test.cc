// SuggestUnits: units ranked by similar items they handled (intake's FindSimilar, faked here),
// the categories they list and how many items of the category they were given.
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "services/assignment/core.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AcceptedItem;
using testing::AssignmentFixture;
using testing::Clerk;
using ::testing::ElementsAre;
using testing::GovernmentOffice;
using ::testing::HasSubstr;
using testing::kSession2024;
using testing::LeadAndCo;
using testing::Sole;

class SuggestTest : public AssignmentFixture {
 protected:
  // Last year the county's transport bureau handled 建议第12号 on parking in old estates, and
  // the housing bureau has handled three 城乡建设 items this year.
  void SetUp() override {
    AssignmentFixture::SetUp();
    Arrive(AcceptedItem("old-12", "关于缓解老旧小区停车难问题的建议", "城乡建设", 12, 2024,
                        kSession2024));
    Assign(LeadAndCo("items/old-12", "units/transport", {"units/market"}));
    for (const char* id : {"h1", "h2", "h3"}) {
      Arrive(id);
      Assign(Sole(std::string("items/") + id, "units/housing"));
    }
    Arrive("new", "关于解决城关镇老旧小区停车难的建议", "城乡建设");
  }
  absl::StatusOr<v1::SuggestUnitsResponse> Suggest(int limit = 0) {
    v1::SuggestUnitsRequest r;
    r.set_item("items/new");
    r.set_limit(limit);
    return core_->SuggestUnits(GovernmentOffice(), r, testing::At(2025, 3, 10, 10));
  }
  static std::vector<std::string> Units(const v1::SuggestUnitsResponse& response) {
    std::vector<std::string> out;
    for (const auto& s : response.suggestions()) out.push_back(s.unit());
    return out;
  }
};

TEST_F(SuggestTest, TheUnitThatHandledASimilarItemLastYearComesFirst) {
  similar_.AddRecurring("items/old-12", "建议第12号", 2024, 0.82,
                        "关于缓解老旧小区停车难问题的建议");
  auto response = Suggest();
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(similar_.asked, ElementsAre("items/new"));
  EXPECT_EQ(similar_.last_deadline, testing::At(2025, 3, 10, 10));
  EXPECT_THAT(Units(*response),
              ElementsAre("units/transport", "units/housing", "units/market", "units/chengguan"));
  const v1::UnitSuggestion& first = response->suggestions(0);
  EXPECT_EQ(first.unit_display_name(), "县交通运输局");
  EXPECT_THAT(first.reasons(), ElementsAre("去年办理了相似的建议第12号（相似度0.82）",
                                           "此前承办城乡建设类建议、提案1件"));
  EXPECT_THAT(response->suggestions(1).reasons(),
              ElementsAre("职能领域包含 城乡建设", "此前承办城乡建设类建议、提案3件"));
  EXPECT_THAT(
      response->suggestions(2).reasons(),
      ElementsAre("去年协办了相似的建议第12号（相似度0.82）", "此前承办城乡建设类建议、提案1件"));
  EXPECT_GT(first.score(), response->suggestions(1).score());
  EXPECT_THAT(Units(*Suggest(2)), ElementsAre("units/transport", "units/housing"));
}

TEST_F(SuggestTest, InactiveUnitsAreNeverSuggested) {
  Arrive(AcceptedItem("old-3", "关于城关镇停车场建设的建议", "城乡建设", 3, 2024, kSession2024));
  Assign(Sole("items/old-3", "units/water"));
  v1::UpdateUnitRequest r;
  r.mutable_unit()->set_name("units/water");
  r.mutable_unit()->set_display_name("县水利局");
  r.mutable_unit()->set_kind(v1::UNIT_KIND_BUREAU);
  r.mutable_unit()->set_active(false);
  ASSERT_TRUE(core_->UpdateUnit(GovernmentOffice(), r).ok());
  similar_.AddRecurring("items/old-3", "建议第3号", 2024, 0.9);
  auto response = Suggest(10);
  ASSERT_TRUE(response.ok()) << response.status();
  for (const auto& s : response->suggestions()) EXPECT_NE(s.unit(), "units/water");
}

TEST_F(SuggestTest, WithoutIntakeTheCategoriesAndTheHistoryStillSpeak) {
  similar_.answer = absl::UnavailableError("intake is down");
  auto response = Suggest();
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Units(*response),
              ElementsAre("units/housing", "units/chengguan", "units/market", "units/transport"));
  EXPECT_THAT(response->suggestions(2).reasons(),
              ElementsAre(HasSubstr("城乡建设类建议、提案1件")));
}

TEST_F(SuggestTest, ForTheGovernmentOfficeAboutKnownItems) {
  v1::SuggestUnitsRequest r;
  r.set_item("items/new");
  EXPECT_EQ(core_->SuggestUnits(Clerk("units/housing"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_item("items/unknown");
  EXPECT_EQ(core_->SuggestUnits(GovernmentOffice(), r).status().code(),
            absl::StatusCode::kNotFound);
  r.set_item("items/new");
  r.set_limit(-1);
  EXPECT_EQ(FieldViolationsOf(core_->SuggestUnits(GovernmentOffice(), r).status())[0].first,
            "limit");
}

}  // namespace
}  // namespace huiyin::assignment

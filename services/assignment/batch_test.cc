// The assignment meeting (交办会): hundreds of items in one call, each all-or-nothing on its own.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/assignment/core.h"
#include "services/assignment/rules.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AcceptedItem;
using testing::AssignmentFixture;
using testing::GovernmentOffice;
using testing::IntakeEvent;
using testing::LeadAndCo;
using testing::Sole;
using testing::Split;
using testing::SupervisionOffice;

constexpr int kItems = 500;

class BatchTest : public AssignmentFixture {
 protected:
  // kItems accepted items arrive in one page of intake's feed.
  void ArriveMany() {
    ASSERT_TRUE(db_->Write([&](SQLite::Database& tx) -> absl::Status {
                     for (int i = 0; i < kItems; ++i) {
                       intake::v1::ItemAccepted accepted;
                       *accepted.mutable_item() = AcceptedItem(
                           absl::StrCat("b", i), absl::StrCat("关于第", i + 1, "项民生实事的建议"),
                           i % 2 ? "城乡建设" : "交通", i + 1);
                       if (auto s = core_->ApplyIntakeEvent(tx, IntakeEvent(i + 1, accepted));
                           !s.ok()) {
                         return s;
                       }
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  }
  // A good plan for item i, in the three modes by turn.
  static v1::AssignmentPlan GoodPlan(int i) {
    const std::string item = absl::StrCat("items/b", i);
    switch (i % 3) {
      case 0:
        return Sole(item, "units/housing");
      case 1:
        return LeadAndCo(item, "units/transport", {"units/chengguan"});
      default:
        return Split(item, {{"units/transport", "道路部分"}, {"units/chengguan", "环境整治部分"}});
    }
  }
};

TEST_F(BatchTest, FiveHundredItemsTheGoodLandAndTheBadAreReportedWithTheirField) {
  ArriveMany();
  v1::AssignItemsRequest request;
  for (int i = 0; i < kItems; ++i) *request.add_plans() = GoodPlan(i);
  *request.mutable_plans(17) = Sole("items/b17", "units/no-such");
  *request.mutable_plans(123) = Sole("items/b123", "units/grain");  // inactive
  *request.mutable_plans(250) = Sole("items/never-accepted", "units/housing");
  *request.mutable_plans(300) = LeadAndCo("items/b300", "units/housing", {"units/housing"});
  request.mutable_plans(400)->set_item("items/b399");  // the same item twice
  request.mutable_plans(499)->mutable_deadline()->set_fixed_date("2025-03-07");
  struct Bad {
    int index;
    absl::StatusCode code;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {17, absl::StatusCode::kInvalidArgument, "plans[17].units[0].unit"},
      {123, absl::StatusCode::kInvalidArgument, "plans[123].units[0].unit"},
      {250, absl::StatusCode::kNotFound, "plans[250].item"},
      {300, absl::StatusCode::kInvalidArgument, "plans[300].units[1].unit"},
      {400, absl::StatusCode::kInvalidArgument, "plans[400].item"},
      {499, absl::StatusCode::kInvalidArgument, "plans[499].deadline.fixed_date"},
  };

  absl::Time start = absl::Now();
  auto response = core_->AssignItems(GovernmentOffice(), request);
  absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(response.ok()) << response.status();
  std::cout << "AssignItems of " << kItems << " plans: " << absl::FormatDuration(took) << "\n";
  RecordProperty("assign_items_500_ms", static_cast<int>(absl::ToInt64Milliseconds(took)));

  EXPECT_EQ(response->assigned(), kItems - static_cast<int>(bad.size()));
  EXPECT_EQ(response->refused(), static_cast<int>(bad.size()));
  ASSERT_EQ(response->results_size(), kItems);
  for (const Bad& b : bad) {
    const v1::AssignItemResult& r = response->results(b.index);
    EXPECT_EQ(r.error_code(), static_cast<int>(b.code)) << b.index << ": " << r.error_message();
    EXPECT_EQ(r.error_field(), b.field) << b.index;
    EXPECT_FALSE(r.has_assignment()) << b.index;
  }
  EXPECT_EQ(response->results(0).item(), "items/b0");
  EXPECT_EQ(response->results(0).assignment().units(0).unit(), "units/housing");
  EXPECT_EQ(response->results(2).assignment().mode(), v1::ASSIGNMENT_MODE_SPLIT);
  EXPECT_EQ(response->results(0).error_code(), 0);

  // Exactly the good ones landed, each with its event; the bad left no trace.
  EXPECT_EQ(EventsOf<v1::ItemAssigned>().size(), static_cast<size_t>(response->assigned()));
  auto waiting = core_->ListWaitingItems(GovernmentOffice(), v1::ListWaitingItemsRequest());
  ASSERT_TRUE(waiting.ok());
  // b17, b123, b300 and b499 were refused, b250 and b400 were in no plan that could land.
  EXPECT_EQ(waiting->total_size(), 6);
  v1::ListAssignmentsRequest all;
  all.set_page_size(1);
  EXPECT_EQ(core_->ListAssignments(SupervisionOffice(), all)->total_size(), response->assigned());
}

TEST_F(BatchTest, ARetriedBatchReturnsTheFirstResults) {
  ArriveMany();
  v1::AssignItemsRequest request;
  request.set_request_id("jiaobanhui-2025-03-10");
  for (int i = 0; i < 20; ++i) *request.add_plans() = GoodPlan(i);
  *request.mutable_plans(5) = Sole("items/b5", "units/no-such");
  auto first = core_->AssignItems(GovernmentOffice(), request);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = core_->AssignItems(GovernmentOffice(), request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(EventsOf<v1::ItemAssigned>().size(), 19u);
}

TEST_F(BatchTest, TheBatchItselfIsRefusedWhenEmptyTooLargeOrNotTheOffices) {
  v1::AssignItemsRequest request;
  EXPECT_EQ(FieldViolationsOf(core_->AssignItems(GovernmentOffice(), request).status())[0].first,
            "plans");
  for (int i = 0; i <= kMaxPlans; ++i) *request.add_plans() = GoodPlan(i);
  EXPECT_EQ(FieldViolationsOf(core_->AssignItems(GovernmentOffice(), request).status())[0].first,
            "plans");
  request.mutable_plans()->DeleteSubrange(0, 900);
  EXPECT_EQ(core_->AssignItems(SupervisionOffice(), request).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace huiyin::assignment

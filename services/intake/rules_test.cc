#include "services/intake/rules.h"

#include "gtest/gtest.h"

namespace huiyin::intake {
namespace {

TEST(ParseItemName, AcceptsOnlyItemNames) {
  EXPECT_EQ(*ParseItemName("items/k3v9x0c2m7q4p8rt", "name"), "k3v9x0c2m7q4p8rt");
  for (const char* bad : {"", "items/", "item/abc", "items/ABC", "items/a/b", "items/a b"}) {
    EXPECT_EQ(ParseItemName(bad, "name").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(NumberLabel, ReadsAsTheOfficesWriteIt) {
  EXPECT_EQ(NumberLabel(v1::ITEM_KIND_SUGGESTION, 15), "建议第15号");
  EXPECT_EQ(NumberLabel(v1::ITEM_KIND_PROPOSAL, 156), "提案第156号");
}

TEST(ValidateRequestId, RefusesLongOrOddIds) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("2025-01-20:cppcc.0001_a").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateRequestId("请求1").ok());
}

TEST(CheckCanScreen, OnlySubmittedItems) {
  v1::Item item;
  item.set_state(v1::ITEM_STATE_SUBMITTED);
  EXPECT_TRUE(CheckCanScreen(item).ok());
  for (auto state : {v1::ITEM_STATE_ACCEPTED, v1::ITEM_STATE_NOT_ACCEPTED, v1::ITEM_STATE_MERGED,
                     v1::ITEM_STATE_WITHDRAWN}) {
    item.set_state(state);
    EXPECT_EQ(CheckCanScreen(item).code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(CheckCanReceiveMerge, SubmittedOrAccepted) {
  v1::Item target;
  target.set_state(v1::ITEM_STATE_ACCEPTED);
  EXPECT_TRUE(CheckCanReceiveMerge(target).ok());
  target.set_state(v1::ITEM_STATE_MERGED);
  EXPECT_FALSE(CheckCanReceiveMerge(target).ok());
}

TEST(ValidateReason, RequiredMeansNotBlank) {
  EXPECT_FALSE(ValidateReason("  ", true).ok());
  EXPECT_TRUE(ValidateReason("", false).ok());
  EXPECT_TRUE(ValidateReason("不属于本级政府职权范围", true).ok());
}

}  // namespace
}  // namespace huiyin::intake

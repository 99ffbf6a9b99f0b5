#include "common/text/label.h"

#include "gtest/gtest.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin {
namespace {

TEST(LabelTest, ValuesReadTheirWordingFromTheContract) {
  EXPECT_EQ(Label(intake::v1::ITEM_KIND_PROPOSAL), "提案");
  EXPECT_EQ(Label(workflow::v1::ANSWER_CLASS_B), "B类（列入计划逐步解决）");
  EXPECT_EQ(Label(workflow::v1::RATING_BASICALLY_SATISFIED), "基本满意");
  EXPECT_EQ(Label(workflow::v1::RATING_UNSPECIFIED), "尚未测评");
  EXPECT_EQ(Label(assignment::v1::UNIT_ROLE_CO), "协办");
}

TEST(LabelTest, ValuesWithoutWordingAndUnknownNumbersAreEmpty) {
  EXPECT_EQ(Label(intake::v1::ITEM_KIND_UNSPECIFIED), "");
  EXPECT_EQ(Label(static_cast<workflow::v1::AnswerClass>(42)), "");
}

}  // namespace
}  // namespace huiyin

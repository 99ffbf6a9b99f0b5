#include "common/validation/field_checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

std::vector<std::string> Descriptions(const FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& [field, description] : FieldViolationsOf(v.ToStatus()))
    out.push_back(description);
  return out;
}

TEST(CheckText, RequiredMeansNotBlankAndCharactersAreCountedNotBytes) {
  FieldViolations blank;
  CheckText(blank, "reason", " \n", 1, 10, true);
  EXPECT_THAT(Descriptions(blank), ::testing::ElementsAre("is required"));
  FieldViolations chinese;
  CheckText(chinese, "title", "不属于本单位职能", 1, 8, false);  // 8 characters, 24 bytes
  EXPECT_TRUE(chinese.empty());
  CheckText(chinese, "title", "不属于本单位职能范围", 1, 8, false);
  EXPECT_THAT(Descriptions(chinese), ::testing::ElementsAre("must have at most 8 characters"));
  FieldViolations optional;
  CheckText(optional, "note", "", 0, 10, false);
  EXPECT_TRUE(optional.empty());
}

TEST(CheckText, NewlinesOnlyInMultilineText) {
  FieldViolations v;
  CheckText(v, "reason", "第一段\n第二段", 1, 100, true);
  EXPECT_TRUE(v.empty());
  CheckText(v, "title", "第一行\n第二行", 1, 100, false);
  EXPECT_THAT(Descriptions(v), ::testing::ElementsAre("must not contain control characters"));
}

TEST(IsPhoneNumber, DigitsWithSeparators) {
  EXPECT_TRUE(IsPhoneNumber("13812345678"));
  EXPECT_TRUE(IsPhoneNumber("0571-88001234"));
  EXPECT_TRUE(IsPhoneNumber("+86 138 1234 5678"));
  EXPECT_FALSE(IsPhoneNumber("call me"));
  EXPECT_FALSE(IsPhoneNumber("12345"));
}

TEST(ValidateRequestId, RefusesLongOrOddIds) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("2025-01-20:cppcc.0001_a").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  EXPECT_EQ(FieldViolationsOf(ValidateRequestId("请求1"))[0].first, "request_id");
}

}  // namespace
}  // namespace huiyin

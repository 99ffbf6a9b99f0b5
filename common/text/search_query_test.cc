#include "common/text/search_query.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::text {
namespace {

std::string Match(std::string_view query) {
  absl::StatusOr<std::string> match = BuildMatchExpression(query);
  EXPECT_TRUE(match.ok()) << match.status();
  return match.value_or("");
}

TEST(BuildMatchExpressionTest, QuotesEachTermAndAndsThem) {
  EXPECT_EQ(Match("物业管理"), "\"物业管理\"");
  EXPECT_EQ(Match("物业 停车  2024"), "\"物业\" AND \"停车\" AND \"2024\"");
}

TEST(BuildMatchExpressionTest, MakesALoneTrailingCjkCharacterAPrefix) {
  EXPECT_EQ(Match("水"), "\"水\"*");
  EXPECT_EQ(Match("2024年"), "\"2024年\"*");
  EXPECT_EQ(Match("水 电费"), "\"水\"* AND \"电费\"");
  EXPECT_EQ(Match("年2024"), "\"年2024\"");
}

TEST(BuildMatchExpressionTest, TurnsQuerySyntaxIntoSpacesInsideThePhrase) {
  EXPECT_EQ(Match("物业\"OR\"*"), "\"物业 OR\"");
  EXPECT_EQ(Match("NEAR(物业"), "\"NEAR 物业\"");
  EXPECT_EQ(Match("title:物业 -停车 ^教育"), "\"title 物业\" AND \"停车\" AND \"教育\"");
}

TEST(BuildMatchExpressionTest, DropsTermsWithNothingSearchable) {
  EXPECT_EQ(Match("物业 * - \" AND"), "\"物业\" AND \"AND\"");
}

TEST(BuildMatchExpressionTest, RefusesQueriesWithoutSearchableTerms) {
  for (std::string_view query : {"", "   ", "*", "\" - ( )", "\xff\xfe"}) {
    EXPECT_EQ(BuildMatchExpression(query).status().code(), absl::StatusCode::kInvalidArgument)
        << query;
  }
}

TEST(BuildMatchExpressionTest, RefusesTooManyTerms) {
  std::string query;
  for (size_t i = 0; i <= kMaxSearchTerms; ++i) {
    query += "物业 ";
  }
  EXPECT_EQ(BuildMatchExpression(query).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace huiyin::text

// Similarity ("年年提", 并案) on realistic texts: a reworded and a traditional-character version
// of an item rank above unrelated items; earlier years come back as recurring topics.
#include "services/intake/similarity.h"

#include "gmock/gmock.h"
#include "services/intake/testing.h"

namespace huiyin::intake {
namespace {

using testing::CongressOffice;
using testing::IntakeFixture;
using testing::Suggestion;

class SimilarityTest : public IntakeFixture {
 protected:
  v1::FindSimilarResponse Similar(const std::string& name) {
    v1::FindSimilarRequest r;
    r.set_name(name);
    r.set_limit(20);
    auto result = core_->FindSimilar(CongressOffice(), r);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : v1::FindSimilarResponse();
  }

  void SubmitUnrelated() {
    for (const auto& topic : testing::kUnrelated) Submit(Suggestion(topic.title, topic.body));
  }
};

TEST_F(SimilarityTest, RewordedAndTraditionalVersionsRankAboveUnrelatedItems) {
  v1::Item original = Submit(Suggestion(testing::kPropertyTitle, testing::kPropertyBody));
  SubmitUnrelated();
  v1::Item reworded = Submit(Suggestion(testing::kPropertyRewordedTitle, testing::kPropertyReworded));
  v1::Item traditional =
      Submit(Suggestion(testing::kPropertyTraditionalTitle, testing::kPropertyTraditionalBody));
  ASSERT_TRUE(core_->IndexPending().ok());

  auto result = Similar(original.name());
  ASSERT_GE(result.merge_candidates_size(), 2);
  EXPECT_EQ(result.merge_candidates(0).name(), traditional.name());
  EXPECT_GT(result.merge_candidates(0).score(), 0.95);  // the same text once folded
  EXPECT_EQ(result.merge_candidates(1).name(), reworded.name());
  double floor = result.merge_candidates(1).score();
  for (int i = 2; i < result.merge_candidates_size(); ++i) {
    EXPECT_LT(result.merge_candidates(i).score(), floor / 2) << result.merge_candidates(i).title();
  }
  for (const auto& s : result.merge_candidates()) EXPECT_NE(s.name(), original.name());
}

TEST_F(SimilarityTest, EarlierYearsComeBackAsRecurringNotAsMergeCandidates) {
  const std::string session_2023 = "县第十八届人民代表大会第二次会议";
  v1::Item old = Submit(Suggestion("关于加快城区农贸市场升级改造的建议",
                                   "城东农贸市场设施陈旧，棚顶漏雨，地面积水，排水不畅，"
                                   "摊位杂乱，食品安全隐患较大，建议尽快制定改造方案，完善冷链和检测设施。",
                                   "persons/wang", 2023, session_2023));
  Accept(old.name());
  SubmitUnrelated();  // includes this year's 农贸市场 item
  ASSERT_TRUE(core_->IndexPending().ok());
  v1::ListItemsRequest list;
  list.set_year(2025);
  auto items = core_->ListItems(CongressOffice(), list);
  ASSERT_TRUE(items.ok());
  std::string market_2025 = items->items(0).name();  // kUnrelated[0] is the farmers' market

  auto result = Similar(market_2025);
  ASSERT_GE(result.recurring_size(), 1);
  EXPECT_EQ(result.recurring(0).name(), old.name());
  EXPECT_EQ(result.recurring(0).year(), 2023);
  EXPECT_EQ(result.recurring(0).number_label(), "建议第1号");
  for (const auto& s : result.merge_candidates()) EXPECT_NE(s.name(), old.name());
}

TEST_F(SimilarityTest, ADraftFindsSimilarItemsBeforeItIsSubmitted) {
  v1::Item original = Submit(Suggestion(testing::kPropertyTitle, testing::kPropertyBody));
  SubmitUnrelated();
  ASSERT_TRUE(core_->IndexPending().ok());
  v1::FindSimilarRequest r;
  r.mutable_draft()->set_kind(v1::ITEM_KIND_SUGGESTION);
  r.mutable_draft()->set_session(testing::kSession2025);
  r.mutable_draft()->set_year(2025);
  r.mutable_draft()->set_title(testing::kPropertyRewordedTitle);
  r.mutable_draft()->set_body(testing::kPropertyReworded);
  auto result = core_->FindSimilar(CongressOffice(), r);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_GE(result->merge_candidates_size(), 1);
  EXPECT_EQ(result->merge_candidates(0).name(), original.name());
}

TEST_F(SimilarityTest, ProposersSeeOnlyAcceptedItemsOfOthers) {
  Submit(Suggestion(testing::kPropertyTitle, testing::kPropertyBody, "persons/wang"));
  v1::Item mine = Submit(Suggestion(testing::kPropertyRewordedTitle, testing::kPropertyReworded, "persons/chen"),
                         testing::Proposer("persons/chen"));
  ASSERT_TRUE(core_->IndexPending().ok());
  v1::FindSimilarRequest r;
  r.set_name(mine.name());
  auto result = core_->FindSimilar(testing::Proposer("persons/chen"), r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->merge_candidates_size(), 0);  // wang's item is not accepted yet
}

TEST(TermVectors, CosineOfATextWithItselfIsOne) {
  TermStatistics stats;
  TermVector v = MakeTermVector("物业管理", "老旧小区物业管理全覆盖", stats);
  EXPECT_NEAR(Cosine(v, v), 1.0, 1e-9);
  EXPECT_EQ(Cosine(v, MakeTermVector("", "", stats)), 0);
}

TEST(TermVectors, CandidateTermsPassOverTermsWhosePostingsExceedTheBudget) {
  TermStatistics stats;
  for (int i = 0; i < 10000; ++i) stats.AddDocument({"建议", i < 2 ? "物业" : "教育"});
  TermVector v = MakeTermVector("物业建议", "", stats);
  auto terms = CandidateTerms(v, stats, 10, /*postings_budget=*/5000);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].term, "物业");
  EXPECT_EQ(CandidateTerms(v, stats, 10, 20000).size(), 2u);
  EXPECT_EQ(CandidateTerms(v, stats, 1, 20000).size(), 1u);
}

}  // namespace
}  // namespace huiyin::intake

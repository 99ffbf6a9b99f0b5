// The answer pre-check and draft validation on realistic answers, good and bad.
#include "services/workflow/rules.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/workflow/testing.h"

namespace huiyin::workflow {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

PrecheckInput Input(v1::Answer answer, std::set<int> blocking = {}) {
  PrecheckInput in;
  in.item_title = testing::kItemTitle;
  in.item_body = testing::kItemBody;
  in.answer = std::move(answer);
  in.unit_display_name = "县住房和城乡建设局";
  in.blocking = std::move(blocking);
  return in;
}

std::vector<int> Codes(const std::vector<v1::PrecheckFinding>& findings) {
  std::vector<int> out;
  out.reserve(findings.size());
  for (const auto& f : findings) out.push_back(f.code());
  return out;
}

const v1::PrecheckFinding* Find(const std::vector<v1::PrecheckFinding>& findings, int code) {
  for (const auto& f : findings) {
    if (f.code() == code) return &f;
  }
  return nullptr;
}

TEST(WorkflowKeyTermsTest, TakesTheSubjectOfTheTitleNotItsGrammar) {
  const auto& n = testing::SharedNormalizer();
  auto terms = KeyTerms(n.Normalize(testing::kItemTitle), n.Normalize(testing::kItemBody));
  EXPECT_THAT(terms, Contains("城区"));
  EXPECT_THAT(terms, Contains("老旧"));
  EXPECT_THAT(terms, Contains("小区"));
  EXPECT_THAT(terms, Contains("改造"));
  EXPECT_THAT(terms, Contains("管网"));  // repeated in the body
  for (const char* grammar : {"关于", "建议", "加快", "造的", "的建"}) {
    EXPECT_THAT(terms, ::testing::Not(Contains(grammar)));
  }
}

TEST(WorkflowPrecheckTest, GoodAnswerHasNoFindings) {
  auto findings = Precheck(Input(testing::GoodAnswer()), testing::SharedNormalizer());
  EXPECT_THAT(Codes(findings), IsEmpty());
}

TEST(WorkflowPrecheckTest, VagueAnswerIsFlaggedOnEveryCount) {
  auto findings = Precheck(Input(testing::VagueAnswer()), testing::SharedNormalizer());
  EXPECT_THAT(
      Codes(findings),
      UnorderedElementsAre(v1::PRECHECK_CODE_OFF_TOPIC, v1::PRECHECK_CODE_VAGUE_WORDING,
                           v1::PRECHECK_CODE_NO_CONTACT_PERSON, v1::PRECHECK_CODE_NO_SALUTATION,
                           v1::PRECHECK_CODE_NO_SIGNATURE_BLOCK, v1::PRECHECK_CODE_TOO_SHORT));
  EXPECT_THAT(Find(findings, v1::PRECHECK_CODE_VAGUE_WORDING)->evidence(),
              ElementsAre("适时", "逐步", "研究研究", "积极协调"));
  EXPECT_THAT(Find(findings, v1::PRECHECK_CODE_OFF_TOPIC)->evidence(), Contains("老旧"));
  for (const auto& f : findings) EXPECT_EQ(f.severity(), v1::SEVERITY_WARNING);
}

TEST(WorkflowPrecheckTest, AnswerOnAnotherSubjectIsOffTopicEvenQuotingTheTitle) {
  v1::Answer a = testing::GoodAnswer();
  a.set_answer_class(v1::ANSWER_CLASS_A);
  a.clear_commitments();
  a.set_text(
      "尊敬的王建国代表：\n"
      "　　您提出的《关于加快城区老旧小区改造的建议》收悉。现答复如下：我局高度重视农村公路"
      "养护工作，2025年完成县道、乡道大中修45公里，实施危桥改造8座，新建港湾式候车亭20个，"
      "农村客运班线通达率保持100%。下一步，我们将持续完善农村公路管理养护体制，确保群众出行"
      "安全便捷。感谢您对交通运输工作的关心。\n"
      "　　联系人：孙浩，电话：0571-88005678\n"
      "县住房和城乡建设局\n"
      "2025年6月20日\n");
  auto findings = Precheck(Input(a), testing::SharedNormalizer());
  EXPECT_THAT(Codes(findings), ElementsAre(v1::PRECHECK_CODE_OFF_TOPIC));
}

TEST(WorkflowPrecheckTest, ClassBWhoseTextNamesNoDate) {
  v1::Answer a = testing::GoodAnswer();
  a.set_text(
      "尊敬的王建国代表：\n"
      "　　您提出的《关于加快城区老旧小区改造的建议》收悉。我局将城区老旧小区改造列入计划，"
      "分批实施管网改造、雨污分流和停车位建设，改造完成的小区引入专业物业管理，解决居民反映"
      "强烈的停车难、管网老化等问题，切实提升老旧小区居民的居住品质。感谢您对城市建设工作的"
      "关心和支持。\n"
      "　　联系人：孙浩，电话：0571-88005678\n"
      "县住房和城乡建设局\n"
      "2025年6月20日\n");
  auto findings = Precheck(Input(a), testing::SharedNormalizer());
  EXPECT_THAT(Codes(findings), ElementsAre(v1::PRECHECK_CODE_B_WITHOUT_DATES));
}

TEST(WorkflowPrecheckTest, ClassCWithoutReasonAndConfiguredBlocking) {
  v1::Answer a = testing::GoodAnswer();
  a.set_answer_class(v1::ANSWER_CLASS_C);
  a.clear_commitments();
  a.set_explanation("资金不足");
  auto findings =
      Precheck(Input(a, {v1::PRECHECK_CODE_C_WITHOUT_REASON}), testing::SharedNormalizer());
  ASSERT_THAT(Codes(findings), ElementsAre(v1::PRECHECK_CODE_C_WITHOUT_REASON));
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_BLOCKING);
  EXPECT_TRUE(AnyBlocking(findings));
}

TEST(WorkflowPrecheckTest, SignatureBlockNeedsTheUnitAndTheDate) {
  v1::Answer a = testing::GoodAnswer();
  std::string text = testing::kGoodAnswer;
  text.resize(text.find("县住房和城乡建设局\n"));
  text += "县交通运输局\n";
  a.set_text(text);
  auto findings = Precheck(Input(a), testing::SharedNormalizer());
  ASSERT_THAT(Codes(findings), ElementsAre(v1::PRECHECK_CODE_NO_SIGNATURE_BLOCK));
  EXPECT_THAT(findings[0].evidence(),
              ElementsAre("文末缺少单位名称：县住房和城乡建设局", "文末缺少成文日期"));
}

// Found by tests/fuzz/answer_precheck_fuzz: std::regex recursed once per space and overflowed
// the stack, killing the service, on an answer with a long run of whitespace inside a date.
TEST(WorkflowPrecheckTest, LongRunsOfWhitespaceInsideDatesDoNotCrash) {
  v1::Answer a = testing::GoodAnswer();
  a.set_text(testing::kGoodAnswer + std::string("2026") + std::string(300000, ' ') + "年\n" +
             "县住房和城乡建设局\n2026" + std::string(300000, '\t') + "年6月20日\n");
  auto findings = Precheck(Input(a), testing::SharedNormalizer());
  EXPECT_THAT(Codes(findings), IsEmpty());
  EXPECT_TRUE(HasDate("计划于2026" + std::string(200000, ' ') + "年\n  10月底前完成"));
  EXPECT_FALSE(HasDate("电话 0571" + std::string(200000, '\n') + "88005678"));
}

TEST(WorkflowValidateDraftTest, RefusesWhatTheRulesForbid) {
  v1::Answer b = testing::GoodAnswer();
  b.clear_commitments();
  b.clear_contact_person();
  auto s = ValidateDraft(b, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldViolationsOf(s),
              UnorderedElementsAre(::testing::Pair("answer.contact_person", ::testing::_),
                                   ::testing::Pair("answer.commitments", ::testing::_)));

  v1::Answer undated = testing::GoodAnswer();
  undated.mutable_commitments(1)->set_due_date("年底前");
  EXPECT_THAT(FieldViolationsOf(ValidateDraft(undated, false)),
              ElementsAre(::testing::Pair("answer.commitments[1].due_date", ::testing::_)));

  v1::Answer c = testing::GoodAnswer();
  c.set_answer_class(v1::ANSWER_CLASS_C);
  c.clear_commitments();
  EXPECT_THAT(FieldViolationsOf(ValidateDraft(c, false)),
              ElementsAre(::testing::Pair("answer.explanation", ::testing::_)));

  v1::Answer d = testing::GoodAnswer();
  d.set_answer_class(v1::ANSWER_CLASS_D);
  EXPECT_EQ(ValidateDraft(d, false).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateDraft(d, true).ok());
  EXPECT_TRUE(ValidateDraft(testing::GoodAnswer(), false).ok());
}

TEST(WorkflowParseBlockingFindingsTest, AcceptsNamesWithOrWithoutPrefix) {
  auto codes = ParseBlockingFindings("PRECHECK_CODE_OFF_TOPIC, vague_wording");
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes,
              UnorderedElementsAre(v1::PRECHECK_CODE_OFF_TOPIC, v1::PRECHECK_CODE_VAGUE_WORDING));
  EXPECT_THAT(*ParseBlockingFindings(""), IsEmpty());
  EXPECT_EQ(ParseBlockingFindings("OFF_TOPIC,TYPO").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace huiyin::workflow

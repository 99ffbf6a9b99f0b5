// Redaction on the texts proposals and answers are made of: what must be masked, and the near
// misses that must survive (an ID number with a wrong check digit, a phone number inside a
// longer number, dates and amounts that look like numbers).
#include "services/disclosure/redaction.h"

#include <string>
#include <vector>

#include "common/text/unicode.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::disclosure {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<MaskKind> KindsOf(const RedactionResult& r) {
  std::vector<MaskKind> out;
  for (const auto& m : r.masked) out.push_back(m.kind);
  return out;
}

TEST(ResidentIdTest, ChecksumAndBirthDateDecide) {
  EXPECT_TRUE(IsValidResidentId("11010519491231002X"));
  EXPECT_TRUE(IsValidResidentId("11010519491231002x"));
  EXPECT_TRUE(IsValidResidentId("430102198506123513"));
  EXPECT_TRUE(IsValidResidentId("430102200002291230"));   // 29 February of a leap year
  EXPECT_FALSE(IsValidResidentId("430102198506123514"));  // wrong check digit
  EXPECT_FALSE(IsValidResidentId("4301021985061235"));    // too short
  EXPECT_FALSE(IsValidResidentId("43010219850612351X"));  // X where a digit is due
  // Check digit right, date impossible (2019-02-29): computed so only the date is wrong.
  EXPECT_FALSE(IsValidResidentId("430102201902291230"));
}

TEST(LuhnTest, ValidAndInvalidCardNumbers) {
  EXPECT_TRUE(PassesLuhn("6222021234567890128"));
  EXPECT_TRUE(PassesLuhn("6217000012345670"));
  EXPECT_FALSE(PassesLuhn("6222021234567890127"));
  EXPECT_FALSE(PassesLuhn("62220212345678901a8"));
  EXPECT_FALSE(PassesLuhn(""));
}

TEST(RedactTest, MasksAMobileNumberAndShowsTheReviewerWhatWasMasked) {
  const auto r = Redact("我的联系电话是13807463375，欢迎来电。", {});
  EXPECT_EQ(r.text, "我的联系电话是138********，欢迎来电。");
  ASSERT_EQ(r.masked.size(), 1u);
  EXPECT_EQ(r.masked[0].kind, MaskKind::kMobilePhone);
  EXPECT_EQ(r.masked[0].original, "13807463375");
  EXPECT_EQ(r.masked[0].replacement, "138********");
  EXPECT_EQ(r.masked[0].start, 7);  // characters, not bytes
  EXPECT_EQ(r.masked[0].length, 11);
}

TEST(RedactTest, MobileNumbersWrittenInEveryUsualWay) {
  EXPECT_EQ(Redact("手机：138 0746 3375。", {}).text, "手机：138 **** ****。");
  EXPECT_EQ(Redact("手机：138-0746-3375。", {}).text, "手机：138-****-****。");
  EXPECT_EQ(Redact("电话+86 13807463375", {}).text, "电话+86 138********");
  EXPECT_EQ(Redact("电话008613807463375", {}).text, "电话0086138********");
  EXPECT_EQ(Redact("全角１３８０７４６３３７５号", {}).text, "全角138********号");
}

TEST(RedactTest, APhoneNumberInsideALongerNumberSurvives) {
  const std::string text =
      "业务流水号202413807463375001已受理，合同编号HT-913807463375，金额138074633750元。";
  const auto r = Redact(text, {});
  EXPECT_EQ(r.text, text);
  EXPECT_THAT(r.masked, IsEmpty());
}

TEST(RedactTest, AValidIdNumberIsMaskedAndAnInvalidOneSurvives) {
  const auto r = Redact(
      "申请人身份证号11010519491231002X；另一份材料上写的430102198506123514有误，"
      "经核对应为430102198506123513。",
      {});
  EXPECT_EQ(r.text,
            "申请人身份证号******************；另一份材料上写的430102198506123514有误，"
            "经核对应为******************。");
  EXPECT_THAT(KindsOf(r), ElementsAre(MaskKind::kResidentId, MaskKind::kResidentId));
}

TEST(RedactTest, DatesAmountsAndDocumentNumbersThatLookLikeNumbersSurvive) {
  const std::string text =
      "2024年3月15日（20240315）召开协调会，计划于2025-10-31前完工，总投资120000000元，"
      "文号县政办发〔2024〕15号，受益群众19491231人次，统一编号2024001356，邮编410005。";
  const auto r = Redact(text, {});
  EXPECT_EQ(r.text, text);
  EXPECT_THAT(r.masked, IsEmpty());
}

TEST(RedactTest, LandlinesWithAreaCodeOrAfterTheWordPhone) {
  EXPECT_EQ(Redact("联系人：孙浩，电话：0731-5551234", {}).text,
            "联系人：孙浩，电话：0731-*******");
  EXPECT_EQ(Redact("办公室（0731）85551234转8001", {}).text, "办公室(0731)********转****");
  EXPECT_EQ(Redact("值班电话 010-62345678", {}).text, "值班电话 010-********");
  EXPECT_EQ(Redact("座机：5551234", {}).text, "座机：*******");
  EXPECT_EQ(Redact("Tel: 85551234", {}).text, "Tel: ********");
  // Seven digits with no phone word before them are just a number.
  EXPECT_EQ(Redact("改造面积5551234平方米", {}).text, "改造面积5551234平方米");
}

// Found by tests/fuzz/redaction_fuzz: a landline written right after another number was left
// in the public text, since its '(' followed a digit.
TEST(RedactTest, ANumberRightAfterAnotherIsMaskedToo) {
  EXPECT_EQ(Redact("电话13807463375(010)88005678", {}).text, "电话138********(010)********");
  EXPECT_EQ(Redact("+86 138-0746-3375(010) 88005613", {}).text,
            "+86 138-****-****(010) ********");
  EXPECT_EQ(Redact("编号2024+86 13807463375", {}).text, "编号2024+86 138********");
  // An ID ending in its check character X, then at once a card number: both go.
  EXPECT_EQ(Redact("证件11010519491231002X6222021234567890128", {}).text,
            "证件" + std::string(18 + 19, '*'));
}

TEST(RedactTest, EmailAddresses) {
  const auto r = Redact("请发送至 zhang.san+ta@example.gov.cn。或 wang@mail.com", {});
  EXPECT_EQ(r.text, "请发送至 ***@***。或 ***@***");
  EXPECT_THAT(KindsOf(r), ElementsAre(MaskKind::kEmail, MaskKind::kEmail));
  // No domain with a dot, or a single-letter top level: not an address.
  EXPECT_EQ(Redact("@某某 回复 a@b 和 x@y.z", {}).text, "@某某 回复 a@b 和 x@y.z");
}

TEST(RedactTest, BankCardsPassingLuhnOnly) {
  const auto r = Redact(
      "补助款打入6222021234567890128账户，另一张卡6217 0000 1234 5670，"
      "写错的卡号6222021234567890127不处理。",
      {});
  EXPECT_EQ(r.text,
            "补助款打入*******************账户，另一张卡**** **** **** ****，"
            "写错的卡号6222021234567890127不处理。");
  EXPECT_THAT(KindsOf(r), ElementsAre(MaskKind::kBankCard, MaskKind::kBankCard));
}

TEST(RedactTest, ReviewerMarkedPassagesEverywhereTheyOccur) {
  const auto r =
      Redact("住在幸福小区3栋502室的张某反映，幸福小区3栋502室漏水。", {"幸福小区3栋502室", ""});
  EXPECT_EQ(r.text, "住在[已隐去]的张某反映，[已隐去]漏水。");
  EXPECT_THAT(r.masked, ElementsAre(Field(&Masked::kind, MaskKind::kMarked),
                                    Field(&Masked::kind, MaskKind::kMarked)));
  EXPECT_EQ(r.masked[1].original, "幸福小区3栋502室");
}

TEST(RedactTest, AMarkOverlappingANumberHidesBoth) {
  const auto r = Redact("请联系张三13807463375处理", {"联系张三138"});
  EXPECT_EQ(r.text, "请[已隐去]处理");
  EXPECT_THAT(r.text, Not(HasSubstr("0746")));
}

TEST(RedactTest, InvalidUtf8BecomesReplacementCharactersAndNothingElseChanges) {
  const std::string text = std::string("电话\xff\xfe") + "13807463375" + "\xe4\xb8";
  const auto r = Redact(text, {});
  EXPECT_EQ(r.text, "电话\uFFFD\uFFFD138********\uFFFD\uFFFD");
}

TEST(RedactTest, EmptyAndPlainTextsComeBackUnchanged) {
  EXPECT_EQ(Redact("", {}).text, "");
  const std::string answer =
      "尊敬的王建国代表：您提出的《关于加快城区老旧小区改造的建议》收悉。"
      "我局已将42个老旧小区纳入2025—2027年改造计划，新增停车位860个。";
  EXPECT_EQ(Redact(answer, {}).text, answer);
}

TEST(RedactTest, ARealisticAnswerFullOfNearMisses) {
  const std::string text =
      "尊敬的刘桂芳代表：\n"
      "您在建议中留下的手机13807463375和身份证号430102198506123513已转办理科室，"
      "请勿在公开渠道再次填写。您提到的2024年第13807号文件（2024-03-15印发）已废止；"
      "编号430102198506123514的旧档案不属于身份信息。补贴将于2025年6月30日前发放至"
      "6222021234567890128。\n联系人：孙浩，电话：0731-5551234，邮箱 sunhao@zjj.example.gov.cn\n"
      "县住房和城乡建设局\n2025年6月20日";
  const auto r = Redact(text, {});
  EXPECT_THAT(KindsOf(r), ElementsAre(MaskKind::kMobilePhone, MaskKind::kResidentId,
                                      MaskKind::kBankCard, MaskKind::kLandline, MaskKind::kEmail));
  EXPECT_THAT(r.text, HasSubstr("2024年第13807号文件（2024-03-15印发）"));
  EXPECT_THAT(r.text, HasSubstr("编号430102198506123514的旧档案"));
  EXPECT_THAT(r.text, HasSubstr("2025年6月30日"));
  EXPECT_THAT(r.text, Not(HasSubstr("7463375")));
  EXPECT_THAT(r.text, Not(HasSubstr("5551234")));
  EXPECT_THAT(r.text, Not(HasSubstr("sunhao")));
}

// What the fuzzer will do later, in small: arbitrary mixes of digits (both widths), separators,
// '@', letters, Chinese and invalid bytes give valid UTF-8, and every mask names exactly the
// characters it replaced, in order, without overlaps.
TEST(RedactTest, ArbitraryInputGivesValidUtf8AndExactMasks) {
  const std::vector<std::string> pieces = {"0",
                                           "1",
                                           "3",
                                           "8",
                                           "9",
                                           "X",
                                           "-",
                                           " ",
                                           "+",
                                           "@",
                                           ".",
                                           "a",
                                           "com",
                                           "(",
                                           ")",
                                           "电话",
                                           "：",
                                           "１",
                                           "３",
                                           "８",
                                           "\xff",
                                           "\xe4\xb8",
                                           "号",
                                           "13807463375",
                                           "11010519491231002X",
                                           "6222021234567890128",
                                           "0731-5551234",
                                           "x@y.cn",
                                           "转"};
  uint32_t seed = 20250620;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = static_cast<int>(next() % 24);
    for (int i = 0; i < n; ++i) text += pieces[next() % pieces.size()];
    const auto r = Redact(text, {"电话", "号"});
    EXPECT_TRUE(text::IsValidUtf8(r.text)) << text;
    int previous_end = -1;
    for (const auto& m : r.masked) {
      EXPECT_GT(m.length, 0) << text;
      EXPECT_GE(m.start, previous_end) << text;
      previous_end = m.start + m.length;
      EXPECT_TRUE(text::IsValidUtf8(m.original)) << text;
      EXPECT_EQ(static_cast<int>(text::Utf8Length(m.original)), m.length) << text;
      EXPECT_NE(r.text.find(m.replacement), std::string::npos) << text;
    }
  }
}

// Contact details standing between Chinese words are always masked, whatever surrounds them.
TEST(RedactTest, PersonalDataBetweenChineseWordsIsAlwaysMasked) {
  const std::vector<std::string> filler = {"请联系", "，",     "。", "手机",
                                           "电话：", "（",     "）", "身份证号",
                                           "账号",   "邮箱：", " ",  "代表"};
  const std::vector<std::string> secrets = {
      "13807463375",  "11010519491231002X",       "6222021234567890128",
      "0731-5551234", "zhang.san@example.gov.cn", "138 0746 3375"};
  uint32_t seed = 7;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    std::vector<std::string> used;
    for (int i = 0; i < 4; ++i) {
      text += filler[next() % filler.size()];
      used.push_back(secrets[next() % secrets.size()]);
      text += used.back();
    }
    text += filler[next() % filler.size()];
    const std::string out = Redact(text, {}).text;
    for (const auto& secret : used) EXPECT_EQ(out.find(secret), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace huiyin::disclosure

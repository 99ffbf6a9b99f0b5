#include "common/text/normalize.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::text {
namespace {

using ::testing::HasSubstr;

class NormalizeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<TextNormalizer>> created = TextNormalizer::Create();
    ASSERT_TRUE(created.ok()) << created.status();
    normalizer_ = created->release();
  }
  static void TearDownTestSuite() { delete normalizer_; }

  static std::string Normalize(std::string_view text) { return normalizer_->Normalize(text); }

  static const TextNormalizer* normalizer_;
};

const TextNormalizer* NormalizeTest::normalizer_ = nullptr;

// True when `text` is what Normalize promises: valid UTF-8, no separators but single inner spaces.
bool IsInSearchForm(std::string_view text) {
  if (text.empty()) {
    return true;
  }
  if (text.front() == ' ' || text.back() == ' ') {
    return false;
  }
  bool previous_space = false;
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = DecodeUtf8(text, pos);
    pos += decoded.length;
    const bool space = decoded.code_point == ' ';
    if (space && previous_space) {
      return false;
    }
    if (!space && Classify(decoded.code_point) == CharClass::kSeparator) {
      return false;
    }
    previous_space = space;
  }
  return true;
}

TEST_F(NormalizeTest, FoldsFullWidthAsciiToLowerCaseHalfWidth) {
  EXPECT_EQ(Normalize("ＡＢＣ１２３"), "abc123");
  EXPECT_EQ(Normalize("ＧＤＰ增长"), "gdp增长");
}

TEST_F(NormalizeTest, ConvertsTraditionalToSimplified) {
  EXPECT_EQ(Normalize("停車場管理與規劃"), "停车场管理与规划");
  EXPECT_EQ(Normalize("關於加強老舊小區物業管理的建議"), "关于加强老旧小区物业管理的建议");
}

TEST_F(NormalizeTest, LeavesSimplifiedTextAsItIs) {
  EXPECT_EQ(Normalize("关于推进农村饮用水安全工程的建议"), "关于推进农村饮用水安全工程的建议");
}

TEST_F(NormalizeTest, TurnsPunctuationOfBothWidthsIntoSingleSpaces) {
  EXPECT_EQ(Normalize("关于“物业管理”的建议，请予研究！"), "关于 物业管理 的建议 请予研究");
  EXPECT_EQ(Normalize("《条例》（草案）——第3条；Hello, World!"), "条例 草案 第3条 hello world");
  EXPECT_EQ(Normalize("物业……管理、停车。"), "物业 管理 停车");
}

TEST_F(NormalizeTest, CollapsesAndTrimsWhitespaceIncludingIdeographicSpace) {
  EXPECT_EQ(Normalize("\u3000 物业\t\n管理　　停车  "), "物业 管理 停车");
}

TEST_F(NormalizeTest, TurnsSymbolsAndEmojiIntoSpaces) {
  EXPECT_EQ(Normalize("物业😀管理★停车①"), "物业 管理 停车");
  EXPECT_EQ(Normalize("面积100㎡，费用￥50"), "面积100 费用 50");
}

TEST_F(NormalizeTest, KeepsDigitsNextToChineseAndChineseZero) {
  EXPECT_EQ(Normalize("２０２４年度预算"), "2024年度预算");
  EXPECT_EQ(Normalize("二〇二四年"), "二〇二四年");
}

TEST_F(NormalizeTest, LowerCasesLatinLettersBeyondAscii) {
  EXPECT_EQ(Normalize("ÉCOLE Lǚ"), "école lǚ");
}

TEST_F(NormalizeTest, ReplacesInvalidUtf8BytesWithSpaces) {
  EXPECT_EQ(Normalize("物业\xff\xfe管理"), "物业 管理");
  EXPECT_EQ(Normalize("物业\xe7\xae"), "物业");                      // truncated 管
  EXPECT_EQ(Normalize("\x80\xbf物业"), "物业");                      // stray continuation bytes
  EXPECT_EQ(Normalize(std::string("a\xc0\xaf") + "b"), "a b");       // overlong '/'
  EXPECT_EQ(Normalize("a\xed\xa0\x80z"), "a z");                     // UTF-16 surrogate
  EXPECT_EQ(Normalize("a\xf4\x90\x80\x80z"), "a z");                 // above U+10FFFF
  EXPECT_EQ(Normalize(std::string("物业\0管理", 13)), "物业 管理");  // NUL
}

TEST_F(NormalizeTest, SurvivesRandomBytesAndAlwaysReturnsSearchForm) {
  std::mt19937 random(20240601);
  const std::string alphabet = "物業a\xe7\xae\xa1\xff\x80 ，。Ｚ\xf0\x9f";
  for (int i = 0; i < 2000; ++i) {
    std::string input;
    const int length = static_cast<int>(random() % 40);
    for (int j = 0; j < length; ++j) {
      input.push_back(random() % 4 == 0 ? static_cast<char>(random() % 256)
                                        : alphabet[random() % alphabet.size()]);
    }
    const std::string normalized = Normalize(input);
    ASSERT_TRUE(IsInSearchForm(normalized)) << normalized;
    ASSERT_EQ(Normalize(normalized), normalized);
  }
}

TEST_F(NormalizeTest, EmptyAndAllPunctuationBecomeEmpty) {
  EXPECT_EQ(Normalize(""), "");
  EXPECT_EQ(Normalize("，。！？ \t…"), "");
}

TEST_F(NormalizeTest, GivesTheSameResultsFromManyThreadsAtOnce) {
  const std::vector<std::string> inputs = {
      "停車場管理與規劃", "關於加強老舊小區物業管理的建議，ＡＢＣ", "農村飲用水安全工程",
      "義務教育質量提升", "plain ascii TEXT"};
  std::vector<std::string> expected;
  expected.reserve(inputs.size());
  for (const std::string& input : inputs) {
    expected.push_back(Normalize(input));
  }

  std::vector<std::thread> threads;
  threads.reserve(8);
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const size_t k = (i + t) % inputs.size();
        if (normalizer_->Normalize(inputs[k]) != expected[k]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(mismatches, ::testing::Each(0));
}

// Texts seen before come from the memo, the same as converted afresh; the memo keeps within its
// bytes however many texts pass through it.
TEST(TextNormalizerMemoTest, RemembersConvertedTextsWithinItsBytes) {
  constexpr size_t kMemo = 64 << 10;
  auto memo = TextNormalizer::Create("t2s.json", kMemo);
  auto fresh = TextNormalizer::Create();  // sees each distinct text below once
  ASSERT_TRUE(memo.ok() && fresh.ok());
  const std::string text = "關於加強老舊小區物業管理的建議，ＡＢＣ";
  const std::string first = (*memo)->Normalize(text);
  EXPECT_EQ(first, "关于加强老旧小区物业管理的建议 abc");
  EXPECT_GT((*memo)->MemoBytes(), 0u);
  EXPECT_EQ((*memo)->Normalize(text), first);
  EXPECT_EQ((*memo)->Normalize("plain ascii"), "plain ascii");  // ASCII is never converted
  std::string body;
  for (int i = 0; i < 40; ++i) body += "農村飲用水安全工程";  // ~2 KB with its result
  size_t most = 0;
  for (int i = 0; i < 100; ++i) {  // ~220 KB of distinct texts through a 64 KB memo
    const std::string distinct = std::to_string(i) + body;
    ASSERT_EQ((*memo)->Normalize(distinct), (*fresh)->Normalize(distinct)) << i;
    most = std::max(most, (*memo)->MemoBytes());
  }
  EXPECT_LE(most, kMemo);
  EXPECT_GT(most, kMemo / 2);
}

TEST(TextNormalizerCreateTest, ReturnsErrorInsteadOfThrowingForMissingConfig) {
  absl::StatusOr<std::unique_ptr<TextNormalizer>> created =
      TextNormalizer::Create("/nonexistent/no_such_config.json");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("no_such_config.json"));
}

TEST(Utf8LengthTest, CountsCharactersAndEachInvalidByteAsOne) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("物业abc"), 5u);
  EXPECT_EQ(Utf8Length("😀"), 1u);
  EXPECT_EQ(Utf8Length("a\xff\xe7\xae"), 4u);
}

}  // namespace
}  // namespace huiyin::text

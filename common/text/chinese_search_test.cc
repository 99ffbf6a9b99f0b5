// End to end: proposals indexed with the huiyin_bigram tokenizer and searched through
// TextNormalizer and BuildMatchExpression, as the services will do.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "common/text/bigram_tokenizer.h"
#include "common/text/normalize.h"
#include "common/text/search_query.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

struct Proposal {
  const char* title;
  const char* body;
};

// rowid = index + 1. Which document holds which word is what the tests below rely on.
constexpr Proposal kProposals[] = {
    {"关于加强老旧小区物业管理的建议",
     "我市老旧小区普遍缺少专业化物业服务，设施老化，雨天路面积水。建议建立物业服务费财政补贴机制，"
     "引导业主成立业主委员会，推行“红色物业”。"},
    {"关于解决城区停车难问题的提案",
     "2024年度城区新增公共停车泊位不足三千个，占道停车现象突出。建议利用边角地块建设立体停车场，"
     "推行错时共享停车，完善智慧停车诱导系统。"},
    {"关于推进农村饮用水安全工程的建议",
     "部分偏远村组仍存在季节性缺水问题，水质检测覆盖不全。建议加快城乡供水一体化建设，"
     "落实水源地保护和工程运行管护责任。"},
    {"关于提升义务教育质量的建议",
     "城乡之间义务教育资源配置不均衡，乡村学校师资紧缺。建议扩大优质学校集团化办学覆盖面，"
     "加强教师交流轮岗，落实课后服务经费保障。"},
    {"关于规范住宅专项维修资金使用的建议",
     "住宅专项维修资金使用审批流程繁琐，物业企业申请困难。建议简化流程，加强资金监督管理。"},
};
constexpr int kProposalCount = sizeof(kProposals) / sizeof(kProposals[0]);

class ChineseSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RegisterBigramTokenizer(db_.getHandle()).ok());
    absl::StatusOr<std::unique_ptr<TextNormalizer>> normalizer = TextNormalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status();
    normalizer_ = *std::move(normalizer);
    CreateAndFill("docs", "tokenize='huiyin_bigram', prefix='1'");
  }

  void CreateAndFill(const std::string& table, const std::string& options) {
    db_.exec("CREATE VIRTUAL TABLE " + table + " USING fts5(title, body, " + options + ")");
    SQLite::Statement insert(db_, "INSERT INTO " + table + "(rowid, title, body) VALUES(?, ?, ?)");
    for (int i = 0; i < kProposalCount; ++i) {
      insert.bind(1, i + 1);
      insert.bind(2, normalizer_->Normalize(kProposals[i].title));
      insert.bind(3, normalizer_->Normalize(kProposals[i].body));
      insert.exec();
      insert.reset();
    }
  }

  // Original titles of the rows matching an FTS5 expression, in rowid order.
  std::vector<std::string> MatchTitles(const std::string& table, const std::string& match) {
    SQLite::Statement select(
        db_, "SELECT rowid FROM " + table + " WHERE " + table + " MATCH ? ORDER BY rowid");
    select.bind(1, match);
    std::vector<std::string> titles;
    while (select.executeStep()) {
      titles.push_back(kProposals[select.getColumn(0).getInt() - 1].title);
    }
    return titles;
  }

  // What the service does with the search box.
  std::vector<std::string> Search(std::string_view user_query) {
    absl::StatusOr<std::string> match = BuildMatchExpression(normalizer_->Normalize(user_query));
    if (!match.ok()) {
      ADD_FAILURE() << match.status();
      return {};
    }
    return MatchTitles("docs", *match);
  }

  SQLite::Database db_{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  std::unique_ptr<TextNormalizer> normalizer_;
};

TEST_F(ChineseSearchTest, TwoCharacterQueriesFindExactlyTheDocumentsContainingThem) {
  EXPECT_THAT(Search("物业"),
              ElementsAre("关于加强老旧小区物业管理的建议", "关于规范住宅专项维修资金使用的建议"));
  EXPECT_THAT(Search("停车"), ElementsAre("关于解决城区停车难问题的提案"));
  EXPECT_THAT(Search("教育"), ElementsAre("关于提升义务教育质量的建议"));
  EXPECT_THAT(Search("高铁"), IsEmpty());
}

TEST_F(ChineseSearchTest, FourCharacterQueryMatchesAsAPhraseNotAsScatteredBigrams) {
  // The maintenance-fund proposal has 物业 and 管理, but not 物业管理.
  EXPECT_THAT(Search("物业管理"), ElementsAre("关于加强老旧小区物业管理的建议"));
}

TEST_F(ChineseSearchTest, OneCharacterQueryFindsItAtTheEndOfARunAndAtTheStartOfABigram) {
  // 积水。ends a run (indexed as 水 alone); 饮用水安全 and 水质 only hold 水 inside bigrams.
  EXPECT_THAT(Search("水"),
              ElementsAre("关于加强老旧小区物业管理的建议", "关于推进农村饮用水安全工程的建议"));
  // Why BuildMatchExpression adds the star: the unigram alone misses the bigrams.
  EXPECT_THAT(MatchTitles("docs", "\"水\""), ElementsAre("关于加强老旧小区物业管理的建议"));
}

TEST_F(ChineseSearchTest, TermMixingDigitsAndChineseFindsItsSubstring) {
  EXPECT_THAT(Search("2024年"), ElementsAre("关于解决城区停车难问题的提案"));
  EXPECT_THAT(Search("2024年度 停车"), ElementsAre("关于解决城区停车难问题的提案"));
}

TEST_F(ChineseSearchTest, TraditionalAndFullWidthQueriesFindSimplifiedText) {
  EXPECT_THAT(Search("物業管理"), ElementsAre("关于加强老旧小区物业管理的建议"));
  EXPECT_THAT(Search("義務教育　質量"), ElementsAre("关于提升义务教育质量的建议"));
  EXPECT_THAT(Search("２０２４年"), ElementsAre("关于解决城区停车难问题的提案"));
}

TEST_F(ChineseSearchTest, SeveralTermsMustAllMatch) {
  EXPECT_THAT(Search("物业 资金"), ElementsAre("关于规范住宅专项维修资金使用的建议"));
  EXPECT_THAT(Search("物业 停车"), IsEmpty());
}

TEST_F(ChineseSearchTest, Fts5SyntaxInUserInputNeitherFailsNorMatchesEverything) {
  const std::vector<std::string> hostile = {"物业\" OR \"*",
                                            "NEAR(",
                                            "-",
                                            "物业 OR 停车",
                                            "*",
                                            "\"",
                                            "title:物业",
                                            "^物业",
                                            "物业 NOT 停车",
                                            "(物业",
                                            "物业)",
                                            "+",
                                            "{title body}: 物业",
                                            "物业\"\"",
                                            "' OR 1=1 --"};
  for (const std::string& input : hostile) {
    for (const std::string& query : {normalizer_->Normalize(input), input}) {
      absl::StatusOr<std::string> match = BuildMatchExpression(query);
      if (!match.ok()) {
        EXPECT_EQ(match.status().code(), absl::StatusCode::kInvalidArgument) << query;
        continue;
      }
      std::vector<std::string> found;
      EXPECT_NO_THROW(found = MatchTitles("docs", *match)) << query << " → " << *match;
      EXPECT_THAT(found, SizeIs(::testing::Lt(kProposalCount))) << query << " → " << *match;
    }
  }
}

// Why queries go through BuildMatchExpression: raw input is FTS5 syntax, an error or worse.
TEST_F(ChineseSearchTest, RawUserInputIsTakenAsQuerySyntax) {
  EXPECT_THROW(MatchTitles("docs", "NEAR("), SQLite::Exception);
  EXPECT_THROW(MatchTitles("docs", "\"物业"), SQLite::Exception);
  EXPECT_THROW(MatchTitles("docs", "物业 AND"), SQLite::Exception);
  EXPECT_THAT(MatchTitles("docs", "物业 OR 停车"), SizeIs(3));
}

TEST_F(ChineseSearchTest, HighlightMarksTheWholePhrase) {
  SQLite::Statement select(
      db_, "SELECT highlight(docs, 0, '[', ']') FROM docs WHERE docs MATCH ? ORDER BY rowid");
  select.bind(1, "\"物业管理\"");
  ASSERT_TRUE(select.executeStep());
  EXPECT_EQ(select.getColumn(0).getString(), "关于加强老旧小区[物业管理]的建议");
}

TEST_F(ChineseSearchTest, UpdatesAndDeletesKeepTheIndexConsistent) {
  db_.exec("UPDATE docs SET body = '停车场物业收费不规范' WHERE rowid = 2");
  db_.exec("DELETE FROM docs WHERE rowid = 1");
  db_.exec("INSERT INTO docs(docs) VALUES('integrity-check')");
  EXPECT_THAT(Search("物业"),
              ElementsAre("关于解决城区停车难问题的提案", "关于规范住宅专项维修资金使用的建议"));
  EXPECT_THAT(Search("积水"), IsEmpty());
}

// Why this module exists: SQLite's own trigram tokenizer never matches a query shorter than three
// characters, and most Chinese words are two.
TEST_F(ChineseSearchTest, BuiltInTrigramTokenizerCannotFindTwoCharacterWords) {
  CreateAndFill("docs_trigram", "tokenize='trigram'");
  EXPECT_THAT(MatchTitles("docs_trigram", "\"物业\""), IsEmpty());
  EXPECT_THAT(MatchTitles("docs_trigram", "\"停车\""), IsEmpty());
  EXPECT_THAT(MatchTitles("docs_trigram", "\"物业管\""),
              ElementsAre("关于加强老旧小区物业管理的建议"));
}

}  // namespace
}  // namespace huiyin::text

#include "common/text/bigram_tokenizer.h"

#include <sqlite3.h>

#include <string>
#include <tuple>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Doc(std::string_view text) {
  return BigramTokens(text, TokenizeMode::kDocument);
}
std::vector<std::string> Query(std::string_view text) {
  return BigramTokens(text, TokenizeMode::kQuery);
}

TEST(BigramTokensTest, DocumentModeEmitsOverlappingBigramsThenTheLastCharacter) {
  EXPECT_THAT(Doc("物业管理"), ElementsAre("物业", "业管", "管理", "理"));
}

TEST(BigramTokensTest, QueryModeLeavesOutTheLastCharacterAtTheEndOfTheQuery) {
  EXPECT_THAT(Query("物业管理"), ElementsAre("物业", "业管", "管理"));
  EXPECT_THAT(Query("物业"), ElementsAre("物业"));
}

TEST(BigramTokensTest, SingleCharacterRunIsOneTokenInBothModes) {
  EXPECT_THAT(Doc("水"), ElementsAre("水"));
  EXPECT_THAT(Query("水"), ElementsAre("水"));
  EXPECT_THAT(Doc("水 电"), ElementsAre("水", "电"));
}

TEST(BigramTokensTest, QueryModeKeepsTheLastCharacterOfARunFollowedByMoreTokens) {
  // The document "老物业abc" has 老物 物业 业 abc: the query must hold 业 to keep "abc" adjacent.
  EXPECT_THAT(Query("物业abc"), ElementsAre("物业", "业", "abc"));
  EXPECT_THAT(Query("物业 管理"), ElementsAre("物业", "业", "管理"));
}

TEST(BigramTokensTest, LettersAndDigitsFormOneLowerCasedToken) {
  EXPECT_THAT(Doc("GDP增长2024年"), ElementsAre("gdp", "增长", "长", "2024", "年"));
  EXPECT_THAT(Doc("ISO9001 认证"), ElementsAre("iso9001", "认证", "证"));
}

TEST(BigramTokensTest, PunctuationAndSpacesSeparateTokens) {
  EXPECT_THAT(Doc("停车，难！"), ElementsAre("停车", "车", "难"));
  EXPECT_THAT(Doc("a-b_c"), ElementsAre("a", "b", "c"));
}

TEST(BigramTokensTest, InvalidUtf8SeparatesTokensWithoutCrashing) {
  EXPECT_THAT(Doc("物业\xff管理\xe7\xae"), ElementsAre("物业", "业", "管理", "理"));
  EXPECT_THAT(Doc("\x80\x80\x80"), IsEmpty());
}

TEST(BigramTokensTest, EmptyTextHasNoTokens) {
  EXPECT_THAT(Doc(""), IsEmpty());
  EXPECT_THAT(Query(" "), IsEmpty());
}

// Calls the registered tokenizer the way FTS5 does and records what it reports.
class Fts5TokenizerTest : public ::testing::Test {
 protected:
  using Reported = std::tuple<std::string, int, int>;  // token, start byte, end byte

  void SetUp() override { ASSERT_TRUE(RegisterBigramTokenizer(db_.getHandle()).ok()); }

  // What FTS5 itself calls: the registered tokenizer's xCreate / xTokenize / xDelete.
  int RunTokenizer(std::string_view text, int flags, void* out,
                   int (*x_token)(void*, int, const char*, int, int, int)) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db_.getHandle(), "SELECT fts5(?1)", -1, &stmt, nullptr);
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    void* context = nullptr;
    fts5_tokenizer tokenizer;
    EXPECT_EQ(api->xFindTokenizer(api, kBigramTokenizerName, &context, &tokenizer), SQLITE_OK);
    Fts5Tokenizer* instance = nullptr;
    EXPECT_EQ(tokenizer.xCreate(context, nullptr, 0, &instance), SQLITE_OK);
    const int rc = tokenizer.xTokenize(instance, out, flags, text.data(),
                                       static_cast<int>(text.size()), x_token);
    tokenizer.xDelete(instance);
    return rc;
  }

  std::vector<Reported> Tokenize(std::string_view text, int flags) {
    std::vector<Reported> reported;
    EXPECT_EQ(RunTokenizer(text, flags, &reported,
                           [](void* out, int, const char* token, int size, int start, int end) {
                             static_cast<std::vector<Reported>*>(out)->emplace_back(
                                 std::string(token, size), start, end);
                             return SQLITE_OK;
                           }),
              SQLITE_OK);
    return reported;
  }

  SQLite::Database db_{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
};

TEST_F(Fts5TokenizerTest, ReportsByteOffsetsOfEachToken) {
  // 关 于 are 3 bytes each; "ABC" starts at byte 7 after the space.
  EXPECT_THAT(Tokenize("关于 ABC物业", FTS5_TOKENIZE_DOCUMENT),
              ElementsAre(Reported{"关于", 0, 6}, Reported{"于", 3, 6}, Reported{"abc", 7, 10},
                          Reported{"物业", 10, 16}, Reported{"业", 13, 16}));
}

TEST_F(Fts5TokenizerTest, UsesQueryModeOnlyForQueries) {
  EXPECT_THAT(Tokenize("物业", FTS5_TOKENIZE_QUERY), ElementsAre(Reported{"物业", 0, 6}));
  EXPECT_THAT(Tokenize("物业", FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX),
              ElementsAre(Reported{"物业", 0, 6}));
  EXPECT_THAT(Tokenize("物业", FTS5_TOKENIZE_AUX),
              ElementsAre(Reported{"物业", 0, 6}, Reported{"业", 3, 6}));
}

TEST_F(Fts5TokenizerTest, StopsWhenFts5AsksItTo) {
  int calls = 0;
  const int rc = RunTokenizer("物业管理条例", FTS5_TOKENIZE_AUX, &calls,
                              [](void* count, int, const char*, int, int, int) {
                                return ++*static_cast<int*>(count) == 2 ? SQLITE_DONE : SQLITE_OK;
                              });
  EXPECT_EQ(rc, SQLITE_DONE);
  EXPECT_EQ(calls, 2);
}

TEST_F(Fts5TokenizerTest, RefusesTokenizerArguments) {
  EXPECT_THROW(db_.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='huiyin_bigram extra')"),
               SQLite::Exception);
}

TEST(RegisterBigramTokenizerTest, RejectsNullConnection) {
  EXPECT_EQ(RegisterBigramTokenizer(nullptr).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace huiyin::text

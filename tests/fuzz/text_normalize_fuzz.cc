// Chinese text normalisation (common/text) on any bytes: what Normalize promises in normalize.h
// (valid UTF-8, idempotent, one space between words, nothing upper-case, no separator left), and
// that search built on it is safe and finds what was indexed: the MATCH expression of any input
// is accepted by FTS5 with the huiyin_bigram tokenizer, and the expression of a normalised text
// finds a document holding that text.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/text/bigram_tokenizer.h"
#include "common/text/normalize.h"
#include "common/text/search_query.h"
#include "common/text/unicode.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin::text {
namespace {

// One in-memory FTS5 table, filled with one document per input and emptied after it.
class SearchIndex {
 public:
  SearchIndex() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK || !RegisterBigramTokenizer(db_).ok() ||
        sqlite3_exec(db_,
                     "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='huiyin_bigram', "
                     "prefix='1')",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::abort();
    }
  }

  // Rows of `match` over the one document `body`; -1 when SQLite refuses the expression.
  int Count(const std::string& body, const std::string& match) {
    sqlite3_exec(db_, "DELETE FROM docs", nullptr, nullptr, nullptr);
    Run("INSERT INTO docs(body) VALUES(?)", body);
    return Run("SELECT rowid FROM docs WHERE docs MATCH ?", match);
  }

 private:
  int Run(const char* sql, const std::string& parameter) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) std::abort();
    sqlite3_bind_text(statement, 1, parameter.data(), static_cast<int>(parameter.size()),
                      SQLITE_TRANSIENT);
    int rows = 0;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) ++rows;
    sqlite3_finalize(statement);
    return rc == SQLITE_DONE ? rows : -1;
  }

  sqlite3* db_ = nullptr;
};

void CheckNormalized(const std::string& normalized) {
  FUZZ_CHECK(IsValidUtf8(normalized), "Normalize returned invalid UTF-8");
  FUZZ_CHECK(normalized.empty() || (normalized.front() != ' ' && normalized.back() != ' '),
             "Normalize left a space at an end: [" + normalized + "]");
  FUZZ_CHECK(normalized.find("  ") == std::string::npos,
             "Normalize left two spaces together: [" + normalized + "]");
  for (size_t pos = 0; pos < normalized.size();) {
    const DecodedChar c = DecodeUtf8(normalized, pos);
    pos += c.length;
    if (c.code_point == ' ') continue;
    FUZZ_CHECK(Classify(c.code_point) != CharClass::kSeparator,
               "Normalize kept a separator: [" + normalized + "]");
    FUZZ_CHECK(ToLowerSimple(c.code_point) == c.code_point,
               "Normalize kept an upper-case letter: [" + normalized + "]");
    FUZZ_CHECK(FoldWidth(c.code_point) == c.code_point,
               "Normalize kept a full-width form: [" + normalized + "]");
  }
}

void CheckTokens(const std::string& normalized) {
  for (TokenizeMode mode : {TokenizeMode::kDocument, TokenizeMode::kQuery}) {
    for (const std::string& token : BigramTokens(normalized, mode)) {
      FUZZ_CHECK(!token.empty() && IsValidUtf8(token), "a bigram token is empty or not UTF-8");
      FUZZ_CHECK(normalized.find(token) != std::string::npos,
                 "a token is not part of its text: [" + token + "] of [" + normalized + "]");
    }
  }
}

// A MATCH expression is double-quoted phrases, each maybe with a '*', joined by " AND ".
void CheckExpressionShape(const std::string& expression) {
  FUZZ_CHECK(IsValidUtf8(expression), "match expression is not UTF-8");
  size_t terms = 0;
  size_t pos = 0;
  while (true) {
    FUZZ_CHECK(pos < expression.size() && expression[pos] == '"',
               "match expression term is not quoted: " + expression);
    size_t close = expression.find('"', pos + 1);
    FUZZ_CHECK(close != std::string::npos && close > pos + 1,
               "match expression phrase is empty or unclosed: " + expression);
    ++terms;
    pos = close + 1;
    if (pos < expression.size() && expression[pos] == '*') ++pos;
    if (pos == expression.size()) break;
    FUZZ_CHECK(expression.compare(pos, 5, " AND ") == 0,
               "match expression joins terms with something other than AND: " + expression);
    pos += 5;
  }
  FUZZ_CHECK(terms <= kMaxSearchTerms, "match expression has too many terms: " + expression);
}

}  // namespace
}  // namespace huiyin::text

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huiyin::text;
  static SearchIndex* index = new SearchIndex();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string normalized = huiyin::fuzz::SharedNormalizer().Normalize(input);
  CheckNormalized(normalized);
  FUZZ_CHECK(huiyin::fuzz::SharedNormalizer().Normalize(normalized) == normalized,
             "Normalize is not idempotent on [" + normalized + "]");
  CheckTokens(normalized);

  // Raw input, as a caller that forgot to normalise would pass it: still never FTS5 syntax.
  auto raw = BuildMatchExpression(input);
  if (raw.ok()) {
    CheckExpressionShape(*raw);
    FUZZ_CHECK(index->Count(normalized, *raw) >= 0, "FTS5 refused the expression " + *raw);
  } else {
    FUZZ_CHECK(raw.status().code() == absl::StatusCode::kInvalidArgument, raw.status().ToString());
  }
  // A document is found by a search for its own words.
  auto own = BuildMatchExpression(normalized);
  if (own.ok()) {
    CheckExpressionShape(*own);
    FUZZ_CHECK(index->Count(normalized, *own) == 1,
               "searching [" + normalized + "] as " + *own + " misses the document holding it");
  }
  return 0;
}

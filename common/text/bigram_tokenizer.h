// Character-bigram tokens for Chinese full-text search, the same in C++ (similarity) and inside
// SQLite FTS5 (registered as the tokenizer `huiyin_bigram`). Input is text already passed through
// TextNormalizer; other text is tolerated (bad bytes separate tokens, ASCII is lower-cased).
//
//   BigramTokens("物业管理 2024", TokenizeMode::kDocument);  // 物业 业管 管理 理 2024
//   BigramTokens("物业管理", TokenizeMode::kQuery);          // 物业 业管 管理
//
//   RETURN_IF_ERROR(RegisterBigramTokenizer(db));           // once per connection
//   CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='huiyin_bigram', prefix='1');
//   SELECT rowid FROM docs WHERE docs MATCH '"物业管理"';     // see search_query.h
//
// Why bigrams: Chinese has no spaces, so unicode61 sees a whole clause as one token, and the
// trigram tokenizer never matches a query shorter than three characters, while most Chinese
// words are two. Overlapping bigrams find any substring of two or more characters as a phrase.
//
// Rules, by position (FTS5 counts a position per token):
// - A run of CJK characters gives each overlapping bigram, then its last character alone, so a
//   one-character run gives just that character: 物业管理 → 物业(0) 业管(1) 管理(2) 理(3).
// - Query mode leaves out that last unigram when the run is the end of the query text and has
//   two or more characters: phrase "物业" must match 物业 inside 物业管理, where the next
//   position holds 业管, not 业. A run followed by more tokens keeps its unigram, so that the
//   positions of "物业abc" line up with the document's.
// - A query whose text ends in a one-character run needs a prefix query ("水"*) to find that
//   character where it starts a bigram (水质); BuildMatchExpression adds the star.
// - A run of letters and digits is one token, lower-cased. Everything else separates tokens.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace huiyin::text {

inline constexpr char kBigramTokenizerName[] = "huiyin_bigram";

enum class TokenizeMode {
  kDocument,  // text being indexed, or compared for similarity
  kQuery,     // a phrase of a MATCH expression
};

std::vector<std::string> BigramTokens(std::string_view normalized, TokenizeMode mode);

// Registers `huiyin_bigram` with the FTS5 of this connection. The tokenizer takes no arguments.
// FailedPrecondition when the SQLite library has no FTS5.
absl::Status RegisterBigramTokenizer(sqlite3* db);

}  // namespace huiyin::text

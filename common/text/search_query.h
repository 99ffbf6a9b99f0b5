// Turns what a user typed into the search box into an FTS5 MATCH expression over a table that
// uses the `huiyin_bigram` tokenizer (bigram_tokenizer.h). User text never reaches FTS5's query
// syntax: each space-separated term becomes one double-quoted phrase, and the phrases are AND-ed.
//
//   absl::StatusOr<std::string> match =
//       BuildMatchExpression(normalizer.Normalize("物業管理　停車"));
//   // → "物业管理" AND "停车"      then: WHERE docs MATCH ?  (bound, never spliced)
//   BuildMatchExpression("水");    // → "水"*  (see below)
//
// A term whose last character is a CJK character standing alone (水, 2024年) becomes a prefix
// phrase: such a character is indexed by itself only where a run of CJK ends, and as the start
// of a bigram everywhere else (水质), so only a prefix query finds every place.
// Inside a term every character the tokenizer would skip anyway (quotes, *, -, ^, :, brackets,
// bad bytes) is replaced by a space, so nothing can close the phrase or reach the parser.
// Terms with nothing searchable in them (a lone "*" or "-") are dropped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace huiyin::text {

// More terms than this are refused rather than handed to FTS5 as one very wide AND.
inline constexpr size_t kMaxSearchTerms = 32;

// `normalized_user_query` should come from TextNormalizer::Normalize, like the indexed text; any
// other input is still safe. InvalidArgument when no searchable term remains, or too many do.
absl::StatusOr<std::string> BuildMatchExpression(std::string_view normalized_user_query);

}  // namespace huiyin::text

#include "common/text/search_query.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/text/unicode.h"

namespace huiyin::text {
namespace {

struct Phrase {
  std::string text;  // only letters, digits, CJK characters and single inner spaces
  bool ends_in_lone_cjk = false;
};

// Keeps what the tokenizer keeps, in the same classes, so the phrase yields the same tokens.
Phrase ToPhrase(std::string_view term) {
  Phrase phrase;
  CharClass previous = CharClass::kSeparator;
  size_t cjk_run = 0;
  for (size_t pos = 0; pos < term.size();) {
    const DecodedChar decoded = DecodeUtf8(term, pos);
    const CharClass cls = Classify(decoded.code_point);
    if (cls != CharClass::kSeparator) {
      if (previous == CharClass::kSeparator && !phrase.text.empty()) {
        phrase.text.push_back(' ');
      }
      phrase.text.append(term.substr(pos, decoded.length));
      if (cls == CharClass::kCjk) {
        cjk_run = previous == CharClass::kCjk ? cjk_run + 1 : 1;
      } else {
        cjk_run = 0;
      }
      phrase.ends_in_lone_cjk = cjk_run == 1;
    }
    previous = cls;
    pos += decoded.length;
  }
  return phrase;
}

}  // namespace

absl::StatusOr<std::string> BuildMatchExpression(std::string_view normalized_user_query) {
  std::vector<std::string> phrases;
  // Debian's Abseil is built with its own absl::string_view, distinct from std::string_view.
  const absl::string_view query(normalized_user_query.data(), normalized_user_query.size());
  for (absl::string_view term :
       absl::StrSplit(query, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    const Phrase phrase = ToPhrase(std::string_view(term.data(), term.size()));
    if (phrase.text.empty()) {
      continue;
    }
    phrases.push_back(absl::StrCat("\"", phrase.text, "\"", phrase.ends_in_lone_cjk ? "*" : ""));
  }
  if (phrases.empty()) {
    return absl::InvalidArgumentError("search query has no searchable term");
  }
  if (phrases.size() > kMaxSearchTerms) {
    return absl::InvalidArgumentError(
        absl::StrCat("search query has more than ", kMaxSearchTerms, " terms"));
  }
  return absl::StrJoin(phrases, " AND ");
}

}  // namespace huiyin::text

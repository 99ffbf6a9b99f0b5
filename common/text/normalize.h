// Puts text into the one form that search and similarity compare: what a proposer types in
// traditional characters, full-width letters or with different punctuation still meets the same
// words stored in simplified form.
//
//   absl::StatusOr<std::unique_ptr<TextNormalizer>> normalizer = TextNormalizer::Create();
//   if (!normalizer.ok()) return normalizer.status();
//   (*normalizer)->Normalize("關於加強「物業管理」的建議，ＧＤＰ２０２４！");
//   // → "关于加强 物业管理 的建议 gdp2024"
//
// Normalize: full-width ASCII (U+FF01–U+FF5E) to half-width and U+3000 to a space; traditional
// to simplified Chinese (OpenCC, t2s.json); ASCII, Latin, Greek and Cyrillic letters lower-cased;
// every character that is not a letter, digit or CJK character (see unicode.h) — punctuation of
// both widths, symbols, whitespace, emoji, bytes that are not UTF-8 — becomes one space; runs of
// spaces collapsed and both ends trimmed. The result is valid UTF-8 and Normalize is idempotent.
//
// One instance is meant to be shared: loading the dictionaries costs tens of milliseconds, and
// Normalize may be called from any number of threads at once. The same texts come back (an
// item's title and body at each publication of its record, an answer at its precheck on drafting
// and again on review) and OpenCC is most of Normalize's cost, so converted texts are kept, up to
// `memo_bytes`, then forgotten all at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/text/unicode.h"  // IWYU pragma: export (Utf8Length)

namespace opencc {
class SimpleConverter;
}

namespace huiyin::text {

class TextNormalizer {
 public:
  // `opencc_config` is an OpenCC configuration, by name in OpenCC's data directory
  // (/usr/share/opencc) or by path. Fails, without throwing, when it cannot be loaded.
  // `memo_bytes` bounds the memo of converted texts (texts and results).
  static constexpr size_t kDefaultMemoBytes = size_t{4} << 20;
  static absl::StatusOr<std::unique_ptr<TextNormalizer>> Create(
      const std::string& opencc_config = "t2s.json", size_t memo_bytes = kDefaultMemoBytes);

  ~TextNormalizer();
  TextNormalizer(const TextNormalizer&) = delete;
  TextNormalizer& operator=(const TextNormalizer&) = delete;

  std::string Normalize(std::string_view utf8) const;

  // What the memo of converted texts holds now.
  size_t MemoBytes() const;

 private:
  TextNormalizer(std::unique_ptr<const opencc::SimpleConverter> converter, size_t memo_bytes);

  std::string ToSimplified(const std::string& folded) const;

  // Used without a lock: SimpleConverter::Convert is const and keeps no mutable state (the
  // dictionaries are read-only tries queried with a per-call cursor), which OpenCC's maintainers
  // confirm (BYVoid/OpenCC#231); normalize_test.cc hammers it from many threads.
  std::unique_ptr<const opencc::SimpleConverter> converter_;

  const size_t memo_limit_;
  mutable absl::Mutex memo_mu_;
  mutable absl::flat_hash_map<std::string, std::string> memo_ ABSL_GUARDED_BY(memo_mu_);
  mutable size_t memo_bytes_ ABSL_GUARDED_BY(memo_mu_) = 0;
};

}  // namespace huiyin::text

#include "common/text/normalize.h"

#include <algorithm>
#include <exception>
#include <opencc/SimpleConverter.hpp>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace huiyin::text {
namespace {

// Everything Normalize does except the traditional-to-simplified step.
std::string FoldForSearch(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space_pending = false;
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = DecodeUtf8(text, pos);
    pos += decoded.length;
    const char32_t c = FoldWidth(decoded.code_point);
    if (Classify(c) == CharClass::kSeparator) {
      space_pending = !out.empty();
      continue;
    }
    if (space_pending) {
      out.push_back(' ');
    }
    space_pending = false;
    AppendUtf8(ToLowerSimple(c), &out);
  }
  return out;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

}  // namespace

absl::StatusOr<std::unique_ptr<TextNormalizer>> TextNormalizer::Create(
    const std::string& opencc_config, size_t memo_bytes) {
  try {
    auto converter = std::make_unique<const opencc::SimpleConverter>(opencc_config);
    return absl::WrapUnique(new TextNormalizer(std::move(converter), memo_bytes));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load OpenCC config \"", opencc_config, "\": ", e.what()));
  } catch (...) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load OpenCC config \"", opencc_config, "\""));
  }
}

TextNormalizer::TextNormalizer(std::unique_ptr<const opencc::SimpleConverter> converter,
                               size_t memo_bytes)
    : converter_(std::move(converter)), memo_limit_(memo_bytes) {}

TextNormalizer::~TextNormalizer() = default;

std::string TextNormalizer::Normalize(std::string_view utf8) const {
  std::string folded = FoldForSearch(utf8);
  if (IsAscii(folded)) {
    return folded;
  }
  {
    absl::MutexLock lock(&memo_mu_);
    if (auto it = memo_.find(folded); it != memo_.end()) return it->second;
  }
  // Folding first hands OpenCC only well-formed UTF-8 without NULs (1.1.6 reads past the end of
  // truncated sequences); folding again keeps our guarantees whatever its dictionaries emit.
  std::string normalized = FoldForSearch(ToSimplified(folded));
  const size_t bytes = folded.size() + normalized.size();
  if (bytes <= memo_limit_ / 16) {  // one long text must not push out everything else
    absl::MutexLock lock(&memo_mu_);
    if (memo_bytes_ + bytes > memo_limit_) {
      memo_.clear();
      memo_bytes_ = 0;
    }
    if (memo_.emplace(std::move(folded), normalized).second) memo_bytes_ += bytes;
  }
  return normalized;
}

size_t TextNormalizer::MemoBytes() const {
  absl::MutexLock lock(&memo_mu_);
  return memo_bytes_;
}

std::string TextNormalizer::ToSimplified(const std::string& folded) const {
  try {
    return converter_->Convert(folded);
  } catch (...) {
    // Not seen on well-formed input; unconverted text still searches, an exception would not.
    return folded;
  }
}

}  // namespace huiyin::text

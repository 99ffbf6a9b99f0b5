#include "common/text/unicode.h"

#include <array>

#include "absl/strings/ascii.h"

namespace huiyin::text {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// The basic block (U+4E00–U+9FFF) comes first: it holds nearly every character we will see.
constexpr std::array<Range, 12> kCjkRanges = {{
    {0x4E00, 0x9FFF},    // CJK Unified Ideographs
    {0x3400, 0x4DBF},    // Extension A
    {0x20000, 0x323AF},  // Extensions B–H and the compatibility supplement
    {0xF900, 0xFAFF},    // CJK Compatibility Ideographs
    {0x3005, 0x3005},    // 々 iteration mark
    {0x3007, 0x3007},    // 〇 as in 二〇二四年
    {0x3041, 0x3096},    // hiragana
    {0x309D, 0x309F},
    {0x30A1, 0x30FA},  // katakana, without the middle dot U+30FB
    {0x30FC, 0x30FF},
    {0x31F0, 0x31FF},  // katakana phonetic extensions
    {0xAC00, 0xD7A3},  // Hangul syllables
}};

constexpr std::array<Range, 8> kOtherLetterRanges = {{
    {0x00C0, 0x00D6},  // Latin-1 letters, without × and ÷
    {0x00D8, 0x00F6},
    {0x00F8, 0x024F},  // Latin Extended-A and -B (pinyin with tone marks)
    {0x0300, 0x036F},  // combining diacritics, so that decomposed pinyin stays one word
    {0x0386, 0x0386},  // Greek
    {0x0388, 0x03FF},
    {0x0400, 0x0481},  // Cyrillic
    {0x048A, 0x04FF},
}};

template <size_t N>
bool InRanges(char32_t c, const std::array<Range, N>& ranges) {
  for (const Range& r : ranges) {
    if (c >= r.first && c <= r.last) {
      return true;
    }
  }
  return false;
}

constexpr DecodedChar kInvalidByte = {kInvalidCodePoint, 1};

}  // namespace

DecodedChar DecodeUtf8(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    return {lead, 1};
  }
  size_t length;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
  } else {
    return kInvalidByte;
  }
  // Below these a code point would fit a shorter sequence: an overlong form.
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  char32_t code_point = lead & (0x7F >> length);
  if (text.size() - pos < length) {
    return kInvalidByte;
  }
  for (size_t i = 1; i < length; ++i) {
    const unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) {
      return kInvalidByte;
    }
    code_point = (code_point << 6) | (b & 0x3F);
  }
  if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return kInvalidByte;
  }
  return {code_point, length};
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) {
    pos += DecodeUtf8(text, pos).length;
  }
  return count;
}

CharClass Classify(char32_t c) {
  if (c < 0x80) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ? CharClass::kWord
                                                              : CharClass::kSeparator;
  }
  if (InRanges(c, kCjkRanges)) {
    return CharClass::kCjk;
  }
  if (InRanges(c, kOtherLetterRanges)) {
    return CharClass::kWord;
  }
  return CharClass::kSeparator;
}

char32_t ToLowerSimple(char32_t c) {
  if (c >= 'A' && c <= 'Z') {
    return c + 0x20;
  }
  if (c < 0xC0) {
    return c;
  }
  if (c <= 0xDE) {
    return c == 0xD7 ? c : c + 0x20;
  }
  if (c == 0x130) {
    return 'i';  // İ
  }
  if (c == 0x178) {
    return 0xFF;  // Ÿ
  }
  // Latin Extended-A pairs each capital with the next code point, from an even or an odd start.
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return c | 1;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    return (c & 1) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
    return c + 0x20;  // Greek
  }
  if (c >= 0x410 && c <= 0x42F) {
    return c + 0x20;  // Cyrillic А–Я
  }
  if (c >= 0x400 && c <= 0x40F) {
    return c + 0x50;  // Cyrillic Ѐ–Џ
  }
  return c;
}

char32_t FoldWidth(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) {
    return c - 0xFEE0;
  }
  if (c == 0x3000) {
    return ' ';
  }
  return c;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    DecodedChar c = DecodeUtf8(text, pos);
    // A well-formed U+FFFD is three bytes long; a bad byte decodes to it with length 1.
    if (c.code_point == kInvalidCodePoint && c.length == 1) return false;
    pos += c.length;
  }
  return true;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar c = DecodeUtf8(text, pos);
    AppendUtf8(c.code_point, &out);
    pos += c.length;
  }
  return out;
}

}  // namespace huiyin::text

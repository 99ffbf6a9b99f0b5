// The small piece of Unicode that search needs: decoding UTF-8 without trusting it, and sorting
// characters into the three classes that normalization and tokenization agree on.
//
//   for (size_t pos = 0; pos < text.size();) {
//     DecodedChar c = DecodeUtf8(text, pos);   // bad bytes come back as kInvalidCodePoint
//     pos += c.length;
//     if (Classify(c.code_point) == CharClass::kCjk) ...
//   }
//
// There is no Unicode database here on purpose: the classes are a handful of ranges, chosen for
// Chinese government texts, and the normalizer and the tokenizer must use exactly the same ones.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace huiyin::text {

// What a byte that is not part of well-formed UTF-8 decodes to (U+FFFD, a separator).
inline constexpr char32_t kInvalidCodePoint = 0xFFFD;

struct DecodedChar {
  char32_t code_point;
  size_t length;  // bytes consumed, at least 1 so that loops always advance
};

// Decodes the character starting at text[pos] (pos < text.size()). Overlong forms, surrogates,
// code points above U+10FFFF, stray continuation bytes and truncated sequences all yield
// kInvalidCodePoint with length 1, so each bad byte is replaced on its own.
DecodedChar DecodeUtf8(std::string_view text, size_t pos);

void AppendUtf8(char32_t code_point, std::string* out);

// Number of characters; each invalid byte counts as one.
size_t Utf8Length(std::string_view text);

// Whether every byte belongs to a well-formed UTF-8 character (the check the gateway makes on
// request bodies and parameters before anything else reads them).
bool IsValidUtf8(std::string_view text);

// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD: for quoting
// untrusted input in a message that must be UTF-8 (protobuf strings, JSON).
std::string ToValidUtf8(std::string_view text);

enum class CharClass {
  kSeparator,  // punctuation of both widths, symbols, whitespace, controls, emoji, bad bytes
  kWord,       // ASCII letters and digits; Latin, Greek and Cyrillic letters
  kCjk,        // Han ideographs (with 〇), kana and Hangul: scripts written without spaces
};

CharClass Classify(char32_t code_point);

// Lower case for ASCII and for the alphabetic ranges of kWord; other characters unchanged.
char32_t ToLowerSimple(char32_t code_point);

// Full-width ASCII (U+FF01–U+FF5E) to its half-width form and U+3000 to a space.
char32_t FoldWidth(char32_t code_point);

}  // namespace huiyin::text

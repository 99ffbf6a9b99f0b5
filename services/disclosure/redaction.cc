#include "services/disclosure/redaction.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace huiyin::disclosure {
namespace {

constexpr char32_t kReplacementChar = 0xFFFD;
constexpr char kMarkedReplacement[] = "[已隐去]";

// Decodes UTF-8 strictly (no overlongs, surrogates or values past U+10FFFF); each byte that does
// not start a valid sequence becomes one U+FFFD.
std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, cp = b0 & 0x07, min = 0x10000;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (b & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(kReplacementChar);
      ++i;
    }
  }
  return out;
}

void Encode(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Full-width digits and the punctuation numbers are written with, folded to ASCII.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFF01 + 0x21;
  if (c == 0x3000) return ' ';
  return c;
}

struct Span {
  size_t begin;
  size_t end;
  MaskKind kind;
  int keep_digits;  // leading digits left visible
};

class Scanner {
 public:
  explicit Scanner(const std::vector<char32_t>& original) {
    f_.reserve(original.size());
    for (char32_t c : original) f_.push_back(Fold(c));
  }

  bool Digit(size_t i) const { return i < f_.size() && f_[i] >= '0' && f_[i] <= '9'; }
  bool Is(size_t i, char32_t c) const { return i < f_.size() && f_[i] == c; }
  bool Sep(size_t i) const { return Is(i, ' ') || Is(i, '-'); }
  bool AsciiAlnum(size_t i) const {
    if (i >= f_.size()) return false;
    const char32_t c = f_[i];
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  // A number ends here: no digit follows.
  bool EndsAt(size_t j) const { return !Digit(j); }
  size_t DigitsFrom(size_t i) const {
    size_t j = i;
    while (Digit(j)) ++j;
    return j - i;
  }
  size_t size() const { return f_.size(); }
  char32_t at(size_t i) const { return f_[i]; }

  // Groups of digits from i, each separated by one ' ' or '-' (the same one throughout), as
  // long as the next group follows directly; returns the group lengths and the end.
  // Each group as (length, end position).
  std::vector<std::pair<size_t, size_t>> Groups(size_t i) const {
    std::vector<std::pair<size_t, size_t>> groups;
    size_t j = i;
    char32_t sep = 0;
    while (true) {
      const size_t n = DigitsFrom(j);
      if (n == 0) break;
      j += n;
      groups.emplace_back(n, j);
      if (Sep(j) && Digit(j + 1) && (sep == 0 || f_[j] == sep)) {
        sep = f_[j];
        ++j;
        continue;
      }
      break;
    }
    return groups;
  }

  bool MatchResidentId(size_t i, Span* out) const {
    if (DigitsFrom(i) < 17) return false;
    size_t j = i + 17;
    const bool check_x = Is(j, 'X') || Is(j, 'x');
    if (Digit(j) || check_x) {
      ++j;
    } else {
      return false;
    }
    // A check character X ends the number: what follows it is another one.
    if (!check_x && AsciiAlnum(j)) return false;
    std::string id;
    for (size_t k = i; k < j; ++k) id.push_back(static_cast<char>(f_[k]));
    if (!IsValidResidentId(id)) return false;
    *out = {i, j, MaskKind::kResidentId, 0};
    return true;
  }

  // 16–19 digits in one run, or in groups of four (the last one to four) separated alike; a
  // group after them is another number.
  bool MatchBankCard(size_t i, Span* out) const {
    size_t end = 0;
    const size_t run = DigitsFrom(i);
    if (run >= 16 && run <= 19) {
      end = i + run;
    } else if (run == 4) {
      size_t total = 0;
      for (const auto& [n, group_end] : Groups(i)) {
        if (n > 4) break;
        total += n;
        if (total >= 16 && total <= 19) end = group_end;
        if (n < 4 || total > 19) break;
      }
    }
    if (end == 0 || !EndsAt(end)) return false;
    std::string digits;
    for (size_t k = i; k < end; ++k) {
      if (Digit(k)) digits.push_back(static_cast<char>(f_[k]));
    }
    if (!PassesLuhn(digits)) return false;
    *out = {i, end, MaskKind::kBankCard, 0};
    return true;
  }

  bool MatchMobile(size_t i, Span* out) const {
    size_t k = i;
    int prefix_digits = 0;
    auto has = [&](size_t at, const char* s) {
      for (size_t n = 0; s[n] != 0; ++n) {
        if (!Is(at + n, static_cast<char32_t>(s[n]))) return false;
      }
      return true;
    };
    if (has(k, "+86")) {
      k += 3, prefix_digits = 2;
    } else if (has(k, "0086")) {
      k += 4, prefix_digits = 4;
    } else if (has(k, "86") && (Sep(k + 2) || (Is(k + 2, '1') && DigitsFrom(k) == 13))) {
      k += 2, prefix_digits = 2;
    }
    if (prefix_digits > 0 && Sep(k)) ++k;
    if (!Is(k, '1') || !Digit(k + 1) || f_[k + 1] < '3') return false;
    if (prefix_digits == 0 && k != i) return false;
    size_t end = 0;
    if (DigitsFrom(k) == 11) {
      end = k + 11;
    } else if (DigitsFrom(k) == 3 && Sep(k + 3) && DigitsFrom(k + 4) == 4 && Is(k + 8, f_[k + 3]) &&
               DigitsFrom(k + 9) == 4) {
      end = k + 13;  // 138 0746 3375 or 138-0746-3375
    }
    if (end == 0 || !EndsAt(end)) return false;
    *out = {i, end, MaskKind::kMobilePhone, prefix_digits + 3};
    return true;
  }

  bool MatchLandline(size_t i, Span* out) const {
    size_t k = i;
    const bool paren = Is(k, '(');
    if (paren) ++k;
    if (!Is(k, '0') || Is(k + 1, '0')) return false;
    const size_t run = DigitsFrom(k);
    size_t end = 0;
    int keep = 0;
    if (paren || run == 3 || run == 4) {
      // Area code, then a separator (or the closing parenthesis), then the local number.
      if (run != 3 && run != 4) return false;
      size_t j = k + run;
      if (paren) {
        if (!Is(j, ')')) return false;
        ++j;
        if (Is(j, ' ')) ++j;
      } else {
        if (!Sep(j)) return false;
        ++j;
      }
      const size_t local = DigitsFrom(j);
      if ((local != 7 && local != 8) || f_[j] == '0' || f_[j] == '1') return false;
      end = j + local;
      keep = static_cast<int>(run);
    } else {
      if (run < 10 || run > 12) return false;
      end = k + run;
      keep = 3;
    }
    // An extension: 0731-5551234-8001 or 转8001.
    if ((Is(end, '-') || Is(end, 0x8F6C /* 转 */)) && DigitsFrom(end + 1) >= 1 &&
        DigitsFrom(end + 1) <= 5) {
      end += 1 + DigitsFrom(end + 1);
    }
    if (!EndsAt(end)) return false;
    *out = {i, end, MaskKind::kLandline, keep};
    return true;
  }

  // 7–8 digits written right after 电话, 座机, 传真, 手机 or Tel (and a colon or spaces).
  bool MatchLocalAfterKeyword(size_t i, Span* out) const {
    const size_t n = DigitsFrom(i);
    if ((n != 7 && n != 8) || f_[i] == '0' || f_[i] == '1' || !EndsAt(i + n)) return false;
    size_t k = i;
    while (k > 0 && (f_[k - 1] == ' ' || f_[k - 1] == ':')) --k;
    auto ends_with = [&](std::u32string_view word, bool ascii_case) {
      if (k < word.size()) return false;
      for (size_t m = 0; m < word.size(); ++m) {
        char32_t c = f_[k - word.size() + m];
        if (ascii_case && c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
        if (c != word[m]) return false;
      }
      return true;
    };
    if (!(ends_with(U"电话", false) || ends_with(U"座机", false) || ends_with(U"传真", false) ||
          ends_with(U"tel", true))) {
      return false;
    }
    *out = {i, i + n, MaskKind::kLandline, 0};
    return true;
  }

  void FindNumbers(std::vector<Span>& spans) const {
    size_t i = 0;
    while (i < f_.size()) {
      // A digit right after another continues that number; '+' and '(' always begin a new one
      // ("…3375(010) 88005678" is two numbers).
      const bool start = (Digit(i) && (i == 0 || !Digit(i - 1))) || Is(i, '+') || Is(i, '(');
      Span s{};
      if (start && (MatchResidentId(i, &s) || MatchBankCard(i, &s) || MatchMobile(i, &s) ||
                    MatchLandline(i, &s) || MatchLocalAfterKeyword(i, &s))) {
        spans.push_back(s);
        i = s.end;
        continue;
      }
      // Skip the rest of a number that matched nothing: its tail is not a number of its own.
      if (Digit(i)) {
        while (Digit(i)) ++i;
      } else {
        ++i;
      }
    }
  }

  static bool LocalChar(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '%' || c == '+' || c == '-';
  }
  static bool DomainChar(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  }

  void FindEmails(std::vector<Span>& spans) const {
    for (size_t at = 0; at < f_.size(); ++at) {
      if (f_[at] != '@') continue;
      size_t b = at;
      while (b > 0 && LocalChar(f_[b - 1])) --b;
      while (b < at && f_[b] == '.') ++b;
      size_t e = at + 1;
      while (e < f_.size() && DomainChar(f_[e])) ++e;
      while (e > at + 1 && (f_[e - 1] == '.' || f_[e - 1] == '-')) --e;
      if (b == at || e == at + 1) continue;
      // The domain needs a dot and a top-level label of two letters or more; the address ends
      // after the last such label (x@y.cn6222… is x@y.cn followed by a number).
      size_t end = 0;
      for (size_t dot = at + 2; dot < e; ++dot) {
        if (f_[dot] != '.' || f_[dot - 1] == '.') continue;
        size_t k = dot + 1;
        while (k < e && ((f_[k] >= 'a' && f_[k] <= 'z') || (f_[k] >= 'A' && f_[k] <= 'Z'))) ++k;
        if (k - dot - 1 >= 2) end = k;
      }
      if (end == 0) continue;
      e = end;
      spans.push_back({b, e, MaskKind::kEmail, 0});
    }
  }

 private:
  std::vector<char32_t> f_;
};

void FindMarked(const std::vector<char32_t>& text, const std::vector<std::string>& marked,
                std::vector<Span>& spans) {
  for (const std::string& passage : marked) {
    const std::vector<char32_t> needle = Decode(passage);
    if (needle.empty() || needle.size() > text.size()) continue;
    auto it = text.begin();
    while (true) {
      it = std::search(it, text.end(), needle.begin(), needle.end());
      if (it == text.end()) break;
      const auto begin = static_cast<size_t>(it - text.begin());
      spans.push_back({begin, begin + needle.size(), MaskKind::kMarked, 0});
      it += static_cast<std::ptrdiff_t>(needle.size());
    }
  }
}

}  // namespace

bool IsValidResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  const char check = id[17] == 'x' ? 'X' : id[17];
  if (check != kCheck[sum % 11]) return false;
  if (id[0] == '0' || id[0] == '9') return false;  // no region code starts so
  auto number = [&](int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  const int year = number(6, 4);
  const int month = number(10, 2);
  const int day = number(12, 2);
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = month == 2 && !leap ? 28 : kDays[month - 1];
  return day <= days;
}

bool PassesLuhn(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

RedactionResult Redact(std::string_view text, const std::vector<std::string>& marked) {
  const std::vector<char32_t> original = Decode(text);
  const Scanner scanner(original);
  std::vector<Span> spans;
  FindMarked(original, marked, spans);
  scanner.FindNumbers(spans);
  scanner.FindEmails(spans);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Overlapping spans become one, masked as a marked passage: nothing of either shows.
  std::vector<Span> merged;
  for (const Span& s : spans) {
    if (!merged.empty() && s.begin < merged.back().end) {
      Span& m = merged.back();
      if (s.end > m.end || s.kind != m.kind) m.kind = MaskKind::kMarked;
      m.end = std::max(m.end, s.end);
      continue;
    }
    merged.push_back(s);
  }

  RedactionResult result;
  result.text.reserve(text.size());
  size_t next = 0;
  for (const Span& s : merged) {
    for (size_t i = next; i < s.begin; ++i) Encode(original[i], result.text);
    Masked m;
    m.kind = s.kind;
    m.start = static_cast<int>(s.begin);
    m.length = static_cast<int>(s.end - s.begin);
    for (size_t i = s.begin; i < s.end; ++i) Encode(original[i], m.original);
    if (s.kind == MaskKind::kMarked) {
      m.replacement = kMarkedReplacement;
    } else if (s.kind == MaskKind::kEmail) {
      m.replacement = "***@***";
    } else {
      int seen = 0;
      for (size_t i = s.begin; i < s.end; ++i) {
        const char32_t c = scanner.at(i);
        if (c >= '0' && c <= '9') {
          m.replacement.push_back(++seen <= s.keep_digits ? static_cast<char>(c) : '*');
        } else if (c == 'X' || c == 'x') {
          m.replacement.push_back('*');
        } else {
          Encode(c, m.replacement);
        }
      }
    }
    result.text += m.replacement;
    result.masked.push_back(std::move(m));
    next = s.end;
  }
  for (size_t i = next; i < original.size(); ++i) Encode(original[i], result.text);
  return result;
}

}  // namespace huiyin::disclosure

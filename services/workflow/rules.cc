#include "services/workflow/rules.h"

#include <algorithm>
#include <map>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/calendar/working_day_calendar.h"
#include "common/status/errors.h"
#include "common/text/bigram_tokenizer.h"

namespace huiyin::workflow {
namespace {

// Characters that make a bigram a piece of grammar rather than of the subject.
constexpr const char* kFunctionCharacters[] = {
    "的", "了", "和", "与", "及", "在", "对", "是", "为", "将", "把", "被", "等", "之", "其",
    "并", "或", "以", "于", "也", "都", "就", "而", "有", "我", "你", "他", "们", "这", "那",
    "个", "中", "一", "不", "从", "向", "到", "由", "已", "所", "该", "此", "各"};
// Words every item and every answer use.
constexpr const char* kGenericBigrams[] = {
    "关于", "建议", "提案", "加快", "加强", "推进", "进一", "一步", "问题", "工作", "有关", "相关",
    "进行", "目前", "部分", "提出", "希望", "政府", "代表", "委员", "意见", "正文", "从略", "情况",
    "全县", "我县", "县委", "群众", "实施", "推动", "开展", "落实", "切实", "进一"};
constexpr int kMaxKeyTerms = 16;

constexpr const char* kVaguePhrases[] = {"适时", "逐步", "研究研究", "积极协调", "尽快",
                                         "争取", "择机", "视情况",   "酌情",     "有序推进"};

bool IsCjkBigram(const std::string& token) {
  // Two three-byte UTF-8 characters (the CJK blocks the tokenizer pairs).
  return token.size() == 6 && static_cast<unsigned char>(token[0]) >= 0xE3 &&
         static_cast<unsigned char>(token[3]) >= 0xE3;
}

bool IsDistinctive(const std::string& bigram) {
  if (!IsCjkBigram(bigram)) return false;
  for (const char* c : kFunctionCharacters) {
    if (absl::StrContains(bigram, c)) return false;
  }
  for (const char* g : kGenericBigrams) {
    if (bigram == g) return false;
  }
  return true;
}

// The answer as compared with the item: without the item's title quoted in 《》, which every
// answer repeats and which says nothing about whether it answers the point.
std::string WithoutQuotedTitles(const std::string& text) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = text.find("《", at);
    size_t close = open == std::string::npos ? open : text.find("》", open);
    if (close == std::string::npos) break;
    out.append(text, at, open - at).append(" ");
    at = close + std::string("》").size();
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

// The non-empty lines of `text`, trimmed.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view t = absl::StripAsciiWhitespace(line);
    // Full-width spaces (U+3000) often indent Chinese letters.
    while (absl::ConsumePrefix(&t, "\xE3\x80\x80")) {
    }
    t = absl::StripAsciiWhitespace(t);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

v1::PrecheckFinding Finding(v1::PrecheckCode code, std::string message,
                            std::vector<std::string> evidence, const std::set<int>& blocking) {
  v1::PrecheckFinding f;
  f.set_code(code);
  f.set_severity(blocking.count(code) ? v1::SEVERITY_BLOCKING : v1::SEVERITY_WARNING);
  f.set_message(std::move(message));
  for (auto& e : evidence) f.add_evidence(std::move(e));
  return f;
}

// libstdc++'s std::regex recurses once for each character a `\s*` takes: "2025", 100,000 spaces
// and "年" in an answer overflowed the stack and killed the service. Matched against this form,
// where each run of whitespace is one space, the patterns below find exactly the same dates,
// since they only ever meet whitespace through `\s*` or a single `[^0-9]`.
std::string WithSpacesCollapsed(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (char c : text) {
    const bool space = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (!space) {
      out.push_back(c);
    } else if (!in_space) {
      out.push_back(' ');
    }
    in_space = space;
  }
  return out;
}

bool HasDatedCommitment(const v1::Answer& answer) {
  return std::any_of(
      answer.commitments().begin(), answer.commitments().end(),
      [](const v1::Commitment& c) { return ParseCivilDay(c.due_date()).has_value(); });
}

}  // namespace

std::vector<std::string> KeyTerms(const std::string& normalized_title,
                                  const std::string& normalized_body) {
  std::vector<std::string> terms;
  auto add = [&](const std::string& t) {
    if (terms.size() < kMaxKeyTerms && IsDistinctive(t) &&
        std::find(terms.begin(), terms.end(), t) == terms.end()) {
      terms.push_back(t);
    }
  };
  for (const auto& t : text::BigramTokens(normalized_title, text::TokenizeMode::kDocument)) add(t);
  std::map<std::string, int> counts;
  std::vector<std::string> order;
  for (const auto& t : text::BigramTokens(normalized_body, text::TokenizeMode::kDocument)) {
    if (counts[t]++ == 0) order.push_back(t);
  }
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return counts[a] > counts[b];
  });
  for (const auto& t : order) {
    if (counts[t] >= 2) add(t);
  }
  return terms;
}

std::vector<std::string> VaguePhrases(const std::string& text) {
  std::vector<std::string> found;
  for (const char* p : kVaguePhrases) {
    if (absl::StrContains(text, p)) found.emplace_back(p);
  }
  return found;
}

bool HasDate(const std::string& text) {
  // Years of this century only, so that a phone number (0571-88005678) is no date.
  static const std::regex date(
      "(20\\d{2}\\s*年\\s*\\d{1,2}\\s*月)|((^|[^0-9])20\\d{2}-\\d{1,2}(-\\d{1,2})?([^0-9]|$))|"
      "(\\d{1,2}\\s*月(底|前|中旬|上旬|下旬|\\d{1,2}\\s*日))");
  return std::regex_search(WithSpacesCollapsed(text), date);
}

std::vector<v1::PrecheckFinding> Precheck(const PrecheckInput& in,
                                          const text::TextNormalizer& normalizer) {
  std::vector<v1::PrecheckFinding> out;
  const v1::Answer& a = in.answer;
  const std::string& body = a.text();
  const auto& blocking = in.blocking;

  std::vector<std::string> terms =
      KeyTerms(normalizer.Normalize(in.item_title), normalizer.Normalize(in.item_body));
  if (!terms.empty()) {
    std::string answer_text = normalizer.Normalize(WithoutQuotedTitles(body));
    std::vector<std::string> missing;
    for (const auto& t : terms) {
      if (!absl::StrContains(answer_text, t)) missing.push_back(t);
    }
    double share = 1.0 - static_cast<double>(missing.size()) / terms.size();
    if (share < kMinKeyTermShare) {
      out.push_back(Finding(v1::PRECHECK_CODE_OFF_TOPIC,
                            absl::StrCat("答复未涉及建议（提案）的要点：", terms.size(),
                                         "个关键词中", missing.size(), "个未出现"),
                            missing, blocking));
    }
  }

  // The date under the signature says when the letter was written, not when anything is done.
  std::vector<std::string> lines = Lines(body);
  static const std::regex signature_date("\\d{4}\\s*年\\s*\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日");
  std::string content;
  for (size_t i = 0; i < lines.size(); ++i) {
    bool signature_line = i + 1 == lines.size() && std::regex_match(WithSpacesCollapsed(lines[i]), signature_date);
    if (!signature_line) absl::StrAppend(&content, lines[i], "\n");
  }
  bool dated_text = HasDate(content);
  if (a.answer_class() == v1::ANSWER_CLASS_B) {
    std::vector<std::string> undated;
    for (const auto& c : a.commitments()) {
      if (!ParseCivilDay(c.due_date())) undated.push_back(c.text());
    }
    if (a.commitments().empty() || !undated.empty() || !dated_text) {
      if (!dated_text) undated.push_back("答复正文未写明完成时限");
      out.push_back(Finding(v1::PRECHECK_CODE_B_WITHOUT_DATES,
                            "B类答复（列入计划逐步解决）须写明承诺事项及完成时限", undated,
                            blocking));
    }
  }

  std::vector<std::string> vague = VaguePhrases(body);
  if (!vague.empty() && !HasDatedCommitment(a) && !dated_text) {
    out.push_back(Finding(v1::PRECHECK_CODE_VAGUE_WORDING,
                          "答复使用了含糊表述，且没有明确时限的承诺", vague, blocking));
  }

  if (Trimmed(a.contact_person()).empty() || !absl::StrContains(body, "联系人")) {
    out.push_back(
        Finding(v1::PRECHECK_CODE_NO_CONTACT_PERSON, "答复未写明联系人及联系电话", {}, blocking));
  }

  if (lines.empty() || !absl::StartsWith(lines.front(), "尊敬的") ||
      !(absl::StrContains(lines.front(), "代表") || absl::StrContains(lines.front(), "委员"))) {
    out.push_back(
        Finding(v1::PRECHECK_CODE_NO_SALUTATION, "答复缺少称谓（尊敬的…代表/委员）", {}, blocking));
  }

  std::string tail;
  for (size_t i = lines.size() >= 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
    absl::StrAppend(&tail, lines[i], "\n");
  }
  bool has_unit = !in.unit_display_name.empty() && absl::StrContains(tail, in.unit_display_name);
  const bool dated_tail = std::regex_search(WithSpacesCollapsed(tail), signature_date);
  if (!has_unit || !dated_tail) {
    std::vector<std::string> evidence;
    if (!has_unit) evidence.push_back(absl::StrCat("文末缺少单位名称：", in.unit_display_name));
    if (!dated_tail) evidence.push_back("文末缺少成文日期");
    out.push_back(Finding(v1::PRECHECK_CODE_NO_SIGNATURE_BLOCK, "答复文末应有单位署名和日期",
                          evidence, blocking));
  }

  if (a.answer_class() == v1::ANSWER_CLASS_C && text::Utf8Length(Trimmed(a.explanation())) < 10) {
    out.push_back(Finding(v1::PRECHECK_CODE_C_WITHOUT_REASON,
                          "C类答复须说明暂不能解决的原因（政策、资金、权限等）", {}, blocking));
  }

  size_t length = text::Utf8Length(body);
  if (length < kMinAnswerCharacters) {
    out.push_back(Finding(v1::PRECHECK_CODE_TOO_SHORT,
                          absl::StrCat("答复过于简短（", length, "字）"), {}, blocking));
  }
  return out;
}

bool AnyBlocking(const std::vector<v1::PrecheckFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const v1::PrecheckFinding& f) {
    return f.severity() == v1::SEVERITY_BLOCKING;
  });
}

absl::Status ValidateDraft(const v1::Answer& answer, bool allow_class_d) {
  FieldViolations v;
  switch (answer.answer_class()) {
    case v1::ANSWER_CLASS_A:
    case v1::ANSWER_CLASS_B:
    case v1::ANSWER_CLASS_C:
      break;
    case v1::ANSWER_CLASS_D:
      if (!allow_class_d) v.Add("answer.answer_class", "本地区不使用D类（留作参考）答复");
      break;
    default:
      v.Add("answer.answer_class", "请选择答复类别（A、B、C）");
  }
  if (Trimmed(answer.text()).empty()) v.Add("answer.text", "答复正文不能为空");
  if (Trimmed(answer.contact_person()).empty()) {
    v.Add("answer.contact_person", "须写明联系人");
  }
  if (!answer.answer_date().empty() && !ParseCivilDay(answer.answer_date())) {
    v.Add("answer.answer_date", "日期格式应为 YYYY-MM-DD");
  }
  if (answer.answer_class() == v1::ANSWER_CLASS_B && answer.commitments().empty()) {
    v.Add("answer.commitments", "B类答复须至少有一项承诺事项");
  }
  for (int i = 0; i < answer.commitments_size(); ++i) {
    const auto& c = answer.commitments(i);
    if (Trimmed(c.text()).empty()) {
      v.Add(absl::StrCat("answer.commitments[", i, "].text"), "承诺事项不能为空");
    }
    if (!ParseCivilDay(c.due_date())) {
      v.Add(absl::StrCat("answer.commitments[", i, "].due_date"),
            "承诺事项须有完成时限（YYYY-MM-DD）");
    }
  }
  if (answer.answer_class() == v1::ANSWER_CLASS_C && Trimmed(answer.explanation()).empty()) {
    v.Add("answer.explanation", "C类答复须说明暂不能解决的原因");
  }
  return v.ToStatus();
}

absl::StatusOr<std::set<int>> ParseBlockingFindings(const std::string& list) {
  std::set<int> out;
  for (absl::string_view raw : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(raw));
    if (!absl::StartsWith(name, "PRECHECK_CODE_")) name = absl::StrCat("PRECHECK_CODE_", name);
    v1::PrecheckCode code;
    if (!v1::PrecheckCode_Parse(name, &code) || code == v1::PRECHECK_CODE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("unknown pre-check code: ", raw));
    }
    out.insert(code);
  }
  return out;
}

}  // namespace huiyin::workflow

#include "services/supervision/scores.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/calendar/working_day_calendar.h"
#include "common/status/errors.h"
#include "common/store/statement_cache.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/readers.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {
namespace {

using common::v1::Caller;
using workflow::v1::Task;

constexpr absl::string_view kWorkflowPrefix = "type.googleapis.com/huiyin.workflow.v1.";

std::string DayOf(const google::protobuf::Timestamp& t) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), ChinaTimeZone()));
}

int YearOf(const google::protobuf::Timestamp& t) {
  return static_cast<int>(
      absl::ToCivilYear(absl::FromUnixSeconds(t.seconds()), ChinaTimeZone()).year());
}

const char* ReturnReasonLabel(int reason) {
  switch (reason) {
    case workflow::v1::RETURN_REASON_FORMAT:
      return "格式不规范";
    case workflow::v1::RETURN_REASON_AMBIGUOUS:
      return "答复含糊";
    case workflow::v1::RETURN_REASON_SOLVABLE_UNSOLVED:
      return "能解决而未解决";
    case workflow::v1::RETURN_REASON_NO_TIMELINE:
      return "承诺无时限";
    case workflow::v1::RETURN_REASON_NOT_EXPLAINED:
      return "未作解释说明";
    case workflow::v1::RETURN_REASON_UNSATISFIED:
      return "代表委员不满意";
    case workflow::v1::RETURN_REASON_CONTRADICTS_FACTS:
      return "与事实不符";
    default:
      return "其他";
  }
}

bool Answers(const Task& task) { return task.role() != assignment::v1::UNIT_ROLE_CO; }

// The answer currently standing (the latest issued one), if any.
const workflow::v1::Answer* CurrentAnswer(const Task& task) {
  const workflow::v1::Answer* current = nullptr;
  for (const auto& a : task.answers()) {
    if (a.state() == workflow::v1::ANSWER_STATE_ISSUED) current = &a;
  }
  return current;
}

// Builds deductions of one event: each carries the event's reference and the task's item.
class Deriver {
 public:
  Deriver(const events::v1::Event& event, const Task& task) : event_(event), task_(task) {}

  void Add(v1::DeductionKind kind, const std::string& unit, std::string subject,
           std::string detail) {
    v1::Deduction& d = out_.emplace_back();
    d.set_kind(kind);
    d.set_unit(unit);
    d.set_year(YearOf(event_.occur_time()));
    d.set_task(task_.name());
    d.set_item(task_.item().item());
    d.set_number_label(task_.item().number_label());
    d.set_title(task_.item().title());
    d.set_subject(std::move(subject));
    d.set_detail(std::move(detail));
    auto* ref = d.mutable_event();
    ref->set_source(event_.source());
    ref->set_sequence(event_.sequence());
    ref->set_event_id(event_.event_id());
    absl::string_view type = event_.payload().type_url();
    ref->set_type(std::string(type.substr(type.rfind('/') + 1)));
    *ref->mutable_occur_time() = event_.occur_time();
  }
  std::vector<v1::Deduction> Take() { return std::move(out_); }

 private:
  const events::v1::Event& event_;
  const Task& task_;
  std::vector<v1::Deduction> out_;
};

void AnswerIssuedDeductions(const workflow::v1::AnswerIssued& e, bool met, Deriver& out) {
  const Task& t = e.task();
  if (!Answers(t)) return;
  const std::string issued = DayOf(e.answer().issue_time());
  if (!t.deadline().empty() && issued > t.deadline()) {
    out.Add(v1::DEDUCTION_KIND_ANSWER_LATE, t.unit(), absl::StrCat(t.name(), "@", t.deadline()),
            absl::StrCat("答复期限", t.deadline(), "，", issued, "答复"));
  }
  if (!met) {
    out.Add(v1::DEDUCTION_KIND_NOT_MET, t.unit(), t.name(),
            absl::StrCat(issued, "答复，此前未与代表委员见面（当面、走访或座谈）"));
  }
}

void OpinionDeductions(const Task& co, const workflow::v1::Opinion& o, bool missing, Deriver& out) {
  if (missing) {
    out.Add(v1::DEDUCTION_KIND_CO_OPINION_LATE, co.unit(), co.name(),
            absl::StrCat("协办意见期限", o.due_date(), "，主办单位审签答复时仍未送达"));
    return;
  }
  const std::string sent = DayOf(o.send_time());
  if (!o.due_date().empty() && sent > o.due_date()) {
    out.Add(v1::DEDUCTION_KIND_CO_OPINION_LATE, co.unit(), co.name(),
            absl::StrCat("协办意见期限", o.due_date(), "，", sent, "送达"));
  }
}

// Open commitments of the current answer whose due date is before `today` (the event's date).
void OverdueCommitments(const Task& t, const std::string& today, Deriver& out) {
  const workflow::v1::Answer* current = CurrentAnswer(t);
  if (current == nullptr) return;
  for (const auto& c : current->commitments()) {
    if (c.state() != workflow::v1::COMMITMENT_STATE_OPEN || c.due_date().empty() ||
        today <= c.due_date()) {
      continue;
    }
    out.Add(v1::DEDUCTION_KIND_COMMITMENT_OVERDUE, t.unit(), c.name(),
            absl::StrCat("承诺期限", c.due_date(), "：", c.text(), "；至", today, "仍未兑现"));
  }
}

std::optional<bool> MetProposerInLedger(SQLite::Database& tx, const Task& task) {
  auto stored = LoadEntry(tx, task.item().item());
  if (!stored.has_value()) return std::nullopt;
  for (const auto& u : stored->entry.units()) {
    if (u.task() == task.name()) return u.met_proposer();
  }
  return std::nullopt;
}

void UpsertUnit(SQLite::Database& tx, int year, const std::string& unit, const std::string& name) {
  auto q = Prepare(tx,
                   "INSERT INTO score_units (year, unit, display_name) VALUES (?, ?, ?) "
                   "ON CONFLICT (year, unit) DO UPDATE SET display_name = "
                   "CASE WHEN excluded.display_name = '' THEN display_name "
                   "ELSE excluded.display_name END");
  q->bind(1, year);
  q->bind(2, unit);
  q->bind(3, name);
  q->exec();
}

void InsertDeduction(SQLite::Database& tx, const v1::Deduction& d, const std::string& unit_name) {
  auto insert = Prepare(tx,
                        "INSERT OR IGNORE INTO score_deductions (kind, subject, year, unit, "
                        "data) VALUES (?, ?, ?, ?, ?)");
  insert->bind(1, static_cast<int>(d.kind()));
  insert->bind(2, d.subject());
  insert->bind(3, d.year());
  insert->bind(4, d.unit());
  insert->bind(5, d.SerializeAsString());
  if (insert->exec() == 0) return;  // already deducted for this subject
  auto count = Prepare(tx,
                       "INSERT INTO score_counts (year, unit, kind, count) VALUES (?, ?, ?, 1) "
                       "ON CONFLICT (year, unit, kind) DO UPDATE SET count = count + 1");
  count->bind(1, d.year());
  count->bind(2, d.unit());
  count->bind(3, static_cast<int>(d.kind()));
  count->exec();
  UpsertUnit(tx, d.year(), d.unit(), unit_name);
}

const DeductionRule* RuleOf(const ScoreOptions& options, int kind) {
  for (const auto& r : options.rules) {
    if (r.kind == kind && r.points > 0) return &r;
  }
  return nullptr;
}

// Groups from counts by kind, and the total, under the rules.
double Score(const ScoreOptions& options, const std::map<int, int>& counts, v1::UnitScore& out) {
  double deducted = 0;
  for (const auto& [kind, count] : counts) {
    const DeductionRule* rule = RuleOf(options, kind);
    if (rule == nullptr || count == 0) continue;
    auto* g = out.add_groups();
    g->set_kind(static_cast<v1::DeductionKind>(kind));
    g->set_label(DeductionLabel(g->kind()));
    g->set_points_each(rule->points);
    g->set_cap(rule->cap);
    g->set_count(count);
    const double raw = count * rule->points;
    g->set_points(rule->cap > 0 ? std::min(raw, rule->cap) : raw);
    deducted += g->points();
  }
  out.set_base(options.base);
  out.set_deducted(deducted);
  out.set_score(options.base - deducted);
  return out.score();
}

// Scores compared to a millionth of a point, so that sums of 0.1s tie as people expect.
int64_t ScoreKey(double score) { return std::llround(score * 1e6); }

bool ValidYear(int year) { return year >= 2000 && year <= 2999; }
constexpr char kYearHint[] = "须为年份，如 2026";

}  // namespace

absl::StatusOr<ScoreOptions> ScoreOptionsFromConfig(const config::v1::SupervisionConfig& config) {
  ScoreOptions out;
  out.base = config.score_base();
  FieldViolations v;
  if (out.base <= 0) v.Add("supervision.score_base", "must be positive");
  for (int i = 0; i < config.deduction_rules_size(); ++i) {
    const auto& r = config.deduction_rules(i);
    const std::string field = absl::StrCat("supervision.deduction_rules[", i, "]");
    v1::DeductionKind kind;
    if (!v1::DeductionKind_Parse(r.kind(), &kind) || kind == v1::DEDUCTION_KIND_UNSPECIFIED) {
      v.Add(field + ".kind", absl::StrCat("\"", r.kind(), "\" is not a DeductionKind"));
      continue;
    }
    if (r.points() < 0) v.Add(field + ".points", "must not be negative");
    if (r.cap() < 0) v.Add(field + ".cap", "must not be negative");
    auto same = std::find_if(out.rules.begin(), out.rules.end(),
                             [&](const DeductionRule& d) { return d.kind == kind; });
    DeductionRule rule{kind, r.points(), r.cap()};
    if (same != out.rules.end()) {
      *same = rule;
    } else {
      out.rules.push_back(rule);
    }
  }
  if (auto s = v.ToStatus(); !s.ok()) return s;
  return out;
}

const char* DeductionLabel(v1::DeductionKind kind) {
  switch (kind) {
    case v1::DEDUCTION_KIND_ANSWER_LATE:
      return "逾期答复";
    case v1::DEDUCTION_KIND_ANSWER_RETURNED:
      return "退回重办";
    case v1::DEDUCTION_KIND_UNSATISFIED:
      return "不满意";
    case v1::DEDUCTION_KIND_NOT_MET:
      return "未见面";
    case v1::DEDUCTION_KIND_CO_OPINION_LATE:
      return "协办意见未按期";
    case v1::DEDUCTION_KIND_COMMITMENT_OVERDUE:
      return "承诺未兑现";
    default:
      return "其他";
  }
}

std::vector<v1::Deduction> DeductionsOf(const events::v1::Event& event, bool met_proposer) {
  const auto& any = event.payload();
  if (!absl::StartsWith(any.type_url(), kWorkflowPrefix)) return {};
  // Every workflow event carries the whole task after the change as field 1.
  workflow::v1::TaskCreated snapshot;
  if (!snapshot.ParseFromString(any.value())) return {};
  const Task& task = snapshot.task();
  Deriver out(event, task);
  if (workflow::v1::AnswerIssued e; any.UnpackTo(&e)) {
    AnswerIssuedDeductions(e, met_proposer, out);
  } else if (workflow::v1::AnswerReturned e; any.UnpackTo(&e)) {
    std::vector<std::string> reasons;
    if (!e.answer().returns().empty()) {
      for (int r : e.answer().returns().rbegin()->reasons()) {
        reasons.push_back(ReturnReasonLabel(r));
      }
    }
    out.Add(v1::DEDUCTION_KIND_ANSWER_RETURNED, task.unit(), e.answer().name(),
            absl::StrCat("退回理由：", absl::StrJoin(reasons, "、")));
  } else if (workflow::v1::AnswerEvaluated e; any.UnpackTo(&e)) {
    if (e.answer().evaluation().rating() == workflow::v1::RATING_UNSATISFIED) {
      out.Add(
          v1::DEDUCTION_KIND_UNSATISFIED, task.unit(), e.answer().name(),
          absl::StrCat("代表委员测评不满意", e.answer().evaluation().comment().empty() ? "" : "：",
                       e.answer().evaluation().comment()));
    }
  } else if (workflow::v1::OpinionSent e; any.UnpackTo(&e)) {
    OpinionDeductions(task, e.opinion(), /*missing=*/false, out);
  } else if (workflow::v1::OpinionMissing e; any.UnpackTo(&e)) {
    OpinionDeductions(task, e.opinion(), /*missing=*/true, out);
  } else if (workflow::v1::CommitmentFulfilled e; any.UnpackTo(&e)) {
    const auto& c = e.commitment();
    const std::string done =
        ParseCivilDay(c.fulfil_date()).has_value() ? c.fulfil_date() : DayOf(event.occur_time());
    if (!c.due_date().empty() && done > c.due_date()) {
      out.Add(v1::DEDUCTION_KIND_COMMITMENT_OVERDUE, task.unit(), c.name(),
              absl::StrCat("承诺期限", c.due_date(), "：", c.text(), "；", done, "兑现"));
    }
  }
  OverdueCommitments(task, DayOf(event.occur_time()), out);
  return out.Take();
}

absl::Status ApplyToScores(SQLite::Database& tx, const events::v1::Event& event) {
  if (!absl::StartsWith(event.payload().type_url(), kWorkflowPrefix)) return absl::OkStatus();
  workflow::v1::TaskCreated snapshot;
  if (!snapshot.ParseFromString(event.payload().value())) {
    return absl::InvalidArgumentError("bad workflow payload");
  }
  const Task& task = snapshot.task();
  if (task.name().empty() || task.unit().empty()) return absl::OkStatus();
  if (task.item().year() > 0) {
    UpsertUnit(tx, task.item().year(), task.unit(), task.unit_display_name());
  }
  // 见面 matters only when an answer is issued; the ledger entry is read only then.
  const bool met = !event.payload().Is<workflow::v1::AnswerIssued>() ||
                   MetProposerInLedger(tx, task).value_or(false);
  for (const auto& d : DeductionsOf(event, met)) {
    InsertDeduction(tx, d, task.unit_display_name());
  }
  return absl::OkStatus();
}

void ClearScores(SQLite::Database& tx) {
  tx.exec("DELETE FROM score_deductions; DELETE FROM score_counts; DELETE FROM score_units");
}

ScoreCore::ScoreCore(Database& db, ScoreOptions options) : db_(db), options_(std::move(options)) {}

absl::StatusOr<std::vector<v1::UnitScore>> ScoreCore::Ranking(int year) const {
  std::vector<v1::UnitScore> out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    std::map<std::string, std::map<int, int>> counts;
    SQLite::Statement c(conn, "SELECT unit, kind, count FROM score_counts WHERE year = ?");
    c.bind(1, year);
    while (c.executeStep()) {
      counts[c.getColumn(0).getString()][c.getColumn(1).getInt()] = c.getColumn(2).getInt();
    }
    SQLite::Statement u(conn,
                        "SELECT unit, display_name FROM score_units WHERE year = ? ORDER BY unit");
    u.bind(1, year);
    while (u.executeStep()) {
      v1::UnitScore& score = out.emplace_back();
      score.set_unit(u.getColumn(0).getString());
      score.set_unit_display_name(u.getColumn(1).getString());
      score.set_year(year);
      score.set_name(absl::StrCat(score.unit(), "/scores/", year));
      Score(options_, counts[score.unit()], score);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  std::stable_sort(out.begin(), out.end(), [](const v1::UnitScore& a, const v1::UnitScore& b) {
    return ScoreKey(a.score()) > ScoreKey(b.score());
  });
  for (size_t i = 0; i < out.size(); ++i) {
    const bool tie = i > 0 && ScoreKey(out[i].score()) == ScoreKey(out[i - 1].score());
    out[i].set_rank(tie ? out[i - 1].rank() : static_cast<int>(i + 1));
  }
  return out;
}

absl::StatusOr<v1::UnitScore> ScoreCore::GetUnitScore(
    const Caller& caller, const v1::GetUnitScoreRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  FieldViolations v;
  if (!absl::StartsWith(request.unit(), "units/") || request.unit().size() <= 6) {
    v.Add("unit", "must look like units/{unit}");
  }
  if (!ValidYear(request.year())) v.Add("year", kYearHint);
  if (auto s = v.ToStatus(); !s.ok()) return s;
  if (!IsOffice(caller) && request.unit() != caller.unit()) {
    return PermissionDenied("a unit reads its own score only");
  }
  auto ranking = Ranking(request.year());
  if (!ranking.ok()) return ranking.status();
  auto found = std::find_if(ranking->begin(), ranking->end(),
                            [&](const v1::UnitScore& u) { return u.unit() == request.unit(); });
  if (found == ranking->end()) {
    return NotFound(absl::StrCat(request.unit(), "/scores/", request.year()));
  }
  v1::UnitScore out = std::move(*found);
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn,
                        "SELECT data FROM score_deductions WHERE year = ? AND unit = ? "
                        "ORDER BY kind, id");
    q.bind(1, request.year());
    q.bind(2, request.unit());
    while (q.executeStep()) {
      v1::Deduction d;
      d.ParseFromString(q.getColumn(0).getString());
      for (auto& g : *out.mutable_groups()) {
        if (g.kind() != d.kind()) continue;
        d.set_points(g.points_each());
        *g.add_deductions() = std::move(d);
        break;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListUnitScoresResponse> ScoreCore::ListUnitScores(
    const Caller& caller, const v1::ListUnitScoresRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  if (!ValidYear(request.year())) return InvalidField("year", kYearHint);
  auto ranking = Ranking(request.year());
  if (!ranking.ok()) return ranking.status();
  v1::ListUnitScoresResponse out;
  for (auto& score : *ranking) {
    if (IsOffice(caller) || score.unit() == caller.unit()) *out.add_scores() = std::move(score);
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ScoreCore::UnitNames(int year) const {
  std::map<std::string, std::string> out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn, "SELECT unit, display_name FROM score_units WHERE year = ?");
    q.bind(1, year);
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getString();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace huiyin::supervision

#include "services/supervision/core.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/disclosure/v1/disclosure_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/ledger_rules.h"
#include "services/supervision/readers.h"
#include "services/supervision/returns.h"
#include "services/supervision/scores.h"
#include "services/supervision/step_store.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {
namespace {

using common::v1::Caller;
using workflow::v1::Task;

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

std::string TypeOf(const events::v1::Event& event) {
  absl::string_view url = event.payload().type_url();
  if (absl::StartsWith(url, kTypePrefix)) url.remove_prefix(kTypePrefix.size());
  return {url.data(), url.size()};
}

// The groups a task is counted in.
std::vector<std::pair<v1::GroupBy, std::string>> GroupsOf(const Task& task) {
  std::vector<std::pair<v1::GroupBy, std::string>> g = {
      {v1::GROUP_BY_NONE, ""},
      {v1::GROUP_BY_UNIT, task.unit()},
      {v1::GROUP_BY_CATEGORY, task.item().category()},
      {v1::GROUP_BY_KIND, intake::v1::ItemKind_Name(task.item().kind())},
      {v1::GROUP_BY_SESSION, task.item().session()}};
  if (!task.leading_official().empty()) {
    g.emplace_back(v1::GROUP_BY_LEADING_OFFICIAL, task.leading_official());
  }
  return g;
}

void AddCounts(SQLite::Database& tx, const Task& task, const Counts& delta) {
  if (std::all_of(delta.begin(), delta.end(), [](int64_t d) { return d == 0; })) return;
  for (auto& [dimension, value] : GroupsOf(task)) {
    AddToCounters(tx,
                  {task.item().year(), task.item().session(), static_cast<int>(task.item().kind()),
                   dimension, std::move(value)},
                  delta);
  }
}

void SubtractCounts(SQLite::Database& tx, const Task& task, const Counts& contribution) {
  Counts negative;
  for (size_t i = 0; i < contribution.size(); ++i) negative[i] = -contribution[i];
  AddCounts(tx, task, negative);
}

// Replaces what `before` contributed (`was`) with what `after` contributes (`now`). Most
// workflow events leave both the task's groups and its contribution as they were: then the
// counters are not touched, where taking one out and putting the other back wrote each twice.
void ReplaceCounts(SQLite::Database& tx, const std::optional<Task>& before, const Counts& was,
                   const Task& after, const Counts& now) {
  const bool same_counters = before.has_value() && before->item().year() == after.item().year() &&
                             before->item().session() == after.item().session() &&
                             before->item().kind() == after.item().kind() &&
                             GroupsOf(*before) == GroupsOf(after);
  if (!same_counters) {
    if (before.has_value()) SubtractCounts(tx, *before, was);
    AddCounts(tx, after, now);
    return;
  }
  Counts delta;
  for (size_t i = 0; i < now.size(); ++i) delta[i] = now[i] - was[i];
  AddCounts(tx, after, delta);
}

StoredEntry LoadOrNewEntry(SQLite::Database& conn, const std::string& item) {
  if (auto stored = LoadEntry(conn, item); stored.has_value()) return *std::move(stored);
  StoredEntry out;
  out.entry.mutable_item()->set_item(item);
  out.entry.set_name("ledger/" + item.substr(item.find('/') + 1));
  return out;
}

// Units, answers and stage from the item's tasks; the stage intake and assignment set otherwise.
void DeriveFromTasks(const std::vector<Task>& tasks, StoredEntry& stored) {
  auto& e = stored.entry;
  e.clear_units();
  e.clear_answers();
  for (const auto& t : tasks) {
    if (t.state() == workflow::v1::TASK_STATE_CANCELLED) continue;
    if (!t.leading_official().empty()) e.set_leading_official(t.leading_official());
    if (!t.item().item().empty()) *e.mutable_item() = t.item();
    auto* u = e.add_units();
    u->set_unit(t.unit());
    u->set_unit_display_name(t.unit_display_name());
    u->set_role(t.role());
    u->set_task(t.name());
    u->set_task_state(t.state());
    u->set_answer_deadline(t.deadline());
    u->set_met_proposer(MetProposer(t));
    u->set_returned_count(t.returned_count());
    if (t.has_responsible()) *u->mutable_responsible() = t.responsible();
    *u->mutable_contacts() = t.contacts();
    int open = 0;
    for (const auto& a : t.answers()) {
      if (!IsIssued(a)) continue;
      auto* la = e.add_answers();
      la->set_answer(a.name());
      la->set_unit(t.unit());
      la->set_answer_class(a.answer_class());
      la->set_issue_date(ChinaDate(a.issue_time()));
      la->set_on_time(!t.deadline().empty() && la->issue_date() <= t.deadline());
      la->set_rating(a.evaluation().rating());
      for (const auto& m : a.commitments()) {
        open += m.state() == workflow::v1::COMMITMENT_STATE_OPEN;
      }
    }
    u->set_open_commitments(open);
  }
  e.set_stage(StageOf(static_cast<v1::Stage>(stored.pre_stage), tasks));
}

void DeriveAndSave(SQLite::Database& tx, StoredEntry& stored, const SupervisionOptions& options,
                   const WorkingDayCalendar& calendar) {
  const std::vector<Task> tasks = TasksOfItem(tx, stored.entry.item().item());
  DeriveFromTasks(tasks, stored);
  DeriveStepDeadlines(tx, tasks, options.steps, calendar, stored.entry);
  SaveEntry(tx, stored);
}

void AppendTimeline(StoredEntry& stored, const events::v1::Event& event) {
  auto* t = stored.entry.add_timeline();
  t->set_type(TypeOf(event));
  *t->mutable_occur_time() = event.occur_time();
  t->set_actor(event.actor().principal());
  t->set_source(event.source());
}

void SetSummaryFromIntake(const intake::v1::Item& item, StoredEntry& stored) {
  auto* s = stored.entry.mutable_item();
  s->set_item(item.name());
  s->set_kind(item.kind());
  s->set_session(item.session());
  s->set_year(item.year());
  s->set_title(item.title());
  s->set_number_label(item.number_label());
  s->set_category(item.category());
  stored.entry.set_kind(item.kind());
}

// Whether `step` is OVERDUE for a unit of the annotated `entry` (for `unit` only when set).
bool StepOverdue(const v1::LedgerEntry& entry, v1::Step step, const std::string& unit) {
  for (const auto& u : entry.units()) {
    if (!unit.empty() && u.unit() != unit) continue;
    for (const auto& s : u.steps()) {
      if (s.step() == step && s.state() == v1::DEADLINE_STATE_OVERDUE) return true;
    }
  }
  return false;
}

double Rate(int64_t numerator, int64_t denominator) {
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

v1::Figures FiguresOf(const v1::FigureCounts& c) {
  v1::Figures f;
  f.set_answer_rate(Rate(c.answered(), c.assigned()));
  f.set_on_time_answer_rate(Rate(c.answered_on_time(), c.assigned()));
  f.set_close_rate(Rate(c.closed(), c.assigned()));
  f.set_class_a_close_rate(Rate(c.class_a_closed(), c.class_a()));
  f.set_satisfaction_rate(Rate(c.satisfied() + c.basically_satisfied(), c.rated()));
  f.set_strict_satisfaction_rate(Rate(c.satisfied(), c.rated()));
  f.set_meeting_rate(Rate(c.met(), c.assigned()));
  f.set_resolution_rate(Rate(c.class_a() + c.class_b_fulfilled(), c.assigned()));
  f.set_disclosure_rate(Rate(c.disclosed_on_time(), c.answered()));
  return f;
}

SupervisionCore::SupervisionCore(Database& db, const Clock& clock,
                                 const WorkingDayCalendar& calendar, SupervisionOptions options)
    : db_(db), clock_(clock), calendar_(calendar), options_(options) {}

absl::Status SupervisionCore::ApplyIntakeEvent(SQLite::Database& tx,
                                               const events::v1::Event& event) {
  return Apply(tx, event, true);
}
absl::Status SupervisionCore::ApplyAssignmentEvent(SQLite::Database& tx,
                                                   const events::v1::Event& event) {
  return Apply(tx, event, true);
}
absl::Status SupervisionCore::ApplyWorkflowEvent(SQLite::Database& tx,
                                                 const events::v1::Event& event) {
  return Apply(tx, event, true);
}

absl::Status SupervisionCore::Apply(SQLite::Database& tx, const events::v1::Event& event,
                                    bool journal) {
  static const std::set<std::string> kIntake = {
      "huiyin.intake.v1.ItemSubmitted", "huiyin.intake.v1.ItemAccepted",
      "huiyin.intake.v1.ItemRejected", "huiyin.intake.v1.ItemMerged",
      "huiyin.intake.v1.ItemWithdrawn"};
  static const std::set<std::string> kAssignment = {
      "huiyin.assignment.v1.ItemAssigned",       "huiyin.assignment.v1.ItemReassigned",
      "huiyin.assignment.v1.ObjectionRaised",    "huiyin.assignment.v1.ObjectionUpheld",
      "huiyin.assignment.v1.ExtensionRequested", "huiyin.assignment.v1.ExtensionDecided"};
  const std::string type = TypeOf(event);
  const std::string& value = event.payload().value();
  std::optional<StoredEntry> stored;
  if (kIntake.count(type) > 0) {
    // Every intake event carries the whole item as field 1.
    intake::v1::ItemSubmitted e;
    if (!e.ParseFromString(value)) return absl::InvalidArgumentError("bad intake payload");
    stored = LoadOrNewEntry(tx, e.item().name());
    SetSummaryFromIntake(e.item(), *stored);
    if (type == "huiyin.intake.v1.ItemSubmitted") {
      stored->pre_stage = std::max<int>(stored->pre_stage, v1::STAGE_SUBMITTED);
    } else if (type == "huiyin.intake.v1.ItemAccepted") {
      stored->pre_stage = std::max<int>(stored->pre_stage, v1::STAGE_ACCEPTED);
    } else {
      stored->pre_stage = v1::STAGE_ENDED;
    }
  } else if (kAssignment.count(type) > 0) {
    // These carry the whole assignment as field 1.
    assignment::v1::ItemAssigned e;
    if (!e.ParseFromString(value)) return absl::InvalidArgumentError("bad assignment payload");
    stored = LoadOrNewEntry(tx, e.assignment().item().item());
    stored->pre_stage = std::max<int>(stored->pre_stage, v1::STAGE_ASSIGNED);
    if (stored->entry.item().year() == 0) *stored->entry.mutable_item() = e.assignment().item();
    stored->entry.set_kind(e.assignment().item().kind());
  } else if (absl::StartsWith(type, "huiyin.workflow.v1.") &&
             workflow::v1::TaskCreated::descriptor()->file()->FindMessageTypeByName(
                 type.substr(sizeof("huiyin.workflow.v1.") - 1)) != nullptr) {
    // Every workflow event carries the whole task as field 1.
    workflow::v1::TaskCreated e;
    if (!e.ParseFromString(value)) return absl::InvalidArgumentError("bad workflow payload");
    const Task& task = e.task();
    const auto before = LoadTask(tx, task.name());
    const auto disclosed = AnswersDisclosedOnTime(tx, task.name());
    ReplaceCounts(tx, before, before.has_value() ? ContributionOf(*before, disclosed) : Counts{},
                  task, ContributionOf(task, disclosed));
    UpsertTask(tx, task);
    RecordAcknowledgement(tx, task, event.occur_time());
    RecordAnswerReturned(tx, event);
    stored = LoadOrNewEntry(tx, task.item().item());
    stored->entry.set_kind(task.item().kind());
  } else {
    return absl::OkStatus();
  }
  if (journal) AppendJournal(tx, event);
  AppendTimeline(*stored, event);
  DeriveAndSave(tx, *stored, options_, calendar_);
  return ApplyToScores(tx, event);  // after the entry: scores read its 见面
}

absl::Status SupervisionCore::ApplyDisclosureEvent(SQLite::Database& tx,
                                                   const events::v1::Event& event) {
  const std::string type = TypeOf(event);
  const std::string day = ChinaDate(event.occur_time());
  if (type == "huiyin.disclosure.v1.RecordPublished") {
    disclosure::v1::RecordPublished e;
    if (!e.ParseFromString(event.payload().value())) {
      return absl::InvalidArgumentError("bad disclosure payload");
    }
    return MarkAnswerDisclosed(tx, e.answer(), day, e.on_time(), false);
  }
  if (type == "huiyin.disclosure.v1.RecordWithheld") {
    disclosure::v1::RecordWithheld e;
    if (!e.ParseFromString(event.payload().value())) {
      return absl::InvalidArgumentError("bad disclosure payload");
    }
    return MarkAnswerDisclosed(tx, e.answer(), day, false, true);
  }
  return absl::OkStatus();  // corrections, retractions, updates: 公开率 counts the publication
}

absl::StatusOr<v1::RebuildLedgerResponse> SupervisionCore::RebuildLedger(
    const Caller& caller, const v1::RebuildLedgerRequest& /*request*/) {
  if (caller.role() != common::v1::ROLE_SUPERVISION_OFFICE) {
    return PermissionDenied("only the supervision office rebuilds the ledger");
  }
  v1::RebuildLedgerResponse out;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    const std::vector<events::v1::Event> replay = LoadJournal(tx);
    ClearReadModel(tx);
    ClearAnswerReturns(tx);
    ClearStepModel(tx);
    ClearScores(tx);
    for (const auto& event : replay) {
      if (auto applied = Apply(tx, event, false); !applied.ok()) return applied;
    }
    out.set_events_replayed(static_cast<int64_t>(replay.size()));
    out.set_entries(CountEntries(tx));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

void SupervisionCore::Annotate(v1::LedgerEntry& entry) const {
  const absl::CivilDay today = clock_.Today();
  bool overdue = false;
  for (auto& u : *entry.mutable_units()) {
    for (auto& step : *u.mutable_steps()) {
      step.set_state(StepStateOn(
          step, today,
          DueSoonWorkingDays(step.step(), options_.due_soon_working_days, options_.steps),
          calendar_));
    }
    const bool open = u.role() != assignment::v1::UNIT_ROLE_CO &&
                      (u.task_state() == workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT ||
                       u.task_state() == workflow::v1::TASK_STATE_HANDLING);
    const auto deadline = ParseCivilDay(u.answer_deadline());
    if (!open || !deadline.has_value()) continue;
    if (today > *deadline) {
      u.set_deadline_state(v1::DEADLINE_STATE_OVERDUE);
      overdue = true;
      continue;
    }
    auto left = calendar_.CountWorkingDays(today, *deadline);
    // Outside the calendar's known years: judged by calendar days rather than not at all.
    const int64_t days = left.ok() ? *left : (*deadline - today);
    u.set_deadline_state(days <= options_.due_soon_working_days ? v1::DEADLINE_STATE_DUE_SOON
                                                                : v1::DEADLINE_STATE_ON_TRACK);
  }
  entry.set_overdue(overdue);
}

absl::Status SupervisionCore::MarkAnswerDisclosed(SQLite::Database& tx,
                                                  const std::string& answer_name,
                                                  const std::string& date, bool on_time,
                                                  bool withheld) {
  const std::vector<std::string> parts = absl::StrSplit(answer_name, '/');
  FieldViolations v;
  if (parts.size() != 4 || parts[0] != "tasks" || parts[2] != "answers" || parts[1].empty() ||
      parts[3].empty()) {
    v.Add("answer", "must look like tasks/{task}/answers/{answer}");
  }
  if (!ParseCivilDay(date).has_value()) v.Add("disclosed_date", "must be a date YYYY-MM-DD");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  const std::string task_name = "tasks/" + parts[1];
  const auto task = LoadTask(tx, task_name);
  // The task's contribution moves with what was disclosed on time (公开率).
  const Counts was =
      task.has_value() ? ContributionOf(*task, AnswersDisclosedOnTime(tx, task_name)) : Counts{};
  RecordDisclosure(tx, answer_name, task_name, date, on_time, withheld);
  if (!task.has_value()) return absl::OkStatus();
  ReplaceCounts(tx, task, was, *task, ContributionOf(*task, AnswersDisclosedOnTime(tx, task_name)));
  StoredEntry stored = LoadOrNewEntry(tx, task->item().item());
  DeriveAndSave(tx, stored, options_, calendar_);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, int64_t>> SupervisionCore::OverdueByUnit() const {
  const std::string today = absl::FormatCivilTime(clock_.Today());
  std::map<std::string, int64_t> out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    out = OverdueAnswersByUnit(conn, today);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::LedgerEntry> SupervisionCore::GetLedgerEntry(
    const Caller& caller, const v1::GetLedgerEntryRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  if (!absl::StartsWith(request.name(), "ledger/") || request.name().size() <= 7) {
    return InvalidField("name", "must look like ledger/{item}");
  }
  const std::string item = "items/" + request.name().substr(7);
  std::optional<v1::LedgerEntry> found;
  auto s = db_.Read([&](SQLite::Database& conn) {
    if (auto stored = LoadEntry(conn, item); stored.has_value()) found = stored->entry;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  // A unit learns nothing of entries it may not read, existing or not: one PERMISSION_DENIED,
  // decided before existence as everywhere else (intake's items, workflow's tasks).
  if (IsOffice(caller)) {
    if (!found.has_value()) return NotFound(request.name());
  } else if (!found.has_value() ||
             std::none_of(found->units().begin(), found->units().end(),
                          [&](const auto& u) { return u.unit() == caller.unit(); })) {
    return PermissionDenied("a unit reads the ledger of its own items only");
  }
  Annotate(*found);
  return *found;
}

absl::StatusOr<v1::ListLedgerResponse> SupervisionCore::ListLedger(
    const Caller& caller, const v1::ListLedgerRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  if (IsUnit(caller) && !request.unit().empty() && request.unit() != caller.unit()) {
    return PermissionDenied("a unit reads the ledger of its own items only");
  }
  const std::string unit = IsUnit(caller) ? caller.unit() : request.unit();
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  v1::ListLedgerRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t hash = QueryHash(query);
  int64_t after = 0;
  if (!request.page_token().empty()) {
    auto decoded = DecodePageToken(request.page_token(), hash);
    if (!decoded.ok()) return decoded.status();
    after = *decoded;
  }
  v1::ListLedgerResponse out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    LedgerFilter filter;
    filter.year = request.year();
    filter.session = request.session();
    filter.kind = static_cast<int>(request.kind());
    filter.unit = unit;
    filter.category = request.category();
    filter.leading_official = request.leading_official();
    filter.stage = static_cast<int>(request.stage());
    // Overdue is decided on the annotated entry below; the step table narrows the scan to
    // entries that can be (an answer step pending past its deadline, or the step asked for).
    if (request.overdue_step() != v1::STEP_UNSPECIFIED) {
      filter.overdue_step = static_cast<int>(request.overdue_step());
      filter.overdue_unit = unit;
    } else if (request.overdue_only()) {
      filter.overdue_step = static_cast<int>(v1::STEP_ANSWER);
    }
    filter.overdue_before = absl::FormatCivilTime(clock_.Today());
    ScanEntries(conn, filter, after, [&](int64_t seq, v1::LedgerEntry e) {
      Annotate(e);
      if (request.overdue_only() && !e.overdue()) return true;
      if (request.overdue_step() != v1::STEP_UNSPECIFIED &&
          !StepOverdue(e, request.overdue_step(), unit)) {
        return true;
      }
      if (out.entries_size() == *size) {
        out.set_next_page_token(EncodePageToken(hash, after));
        return false;
      }
      after = seq;
      *out.add_entries() = std::move(e);
      return true;
    });
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::GetFiguresResponse> SupervisionCore::GetFigures(
    const Caller& caller, const v1::GetFiguresRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  if (request.year() <= 0) return InvalidField("year", "is required");
  v1::GroupBy group_by =
      request.group_by() == v1::GROUP_BY_UNSPECIFIED ? v1::GROUP_BY_NONE : request.group_by();
  std::string only_value;
  if (IsUnit(caller)) {
    if (group_by != v1::GROUP_BY_UNIT && group_by != v1::GROUP_BY_NONE) {
      return PermissionDenied("a unit reads its own figures only");
    }
    group_by = v1::GROUP_BY_UNIT;
    only_value = caller.unit();
  }
  v1::GetFiguresResponse out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    for (const auto& [value, counts] :
         SumCounters(conn, request.year(), request.session(), static_cast<int>(request.kind()),
                     group_by, only_value)) {
      // A group whose tasks all moved elsewhere nets to zero: not a group any more.
      if (std::all_of(counts.begin(), counts.end(), [](int64_t n) { return n == 0; })) continue;
      auto* row = out.add_rows();
      row->set_group(value);
      auto* c = row->mutable_counts();
      const auto* d = c->GetDescriptor();
      for (size_t i = 0; i < kCounterColumns.size(); ++i) {
        c->GetReflection()->SetInt64(c, d->FindFieldByName(kCounterColumns[i]), counts[i]);
      }
      *row->mutable_figures() = FiguresOf(*c);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace huiyin::supervision

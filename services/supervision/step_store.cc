#include "services/supervision/step_store.h"

#include <map>
#include <set>
#include <tuple>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/store/statement_cache.h"

namespace huiyin::supervision {
namespace {

// The key SQL builds for a step_deadlines row s; must match RuleKey.
constexpr char kRowKey[] =
    "s.task || '|' || s.step || '|' || s.subject || '|' || s.deadline || '|' || ";

std::vector<RuledStep> Steps(SQLite::Statement& q) {
  std::vector<RuledStep> out;
  while (q.executeStep()) {
    RuledStep& r = out.emplace_back();
    r.task = q.getColumn(0).getString();
    r.step = static_cast<v1::Step>(q.getColumn(1).getInt());
    r.subject = q.getColumn(2).getString();
    r.deadline = q.getColumn(3).getString();
    r.returned_count = q.getColumn(4).getInt();
  }
  return out;
}

// A step_deadlines row: its key and the rest.
using StepKey = std::tuple<std::string, int, std::string>;  // task, step, subject
struct StepRow {
  std::string item, unit, deadline, done_date;
  int ruled = 0;
  int returned_count = 0;
  bool operator==(const StepRow& o) const {
    return std::tie(item, unit, deadline, done_date, ruled, returned_count) ==
           std::tie(o.item, o.unit, o.deadline, o.done_date, o.ruled, o.returned_count);
  }
};

std::map<StepKey, StepRow> StoredSteps(SQLite::Database& tx, const std::string& item) {
  auto q = Prepare(tx,
                   "SELECT task, step, subject, item, unit, deadline, done_date, ruled, "
                   "returned_count FROM step_deadlines WHERE item = ?");
  q->bind(1, item);
  std::map<StepKey, StepRow> out;
  while (q->executeStep()) {
    out[{q->getColumn(0).getString(), q->getColumn(1).getInt(), q->getColumn(2).getString()}] = {
        q->getColumn(3).getString(), q->getColumn(4).getString(), q->getColumn(5).getString(),
        q->getColumn(6).getString(), q->getColumn(7).getInt(),    q->getColumn(8).getInt()};
  }
  return out;
}

// Writes the rows that changed and deletes those no longer derived: an event changes one or two
// steps of an item, and rewriting all of them touched five indexes per row.
void SaveSteps(SQLite::Database& tx, const std::string& item,
               const std::map<StepKey, StepRow>& derived) {
  std::map<StepKey, StepRow> stored = StoredSteps(tx, item);
  auto upsert = Prepare(tx,
                        "INSERT INTO step_deadlines (task, step, subject, item, unit, deadline, "
                        "done_date, ruled, returned_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (task, step, subject) DO UPDATE SET item = excluded.item, "
                        "unit = excluded.unit, deadline = excluded.deadline, "
                        "done_date = excluded.done_date, ruled = excluded.ruled, "
                        "returned_count = excluded.returned_count");
  for (const auto& [key, row] : derived) {
    auto it = stored.find(key);
    if (it != stored.end()) {
      const bool same = it->second == row;
      stored.erase(it);
      if (same) continue;
    }
    upsert->reset();
    upsert->bind(1, std::get<0>(key));
    upsert->bind(2, std::get<1>(key));
    upsert->bind(3, std::get<2>(key));
    upsert->bind(4, row.item);
    upsert->bind(5, row.unit);
    upsert->bind(6, row.deadline);
    upsert->bind(7, row.done_date);
    upsert->bind(8, row.ruled);
    upsert->bind(9, row.returned_count);
    upsert->exec();
  }
  auto remove =
      Prepare(tx, "DELETE FROM step_deadlines WHERE task = ? AND step = ? AND subject = ?");
  for (const auto& [key, row] : stored) {
    remove->reset();
    remove->bind(1, std::get<0>(key));
    remove->bind(2, std::get<1>(key));
    remove->bind(3, std::get<2>(key));
    remove->exec();
  }
}

}  // namespace

std::string RuleKey(const std::string& task, v1::Step step, const std::string& subject,
                    const std::string& deadline, int trigger) {
  return absl::StrCat(task, "|", static_cast<int>(step), "|", subject, "|", deadline, "|", trigger);
}

void RecordAcknowledgement(SQLite::Database& tx, const workflow::v1::Task& task,
                           const google::protobuf::Timestamp& when) {
  if (task.state() == workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT ||
      task.state() == workflow::v1::TASK_STATE_CANCELLED) {
    return;
  }
  auto q = Prepare(tx,
                   "INSERT INTO acknowledgements (task, acknowledged_date) VALUES (?, ?) "
                   "ON CONFLICT (task) DO NOTHING");
  q->bind(1, task.name());
  q->bind(2, absl::FormatCivilTime(
                 absl::ToCivilDay(absl::FromUnixSeconds(when.seconds()), ChinaTimeZone())));
  q->exec();
}

void RecordDisclosure(SQLite::Database& tx, const std::string& answer, const std::string& task,
                      const std::string& date, bool on_time, bool withheld) {
  auto q = Prepare(tx,
                   "INSERT INTO disclosures (answer, task, disclosed_date, on_time, withheld) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (answer) DO UPDATE SET "
                   "disclosed_date = min(disclosed_date, excluded.disclosed_date), "
                   "on_time = max(on_time, excluded.on_time), "
                   "withheld = CASE WHEN excluded.withheld = 0 THEN 0 ELSE withheld END");
  q->bind(1, answer);
  q->bind(2, task);
  q->bind(3, date);
  q->bind(4, on_time ? 1 : 0);
  q->bind(5, withheld ? 1 : 0);
  q->exec();
}

std::vector<std::string> AnswersDisclosedOnTime(SQLite::Database& conn, const std::string& task) {
  auto q = Prepare(conn, "SELECT answer FROM disclosures WHERE task = ? AND on_time = 1");
  q->bind(1, task);
  std::vector<std::string> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getString());
  return out;
}

void DeriveStepDeadlines(SQLite::Database& tx, const std::vector<workflow::v1::Task>& tasks,
                         const StepOptions& options, const WorkingDayCalendar& calendar,
                         v1::LedgerEntry& entry) {
  auto ack = Prepare(tx, "SELECT acknowledged_date FROM acknowledgements WHERE task = ?");
  auto disclosed =
      Prepare(tx, "SELECT answer, disclosed_date, withheld FROM disclosures WHERE task = ?");
  std::map<StepKey, StepRow> derived;
  std::map<std::string, std::string> disclosed_dates;
  std::set<std::string> withheld;
  for (const auto& task : tasks) {
    StepFacts facts;
    ack->reset();
    ack->bind(1, task.name());
    if (ack->executeStep()) facts.acknowledged_date = ack->getColumn(0).getString();
    disclosed->reset();
    disclosed->bind(1, task.name());
    while (disclosed->executeStep()) {
      facts.disclosed_dates[disclosed->getColumn(0).getString()] =
          disclosed->getColumn(1).getString();
      if (disclosed->getColumn(2).getInt() != 0)
        withheld.insert(disclosed->getColumn(0).getString());
    }
    disclosed_dates.insert(facts.disclosed_dates.begin(), facts.disclosed_dates.end());
    const auto steps = StepDeadlinesOf(task, facts, options, calendar);
    for (auto& unit : *entry.mutable_units()) {
      if (unit.task() != task.name()) continue;
      unit.clear_steps();
      for (const auto& s : steps) *unit.add_steps() = s;
    }
    for (const auto& s : steps) {
      derived[{task.name(), static_cast<int>(s.step()), s.subject()}] = {
          entry.item().item(),
          task.unit(),
          s.deadline(),
          s.done_date(),
          RulesActOn(s.step(), task.state()) ? 1 : 0,
          static_cast<int>(task.returned_count())};
    }
  }
  SaveSteps(tx, entry.item().item(), derived);
  for (auto& a : *entry.mutable_answers()) {
    if (auto it = disclosed_dates.find(a.answer()); it != disclosed_dates.end()) {
      a.set_disclosed_date(it->second);
      a.set_disclosure_withheld(withheld.count(a.answer()) > 0);
    }
  }
}

void ClearStepModel(SQLite::Database& tx) {
  tx.exec("DELETE FROM acknowledgements; DELETE FROM step_deadlines");
}

std::vector<RuledStep> PendingStepsDueBy(SQLite::Database& conn, const std::string& horizon,
                                         int stop_key_trigger) {
  auto q = Prepare(
      conn, absl::StrCat("SELECT s.task, s.step, s.subject, s.deadline, s.returned_count FROM "
                         "step_deadlines s WHERE s.done_date = '' AND s.deadline != '' AND "
                         "s.deadline <= ?1 AND s.ruled = 1 AND NOT EXISTS (SELECT 1 FROM notices "
                         "n WHERE n.rule_key = ",
                         kRowKey, "?2) ORDER BY s.task, s.step, s.subject"));
  q->bind(1, horizon);
  q->bind(2, stop_key_trigger);
  return Steps(*q);
}

std::vector<RuledStep> ReturnedAnswerSteps(SQLite::Database& conn, int count, int key_trigger) {
  auto q = Prepare(
      conn, absl::StrCat("SELECT s.task, s.step, s.subject, '' AS deadline, s.returned_count "
                         "FROM step_deadlines s WHERE s.step = ?1 AND s.ruled = 1 AND "
                         "s.returned_count >= ?2 AND NOT EXISTS (SELECT 1 FROM notices n WHERE "
                         "n.rule_key = s.task || '|' || s.step || '|' || s.subject || '||' || ?3) "
                         "ORDER BY s.task"));
  q->bind(1, static_cast<int>(v1::STEP_ANSWER));
  q->bind(2, count);
  q->bind(3, key_trigger);
  return Steps(*q);
}

std::map<std::pair<std::string, v1::Step>, int64_t> OverdueStepCounts(SQLite::Database& conn,
                                                                      const std::string& today) {
  auto q = Prepare(conn,
                   "SELECT unit, step, count(*) FROM step_deadlines WHERE done_date = '' AND "
                   "deadline != '' AND deadline < ? GROUP BY unit, step");
  q->bind(1, today);
  std::map<std::pair<std::string, v1::Step>, int64_t> out;
  while (q->executeStep()) {
    out[{q->getColumn(0).getString(), static_cast<v1::Step>(q->getColumn(1).getInt())}] =
        q->getColumn(2).getInt64();
  }
  return out;
}

std::map<std::string, int64_t> OverdueAnswersByUnit(SQLite::Database& conn,
                                                    const std::string& today) {
  auto q = Prepare(conn,
                   "SELECT unit, count(*) FROM step_deadlines WHERE ruled = 1 AND step = ? AND "
                   "deadline != '' AND deadline < ? GROUP BY unit");
  q->bind(1, static_cast<int>(v1::STEP_ANSWER));
  q->bind(2, today);
  std::map<std::string, int64_t> out;
  // Every unit with a task (score_units, a few hundred rows) reads 0 rather than nothing: a
  // gauge with no series is not exported, and the alert rules and dashboards read this one.
  auto units = Prepare(conn, "SELECT DISTINCT unit FROM score_units");
  while (units->executeStep()) out[units->getColumn(0).getString()] = 0;
  while (q->executeStep()) out[q->getColumn(0).getString()] = q->getColumn(1).getInt64();
  return out;
}

}  // namespace huiyin::supervision

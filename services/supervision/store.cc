#include "services/supervision/store.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/store/statement_cache.h"

namespace huiyin::supervision {

void AppendJournal(SQLite::Database& tx, const events::v1::Event& event) {
  auto q = Prepare(tx, "INSERT INTO journal (data) VALUES (?)");
  q->bind(1, event.SerializeAsString());
  q->exec();
}

std::vector<events::v1::Event> LoadJournal(SQLite::Database& conn) {
  auto q = Prepare(conn, "SELECT data FROM journal ORDER BY seq");
  std::vector<events::v1::Event> out;
  while (q->executeStep()) out.emplace_back().ParseFromString(q->getColumn(0).getString());
  return out;
}

void ClearReadModel(SQLite::Database& tx) {
  tx.exec(
      "DELETE FROM tasks; DELETE FROM entries; DELETE FROM entry_units; "
      "DELETE FROM figure_counters");
}

namespace {
std::vector<workflow::v1::Task> Tasks(SQLite::Statement& q) {
  std::vector<workflow::v1::Task> out;
  while (q.executeStep()) out.emplace_back().ParseFromString(q.getColumn(0).getString());
  return out;
}
}  // namespace

std::optional<workflow::v1::Task> LoadTask(SQLite::Database& conn, const std::string& name) {
  auto q = Prepare(conn, "SELECT data FROM tasks WHERE name = ?");
  q->bind(1, name);
  auto tasks = Tasks(*q);
  if (tasks.empty()) return std::nullopt;
  return tasks.front();
}

std::vector<workflow::v1::Task> TasksOfItem(SQLite::Database& conn, const std::string& item) {
  auto q = Prepare(conn, "SELECT data FROM tasks WHERE item = ? ORDER BY name");
  q->bind(1, item);
  return Tasks(*q);
}

void UpsertTask(SQLite::Database& tx, const workflow::v1::Task& task) {
  auto q = Prepare(tx,
                   "INSERT INTO tasks (name, item, data) VALUES (?, ?, ?) ON CONFLICT (name) "
                   "DO UPDATE SET item = excluded.item, data = excluded.data");
  q->bind(1, task.name());
  q->bind(2, task.item().item());
  q->bind(3, task.SerializeAsString());
  q->exec();
}

std::optional<StoredEntry> LoadEntry(SQLite::Database& conn, const std::string& item) {
  auto q = Prepare(conn, "SELECT pre_stage, data FROM entries WHERE item = ?");
  q->bind(1, item);
  if (!q->executeStep()) return std::nullopt;
  StoredEntry out;
  out.pre_stage = q->getColumn(0).getInt();
  out.entry.ParseFromString(q->getColumn(1).getString());
  return out;
}

namespace {

// entry_units: the units of an entry, one row each, so a unit's ledger is an index range.
void SaveEntryUnits(SQLite::Database& tx, const v1::LedgerEntry& e) {
  auto seq = Prepare(tx, "SELECT seq FROM entries WHERE item = ?");
  seq->bind(1, e.item().item());
  if (!seq->executeStep()) return;
  const int64_t entry = seq->getColumn(0).getInt64();
  auto clear = Prepare(tx, "DELETE FROM entry_units WHERE seq = ?");
  clear->bind(1, entry);
  clear->exec();
  auto insert = Prepare(tx, "INSERT OR IGNORE INTO entry_units (unit, seq) VALUES (?, ?)");
  for (const auto& u : e.units()) {
    insert->reset();
    insert->bind(1, u.unit());
    insert->bind(2, entry);
    insert->exec();
  }
}

}  // namespace

void SaveEntry(SQLite::Database& tx, const StoredEntry& stored) {
  const auto& e = stored.entry;
  std::string units = ",";
  for (const auto& u : e.units()) absl::StrAppend(&units, u.unit(), ",");
  auto q = Prepare(tx,
                   "INSERT INTO entries (item, pre_stage, year, session, kind, category, "
                   "leading_official, stage, units, data) VALUES (?,?,?,?,?,?,?,?,?,?) "
                   "ON CONFLICT (item) DO UPDATE SET pre_stage = excluded.pre_stage, "
                   "year = excluded.year, session = excluded.session, kind = excluded.kind, "
                   "category = excluded.category, leading_official = excluded.leading_official, "
                   "stage = excluded.stage, units = excluded.units, data = excluded.data");
  q->bind(1, e.item().item());
  q->bind(2, stored.pre_stage);
  q->bind(3, e.item().year());
  q->bind(4, e.item().session());
  q->bind(5, static_cast<int>(e.item().kind()));
  q->bind(6, e.item().category());
  q->bind(7, e.leading_official());
  q->bind(8, static_cast<int>(e.stage()));
  q->bind(9, units);
  q->bind(10, e.SerializeAsString());
  q->exec();
  SaveEntryUnits(tx, e);
}

int64_t CountEntries(SQLite::Database& conn) {
  auto q = Prepare(conn, "SELECT count(*) FROM entries");
  q->executeStep();
  return q->getColumn(0).getInt64();
}

// Only the filters given are named, so SQLite can pick an index: a unit's entries are a range of
// entry_units, leading officials, categories and stages have indexes of their own.
void ScanEntries(SQLite::Database& conn, const LedgerFilter& filter, int64_t after_seq,
                 const std::function<bool(int64_t seq, v1::LedgerEntry entry)>& visit) {
  std::string sql = "SELECT e.seq, e.data FROM entries e";
  std::vector<std::string> where = {"e.seq > :after"};
  if (!filter.unit.empty()) {
    // CROSS JOIN keeps entry_units the outer loop: the unit's range in seq order, rather than
    // every entry probed for the unit (SQLite would otherwise walk entries for the ORDER BY).
    sql = "SELECT e.seq, e.data FROM entry_units u CROSS JOIN entries e ON e.seq = u.seq";
    where = {"u.unit = :unit", "u.seq > :after"};
  }
  if (filter.year != 0) where.push_back("e.year = :year");
  if (!filter.session.empty()) where.push_back("e.session = :session");
  if (filter.kind != 0) where.push_back("e.kind = :kind");
  if (!filter.category.empty()) where.push_back("e.category = :category");
  if (!filter.leading_official.empty()) where.push_back("e.leading_official = :official");
  if (filter.stage != 0) where.push_back("e.stage = :stage");
  if (filter.overdue_step != 0) {
    where.push_back(absl::StrCat(
        "EXISTS (SELECT 1 FROM step_deadlines s WHERE s.item = e.item AND s.step = :step "
        "AND s.done_date = '' AND s.deadline != '' AND s.deadline < :before",
        filter.overdue_unit.empty() ? "" : " AND s.unit = :overdue_unit", ")"));
  }
  sql += absl::StrCat(" WHERE ", absl::StrJoin(where, " AND "),
                      filter.unit.empty() ? " ORDER BY e.seq" : " ORDER BY u.seq");
  auto q = Prepare(conn, sql);
  q->bind(":after", after_seq);
  if (!filter.unit.empty()) q->bind(":unit", filter.unit);
  if (filter.year != 0) q->bind(":year", filter.year);
  if (!filter.session.empty()) q->bind(":session", filter.session);
  if (filter.kind != 0) q->bind(":kind", filter.kind);
  if (!filter.category.empty()) q->bind(":category", filter.category);
  if (!filter.leading_official.empty()) q->bind(":official", filter.leading_official);
  if (filter.stage != 0) q->bind(":stage", filter.stage);
  if (filter.overdue_step != 0) {
    q->bind(":step", filter.overdue_step);
    q->bind(":before", filter.overdue_before);
    if (!filter.overdue_unit.empty()) q->bind(":overdue_unit", filter.overdue_unit);
  }
  while (q->executeStep()) {
    v1::LedgerEntry e;
    e.ParseFromString(q->getColumn(1).getString());
    if (!visit(q->getColumn(0).getInt64(), std::move(e))) return;
  }
}

namespace {

// The upsert of one counter row, built once from kCounterColumns.
const std::string& AddToCountersSql() {
  static const std::string sql = [] {
    std::string cols, params, updates;
    for (const char* col : kCounterColumns) {
      absl::StrAppend(&cols, ", ", col);
      absl::StrAppend(&params, ", ?");
      absl::StrAppend(&updates, updates.empty() ? "" : ", ", col, " = ", col, " + excluded.", col);
    }
    return absl::StrCat("INSERT INTO figure_counters (year, session, kind, dimension, value", cols,
                        ") VALUES (?, ?, ?, ?, ?", params,
                        ") ON CONFLICT (year, session, kind, dimension, value) DO UPDATE SET ",
                        updates);
  }();
  return sql;
}

const std::string& SumCountersSql() {
  static const std::string sql = [] {
    std::string sums;
    for (const char* col : kCounterColumns) absl::StrAppend(&sums, ", sum(", col, ")");
    return absl::StrCat("SELECT value", sums,
                        " FROM figure_counters WHERE year = ?1 AND "
                        "(?2 = '' OR session = ?2) AND (?3 = 0 OR kind = ?3) "
                        "AND dimension = ?4 AND (?5 = '' OR value = ?5) "
                        "GROUP BY value ORDER BY value");
  }();
  return sql;
}

}  // namespace

void AddToCounters(SQLite::Database& tx, const CounterKey& key, const Counts& delta) {
  auto q = Prepare(tx, AddToCountersSql());
  q->bind(1, key.year);
  q->bind(2, key.session);
  q->bind(3, key.kind);
  q->bind(4, static_cast<int>(key.dimension));
  q->bind(5, key.value);
  for (size_t i = 0; i < delta.size(); ++i) q->bind(static_cast<int>(6 + i), delta[i]);
  q->exec();
}

std::vector<std::pair<std::string, Counts>> SumCounters(SQLite::Database& conn, int year,
                                                        const std::string& session, int kind,
                                                        v1::GroupBy dimension,
                                                        const std::string& only_value) {
  auto q = Prepare(conn, SumCountersSql());
  q->bind(1, year);
  q->bind(2, session);
  q->bind(3, kind);
  q->bind(4, static_cast<int>(dimension));
  q->bind(5, only_value);
  std::vector<std::pair<std::string, Counts>> out;
  while (q->executeStep()) {
    auto& [value, counts] = out.emplace_back();
    value = q->getColumn(0).getString();
    for (size_t i = 0; i < counts.size(); ++i) {
      counts[i] = q->getColumn(static_cast<int>(i + 1)).getInt64();
    }
  }
  return out;
}

}  // namespace huiyin::supervision

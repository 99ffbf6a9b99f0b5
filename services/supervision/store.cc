#include "services/supervision/store.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"

namespace huiyin::supervision {

void AppendJournal(SQLite::Database& tx, const events::v1::Event& event) {
  SQLite::Statement q(tx, "INSERT INTO journal (data) VALUES (?)");
  q.bind(1, event.SerializeAsString());
  q.exec();
}

std::vector<events::v1::Event> LoadJournal(SQLite::Database& conn) {
  SQLite::Statement q(conn, "SELECT data FROM journal ORDER BY seq");
  std::vector<events::v1::Event> out;
  while (q.executeStep()) out.emplace_back().ParseFromString(q.getColumn(0).getString());
  return out;
}

void ClearReadModel(SQLite::Database& tx) {
  tx.exec("DELETE FROM tasks; DELETE FROM entries; DELETE FROM figure_counters");
}

namespace {
std::vector<workflow::v1::Task> Tasks(SQLite::Statement& q) {
  std::vector<workflow::v1::Task> out;
  while (q.executeStep()) out.emplace_back().ParseFromString(q.getColumn(0).getString());
  return out;
}
}  // namespace

std::optional<workflow::v1::Task> LoadTask(SQLite::Database& conn, const std::string& name) {
  SQLite::Statement q(conn, "SELECT data FROM tasks WHERE name = ?");
  q.bind(1, name);
  auto tasks = Tasks(q);
  if (tasks.empty()) return std::nullopt;
  return tasks.front();
}

std::vector<workflow::v1::Task> TasksOfItem(SQLite::Database& conn, const std::string& item) {
  SQLite::Statement q(conn, "SELECT data FROM tasks WHERE item = ? ORDER BY name");
  q.bind(1, item);
  return Tasks(q);
}

std::vector<workflow::v1::Task> AllTasks(SQLite::Database& conn) {
  SQLite::Statement q(conn, "SELECT data FROM tasks ORDER BY name");
  return Tasks(q);
}

void UpsertTask(SQLite::Database& tx, const workflow::v1::Task& task) {
  SQLite::Statement q(tx,
                      "INSERT INTO tasks (name, item, data) VALUES (?, ?, ?) ON CONFLICT (name) "
                      "DO UPDATE SET item = excluded.item, data = excluded.data");
  q.bind(1, task.name());
  q.bind(2, task.item().item());
  q.bind(3, task.SerializeAsString());
  q.exec();
}

std::optional<StoredEntry> LoadEntry(SQLite::Database& conn, const std::string& item) {
  SQLite::Statement q(conn, "SELECT pre_stage, data FROM entries WHERE item = ?");
  q.bind(1, item);
  if (!q.executeStep()) return std::nullopt;
  StoredEntry out;
  out.pre_stage = q.getColumn(0).getInt();
  out.entry.ParseFromString(q.getColumn(1).getString());
  return out;
}

void SaveEntry(SQLite::Database& tx, const StoredEntry& stored) {
  const auto& e = stored.entry;
  std::string units = ",";
  for (const auto& u : e.units()) absl::StrAppend(&units, u.unit(), ",");
  SQLite::Statement q(tx,
                      "INSERT INTO entries (item, pre_stage, year, session, kind, category, "
                      "leading_official, stage, units, data) VALUES (?,?,?,?,?,?,?,?,?,?) "
                      "ON CONFLICT (item) DO UPDATE SET pre_stage = excluded.pre_stage, "
                      "year = excluded.year, session = excluded.session, kind = excluded.kind, "
                      "category = excluded.category, leading_official = excluded.leading_official, "
                      "stage = excluded.stage, units = excluded.units, data = excluded.data");
  q.bind(1, e.item().item());
  q.bind(2, stored.pre_stage);
  q.bind(3, e.item().year());
  q.bind(4, e.item().session());
  q.bind(5, static_cast<int>(e.item().kind()));
  q.bind(6, e.item().category());
  q.bind(7, e.leading_official());
  q.bind(8, static_cast<int>(e.stage()));
  q.bind(9, units);
  q.bind(10, e.SerializeAsString());
  q.exec();
}

int64_t CountEntries(SQLite::Database& conn) {
  SQLite::Statement q(conn, "SELECT count(*) FROM entries");
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void ScanEntries(SQLite::Database& conn, const LedgerFilter& filter, int64_t after_seq,
                 const std::function<bool(int64_t seq, v1::LedgerEntry entry)>& visit) {
  SQLite::Statement q(
      conn,
      "SELECT seq, data FROM entries WHERE seq > ?1 AND (?2 = 0 OR year = ?2) AND "
      "(?3 = '' OR session = ?3) AND (?4 = 0 OR kind = ?4) AND (?5 = '' OR instr(units, "
      "',' || ?5 || ',') > 0) AND (?6 = '' OR category = ?6) AND (?7 = '' OR "
      "leading_official = ?7) AND (?8 = 0 OR stage = ?8) ORDER BY seq");
  q.bind(1, after_seq);
  q.bind(2, filter.year);
  q.bind(3, filter.session);
  q.bind(4, filter.kind);
  q.bind(5, filter.unit);
  q.bind(6, filter.category);
  q.bind(7, filter.leading_official);
  q.bind(8, filter.stage);
  while (q.executeStep()) {
    v1::LedgerEntry e;
    e.ParseFromString(q.getColumn(1).getString());
    if (!visit(q.getColumn(0).getInt64(), std::move(e))) return;
  }
}

void AddToCounters(SQLite::Database& tx, const CounterKey& key, const Counts& delta) {
  std::string cols, params, updates;
  for (const char* col : kCounterColumns) {
    absl::StrAppend(&cols, ", ", col);
    absl::StrAppend(&params, ", ?");
    absl::StrAppend(&updates, updates.empty() ? "" : ", ", col, " = ", col, " + excluded.", col);
  }
  SQLite::Statement q(
      tx, absl::StrCat("INSERT INTO figure_counters (year, session, kind, dimension, value", cols,
                       ") VALUES (?, ?, ?, ?, ?", params,
                       ") ON CONFLICT (year, session, kind, dimension, value) DO UPDATE SET ",
                       updates));
  q.bind(1, key.year);
  q.bind(2, key.session);
  q.bind(3, key.kind);
  q.bind(4, static_cast<int>(key.dimension));
  q.bind(5, key.value);
  for (size_t i = 0; i < delta.size(); ++i) q.bind(static_cast<int>(6 + i), delta[i]);
  q.exec();
}

std::vector<std::pair<std::string, Counts>> SumCounters(SQLite::Database& conn, int year,
                                                        const std::string& session, int kind,
                                                        v1::GroupBy dimension,
                                                        const std::string& only_value) {
  std::string sums;
  for (const char* col : kCounterColumns) absl::StrAppend(&sums, ", sum(", col, ")");
  SQLite::Statement q(conn, absl::StrCat("SELECT value", sums,
                                         " FROM figure_counters WHERE year = ?1 AND "
                                         "(?2 = '' OR session = ?2) AND (?3 = 0 OR kind = ?3) "
                                         "AND dimension = ?4 AND (?5 = '' OR value = ?5) "
                                         "GROUP BY value ORDER BY value"));
  q.bind(1, year);
  q.bind(2, session);
  q.bind(3, kind);
  q.bind(4, static_cast<int>(dimension));
  q.bind(5, only_value);
  std::vector<std::pair<std::string, Counts>> out;
  while (q.executeStep()) {
    auto& [value, counts] = out.emplace_back();
    value = q.getColumn(0).getString();
    for (size_t i = 0; i < counts.size(); ++i) {
      counts[i] = q.getColumn(static_cast<int>(i + 1)).getInt64();
    }
  }
  return out;
}

}  // namespace huiyin::supervision

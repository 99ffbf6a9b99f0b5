#include "services/workflow/store.h"

#include "SQLiteCpp/Statement.h"

namespace huiyin::workflow {
namespace {

std::string Bytes(const google::protobuf::Message& m) { return m.SerializeAsString(); }

void BindBlob(SQLite::Statement& q, int index, const std::string& bytes) {
  q.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

template <typename Message>
Message Parse(const SQLite::Column& column) {
  Message m;
  m.ParseFromArray(column.getBlob(), column.getBytes());
  return m;
}

StoredTask TaskRow(SQLite::Statement& q) {
  StoredTask t;
  t.seq = q.getColumn(0).getInt64();
  t.revision = q.getColumn(1).getInt64();
  t.task = Parse<v1::Task>(q.getColumn(2));
  return t;
}

// The WHERE clause of a filter; bound by BindFilter in the same order.
std::string Where(const TaskFilter& f) {
  std::string w = " WHERE seq > ?";
  if (!f.unit.empty()) w += " AND unit = ?";
  if (!f.item.empty()) w += " AND item = ?";
  if (f.state != 0) w += " AND state = ?";
  if (f.year != 0) w += " AND year = ?";
  return w;
}

int BindFilter(SQLite::Statement& q, const TaskFilter& f, int64_t after_seq) {
  int i = 1;
  q.bind(i++, after_seq);
  if (!f.unit.empty()) q.bind(i++, f.unit);
  if (!f.item.empty()) q.bind(i++, f.item);
  if (f.state != 0) q.bind(i++, f.state);
  if (f.year != 0) q.bind(i++, f.year);
  return i;
}

}  // namespace

void UpsertItem(SQLite::Database& tx, const intake::v1::Item& item) {
  SQLite::Statement q(tx,
                      "INSERT INTO items(name, lead_proposer, data) VALUES(?, ?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET lead_proposer = excluded.lead_proposer, "
                      "data = excluded.data");
  q.bind(1, item.name());
  q.bind(2, item.lead_proposer().person());
  BindBlob(q, 3, Bytes(item));
  q.exec();
}

std::optional<intake::v1::Item> LoadItem(SQLite::Database& conn, const std::string& name) {
  SQLite::Statement q(conn, "SELECT data FROM items WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return Parse<intake::v1::Item>(q.getColumn(0));
}

void UpsertUnit(SQLite::Database& tx, const assignment::v1::Unit& unit) {
  SQLite::Statement q(tx,
                      "INSERT INTO units(name, data) VALUES(?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET data = excluded.data");
  q.bind(1, unit.name());
  BindBlob(q, 2, Bytes(unit));
  q.exec();
}

std::optional<assignment::v1::Unit> LoadUnit(SQLite::Database& conn, const std::string& name) {
  SQLite::Statement q(conn, "SELECT data FROM units WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return Parse<assignment::v1::Unit>(q.getColumn(0));
}

std::optional<StoredTask> LoadTask(SQLite::Database& conn, const std::string& id) {
  SQLite::Statement q(conn, "SELECT seq, revision, data FROM tasks WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return TaskRow(q);
}

std::vector<StoredTask> TasksOfItem(SQLite::Database& conn, const std::string& item) {
  SQLite::Statement q(conn, "SELECT seq, revision, data FROM tasks WHERE item = ? ORDER BY seq");
  q.bind(1, item);
  std::vector<StoredTask> out;
  while (q.executeStep()) out.push_back(TaskRow(q));
  return out;
}

int64_t InsertTask(SQLite::Database& tx, const std::string& id, const v1::Task& task) {
  SQLite::Statement q(tx,
                      "INSERT INTO tasks(id, item, unit, state, year, revision, data) "
                      "VALUES(?, ?, ?, ?, ?, 1, ?)");
  q.bind(1, id);
  q.bind(2, task.item().item());
  q.bind(3, task.unit());
  q.bind(4, static_cast<int>(task.state()));
  q.bind(5, task.item().year());
  BindBlob(q, 6, Bytes(task));
  q.exec();
  return tx.getLastInsertRowid();
}

void UpdateTask(SQLite::Database& tx, const StoredTask& stored) {
  SQLite::Statement q(tx, "UPDATE tasks SET state = ?, revision = ?, data = ? WHERE seq = ?");
  q.bind(1, static_cast<int>(stored.task.state()));
  q.bind(2, stored.revision);
  BindBlob(q, 3, Bytes(stored.task));
  q.bind(4, stored.seq);
  q.exec();
}

std::vector<StoredTask> ListTasks(SQLite::Database& conn, const TaskFilter& filter,
                                  int64_t after_seq, int limit) {
  SQLite::Statement q(
      conn, "SELECT seq, revision, data FROM tasks" + Where(filter) + " ORDER BY seq LIMIT ?");
  q.bind(BindFilter(q, filter, after_seq), limit);
  std::vector<StoredTask> out;
  while (q.executeStep()) out.push_back(TaskRow(q));
  return out;
}

int64_t CountTasks(SQLite::Database& conn, const TaskFilter& filter) {
  SQLite::Statement q(conn, "SELECT count(*) FROM tasks" + Where(filter));
  BindFilter(q, filter, 0);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::optional<std::string> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                             const std::string& method,
                                             const std::string& request_id) {
  SQLite::Statement q(conn,
                      "SELECT resource FROM served_requests WHERE caller = ? AND method = ? AND "
                      "request_id = ?");
  q.bind(1, caller);
  q.bind(2, method);
  q.bind(3, request_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& resource) {
  SQLite::Statement q(
      tx, "INSERT INTO served_requests(caller, method, request_id, resource) VALUES(?, ?, ?, ?)");
  q.bind(1, caller);
  q.bind(2, method);
  q.bind(3, request_id);
  q.bind(4, resource);
  q.exec();
}

}  // namespace huiyin::workflow

#include "services/assignment/store.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace huiyin::assignment {
namespace {

void BindBlob(SQLite::Statement& s, int index, const std::string& bytes) {
  s.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

template <typename Message>
Message ParseBlob(const SQLite::Column& column) {
  Message m;
  m.ParseFromArray(column.getBlob(), column.getBytes());
  return m;
}

// Query parameters of a filter: text or integer, in order.
struct Where {
  std::vector<std::string> clauses = {"1"};
  std::vector<std::pair<bool, std::string>> text_args;  // (is_text, value)
  std::vector<int64_t> int_args;

  void Text(const std::string& clause, const std::string& value) {
    clauses.push_back(clause);
    text_args.push_back({true, value});
  }
  void Integer(const std::string& clause, int64_t value) {
    clauses.push_back(clause);
    text_args.push_back({false, ""});
    int_args.push_back(value);
  }
  std::string Sql() const { return absl::StrJoin(clauses, " AND "); }
  // Binds from parameter `first`; returns the next free index.
  int Bind(SQLite::Statement& s, int first) const {
    size_t n = 0;
    for (const auto& [is_text, value] : text_args) {
      if (is_text) {
        s.bind(first++, value);
      } else {
        s.bind(first++, static_cast<int64_t>(int_args[n++]));
      }
    }
    return first;
  }
};

StoredUnit ReadUnit(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
          ParseBlob<v1::Unit>(q.getColumn(2))};
}

void ReplaceUnitIndexes(SQLite::Database& tx, int64_t seq, const v1::Unit& unit) {
  for (const char* sql : {"DELETE FROM unit_categories WHERE unit_seq = ?",
                          "DELETE FROM unit_members WHERE unit_seq = ?"}) {
    SQLite::Statement clear(tx, sql);
    clear.bind(1, static_cast<int64_t>(seq));
    clear.exec();
  }
  SQLite::Statement category(
      tx, "INSERT OR IGNORE INTO unit_categories(category, unit_seq) VALUES (?, ?)");
  for (const auto& c : unit.categories()) {
    category.bind(1, c);
    category.bind(2, static_cast<int64_t>(seq));
    category.exec();
    category.reset();
  }
  SQLite::Statement member(
      tx, "INSERT OR IGNORE INTO unit_members(person, unit_seq, role) VALUES (?, ?, ?)");
  for (const auto& m : unit.members()) {
    member.bind(1, m.person());
    member.bind(2, static_cast<int64_t>(seq));
    member.bind(3, static_cast<int>(m.role()));
    member.exec();
    member.reset();
  }
}

StoredItem ReadItem(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt() != 0,
          ParseBlob<v1::ItemSummary>(q.getColumn(2))};
}

void ReplaceProposers(SQLite::Database& tx, int64_t seq, const v1::ItemSummary& item) {
  SQLite::Statement clear(tx, "DELETE FROM item_proposers WHERE item_seq = ?");
  clear.bind(1, static_cast<int64_t>(seq));
  clear.exec();
  SQLite::Statement add(tx, "INSERT OR IGNORE INTO item_proposers(person, item_seq) VALUES (?, ?)");
  for (const auto& person : item.proposers()) {
    add.bind(1, person);
    add.bind(2, static_cast<int64_t>(seq));
    add.exec();
    add.reset();
  }
}

Where WaitingWhere(const ItemFilter& f) {
  Where w;
  w.Integer("i.assigned = ?", 0);
  if (!f.session.empty()) w.Text("i.session = ?", f.session);
  if (f.year != 0) w.Integer("i.year = ?", f.year);
  if (f.kind != 0) w.Integer("i.kind = ?", f.kind);
  return w;
}

StoredAssignment ReadAssignment(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
          ParseBlob<v1::Assignment>(q.getColumn(3))};
}

void ReplaceAssignmentUnits(SQLite::Database& tx, const StoredAssignment& stored) {
  SQLite::Statement clear(tx, "DELETE FROM assignment_units WHERE item_seq = ?");
  clear.bind(1, static_cast<int64_t>(stored.item_seq));
  clear.exec();
  SQLite::Statement add(tx, "INSERT INTO assignment_units(unit, item_seq, role) VALUES (?, ?, ?)");
  for (const auto& u : stored.assignment.units()) {
    add.bind(1, u.unit());
    add.bind(2, static_cast<int64_t>(stored.item_seq));
    add.bind(3, static_cast<int>(u.role()));
    add.exec();
    add.reset();
  }
}

// The blob of an assignment row: what the other tables do not hold.
std::string AssignmentBlob(v1::Assignment a) {
  a.clear_item();
  a.clear_objections();
  a.clear_extensions();
  a.clear_history();
  return a.SerializeAsString();
}

Where AssignmentWhere(const AssignmentFilter& f) {
  Where w;
  if (!f.unit.empty()) {
    w.Text("a.item_seq IN (SELECT item_seq FROM assignment_units WHERE unit = ?)", f.unit);
  }
  if (!f.proposer.empty()) {
    w.Text("a.item_seq IN (SELECT item_seq FROM item_proposers WHERE person = ?)", f.proposer);
  }
  if (!f.leading_official.empty()) {
    w.Text("a.is_key = 1 AND a.leading_official = ?", f.leading_official);
  }
  if (f.year != 0) w.Integer("i.year = ?", f.year);
  if (!f.session.empty()) w.Text("i.session = ?", f.session);
  if (f.key_only) w.Integer("a.is_key = ?", 1);
  if (f.state != 0) w.Integer("a.state = ?", f.state);
  return w;
}

template <typename Message>
std::vector<Message> LoadChildren(SQLite::Database& conn, const std::string& table,
                                  const std::string& column, int64_t item_seq, int version) {
  SQLite::Statement q(conn, absl::StrCat("SELECT ", column, " FROM ", table,
                                         " WHERE item_seq = ? AND version = ? ORDER BY seq"));
  q.bind(1, static_cast<int64_t>(item_seq));
  q.bind(2, version);
  std::vector<Message> out;
  while (q.executeStep()) out.push_back(ParseBlob<Message>(q.getColumn(0)));
  return out;
}

template <typename Message>
std::optional<StoredChild<Message>> LoadChild(SQLite::Database& conn, const std::string& table,
                                              const std::string& column, int64_t item_seq,
                                              const std::string& id) {
  SQLite::Statement q(conn, absl::StrCat("SELECT version, ", column, " FROM ", table,
                                         " WHERE item_seq = ? AND id = ?"));
  q.bind(1, static_cast<int64_t>(item_seq));
  q.bind(2, id);
  if (!q.executeStep()) return std::nullopt;
  return StoredChild<Message>{q.getColumn(0).getInt(), ParseBlob<Message>(q.getColumn(1))};
}

void InsertChild(SQLite::Database& tx, const std::string& table, const std::string& column,
                 int64_t item_seq, int version, const std::string& id, const std::string& unit,
                 int state, const std::string& blob) {
  SQLite::Statement q(
      tx, absl::StrCat("INSERT INTO ", table, "(item_seq, id, version, unit, state, ", column,
                       ") VALUES (?, ?, ?, ?, ?, ?)"));
  q.bind(1, static_cast<int64_t>(item_seq));
  q.bind(2, id);
  q.bind(3, version);
  q.bind(4, unit);
  q.bind(5, state);
  BindBlob(q, 6, blob);
  q.exec();
}

void UpdateChild(SQLite::Database& tx, const std::string& table, const std::string& column,
                 int64_t item_seq, const std::string& id, int state, const std::string& blob) {
  SQLite::Statement q(tx, absl::StrCat("UPDATE ", table, " SET state = ?, ", column,
                                       " = ? WHERE item_seq = ? AND id = ?"));
  q.bind(1, state);
  BindBlob(q, 2, blob);
  q.bind(3, static_cast<int64_t>(item_seq));
  q.bind(4, id);
  q.exec();
}

}  // namespace

std::optional<StoredUnit> LoadUnit(SQLite::Database& conn, const std::string& id) {
  SQLite::Statement q(conn, "SELECT seq, revision, unit FROM units WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadUnit(q);
}

void InsertUnit(SQLite::Database& tx, const std::string& id, const v1::Unit& unit) {
  SQLite::Statement q(tx, "INSERT INTO units(id, kind, active, revision, unit) VALUES (?,?,?,1,?)");
  q.bind(1, id);
  q.bind(2, static_cast<int>(unit.kind()));
  q.bind(3, unit.active() ? 1 : 0);
  BindBlob(q, 4, unit.SerializeAsString());
  q.exec();
  ReplaceUnitIndexes(tx, tx.getLastInsertRowid(), unit);
}

void UpdateUnit(SQLite::Database& tx, const StoredUnit& stored) {
  SQLite::Statement q(
      tx, "UPDATE units SET kind = ?, active = ?, revision = ?, unit = ? WHERE seq = ?");
  q.bind(1, static_cast<int>(stored.unit.kind()));
  q.bind(2, stored.unit.active() ? 1 : 0);
  q.bind(3, static_cast<int64_t>(stored.revision));
  BindBlob(q, 4, stored.unit.SerializeAsString());
  q.bind(5, static_cast<int64_t>(stored.seq));
  q.exec();
  ReplaceUnitIndexes(tx, stored.seq, stored.unit);
}

std::vector<StoredUnit> ListUnits(SQLite::Database& conn, const UnitFilter& filter,
                                  int64_t after_seq, int limit) {
  Where w;
  if (!filter.include_inactive) w.Integer("u.active = ?", 1);
  if (filter.kind != 0) w.Integer("u.kind = ?", filter.kind);
  if (!filter.category.empty()) {
    w.Text("u.seq IN (SELECT unit_seq FROM unit_categories WHERE category = ?)", filter.category);
  }
  SQLite::Statement q(conn, absl::StrCat("SELECT u.seq, u.revision, u.unit FROM units u WHERE ",
                                         w.Sql(), " AND u.seq > ? ORDER BY u.seq LIMIT ?"));
  int next = w.Bind(q, 1);
  q.bind(next, static_cast<int64_t>(after_seq));
  q.bind(next + 1, limit);
  std::vector<StoredUnit> out;
  while (q.executeStep()) out.push_back(ReadUnit(q));
  return out;
}

std::vector<StoredUnit> UnitsWithCategory(SQLite::Database& conn, const std::string& category) {
  UnitFilter filter;
  filter.category = category;
  return ListUnits(conn, filter, 0, 10000);
}

std::optional<StoredItem> LoadItem(SQLite::Database& conn, const std::string& id) {
  SQLite::Statement q(conn, "SELECT seq, assigned, summary FROM items WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadItem(q);
}

std::optional<StoredItem> LoadItemBySeq(SQLite::Database& conn, int64_t seq) {
  SQLite::Statement q(conn, "SELECT seq, assigned, summary FROM items WHERE seq = ?");
  q.bind(1, static_cast<int64_t>(seq));
  if (!q.executeStep()) return std::nullopt;
  return ReadItem(q);
}

int64_t InsertItem(SQLite::Database& tx, const std::string& id, const v1::ItemSummary& item) {
  SQLite::Statement q(tx,
                      "INSERT INTO items(id, kind, session, year, category, assigned, summary) "
                      "VALUES (?,?,?,?,?,0,?)");
  q.bind(1, id);
  q.bind(2, static_cast<int>(item.kind()));
  q.bind(3, item.session());
  q.bind(4, item.year());
  q.bind(5, item.category());
  BindBlob(q, 6, item.SerializeAsString());
  q.exec();
  int64_t seq = tx.getLastInsertRowid();
  ReplaceProposers(tx, seq, item);
  return seq;
}

void UpdateItemSummary(SQLite::Database& tx, int64_t seq, const v1::ItemSummary& item) {
  SQLite::Statement q(tx, "UPDATE items SET category = ?, summary = ? WHERE seq = ?");
  q.bind(1, item.category());
  BindBlob(q, 2, item.SerializeAsString());
  q.bind(3, static_cast<int64_t>(seq));
  q.exec();
  ReplaceProposers(tx, seq, item);
}

void MarkAssigned(SQLite::Database& tx, int64_t seq) {
  SQLite::Statement q(tx, "UPDATE items SET assigned = 1 WHERE seq = ?");
  q.bind(1, static_cast<int64_t>(seq));
  q.exec();
}

std::vector<StoredItem> ListWaitingItems(SQLite::Database& conn, const ItemFilter& filter,
                                         int64_t after_seq, int limit) {
  Where w = WaitingWhere(filter);
  SQLite::Statement q(conn, absl::StrCat("SELECT i.seq, i.assigned, i.summary FROM items i WHERE ",
                                         w.Sql(), " AND i.seq > ? ORDER BY i.seq LIMIT ?"));
  int next = w.Bind(q, 1);
  q.bind(next, static_cast<int64_t>(after_seq));
  q.bind(next + 1, limit);
  std::vector<StoredItem> out;
  while (q.executeStep()) out.push_back(ReadItem(q));
  return out;
}

int64_t CountWaitingItems(SQLite::Database& conn, const ItemFilter& filter) {
  Where w = WaitingWhere(filter);
  SQLite::Statement q(conn, absl::StrCat("SELECT count(*) FROM items i WHERE ", w.Sql()));
  w.Bind(q, 1);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::optional<StoredAssignment> LoadAssignment(SQLite::Database& conn, int64_t item_seq) {
  SQLite::Statement q(conn,
                      "SELECT item_seq, revision, first_assign_date, assignment FROM assignments "
                      "WHERE item_seq = ?");
  q.bind(1, static_cast<int64_t>(item_seq));
  if (!q.executeStep()) return std::nullopt;
  return ReadAssignment(q);
}

void InsertAssignment(SQLite::Database& tx, const StoredAssignment& stored) {
  const v1::Assignment& a = stored.assignment;
  SQLite::Statement q(tx,
                      "INSERT INTO assignments(item_seq, version, state, is_key, leading_official, "
                      "first_assign_date, revision, assignment) VALUES (?,?,?,?,?,?,?,?)");
  q.bind(1, static_cast<int64_t>(stored.item_seq));
  q.bind(2, a.version());
  q.bind(3, static_cast<int>(a.state()));
  q.bind(4, a.key() ? 1 : 0);
  q.bind(5, a.leading_official());
  q.bind(6, stored.first_assign_date);
  q.bind(7, static_cast<int64_t>(stored.revision));
  BindBlob(q, 8, AssignmentBlob(a));
  q.exec();
  ReplaceAssignmentUnits(tx, stored);
}

void UpdateAssignment(SQLite::Database& tx, const StoredAssignment& stored) {
  const v1::Assignment& a = stored.assignment;
  SQLite::Statement q(tx,
                      "UPDATE assignments SET version = ?, state = ?, is_key = ?, "
                      "leading_official = ?, revision = ?, assignment = ? WHERE item_seq = ?");
  q.bind(1, a.version());
  q.bind(2, static_cast<int>(a.state()));
  q.bind(3, a.key() ? 1 : 0);
  q.bind(4, a.leading_official());
  q.bind(5, static_cast<int64_t>(stored.revision));
  BindBlob(q, 6, AssignmentBlob(a));
  q.bind(7, static_cast<int64_t>(stored.item_seq));
  q.exec();
  ReplaceAssignmentUnits(tx, stored);
}

void InsertVersion(SQLite::Database& tx, int64_t item_seq, const v1::Assignment& version) {
  SQLite::Statement q(
      tx, "INSERT INTO assignment_versions(item_seq, version, assignment) VALUES (?,?,?)");
  q.bind(1, static_cast<int64_t>(item_seq));
  q.bind(2, version.version());
  BindBlob(q, 3, AssignmentBlob(version));
  q.exec();
}

std::vector<v1::Assignment> LoadVersions(SQLite::Database& conn, int64_t item_seq) {
  SQLite::Statement q(
      conn, "SELECT assignment FROM assignment_versions WHERE item_seq = ? ORDER BY version");
  q.bind(1, static_cast<int64_t>(item_seq));
  std::vector<v1::Assignment> out;
  while (q.executeStep()) out.push_back(ParseBlob<v1::Assignment>(q.getColumn(0)));
  return out;
}

std::vector<StoredAssignment> ListAssignments(SQLite::Database& conn,
                                              const AssignmentFilter& filter, int64_t after_seq,
                                              int limit) {
  Where w = AssignmentWhere(filter);
  SQLite::Statement q(
      conn, absl::StrCat("SELECT a.item_seq, a.revision, a.first_assign_date, a.assignment "
                         "FROM assignments a JOIN items i ON i.seq = a.item_seq WHERE ",
                         w.Sql(), " AND a.item_seq > ? ORDER BY a.item_seq LIMIT ?"));
  int next = w.Bind(q, 1);
  q.bind(next, static_cast<int64_t>(after_seq));
  q.bind(next + 1, limit);
  std::vector<StoredAssignment> out;
  while (q.executeStep()) out.push_back(ReadAssignment(q));
  return out;
}

int64_t CountAssignments(SQLite::Database& conn, const AssignmentFilter& filter) {
  Where w = AssignmentWhere(filter);
  SQLite::Statement q(conn, absl::StrCat("SELECT count(*) FROM assignments a JOIN items i ON "
                                         "i.seq = a.item_seq WHERE ",
                                         w.Sql()));
  w.Bind(q, 1);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void InsertObjection(SQLite::Database& tx, int64_t item_seq, int version, const std::string& id,
                     const v1::Objection& objection) {
  InsertChild(tx, "objections", "objection", item_seq, version, id, objection.unit(),
              objection.state(), objection.SerializeAsString());
}

void UpdateObjection(SQLite::Database& tx, int64_t item_seq, const std::string& id,
                     const v1::Objection& objection) {
  UpdateChild(tx, "objections", "objection", item_seq, id, objection.state(),
              objection.SerializeAsString());
}

std::vector<v1::Objection> LoadObjections(SQLite::Database& conn, int64_t item_seq, int version) {
  return LoadChildren<v1::Objection>(conn, "objections", "objection", item_seq, version);
}

void InsertExtension(SQLite::Database& tx, int64_t item_seq, int version, const std::string& id,
                     const v1::Extension& extension) {
  InsertChild(tx, "extensions", "extension", item_seq, version, id, extension.unit(),
              extension.state(), extension.SerializeAsString());
}

void UpdateExtension(SQLite::Database& tx, int64_t item_seq, const std::string& id,
                     const v1::Extension& extension) {
  UpdateChild(tx, "extensions", "extension", item_seq, id, extension.state(),
              extension.SerializeAsString());
}

std::vector<v1::Extension> LoadExtensions(SQLite::Database& conn, int64_t item_seq, int version) {
  return LoadChildren<v1::Extension>(conn, "extensions", "extension", item_seq, version);
}

std::optional<StoredChild<v1::Objection>> LoadObjection(SQLite::Database& conn, int64_t item_seq,
                                                        const std::string& id) {
  return LoadChild<v1::Objection>(conn, "objections", "objection", item_seq, id);
}

std::optional<StoredChild<v1::Extension>> LoadExtension(SQLite::Database& conn, int64_t item_seq,
                                                        const std::string& id) {
  return LoadChild<v1::Extension>(conn, "extensions", "extension", item_seq, id);
}

void AddHandled(SQLite::Database& tx, const std::string& unit, const std::string& category,
                int year, int delta) {
  SQLite::Statement q(tx,
                      "INSERT INTO unit_category_history(unit, category, handled, last_year) "
                      "VALUES (?1, ?2, max(?3, 0), ?4) ON CONFLICT(category, unit) DO UPDATE SET "
                      "handled = max(handled + ?3, 0), "
                      "last_year = CASE WHEN ?3 > 0 THEN max(last_year, ?4) ELSE last_year END");
  q.bind(1, unit);
  q.bind(2, category);
  q.bind(3, delta);
  q.bind(4, year);
  q.exec();
}

std::map<std::string, int> HandledInCategory(SQLite::Database& conn, const std::string& category) {
  SQLite::Statement q(conn,
                      "SELECT unit, handled FROM unit_category_history WHERE category = ? AND "
                      "handled > 0");
  q.bind(1, category);
  std::map<std::string, int> out;
  while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt();
  return out;
}

std::optional<ServedRequest> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                               const std::string& method,
                                               const std::string& request_id) {
  SQLite::Statement q(conn,
                      "SELECT resource, response FROM idempotency WHERE caller = ? AND method = ? "
                      "AND request_id = ?");
  q.bind(1, caller);
  q.bind(2, method);
  q.bind(3, request_id);
  if (!q.executeStep()) return std::nullopt;
  ServedRequest served{q.getColumn(0).getString(), ""};
  if (const auto& response = q.getColumn(1); !response.isNull()) {
    served.response.assign(static_cast<const char*>(response.getBlob()),
                           static_cast<size_t>(response.getBytes()));
  }
  return served;
}

void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& resource,
                         const std::string& response, absl::Time now) {
  SQLite::Statement q(tx,
                      "INSERT INTO idempotency(caller, method, request_id, resource, response, "
                      "create_time_us) VALUES (?,?,?,?,?,?)");
  q.bind(1, caller);
  q.bind(2, method);
  q.bind(3, request_id);
  q.bind(4, resource);
  if (response.empty()) {
    q.bind(5);
  } else {
    BindBlob(q, 5, response);
  }
  q.bind(6, static_cast<int64_t>(absl::ToUnixMicros(now)));
  q.exec();
}

}  // namespace huiyin::assignment

#include "services/disclosure/store.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "common/store/statement_cache.h"

namespace huiyin::disclosure {
namespace {

constexpr char kRecordColumns[] =
    "seq, data, public, revision, awaiting, pending_answer, due_date, overdue_answer, "
    "title_override, body_override, publish_seq";

StoredRecord ReadRecord(SQLite::Statement& q) {
  StoredRecord r;
  r.seq = q.getColumn(0).getInt64();
  r.data.ParseFromString(q.getColumn(1).getString());
  if (!q.getColumn(2).isNull()) r.pub.emplace().ParseFromString(q.getColumn(2).getString());
  r.revision = q.getColumn(3).getInt64();
  r.awaiting = q.getColumn(4).getInt() != 0;
  r.pending_answer = q.getColumn(5).getString();
  r.due_date = q.getColumn(6).getString();
  r.overdue_answer = q.getColumn(7).getString();
  r.title_override = q.getColumn(8).getString();
  r.body_override = q.getColumn(9).getString();
  r.publish_seq = q.getColumn(10).getInt64();
  return r;
}

// Rows of (publish_seq, public): a page of ListPublic or SearchPublic.
PublicRows ReadPublicRows(SQLite::Statement& q) {
  PublicRows out;
  while (q.executeStep()) {
    auto& [seq, d] = out.emplace_back();
    seq = q.getColumn(0).getInt64();
    d.ParseFromString(q.getColumn(1).getString());
  }
  return out;
}

// The WHERE clause of a filter, its parameters numbered from ?1.
constexpr char kFilterSql[] =
    "(?1 = 0 OR state = ?1) AND (?2 = '' OR (awaiting = 1 AND due_date != '' AND due_date < ?2)) "
    "AND (?3 = 0 OR year = ?3) AND (?4 = 0 OR kind = ?4) AND (?5 = '' OR session = ?5) AND "
    "(?6 = '' OR instr(units, ',' || ?6 || ',') > 0) AND (?7 = '' OR category = ?7) AND "
    "(?8 = 0 OR answer_class = ?8)";

void BindFilter(SQLite::Statement& q, const RecordFilter& f) {
  q.bind(1, f.state);
  q.bind(2, f.overdue_before);
  q.bind(3, f.year);
  q.bind(4, f.kind);
  q.bind(5, f.session);
  q.bind(6, f.unit);
  q.bind(7, f.category);
  q.bind(8, f.answer_class);
}

}  // namespace

void UpsertItem(SQLite::Database& tx, const intake::v1::Item& item) {
  auto q = Prepare(tx,
                   "INSERT INTO items (name, data) VALUES (?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET data = excluded.data");
  q->bind(1, item.name());
  q->bind(2, item.SerializeAsString());
  q->exec();
}

std::optional<intake::v1::Item> LoadItem(SQLite::Database& conn, const std::string& name) {
  auto q = Prepare(conn, "SELECT data FROM items WHERE name = ?");
  q->bind(1, name);
  if (!q->executeStep()) return std::nullopt;
  intake::v1::Item item;
  item.ParseFromString(q->getColumn(0).getString());
  return item;
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

std::vector<workflow::v1::Task> TasksOfItem(SQLite::Database& conn, const std::string& item) {
  auto q = Prepare(conn, "SELECT data FROM tasks WHERE item = ? ORDER BY name");
  q->bind(1, item);
  std::vector<workflow::v1::Task> out;
  while (q->executeStep()) out.emplace_back().ParseFromString(q->getColumn(0).getString());
  return out;
}

std::optional<StoredRecord> LoadRecord(SQLite::Database& conn, const std::string& name) {
  auto q = Prepare(conn, absl::StrCat("SELECT ", kRecordColumns, " FROM records WHERE name = ?"));
  q->bind(1, name);
  if (!q->executeStep()) return std::nullopt;
  return ReadRecord(*q);
}

void SaveRecord(SQLite::Database& tx, StoredRecord& r) {
  const auto& d = r.data;
  std::string units = ",";
  for (const auto& u : d.units()) absl::StrAppend(&units, u.unit(), ",");
  int answer_class = 0;
  if (r.pub.has_value() && r.pub->answers_size() > 0) {
    answer_class = r.pub->answers(r.pub->answers_size() - 1).answer_class();
  }
  auto q = Prepare(
      tx,
      "INSERT INTO records (name, item, state, year, session, kind, category, units, "
      "answer_class, revision, awaiting, pending_answer, due_date, overdue_answer, "
      "title_override, body_override, publish_seq, data, public) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
      "ON CONFLICT (name) DO UPDATE SET state = ?3, year = ?4, session = ?5, kind = ?6, "
      "category = ?7, units = ?8, answer_class = ?9, revision = ?10, awaiting = ?11, "
      "pending_answer = ?12, due_date = ?13, overdue_answer = ?14, title_override = ?15, "
      "body_override = ?16, publish_seq = ?17, data = ?18, public = ?19");
  q->bind(1, d.name());
  q->bind(2, d.item());
  q->bind(3, static_cast<int>(d.state()));
  q->bind(4, d.year());
  q->bind(5, d.session());
  q->bind(6, static_cast<int>(d.kind()));
  q->bind(7, d.category());
  q->bind(8, units);
  q->bind(9, answer_class);
  q->bind(10, r.revision);
  q->bind(11, r.awaiting ? 1 : 0);
  q->bind(12, r.pending_answer);
  q->bind(13, r.due_date);
  q->bind(14, r.overdue_answer);
  q->bind(15, r.title_override);
  q->bind(16, r.body_override);
  q->bind(17, r.publish_seq);
  q->bind(18, d.SerializeAsString());
  if (r.pub.has_value()) {
    q->bind(19, r.pub->SerializeAsString());
  } else {
    q->bind(19);
  }
  q->exec();
  if (r.seq == 0) {
    auto s = Prepare(tx, "SELECT seq FROM records WHERE name = ?");
    s->bind(1, d.name());
    if (s->executeStep()) r.seq = s->getColumn(0).getInt64();
  }
}

int64_t NextPublishSeq(SQLite::Database& tx) {
  // Over public records only, so the partial index records_public answers it; max() over every
  // record read the whole table on each publication (~280 ms at 100,000 records). Publish order
  // matters among public records only: a new publication still comes after all of them.
  return tx
      .execAndGet("SELECT coalesce(max(publish_seq), 0) + 1 FROM records WHERE public IS NOT NULL")
      .getInt64();
}

void IndexPublic(SQLite::Database& tx, int64_t publish_seq, const std::string& title,
                 const std::string& body, const std::string& answers) {
  auto q =
      Prepare(tx, "INSERT INTO public_search (rowid, title, body, answers) VALUES (?, ?, ?, ?)");
  q->bind(1, publish_seq);
  q->bind(2, title);
  q->bind(3, body);
  q->bind(4, answers);
  q->exec();
}

void UnindexPublic(SQLite::Database& tx, const StoredRecord& record) {
  if (!record.pub.has_value()) return;  // not indexed: its old publish_seq may be another's now
  auto q = Prepare(tx, "DELETE FROM public_search WHERE rowid = ?");
  q->bind(1, record.publish_seq);
  q->exec();
}

void AppendVersion(SQLite::Database& tx, const std::string& record,
                   const v1::DisclosureVersion& v) {
  SQLite::Statement q(tx,
                      "INSERT INTO record_versions (record, version, kind, note, actor, time, "
                      "data) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, record);
  q.bind(2, v.version());
  q.bind(3, v.kind());
  q.bind(4, v.note());
  q.bind(5, v.actor());
  q.bind(6, static_cast<int64_t>(v.time().seconds()));
  q.bind(7, v.content().SerializeAsString());
  q.exec();
}

std::vector<v1::DisclosureVersion> LoadVersions(SQLite::Database& conn, const std::string& record) {
  SQLite::Statement q(conn,
                      "SELECT version, kind, note, actor, time, data FROM record_versions "
                      "WHERE record = ? ORDER BY seq");
  q.bind(1, record);
  std::vector<v1::DisclosureVersion> out;
  while (q.executeStep()) {
    auto& v = out.emplace_back();
    v.set_version(q.getColumn(0).getInt());
    v.set_kind(q.getColumn(1).getString());
    v.set_note(q.getColumn(2).getString());
    v.set_actor(q.getColumn(3).getString());
    v.mutable_time()->set_seconds(q.getColumn(4).getInt64());
    v.mutable_content()->ParseFromString(q.getColumn(5).getString());
  }
  return out;
}

void ScanRecords(SQLite::Database& conn, const RecordFilter& filter, int64_t after_seq,
                 const std::function<bool(const StoredRecord&)>& visit) {
  SQLite::Statement q(conn, absl::StrCat("SELECT ", kRecordColumns, " FROM records WHERE ",
                                         kFilterSql, " AND seq > ?9 ORDER BY seq"));
  BindFilter(q, filter);
  q.bind(9, after_seq);
  while (q.executeStep()) {
    if (!visit(ReadRecord(q))) return;
  }
}

int64_t CountRecords(SQLite::Database& conn, const RecordFilter& filter) {
  SQLite::Statement q(conn, absl::StrCat("SELECT count(*) FROM records WHERE ", kFilterSql));
  BindFilter(q, filter);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

PublicRows ListPublic(SQLite::Database& conn, const RecordFilter& filter, int64_t before,
                      int limit) {
  SQLite::Statement q(conn,
                      absl::StrCat("SELECT publish_seq, public FROM records WHERE ", kFilterSql,
                                   " AND public IS NOT NULL AND (?9 = 0 OR publish_seq < ?9)"
                                   " ORDER BY publish_seq DESC LIMIT ?10"));
  BindFilter(q, filter);
  q.bind(9, before);
  q.bind(10, limit);
  return ReadPublicRows(q);
}

PublicRows SearchPublic(SQLite::Database& conn, const std::string& match,
                        const RecordFilter& filter, int64_t before, int limit) {
  // The index hands its matches over newest first (rowid = publish_seq, descending) and the query
  // stops at a page; records_public finds each match's record.
  SQLite::Statement q(
      conn, absl::StrCat("SELECT r.publish_seq, r.public FROM public_search s "
                         "JOIN records r ON r.publish_seq = s.rowid AND r.public IS NOT NULL "
                         "WHERE ",
                         kFilterSql,
                         " AND public_search MATCH ?9 AND (?10 = 0 OR s.rowid < ?10) "
                         "ORDER BY s.rowid DESC LIMIT ?11"));
  BindFilter(q, filter);
  q.bind(9, match);
  q.bind(10, before);
  q.bind(11, limit);
  return ReadPublicRows(q);
}

std::vector<StoredRecord> NewlyOverdue(SQLite::Database& conn, const std::string& today) {
  SQLite::Statement q(conn, absl::StrCat("SELECT ", kRecordColumns,
                                         " FROM records WHERE awaiting = 1 AND due_date != '' AND "
                                         "due_date < ? AND overdue_answer != pending_answer "
                                         "ORDER BY seq"));
  q.bind(1, today);
  std::vector<StoredRecord> out;
  while (q.executeStep()) out.push_back(ReadRecord(q));
  return out;
}

std::map<int, int64_t> CountByState(SQLite::Database& conn) {
  SQLite::Statement q(conn, "SELECT state, count(*) FROM records GROUP BY state");
  std::map<int, int64_t> out;
  while (q.executeStep()) out[q.getColumn(0).getInt()] = q.getColumn(1).getInt64();
  return out;
}

std::map<int, int64_t> WithheldByReason(SQLite::Database& conn) {
  SQLite::Statement q(conn, "SELECT data FROM records WHERE state = ?");
  q.bind(1, static_cast<int>(v1::DISCLOSURE_STATE_WITHHELD));
  std::map<int, int64_t> out;
  while (q.executeStep()) {
    v1::Disclosure d;
    d.ParseFromString(q.getColumn(0).getString());
    ++out[d.withhold_reason()];
  }
  return out;
}

int64_t CountOverdue(SQLite::Database& conn, const std::string& today) {
  RecordFilter f;
  f.overdue_before = today;
  return CountRecords(conn, f);
}

void EnqueueDelivery(SQLite::Database& tx, const Delivery& d) {
  SQLite::Statement q(tx,
                      "INSERT INTO deliveries (id, record, event_type, body, create_time, "
                      "next_attempt_time) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, d.id);
  q.bind(2, d.record);
  q.bind(3, d.event_type);
  q.bind(4, d.body.data(), static_cast<int>(d.body.size()));
  q.bind(5, d.create_ms);
  q.bind(6, d.next_attempt_ms);
  q.exec();
}

namespace {
constexpr char kDeliveryColumns[] =
    "id, record, event_type, body, create_time, attempts, next_attempt_time, delivered_time, "
    "last_status, last_error";

Delivery ReadDelivery(SQLite::Statement& q) {
  Delivery d;
  d.id = q.getColumn(0).getString();
  d.record = q.getColumn(1).getString();
  d.event_type = q.getColumn(2).getString();
  d.body = q.getColumn(3).getString();
  d.create_ms = q.getColumn(4).getInt64();
  d.attempts = q.getColumn(5).getInt();
  d.next_attempt_ms = q.getColumn(6).getInt64();
  if (!q.getColumn(7).isNull()) d.delivered_ms = q.getColumn(7).getInt64();
  d.last_status = q.getColumn(8).getInt();
  d.last_error = q.getColumn(9).getString();
  return d;
}
}  // namespace

std::vector<Delivery> DueDeliveries(SQLite::Database& conn, int64_t now_ms, int limit) {
  SQLite::Statement q(conn, absl::StrCat("SELECT ", kDeliveryColumns,
                                         " FROM deliveries WHERE delivered_time IS NULL AND "
                                         "next_attempt_time <= ? ORDER BY seq LIMIT ?"));
  q.bind(1, now_ms);
  q.bind(2, limit);
  std::vector<Delivery> out;
  while (q.executeStep()) out.push_back(ReadDelivery(q));
  return out;
}

void RecordAttempt(SQLite::Database& tx, const Delivery& d) {
  SQLite::Statement q(tx,
                      "UPDATE deliveries SET attempts = ?, next_attempt_time = ?, "
                      "delivered_time = ?, last_status = ?, last_error = ? WHERE id = ?");
  q.bind(1, d.attempts);
  q.bind(2, d.next_attempt_ms);
  if (d.delivered_ms.has_value()) {
    q.bind(3, *d.delivered_ms);
  } else {
    q.bind(3);
  }
  q.bind(4, d.last_status);
  q.bind(5, d.last_error);
  q.bind(6, d.id);
  q.exec();
}

std::optional<Delivery> LoadDelivery(SQLite::Database& conn, const std::string& id) {
  SQLite::Statement q(conn,
                      absl::StrCat("SELECT ", kDeliveryColumns, " FROM deliveries WHERE id = ?"));
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadDelivery(q);
}

int64_t CountUndelivered(SQLite::Database& conn) {
  return conn.execAndGet("SELECT count(*) FROM deliveries WHERE delivered_time IS NULL").getInt64();
}

int64_t NextAttemptMs(SQLite::Database& conn) {
  return conn
      .execAndGet(
          "SELECT coalesce(min(next_attempt_time), 0) FROM deliveries WHERE delivered_time IS NULL")
      .getInt64();
}

}  // namespace huiyin::disclosure

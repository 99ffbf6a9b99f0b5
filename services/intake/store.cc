#include "services/intake/store.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/store/statement_cache.h"
#include "services/intake/rules.h"

namespace huiyin::intake {
namespace {

void BindBlob(SQLite::Statement& s, int index, const std::string& bytes) {
  s.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

StoredItem ReadRow(SQLite::Statement& q) {
  StoredItem out;
  out.seq = q.getColumn(0).getInt64();
  out.revision = q.getColumn(1).getInt64();
  const auto& blob = q.getColumn(2);
  out.item.ParseFromArray(blob.getBlob(), blob.getBytes());
  return out;
}

void ReplaceProposers(SQLite::Database& tx, int64_t seq, const v1::Item& item) {
  auto clear = Prepare(tx, "DELETE FROM item_proposers WHERE item_seq = ?");
  clear->bind(1, static_cast<int64_t>(seq));
  clear->exec();
  auto add = Prepare(tx, "INSERT OR IGNORE INTO item_proposers(person, item_seq) VALUES (?, ?)");
  auto insert = [&](const std::string& person) {
    add->bind(1, person);
    add->bind(2, static_cast<int64_t>(seq));
    add->exec();
    add->reset();
  };
  insert(item.lead_proposer().person());
  for (const auto& p : item.co_proposers()) insert(p.person());
}

// WHERE clause and its bound values for a filter, over table alias i.
struct Where {
  std::string sql;
  std::vector<std::string> text_args;
  std::vector<int64_t> int_args;
  std::vector<bool> is_text;
};

Where BuildWhere(const ItemFilter& f) {
  Where w;
  std::vector<std::string> clauses = {"1"};
  auto text = [&](const std::string& clause, const std::string& v) {
    clauses.push_back(clause);
    w.text_args.push_back(v);
    w.is_text.push_back(true);
  };
  auto integer = [&](const std::string& clause, int64_t v) {
    clauses.push_back(clause);
    w.int_args.push_back(v);
    w.is_text.push_back(false);
  };
  if (!f.session.empty()) text("i.session = ?", f.session);
  if (f.year != 0) integer("i.year = ?", f.year);
  if (f.kind != 0) integer("i.kind = ?", f.kind);
  if (f.state != 0) integer("i.state = ?", f.state);
  if (f.only_accepted) integer("i.state = ?", v1::ITEM_STATE_ACCEPTED);
  if (!f.category.empty()) text("i.category = ?", f.category);
  if (!f.proposer.empty()) {
    text("i.seq IN (SELECT item_seq FROM item_proposers WHERE person = ?)", f.proposer);
  }
  w.sql = absl::StrJoin(clauses, " AND ");
  return w;
}

// Binds the filter's values starting at parameter `first`; returns the next free index.
int BindWhere(SQLite::Statement& s, const Where& w, int first) {
  size_t t = 0, n = 0;
  for (bool is_text : w.is_text) {
    if (is_text) {
      s.bind(first++, w.text_args[t++]);
    } else {
      s.bind(first++, static_cast<int64_t>(w.int_args[n++]));
    }
  }
  return first;
}

}  // namespace

std::optional<StoredItem> LoadItem(SQLite::Database& conn, const std::string& id) {
  auto q = Prepare(conn, "SELECT seq, revision, item FROM items WHERE id = ?");
  q->bind(1, id);
  if (!q->executeStep()) return std::nullopt;
  return ReadRow(*q);
}

std::optional<StoredItem> LoadItemBySeq(SQLite::Database& conn, int64_t seq) {
  auto q = Prepare(conn, "SELECT seq, revision, item FROM items WHERE seq = ?");
  q->bind(1, static_cast<int64_t>(seq));
  if (!q->executeStep()) return std::nullopt;
  return ReadRow(*q);
}

int64_t InsertItem(SQLite::Database& tx, const std::string& id, const v1::Item& item) {
  auto q = Prepare(tx,
                   "INSERT INTO items(id, kind, session, year, state, category, number, "
                   "revision, item) VALUES (?,?,?,?,?,?,NULL,1,?)");
  q->bind(1, id);
  q->bind(2, static_cast<int>(item.kind()));
  q->bind(3, item.session());
  q->bind(4, item.year());
  q->bind(5, static_cast<int>(item.state()));
  q->bind(6, item.category());
  BindBlob(*q, 7, item.SerializeAsString());
  q->exec();
  int64_t seq = tx.getLastInsertRowid();
  ReplaceProposers(tx, seq, item);
  return seq;
}

void UpdateItem(SQLite::Database& tx, const StoredItem& stored) {
  auto q =
      Prepare(tx, "UPDATE items SET state = ?, number = ?, revision = ?, item = ? WHERE seq = ?");
  q->bind(1, static_cast<int>(stored.item.state()));
  if (stored.item.number() > 0) {
    q->bind(2, stored.item.number());
  } else {
    q->bind(2);
  }
  q->bind(3, static_cast<int64_t>(stored.revision));
  BindBlob(*q, 4, stored.item.SerializeAsString());
  q->bind(5, static_cast<int64_t>(stored.seq));
  q->exec();
  ReplaceProposers(tx, stored.seq, stored.item);
}

int NextUnifiedNumber(SQLite::Database& tx, v1::ItemKind kind, const std::string& session) {
  auto q = Prepare(tx,
                   "INSERT INTO unified_numbers(kind, session, last_number) VALUES (?, ?, 1) "
                   "ON CONFLICT(kind, session) DO UPDATE SET last_number = last_number + 1 "
                   "RETURNING last_number");
  q->bind(1, static_cast<int>(kind));
  q->bind(2, session);
  q->executeStep();
  int number = q->getColumn(0).getInt();
  return number;
}

std::optional<std::string> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                             const std::string& method,
                                             const std::string& request_id) {
  auto q = Prepare(conn,
                   "SELECT item_id FROM idempotency WHERE caller = ? AND method = ? AND "
                   "request_id = ?");
  q->bind(1, caller);
  q->bind(2, method);
  q->bind(3, request_id);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getString();
}

void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& item_id,
                         absl::Time now) {
  auto q = Prepare(tx,
                   "INSERT INTO idempotency(caller, method, request_id, item_id, create_time_us) "
                   "VALUES (?,?,?,?,?)");
  q->bind(1, caller);
  q->bind(2, method);
  q->bind(3, request_id);
  q->bind(4, item_id);
  q->bind(5, static_cast<int64_t>(absl::ToUnixMicros(now)));
  q->exec();
}

std::vector<StoredItem> ListItems(SQLite::Database& conn, const ItemFilter& filter,
                                  int64_t after_seq, int limit) {
  Where w = BuildWhere(filter);
  auto q = Prepare(conn, absl::StrCat("SELECT i.seq, i.revision, i.item FROM items i WHERE ", w.sql,
                                      " AND i.seq > ? ORDER BY i.seq LIMIT ?"));
  int next = BindWhere(*q, w, 1);
  q->bind(next, static_cast<int64_t>(after_seq));
  q->bind(next + 1, limit);
  std::vector<StoredItem> out;
  while (q->executeStep()) out.push_back(ReadRow(*q));
  return out;
}

int64_t CountItems(SQLite::Database& conn, const ItemFilter& filter) {
  Where w = BuildWhere(filter);
  auto q = Prepare(conn, absl::StrCat("SELECT count(*) FROM items i WHERE ", w.sql));
  BindWhere(*q, w, 1);
  q->executeStep();
  return q->getColumn(0).getInt64();
}

std::vector<StoredItem> SearchItems(SQLite::Database& conn, const std::string& match,
                                    const ItemFilter& filter, int64_t offset, int limit) {
  Where w = BuildWhere(filter);
  auto q =
      Prepare(conn, absl::StrCat("SELECT i.seq, i.revision, i.item FROM item_search s "
                                 "JOIN items i ON i.seq = s.rowid WHERE item_search MATCH ? AND ",
                                 w.sql, " ORDER BY s.rank LIMIT ? OFFSET ?"));
  q->bind(1, match);
  int next = BindWhere(*q, w, 2);
  q->bind(next, limit);
  q->bind(next + 1, static_cast<int64_t>(offset));
  std::vector<StoredItem> out;
  while (q->executeStep()) out.push_back(ReadRow(*q));
  return out;
}

int64_t IndexedSeq(SQLite::Database& conn) {
  return conn.execAndGet("SELECT indexed_seq FROM search_index_state WHERE id = 1").getInt64();
}

std::vector<ItemText> ItemsToIndex(SQLite::Database& conn, int64_t after_seq, int limit) {
  auto q = Prepare(conn, "SELECT seq, item FROM items WHERE seq > ? ORDER BY seq LIMIT ?");
  q->bind(1, static_cast<int64_t>(after_seq));
  q->bind(2, limit);
  std::vector<ItemText> out;
  while (q->executeStep()) {
    v1::Item item;
    const auto& blob = q->getColumn(1);
    item.ParseFromArray(blob.getBlob(), blob.getBytes());
    out.push_back({q->getColumn(0).getInt64(), item.title(), item.body()});
  }
  return out;
}

void IndexItems(SQLite::Database& tx, const std::vector<ItemText>& normalized,
                int64_t indexed_seq) {
  auto insert = Prepare(tx, "INSERT INTO item_search(rowid, title, body) VALUES (?, ?, ?)");
  for (const auto& doc : normalized) {
    insert->bind(1, static_cast<int64_t>(doc.seq));
    insert->bind(2, doc.title);
    insert->bind(3, doc.body);
    insert->exec();
    insert->reset();
  }
  auto move = Prepare(tx, "UPDATE search_index_state SET indexed_seq = ? WHERE id = 1");
  move->bind(1, static_cast<int64_t>(indexed_seq));
  move->exec();
}

std::optional<ItemText> IndexedText(SQLite::Database& conn, int64_t seq) {
  auto q = Prepare(conn, "SELECT title, body FROM item_search WHERE rowid = ?");
  q->bind(1, static_cast<int64_t>(seq));
  if (!q->executeStep()) return std::nullopt;
  return ItemText{seq, q->getColumn(0).getString(), q->getColumn(1).getString()};
}

std::vector<int64_t> TermSeqs(SQLite::Database& conn, const std::string& term) {
  auto q = Prepare(conn, "SELECT rowid FROM item_search WHERE item_search MATCH ?");
  // Terms are normalised letters, digits and CJK only: quoting them makes one phrase.
  q->bind(1, absl::StrCat("\"", term, "\""));
  std::vector<int64_t> out;
  while (q->executeStep()) out.push_back(q->getColumn(0).getInt64());
  return out;
}

}  // namespace huiyin::intake

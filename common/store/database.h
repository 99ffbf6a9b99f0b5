// One service's SQLite database: numbered migrations at open, one group-commit writer, and a
// pool of read connections that never wait for it.
//
//   auto db = Database::Open({.path = "var/intake.db"}, kMigrations);
//   absl::Status s = (*db)->Write([&](SQLite::Database& tx) -> absl::Status {
//     tx.exec("INSERT ...");            // runs inside the writer's transaction
//     return absl::OkStatus();          // an error rolls back this write only
//   });                                 // returns once the commit is durable (synchronous=FULL)
//   (*db)->Read([&](SQLite::Database& conn) { ...; return absl::OkStatus(); });
//
// Group commit: the writer thread takes every write that is waiting (up to max_write_batch),
// runs each inside its own SAVEPOINT of one BEGIN IMMEDIATE transaction, commits once and then
// acknowledges them all. Throughput comes from sharing the fsync, not from weaker durability: an
// acknowledged write survives kill -9 and power loss.
//
// Migrations: files named NNN_what.sql, applied in ascending order, each in its own transaction,
// recorded in table schema_migrations; PRAGMA user_version holds the highest applied number, and
// a database newer than the binary is refused. Shared tables (the event outbox, consumer cursors)
// use numbers 1–99, a service's own tables 100 and up.
//
// Every connection keeps its prepared statements (statement_cache.h): inside a Write or Read,
// Prepare(conn, "SQL") parses the SQL once per connection, not once per call.
//
// SQLiteCpp throws; nothing thrown inside a Write or Read escapes: it becomes an absl::Status.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/base/embedded_text.h"
#include "common/store/statement_cache.h"

namespace huiyin {

struct DatabaseOptions {
  std::string path;
  int read_connections = 4;
  int max_write_batch = 256;
  // Prepared statements kept per connection (least recently used dropped beyond this).
  size_t statements_per_connection = StatementCache::kDefaultCapacity;
  // Called on every connection after it opens (e.g. to register an FTS5 tokenizer).
  std::function<absl::Status(SQLite::Database&)> on_connection;
};

class Database {
 public:
  using Operation = std::function<absl::Status(SQLite::Database&)>;

  // Opens (creating if needed), applies pending migrations, starts the writer.
  static absl::StatusOr<std::unique_ptr<Database>> Open(DatabaseOptions options,
                                                        const EmbeddedTextList& migrations);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `op` in the writer's transaction; returns when durably committed (or failed).
  absl::Status Write(Operation op);
  // Runs `fn` inside a read transaction (one consistent snapshot) on a pooled connection.
  absl::Status Read(const Operation& fn);

  // Called on the writer thread after every commit (wakes up event feed subscribers). Returns the
  // id RemoveCommitListener takes. A listener must not add or remove listeners.
  int64_t AddCommitListener(std::function<void()> listener);
  // When it returns, the listener is not running and never will again, so what it captured may be
  // destroyed although the writer still commits for others (a listener's owner calls it when it
  // stops; the sanitizer build caught intake's indexer being woken after its core was gone).
  void RemoveCommitListener(int64_t id);
  // Stops taking writes, finishes the queued ones, joins the writer. Idempotent.
  void Close();

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return options_.path; }

 private:
  struct PendingWrite;
  class ReadPool;

  explicit Database(DatabaseOptions options);
  absl::Status Migrate(const EmbeddedTextList& migrations);
  void WriterLoop();
  void CommitBatch(std::vector<std::shared_ptr<PendingWrite>>& batch);

  DatabaseOptions options_;
  int schema_version_ = 0;
  std::unique_ptr<SQLite::Database> writer_conn_;
  std::unique_ptr<StatementCache> writer_statements_;  // reset before writer_conn_
  std::unique_ptr<ReadPool> readers_;
  absl::Mutex listeners_mu_;  // held while listeners run: removal waits for a call in progress
  std::map<int64_t, std::function<void()>> commit_listeners_ ABSL_GUARDED_BY(listeners_mu_);
  int64_t next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 0;

  absl::Mutex mu_;
  std::vector<std::shared_ptr<PendingWrite>> queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

// Converts whatever a SQLite operation threw into a status (SQLITE_BUSY → UNAVAILABLE,
// constraint violations and everything else → INTERNAL).
absl::Status StatusFromCurrentException();

}  // namespace huiyin

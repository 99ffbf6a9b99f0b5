#include "common/store/database.h"

#include <algorithm>
#include <filesystem>
#include <future>

#include "SQLiteCpp/Statement.h"
#include "SQLiteCpp/Transaction.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "sqlite3.h"

namespace huiyin {

struct Database::PendingWrite {
  Operation op;
  std::promise<absl::Status> done;
};

// Read connections are handed out one per Read call; a caller waits only when all are busy.
class Database::ReadPool {
 public:
  struct Reader {
    std::unique_ptr<SQLite::Database> conn;
    std::unique_ptr<StatementCache> statements;  // declared after conn: destroyed before it
  };
  void Add(Reader reader) {
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(reader));
  }
  Reader Take() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<Reader>* f) { return !f->empty(); }, &free_));
    Reader reader = std::move(free_.back());
    free_.pop_back();
    return reader;
  }

 private:
  absl::Mutex mu_;
  std::vector<Reader> free_ ABSL_GUARDED_BY(mu_);
};

absl::Status StatusFromCurrentException() {
  try {
    throw;
  } catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return absl::UnavailableError("database busy, retry");
    }
    if (code == SQLITE_FULL) return absl::ResourceExhaustedError("database disk is full");
    return absl::InternalError(absl::StrCat("sqlite: ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(e.what());
  } catch (...) {
    return absl::InternalError("unknown exception");
  }
}

namespace {

absl::StatusOr<std::unique_ptr<SQLite::Database>> OpenConnection(const DatabaseOptions& options,
                                                                 bool writer) {
  try {
    int flags = writer ? (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) : SQLite::OPEN_READONLY;
    auto conn = std::make_unique<SQLite::Database>(options.path, flags | SQLITE_OPEN_NOMUTEX, 5000);
    if (writer) {
      conn->exec("PRAGMA journal_mode=WAL");
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
      conn->exec("PRAGMA synchronous=FULL");
    }
    conn->exec("PRAGMA foreign_keys=ON");
    if (options.on_connection) {
      if (auto s = options.on_connection(*conn); !s.ok()) return s;
    }
    return conn;
  } catch (...) {
    return StatusFromCurrentException();
  }
}

// One statement from the connection's cache, run to completion.
void Run(SQLite::Database& conn, std::string_view sql) { Prepare(conn, sql)->exec(); }

struct NumberedMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

absl::StatusOr<std::vector<NumberedMigration>> NumberMigrations(const EmbeddedTextList& files) {
  std::vector<NumberedMigration> out;
  for (const auto& f : files) {
    int version = 0;
    std::string name(f.file_name);
    if (!absl::SimpleAtoi(name.substr(0, name.find('_')), &version) || version <= 0) {
      return absl::InternalError(absl::StrCat("migration ", name, " has no NNN_ prefix"));
    }
    out.push_back({version, f.file_name, f.content});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return absl::InternalError(absl::StrCat("two migrations numbered ", out[i].version));
    }
  }
  return out;
}

}  // namespace

Database::Database(DatabaseOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(DatabaseOptions options,
                                                         const EmbeddedTextList& migrations) {
  std::error_code ec;
  auto dir = std::filesystem::path(options.path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::unique_ptr<Database> db(new Database(std::move(options)));
  auto writer = OpenConnection(db->options_, /*writer=*/true);
  if (!writer.ok()) return writer.status();
  db->writer_conn_ = std::move(*writer);
  db->writer_statements_ =
      std::make_unique<StatementCache>(*db->writer_conn_, db->options_.statements_per_connection);
  if (auto s = db->Migrate(migrations); !s.ok()) return s;
  db->readers_ = std::make_unique<ReadPool>();
  for (int i = 0; i < std::max(1, db->options_.read_connections); ++i) {
    auto reader = OpenConnection(db->options_, /*writer=*/false);
    if (!reader.ok()) return reader.status();
    auto statements =
        std::make_unique<StatementCache>(**reader, db->options_.statements_per_connection);
    db->readers_->Add({std::move(*reader), std::move(statements)});
  }
  db->writer_ = std::thread([raw = db.get()] { raw->WriterLoop(); });
  return db;
}

Database::~Database() { Close(); }

absl::Status Database::Migrate(const EmbeddedTextList& files) {
  auto migrations = NumberMigrations(files);
  if (!migrations.ok()) return migrations.status();
  try {
    auto& conn = *writer_conn_;
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')))");
    int current = conn.execAndGet("PRAGMA user_version").getInt();
    int known = migrations->empty() ? 0 : migrations->back().version;
    if (current > known) {
      return absl::FailedPreconditionError(
          absl::StrCat(options_.path, " is at schema version ", current,
                       " but this binary knows only up to ", known, "; run a newer binary"));
    }
    for (const auto& m : *migrations) {
      SQLite::Statement applied(conn, "SELECT 1 FROM schema_migrations WHERE version = ?");
      applied.bind(1, m.version);
      if (applied.executeStep()) continue;
      SQLite::Transaction tx(conn, SQLite::TransactionBehavior::IMMEDIATE);
      conn.exec(std::string(m.sql));
      SQLite::Statement record(conn, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
      record.bind(1, m.version);
      record.bind(2, std::string(m.name));
      record.exec();
      int high = std::max(current, m.version);
      conn.exec(absl::StrCat("PRAGMA user_version = ", high));
      tx.commit();
      current = high;
    }
    schema_version_ = current;
    return absl::OkStatus();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

absl::Status Database::Write(Operation op) {
  auto pending = std::make_shared<PendingWrite>();
  pending->op = std::move(op);
  auto result = pending->done.get_future();
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return absl::UnavailableError("database is shutting down");
    queue_.push_back(std::move(pending));
  }
  return result.get();
}

absl::Status Database::Read(const Operation& fn) {
  auto reader = readers_->Take();
  absl::Status status;
  try {
    StatementCache::Use use(*reader.statements);
    SQLite::Transaction tx(*reader.conn, SQLite::TransactionBehavior::DEFERRED);
    status = fn(*reader.conn);
    tx.commit();
  } catch (...) {
    status = StatusFromCurrentException();
  }
  readers_->Add(std::move(reader));
  return status;
}

int64_t Database::AddCommitListener(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  const int64_t id = ++next_listener_id_;
  commit_listeners_.emplace(id, std::move(listener));
  return id;
}

void Database::RemoveCommitListener(int64_t id) {
  absl::MutexLock lock(&listeners_mu_);
  commit_listeners_.erase(id);
}

void Database::Close() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  if (writer_.joinable()) writer_.join();
}

void Database::WriterLoop() {
  for (;;) {
    std::vector<std::shared_ptr<PendingWrite>> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Database* d)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(d->mu_) { return !d->queue_.empty() || d->closing_; },
          this));
      if (queue_.empty() && closing_) return;
      size_t n =
          std::min(queue_.size(), static_cast<size_t>(std::max(1, options_.max_write_batch)));
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    CommitBatch(batch);
  }
}

void Database::CommitBatch(std::vector<std::shared_ptr<PendingWrite>>& batch) {
  auto& conn = *writer_conn_;
  StatementCache::Use use(*writer_statements_);
  std::vector<absl::Status> results(batch.size());
  absl::Status commit_status;
  try {
    Run(conn, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < batch.size(); ++i) {
      Run(conn, "SAVEPOINT write_op");
      try {
        results[i] = batch[i]->op(conn);
      } catch (...) {
        results[i] = StatusFromCurrentException();
      }
      // A failed write leaves no trace; the others in the batch still commit.
      if (!results[i].ok()) Run(conn, "ROLLBACK TO write_op");
      Run(conn, "RELEASE write_op");
    }
    Run(conn, "COMMIT");
  } catch (...) {
    commit_status = StatusFromCurrentException();
    try {
      conn.exec("ROLLBACK");
    } catch (...) {
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->done.set_value(commit_status.ok() ? results[i] : commit_status);
  }
  if (commit_status.ok()) {
    absl::MutexLock lock(&listeners_mu_);
    for (auto& [id, listener] : commit_listeners_) listener();
  }
}

}  // namespace huiyin

// Prepared statements kept per connection, so a hot path parses its SQL once per connection
// instead of once per call.
//
//   absl::Status s = db.Read([&](SQLite::Database& conn) -> absl::Status {
//     auto q = Prepare(conn, "SELECT item FROM items WHERE id = ?");
//     q->bind(1, id);
//     if (!q->executeStep()) return absl::NotFoundError(id);
//     ...
//   });   // q is reset and its bindings cleared when it goes out of scope
//
// Database gives each of its connections a StatementCache and makes it current on the thread
// running a Write or Read, so Prepare(conn, …) needs nothing but the connection it was handed.
// On any other connection (a test's own, a tool's) Prepare still works, without caching.
//
// A CachedStatement is borrowed: it cannot be copied, moved or kept past its scope, and
// returning it resets it (an unfinished SELECT would otherwise hold the read snapshot open) and
// unbinds its parameters (a stale value can never leak into the next call). Asking for the same
// SQL while it is borrowed (a nested call) prepares a second, uncached statement. A cache holds
// at most `capacity` statements and drops the least recently used one beyond that, so SQL built
// from a filter's many combinations cannot grow it without bound.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_map.h"

namespace huiyin {

class StatementCache;

class CachedStatement {
 public:
  ~CachedStatement();
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }

 private:
  friend class StatementCache;
  friend CachedStatement Prepare(SQLite::Database& conn, std::string_view sql);
  // Borrowed from `cache` (which gets it back), or owned when `owned` is set.
  CachedStatement(StatementCache* cache, SQLite::Statement* statement,
                  std::unique_ptr<SQLite::Statement> owned);

  StatementCache* cache_;
  SQLite::Statement* statement_;
  std::unique_ptr<SQLite::Statement> owned_;
};

// The prepared statement for `sql` on `conn`: from the connection's cache when Database runs
// the current operation on it, else a fresh one. Throws SQLite::Exception if the SQL is invalid.
CachedStatement Prepare(SQLite::Database& conn, std::string_view sql);

class StatementCache {
 public:
  static constexpr size_t kDefaultCapacity = 64;

  // `conn` must outlive the cache (declare the cache after the connection it serves).
  explicit StatementCache(SQLite::Database& conn, size_t capacity = kDefaultCapacity);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  CachedStatement Borrow(std::string_view sql);
  size_t size() const { return entries_.size(); }

  // While alive, Prepare on this cache's connection (on this thread) uses this cache; nests.
  class Use {
   public:
    explicit Use(StatementCache& cache);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    StatementCache* previous_;
  };

 private:
  friend class CachedStatement;
  friend CachedStatement Prepare(SQLite::Database& conn, std::string_view sql);
  struct Entry {
    std::string sql;
    std::unique_ptr<SQLite::Statement> statement;
    bool borrowed = false;
  };
  using Lru = std::list<Entry>;  // most recently used first

  void Return(SQLite::Statement* statement);
  void EvictBeyondCapacity();

  SQLite::Database& conn_;
  size_t capacity_;
  Lru entries_;
  absl::flat_hash_map<std::string_view, Lru::iterator> by_sql_;  // keys view Entry::sql
};

}  // namespace huiyin

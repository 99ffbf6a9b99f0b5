#include "common/store/statement_cache.h"

#include <utility>

namespace huiyin {
namespace {

// The cache Database made current for the operation running on this thread.
thread_local StatementCache* current_cache = nullptr;

// Puts a statement back in the state a fresh one has: not stepping, nothing bound.
void Rewind(SQLite::Statement& statement) noexcept {
  statement.tryReset();
  try {
    statement.clearBindings();  // sqlite3_clear_bindings cannot fail; SQLiteCpp still checks
  } catch (...) {
  }
}

}  // namespace

CachedStatement::CachedStatement(StatementCache* cache, SQLite::Statement* statement,
                                 std::unique_ptr<SQLite::Statement> owned)
    : cache_(cache), statement_(statement), owned_(std::move(owned)) {}

CachedStatement::~CachedStatement() {
  Rewind(*statement_);
  if (owned_ == nullptr) cache_->Return(statement_);
}

CachedStatement Prepare(SQLite::Database& conn, std::string_view sql) {
  if (current_cache != nullptr && &current_cache->conn_ == &conn) return current_cache->Borrow(sql);
  auto fresh = std::make_unique<SQLite::Statement>(conn, std::string(sql));
  SQLite::Statement* raw = fresh.get();
  return CachedStatement(nullptr, raw, std::move(fresh));
}

StatementCache::StatementCache(SQLite::Database& conn, size_t capacity)
    : conn_(conn), capacity_(capacity == 0 ? 1 : capacity) {}

StatementCache::~StatementCache() = default;

CachedStatement StatementCache::Borrow(std::string_view sql) {
  auto found = by_sql_.find(sql);
  if (found != by_sql_.end()) {
    Lru::iterator entry = found->second;
    if (entry->borrowed) {
      auto second = std::make_unique<SQLite::Statement>(conn_, entry->sql);
      SQLite::Statement* raw = second.get();
      return CachedStatement(nullptr, raw, std::move(second));
    }
    entries_.splice(entries_.begin(), entries_, entry);
    entry->borrowed = true;
    return CachedStatement(this, entry->statement.get(), nullptr);
  }
  // Prepare before inserting: invalid SQL throws and leaves the cache as it was.
  auto statement = std::make_unique<SQLite::Statement>(conn_, std::string(sql));
  entries_.push_front(Entry{std::string(sql), std::move(statement), /*borrowed=*/true});
  by_sql_.emplace(entries_.front().sql, entries_.begin());
  EvictBeyondCapacity();
  return CachedStatement(this, entries_.front().statement.get(), nullptr);
}

void StatementCache::Return(SQLite::Statement* statement) {
  auto found = by_sql_.find(statement->getQuery());
  if (found != by_sql_.end() && found->second->statement.get() == statement) {
    found->second->borrowed = false;
  }
  EvictBeyondCapacity();
}

void StatementCache::EvictBeyondCapacity() {
  // From the least recently used end; a borrowed statement stays until it comes back.
  for (auto it = entries_.end(); entries_.size() > capacity_ && it != entries_.begin();) {
    --it;
    if (it->borrowed) continue;
    by_sql_.erase(it->sql);
    it = entries_.erase(it);
  }
}

StatementCache::Use::Use(StatementCache& cache) : previous_(current_cache) {
  current_cache = &cache;
}

StatementCache::Use::~Use() { current_cache = previous_; }

}  // namespace huiyin

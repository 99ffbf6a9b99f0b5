#include "common/store/statement_cache.h"

#include <unistd.h>

#include <filesystem>

#include "common/store/database.h"
#include "common/store/huiyin_store_test_migrations.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

// A connection of the test's own, with two people in it.
class StatementCacheTest : public ::testing::Test {
 protected:
  StatementCacheTest() : conn_(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    conn_.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    conn_.exec("INSERT INTO people(name) VALUES ('张三'), ('李四')");
  }
  SQLite::Database conn_;
};

TEST_F(StatementCacheTest, ReusesTheStatementForTheSameSql) {
  StatementCache cache(conn_);
  StatementCache::Use use(cache);
  SQLite::Statement* first = nullptr;
  {
    auto q = Prepare(conn_, "SELECT count(*) FROM people");
    ASSERT_TRUE(q->executeStep());
    EXPECT_EQ(q->getColumn(0).getInt(), 2);
    first = &*q;
  }
  auto again = Prepare(conn_, "SELECT count(*) FROM people");
  EXPECT_EQ(&*again, first);
  ASSERT_TRUE(again->executeStep());
  EXPECT_EQ(again->getColumn(0).getInt(), 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(StatementCacheTest, ReturnsStatementsRewoundAndUnbound) {
  StatementCache cache(conn_);
  StatementCache::Use use(cache);
  {
    auto q = Prepare(conn_, "SELECT name FROM people WHERE id >= ? ORDER BY id");
    q->bind(1, 1);
    ASSERT_TRUE(q->executeStep());  // one of two rows read, then abandoned
    EXPECT_EQ(q->getColumn(0).getString(), "张三");
  }
  auto q = Prepare(conn_, "SELECT name FROM people WHERE id >= ? ORDER BY id");
  EXPECT_FALSE(q->executeStep()) << "the previous binding leaked: id >= NULL matches nothing";
  q->reset();
  q->bind(1, 2);
  ASSERT_TRUE(q->executeStep());
  EXPECT_EQ(q->getColumn(0).getString(), "李四");
}

TEST_F(StatementCacheTest, StatementIsReusableAfterExec) {
  StatementCache cache(conn_);
  StatementCache::Use use(cache);
  for (const char* name : {"王五", "赵六"}) {
    auto insert = Prepare(conn_, "INSERT INTO people(name) VALUES (?)");
    insert->bind(1, name);
    insert->exec();
  }
  EXPECT_EQ(conn_.execAndGet("SELECT count(*) FROM people").getInt(), 4);
}

TEST_F(StatementCacheTest, NestedUseOfTheSameSqlGetsItsOwnStatement) {
  StatementCache cache(conn_);
  StatementCache::Use use(cache);
  auto outer = Prepare(conn_, "SELECT id FROM people ORDER BY id");
  int pairs = 0;
  while (outer->executeStep()) {
    auto inner = Prepare(conn_, "SELECT id FROM people ORDER BY id");
    EXPECT_NE(&*inner, &*outer);
    while (inner->executeStep()) ++pairs;
  }
  EXPECT_EQ(pairs, 4);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(StatementCacheTest, DropsTheLeastRecentlyUsedBeyondCapacity) {
  StatementCache cache(conn_, /*capacity=*/2);
  StatementCache::Use use(cache);
  auto borrow = [&](const char* sql) { return &*Prepare(conn_, sql); };
  borrow("SELECT 1");
  SQLite::Statement* two = borrow("SELECT 2");
  borrow("SELECT 3");  // drops SELECT 1
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(borrow("SELECT 2"), two);
  borrow("SELECT 1");  // drops SELECT 3, the least recently used now
  EXPECT_EQ(borrow("SELECT 2"), two);
  EXPECT_EQ(cache.size(), 2u);
}

TEST_F(StatementCacheTest, KeepsABorrowedStatementUntilItComesBack) {
  StatementCache cache(conn_, /*capacity=*/1);
  StatementCache::Use use(cache);
  {
    auto held = Prepare(conn_, "SELECT name FROM people ORDER BY id");
    ASSERT_TRUE(held->executeStep());
    {
      auto other = Prepare(conn_, "SELECT count(*) FROM people");
      ASSERT_TRUE(other->executeStep());
    }
    ASSERT_TRUE(held->executeStep());
    EXPECT_EQ(held->getColumn(0).getString(), "李四");
  }
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(StatementCacheTest, InvalidSqlThrowsAndCachesNothing) {
  StatementCache cache(conn_);
  StatementCache::Use use(cache);
  EXPECT_THROW(Prepare(conn_, "SELEC name FROM people"), SQLite::Exception);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(StatementCacheTest, OtherConnectionsAndOtherScopesAreNotCached) {
  StatementCache cache(conn_);
  {
    auto q = Prepare(conn_, "SELECT count(*) FROM people");  // no Use: uncached
    ASSERT_TRUE(q->executeStep());
  }
  SQLite::Database other(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  StatementCache::Use use(cache);
  {
    auto q = Prepare(other, "SELECT 1");
    ASSERT_TRUE(q->executeStep());
  }
  EXPECT_EQ(cache.size(), 0u);
}

// Through Database: every Write and Read gets its connection's cache, and a SELECT abandoned
// half-way does not keep a reader on an old snapshot.
TEST(DatabaseStatements, ReadsSeeLaterWritesAfterAnAbandonedSelect) {
  auto path = (std::filesystem::temp_directory_path() /
               ("huiyin-statements-" + std::to_string(::getpid()) + ".db"))
                  .string();
  std::filesystem::remove(path);
  DatabaseOptions options;
  options.path = path;
  options.read_connections = 1;
  {
    auto db = Database::Open(options, testdata::kMigrations);
    ASSERT_TRUE(db.ok()) << db.status();
    auto count = [&] {
      int64_t n = -1;
      EXPECT_TRUE((*db)
                      ->Read([&](SQLite::Database& conn) {
                        auto q = Prepare(conn, "SELECT count(*) FROM people");
                        q->executeStep();
                        n = q->getColumn(0).getInt64();
                        auto rows = Prepare(conn, "SELECT name FROM people");
                        rows->executeStep();  // and left unfinished
                        return absl::OkStatus();
                      })
                      .ok());
      return n;
    };
    auto insert = [&](const char* name) {
      return (*db)->Write([&](SQLite::Database& tx) {
        auto q = Prepare(tx, "INSERT INTO people(name) VALUES (?)");
        q->bind(1, name);
        q->exec();
        return absl::OkStatus();
      });
    };
    EXPECT_EQ(count(), 1);
    ASSERT_TRUE(insert("王五").ok());
    EXPECT_EQ(count(), 2);
    ASSERT_TRUE(insert("赵六").ok());
    EXPECT_EQ(count(), 3);
    EXPECT_FALSE((*db)
                     ->Write([](SQLite::Database& tx) {
                       Prepare(tx, "INSERT INTO nowhere VALUES (1)");
                       return absl::OkStatus();
                     })
                     .ok());
    ASSERT_TRUE(insert("孙七").ok());
    EXPECT_EQ(count(), 4);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
}

}  // namespace
}  // namespace huiyin

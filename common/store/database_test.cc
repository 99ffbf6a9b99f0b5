#include "common/store/database.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "SQLiteCpp/Statement.h"
#include "common/store/huiyin_store_test_migrations.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("huiyin-db-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Database> OpenWith(const EmbeddedTextList& migrations) {
    auto db = Database::Open(Options(), migrations);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  static EmbeddedTextList First(size_t n) {
    return EmbeddedTextList(testdata::kMigrations.begin(), testdata::kMigrations.begin() + n);
  }

  int64_t Count(Database& db, const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db.Read([&](SQLite::Database& c) {
                    n = c.execAndGet(sql).getInt64();
                    return absl::OkStatus();
                  }).ok());
    return n;
  }

  DatabaseOptions Options() const {
    DatabaseOptions o;
    o.path = path_;
    return o;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DatabaseTest, MigratesFromEmpty) {
  auto db = OpenWith(testdata::kMigrations);
  EXPECT_EQ(db->schema_version(), 3);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM people WHERE phone = ''"), 1);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM schema_migrations"), 3);
}

TEST_F(DatabaseTest, MigratesFromEachEarlierVersionKeepingData) {
  for (size_t earlier = 1; earlier < testdata::kMigrations.size(); ++earlier) {
    std::filesystem::remove(path_);
    {
      auto db = OpenWith(First(earlier));
      EXPECT_EQ(db->schema_version(), static_cast<int>(earlier));
      ASSERT_TRUE(db->Write([](SQLite::Database& tx) {
                      tx.exec("INSERT INTO people(name) VALUES ('李四')");
                      return absl::OkStatus();
                    }).ok());
    }
    auto db = OpenWith(testdata::kMigrations);
    EXPECT_EQ(db->schema_version(), 3) << "from version " << earlier;
    EXPECT_EQ(Count(*db, "SELECT count(*) FROM people WHERE name IN ('张三','李四')"), 2);
  }
}

TEST_F(DatabaseTest, AppliesAMigrationNumberedBelowTheHighestApplied) {
  { auto db = OpenWith({testdata::kMigrations[0], testdata::kMigrations[2]}); }
  auto db = OpenWith(testdata::kMigrations);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM schema_migrations"), 3);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM people WHERE phone = ''"), 1);
}

TEST_F(DatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  { auto db = OpenWith(testdata::kMigrations); }
  auto db = Database::Open(Options(), First(1));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DatabaseTest, FailedWriteRollsBackOnlyItself) {
  auto db = OpenWith(testdata::kMigrations);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      absl::Status s = db->Write([i](SQLite::Database& tx) -> absl::Status {
        tx.exec("INSERT INTO people(name) VALUES ('王五" + std::to_string(i) + "')");
        if (i % 2) return absl::InvalidArgumentError("refused");
        return absl::OkStatus();
      });
      if (s.ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM people WHERE name LIKE '王五%'"), 4);
}

TEST_F(DatabaseTest, ExceptionInsideAWriteBecomesAStatus) {
  auto db = OpenWith(testdata::kMigrations);
  absl::Status s = db->Write([](SQLite::Database& tx) {
    tx.exec("INSERT INTO no_such_table VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
}

// What a listener captured may die once it is removed, though the writer goes on committing.
// Listeners run just after a write returns, so counts are read once Close has joined the writer.
TEST_F(DatabaseTest, ARemovedCommitListenerIsNeverCalledAgain) {
  auto db = OpenWith(testdata::kMigrations);
  auto kept = std::make_shared<std::atomic<int>>(0);
  db->AddCommitListener([kept] { ++*kept; });
  auto removed = std::make_unique<std::atomic<int>>(0);
  const int64_t id = db->AddCommitListener([counter = removed.get()] { ++*counter; });
  auto write = [&](int n) {
    return db->Write([n](SQLite::Database& tx) {
      SQLite::Statement insert(tx, "INSERT INTO writes(writer, n) VALUES (1, ?)");
      insert.bind(1, n);
      insert.exec();
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(write(1).ok());
  db->RemoveCommitListener(id);
  EXPECT_LE(removed->load(), 1);  // called for write 1, or not yet when it was removed
  removed.reset();                // a call after this is a use after free (ASan)
  ASSERT_TRUE(write(2).ok());
  ASSERT_TRUE(write(3).ok());
  db->Close();
  EXPECT_EQ(kept->load(), 3);
}

TEST_F(DatabaseTest, GroupCommitsManyConcurrentWriters) {
  // Declared before the database: its writer may still be running the listener after the last
  // write returned, until the database is destroyed and joins it.
  std::atomic<int> commits{0};
  auto db = OpenWith(testdata::kMigrations);
  db->AddCommitListener([&] { ++commits; });
  constexpr int kWriters = 16, kEach = 200;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 0; n < kEach; ++n) {
        ASSERT_TRUE(db->Write([&](SQLite::Database& tx) {
                        SQLite::Statement insert(tx, "INSERT INTO writes(writer, n) VALUES (?, ?)");
                        insert.bind(1, w);
                        insert.bind(2, n);
                        insert.exec();
                        return absl::OkStatus();
                      }).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM writes"), kWriters * kEach);
  // Writers waiting at the same time share a transaction: far fewer commits than writes.
  EXPECT_LT(commits.load(), kWriters * kEach);
}

TEST_F(DatabaseTest, ReadsDoNotWaitForTheWriter) {
  auto db = OpenWith(testdata::kMigrations);
  std::atomic<bool> in_write{false}, release{false};
  std::thread writer([&] {
    ASSERT_TRUE(db->Write([&](SQLite::Database& tx) {
                    tx.exec("INSERT INTO people(name) VALUES ('赵六')");
                    in_write = true;
                    while (!release) std::this_thread::yield();
                    return absl::OkStatus();
                  }).ok());
  });
  while (!in_write) std::this_thread::yield();
  // The write transaction is open and uncommitted; a read sees the last committed state.
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM people"), 1);
  release = true;
  writer.join();
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM people"), 2);
}

// A child process writes and reports each acknowledged write through a pipe; it is killed
// with SIGKILL mid-stream. Every write it acknowledged must be in the database afterwards.
TEST_F(DatabaseTest, KilledProcessLosesNoAcknowledgedWrite) {
  { auto db = OpenWith(testdata::kMigrations); }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto db = Database::Open(Options(), testdata::kMigrations);
    if (!db.ok()) _exit(2);
    std::vector<std::thread> threads;
    for (int w = 0; w < 4; ++w) {
      threads.emplace_back([&, w] {
        for (int n = 0;; ++n) {
          absl::Status s = (*db)->Write([&](SQLite::Database& tx) {
            SQLite::Statement insert(tx, "INSERT INTO writes(writer, n) VALUES (?, ?)");
            insert.bind(1, w);
            insert.bind(2, n);
            insert.exec();
            return absl::OkStatus();
          });
          if (!s.ok()) _exit(3);
          int64_t ack[2] = {w, n};
          if (write(fds[1], ack, sizeof ack) != sizeof ack) _exit(4);
        }
      });
    }
    for (auto& t : threads) t.join();
    _exit(0);
  }
  close(fds[1]);
  std::set<std::pair<int64_t, int64_t>> acknowledged;
  while (acknowledged.size() < 400) {
    int64_t ack[2];
    ASSERT_EQ(read(fds[0], ack, sizeof ack), static_cast<ssize_t>(sizeof ack));
    acknowledged.insert({ack[0], ack[1]});
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  int64_t ack[2];
  while (read(fds[0], ack, sizeof ack) == static_cast<ssize_t>(sizeof ack)) {
    acknowledged.insert({ack[0], ack[1]});
  }
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto db = OpenWith(testdata::kMigrations);
  std::set<std::pair<int64_t, int64_t>> stored;
  ASSERT_TRUE(db->Read([&](SQLite::Database& c) {
                  SQLite::Statement q(c, "SELECT writer, n FROM writes");
                  while (q.executeStep()) stored.insert({q.getColumn(0), q.getColumn(1)});
                  return absl::OkStatus();
                }).ok());
  for (const auto& a : acknowledged) {
    EXPECT_TRUE(stored.count(a)) << "lost acknowledged write " << a.first << "/" << a.second;
  }
}

}  // namespace
}  // namespace huiyin

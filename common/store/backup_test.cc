#include "common/store/backup.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "common/store/database.h"
#include "common/store/huiyin_store_test_migrations.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("huiyin-backup-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Database> Open(const fs::path& path) {
    DatabaseOptions options;
    options.path = path.string();
    auto db = Database::Open(options, testdata::kMigrations);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // Each write adds one row to `writes` and one to `people` in the same transaction.
  static absl::Status WritePair(Database& db, int n) {
    return db.Write([n](SQLite::Database& tx) {
      SQLite::Statement w(tx, "INSERT INTO writes(writer, n) VALUES (1, ?)");
      w.bind(1, n);
      w.exec();
      SQLite::Statement p(tx, "INSERT INTO people(name) VALUES (?)");
      p.bind(1, "代表" + std::to_string(n));
      p.exec();
      return absl::OkStatus();
    });
  }

  static int64_t Count(const fs::path& path, const char* table) {
    SQLite::Database conn(path.string(), SQLite::OPEN_READONLY);
    return conn.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
  }

  fs::path dir_;
};

TEST_F(BackupTest, CopiesAConsistentSnapshotWhileTheServiceWrites) {
  auto db = Open(dir_ / "live.db");
  ASSERT_NE(db, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int n = 1; !stop; ++n) {
      ASSERT_TRUE(WritePair(*db, n).ok());
      written = n;
    }
  });
  while (written < 50) std::this_thread::yield();

  int64_t previous = -1;
  for (int i = 0; i < 5; ++i) {
    const fs::path copy = dir_ / ("copy" + std::to_string(i) + ".db");
    auto result = BackupDatabase((dir_ / "live.db").string(), copy.string());
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->schema_version, 3);
    EXPECT_GT(result->pages, 0);
    EXPECT_EQ(result->bytes, static_cast<int64_t>(fs::file_size(copy)));
    // One commit's state: never a `writes` row without its `people` row (张三 is the seed row).
    const int64_t writes = Count(copy, "writes");
    EXPECT_EQ(Count(copy, "people"), writes + 1);
    EXPECT_GE(writes, 50);
    EXPECT_GE(writes, previous);
    previous = writes;
  }
  stop = true;
  writer.join();

  const fs::path last = dir_ / "backup" / "last.db";  // a directory that does not exist yet
  ASSERT_TRUE(BackupDatabase((dir_ / "live.db").string(), last.string()).ok());
  db->Close();
  db.reset();
  auto restored = Open(last);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->schema_version(), 3);
  int64_t rows = -1;
  ASSERT_TRUE(restored
                  ->Read([&](SQLite::Database& conn) {
                    rows = conn.execAndGet("SELECT count(*) FROM writes").getInt64();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(rows, written.load());
  EXPECT_TRUE(WritePair(*restored, written + 1).ok());  // the restored store takes writes
}

TEST_F(BackupTest, RefusesAMissingDatabaseWithoutCreatingIt) {
  auto result = BackupDatabase((dir_ / "missing.db").string(), (dir_ / "copy.db").string());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
  EXPECT_FALSE(fs::exists(dir_ / "copy.db"));
}

TEST_F(BackupTest, RefusesToOverwriteTheDatabaseItself) {
  auto db = Open(dir_ / "live.db");
  ASSERT_NE(db, nullptr);
  auto result = BackupDatabase((dir_ / "live.db").string(), (dir_ / "." / "live.db").string());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(dir_ / "live.db", "people"), 1);
}

TEST_F(BackupTest, AFailedCopyLeavesThePreviousBackupAndNoTemporaryFiles) {
  const fs::path garbage = dir_ / "garbage.db";
  std::ofstream(garbage) << std::string(8192, 'x');
  auto db = Open(dir_ / "live.db");
  ASSERT_NE(db, nullptr);
  const fs::path copy = dir_ / "backup" / "copy.db";
  ASSERT_TRUE(BackupDatabase((dir_ / "live.db").string(), copy.string()).ok());

  EXPECT_FALSE(BackupDatabase(garbage.string(), copy.string()).ok());
  EXPECT_EQ(Count(copy, "people"), 1);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "backup")) ++entries;
  EXPECT_EQ(entries, 1);
}

}  // namespace
}  // namespace huiyin

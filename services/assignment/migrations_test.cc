// Assignment's schema migrates from empty and from every earlier version, keeping the units.
#include <unistd.h>

#include <filesystem>

#include "common/store/database.h"
#include "gtest/gtest.h"
#include "services/assignment/huiyin_assignment_migrations.h"

namespace huiyin::assignment {
namespace {

TEST(AssignmentMigrations, UpgradeFromEveryEarlierVersionKeepsTheData) {
  for (size_t applied = 0; applied < kMigrations.size(); ++applied) {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("huiyin-assignment-migrate-" + std::to_string(::getpid()) + ".db"))
                           .string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    DatabaseOptions options;
    options.path = path;
    bool has_unit = false;
    if (applied > 0) {
      EmbeddedTextList earlier(kMigrations.begin(), kMigrations.begin() + applied);
      auto old = Database::Open(options, earlier);
      ASSERT_TRUE(old.ok()) << old.status();
      has_unit = applied >= 3;  // 100_units.sql is the third file
      if (has_unit) {
        ASSERT_TRUE((*old)
                        ->Write([](SQLite::Database& tx) {
                          tx.exec(
                              "INSERT INTO units(id, kind, active, revision, unit) "
                              "VALUES ('housing', 1, 1, 1, x'')");
                          return absl::OkStatus();
                        })
                        .ok());
      }
    }
    auto db = Database::Open(options, kMigrations);
    ASSERT_TRUE(db.ok()) << "from " << applied << " migrations: " << db.status();
    EXPECT_EQ((*db)->schema_version(), 104);
    ASSERT_TRUE((*db)
                    ->Read([&](SQLite::Database& c) {
                      EXPECT_EQ(c.execAndGet("SELECT count(*) FROM units").getInt(),
                                has_unit ? 1 : 0);
                      EXPECT_EQ(c.execAndGet("SELECT count(*) FROM assignments").getInt(), 0);
                      return absl::OkStatus();
                    })
                    .ok());
    (*db)->Close();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
}

}  // namespace
}  // namespace huiyin::assignment

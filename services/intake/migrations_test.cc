// Intake's schema migrates from empty and from every earlier version, keeping the items.
#include <unistd.h>

#include <filesystem>

#include "common/store/database.h"
#include "common/text/bigram_tokenizer.h"
#include "gtest/gtest.h"
#include "services/intake/huiyin_intake_migrations.h"

namespace huiyin::intake {
namespace {

TEST(IntakeMigrations, UpgradeFromEveryEarlierVersionKeepsTheData) {
  for (size_t applied = 0; applied < kMigrations.size(); ++applied) {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("huiyin-intake-migrate-" + std::to_string(::getpid()) + ".db"))
                           .string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    DatabaseOptions options;
    options.path = path;
    options.on_connection = [](SQLite::Database& c) {
      return text::RegisterBigramTokenizer(c.getHandle());
    };
    bool has_items = false;
    if (applied > 0) {
      EmbeddedTextList earlier(kMigrations.begin(), kMigrations.begin() + applied);
      auto old = Database::Open(options, earlier);
      ASSERT_TRUE(old.ok()) << old.status();
      has_items = applied >= 3;  // 100_items.sql is the third file
      if (has_items) {
        ASSERT_TRUE((*old)->Write([](SQLite::Database& tx) {
                         tx.exec("INSERT INTO items(id, kind, session, year, state, category, revision, item) "
                                 "VALUES ('old-1', 1, '县第十八届人民代表大会第三次会议', 2024, 2, '教育', 1, x'')");
                         return absl::OkStatus();
                       }).ok());
      }
    }
    auto db = Database::Open(options, kMigrations);
    ASSERT_TRUE(db.ok()) << "from " << applied << " migrations: " << db.status();
    EXPECT_EQ((*db)->schema_version(), 101);
    ASSERT_TRUE((*db)->Read([&](SQLite::Database& c) {
                     EXPECT_EQ(c.execAndGet("SELECT count(*) FROM items").getInt(), has_items ? 1 : 0);
                     EXPECT_EQ(c.execAndGet("SELECT indexed_seq FROM search_index_state").getInt(), 0);
                     return absl::OkStatus();
                   }).ok());
    (*db)->Close();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
}

}  // namespace
}  // namespace huiyin::intake

// A service's database for one test: a file in the temp directory named after the service, the
// process and the running test, opened with the service's migrations, deleted with its WAL when
// the test ends. Use it as the fixture's `db_` (it reads like the unique_ptr it replaces):
//
//   TempDatabase db_{"supervision", kMigrations};     // declared before what uses it
//   db_->Write([&](SQLite::Database& tx) { ... });
//   SupervisionCore core(*db_, clock, calendar, {});
//   db_.Reopen();     // a restart on the same file
//   db_.Recreate();   // an empty database again
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/base/embedded_text.h"
#include "common/store/database.h"
#include "gtest/gtest.h"

namespace huiyin::testing {

class TempDatabase {
 public:
  TempDatabase(const std::string& service, const EmbeddedTextList& migrations)
      : migrations_(migrations) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::temp_directory_path() /
             ("huiyin-" + service + "-" + std::to_string(::getpid()) + "-" +
              (test != nullptr ? std::string(test->test_suite_name()) + "." + test->name()
                               : std::string("no-test")) +
              ".db"))
                .string();
    Recreate();
  }
  ~TempDatabase() {
    db_.reset();
    RemoveFiles();
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  Database& operator*() const { return *db_; }
  Database* operator->() const { return db_.get(); }
  const std::string& path() const { return path_; }

  void Reopen() {
    db_.reset();
    Open();
  }
  void Recreate() {
    db_.reset();
    RemoveFiles();
    Open();
  }

 private:
  void Open() {
    DatabaseOptions options;
    options.path = path_;
    auto db = Database::Open(options, migrations_);
    if (!db.ok()) {
      // Nothing in the test can run without it; stop here rather than crash on a null later.
      ADD_FAILURE() << "cannot open " << path_ << ": " << db.status();
      std::abort();
    }
    db_ = std::move(*db);
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  const EmbeddedTextList& migrations_;
  std::string path_;
  std::unique_ptr<Database> db_;
};

}  // namespace huiyin::testing

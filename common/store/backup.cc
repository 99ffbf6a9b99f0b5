#include "common/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "SQLiteCpp/Backup.h"
#include "SQLiteCpp/Database.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/store/database.h"

namespace huiyin {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 10000;

absl::Status Fsync(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open ", path.string()));
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : absl::InternalError(absl::StrCat("fsync ", path.string()));
}

// Copies every page of `source` into the file `tmp` in one step, then checks the copy.
absl::StatusOr<BackupResult> CopyAndCheck(const std::string& source, const fs::path& tmp) {
  try {
    BackupResult result;
    SQLite::Database src(source, SQLite::OPEN_READONLY, kBusyTimeoutMs);
    SQLite::Database dest(tmp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                          kBusyTimeoutMs);
    {
      SQLite::Backup backup(dest, src);
      const absl::Time deadline = absl::Now() + absl::Milliseconds(kBusyTimeoutMs);
      int rc = backup.executeStep(-1);
      // BUSY/LOCKED only while another connection holds an exclusive lock (a checkpoint that
      // truncates, or a database not in WAL mode): wait for it, within the busy timeout.
      while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(20));
        rc = backup.executeStep(-1);
      }
      if (rc != SQLITE_DONE) {
        return absl::UnavailableError(
            absl::StrCat("backup of ", source, " did not finish: ", sqlite3_errstr(rc)));
      }
      result.pages = backup.getTotalPageCount();
    }
    // The copy carries the source's WAL flag; a rollback-journal file is one self-contained file
    // that opens even on read-only media. The service switches a restored store back to WAL.
    dest.exec("PRAGMA journal_mode=DELETE");
    std::string check = dest.execAndGet("PRAGMA integrity_check").getString();
    if (check != "ok") {
      return absl::DataLossError(
          absl::StrCat("the copy of ", source, " fails integrity_check: ", check));
    }
    result.schema_version = dest.execAndGet("PRAGMA user_version").getInt();
    return result;
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace

absl::StatusOr<BackupResult> BackupDatabase(const std::string& source, const std::string& target) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    return absl::NotFoundError(absl::StrCat("no database file ", source));
  }
  const fs::path to = fs::absolute(target, ec);
  if (fs::exists(to, ec) && fs::equivalent(source, to, ec)) {
    return absl::InvalidArgumentError("the backup target is the database itself");
  }
  const fs::path dir = to.parent_path();
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir.string()));

  const fs::path tmp = dir / absl::StrCat(".", to.filename().string(), ".tmp-", ::getpid());
  fs::remove(tmp, ec);
  auto result = CopyAndCheck(source, tmp);
  if (result.ok()) {
    if (auto s = Fsync(tmp, O_RDONLY); !s.ok()) result = s;
  }
  if (result.ok()) {
    fs::rename(tmp, to, ec);
    if (ec) result = absl::InternalError(absl::StrCat("cannot rename to ", to.string()));
  }
  if (!result.ok()) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      fs::remove(tmp.string() + suffix, ec);
    }
    return result;
  }
  // The rename itself is durable only once the directory is.
  if (auto s = Fsync(dir, O_RDONLY | O_DIRECTORY); !s.ok()) return s;
  result->bytes = static_cast<int64_t>(fs::file_size(to, ec));
  return result;
}

}  // namespace huiyin

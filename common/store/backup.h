// An online backup of a service's SQLite database with SQLite's backup API: a consistent copy
// taken while the service keeps running and writing.
//
//   absl::StatusOr<BackupResult> r = BackupDatabase("var/intake.db", "backup/intake.db");
//   // r->pages, r->bytes, r->schema_version (PRAGMA user_version of the copy)
//
// The copy is made in ONE backup step, i.e. inside one read transaction on the source: in WAL mode
// a reader never blocks the writer, so the service goes on committing while the copy is taken, and
// the copy is the database exactly as of one commit. (Copied a few pages per step, as the sqlite3
// shell's `.backup` does, SQLite restarts the copy whenever another process commits between two
// steps, which a busy service does all the time.)
//
// The copy goes to a temporary file beside the target, is switched to a rollback journal (one
// self-contained file), checked (PRAGMA integrity_check), fsynced, and renamed over the target:
// the target is always either the previous backup or a complete, checked new one. Restoring is
// copying the file back while the service is stopped (README, "Backup and restore").
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace huiyin {

struct BackupResult {
  int64_t pages = 0;
  int64_t bytes = 0;
  int schema_version = 0;
};

// `source` must exist (it is never created); `target`'s directory is created if missing.
absl::StatusOr<BackupResult> BackupDatabase(const std::string& source, const std::string& target);

}  // namespace huiyin

// The opening lines every binary's main shares, written once: shutdown signals, the
// configuration (defaults < file < HUIYIN_* environment < --section.field flags), JSON logs, and
// the service's store opened from the server section.
//
//   auto config = StartProcess("workflow", 7103, argc, argv);
//   if (!config.ok()) return ExitCodeOf(config.status());  // 0 after --help, 2 if misconfigured
//   auto db = OpenServiceDatabase(config->server(), kMigrations);
//   if (!db.ok()) return 1;                                  // already logged
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/base/embedded_text.h"
#include "common/store/database.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin {

// Installs the SIGTERM/SIGINT handlers, loads the configuration of `service` and checks its TLS
// section (printing why it is refused, as "huiyin-<service>: tls.ca_file: …", on stderr),
// starts logging, and warns when the internal credential is empty. CANCELLED after --help
// printed the fields.
absl::StatusOr<config::v1::Config> StartProcess(const std::string& service, int default_grpc_port,
                                                int argc, char** argv);

// The exit status for a StartProcess error: 0 after --help, 2 for a configuration refused
// (a half-set TLS section included).
int ExitCodeOf(const absl::Status& start_error);

// Opens the store at server.database_path with the server section's pool and batch sizes;
// logs the path and the reason when it cannot.
absl::StatusOr<std::unique_ptr<Database>> OpenServiceDatabase(
    const config::v1::ServerConfig& server, const EmbeddedTextList& migrations,
    std::function<absl::Status(SQLite::Database&)> on_connection = nullptr);

}  // namespace huiyin

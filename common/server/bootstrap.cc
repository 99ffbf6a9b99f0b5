#include "common/server/bootstrap.h"

#include <iostream>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/base/log.h"
#include "common/config/config.h"
#include "common/server/service_runner.h"
#include "common/tls/tls_config.h"

namespace huiyin {

absl::StatusOr<config::v1::Config> StartProcess(const std::string& service, int default_grpc_port,
                                                int argc, char** argv) {
  // Debian's Abseil is built with lock-order checking on: every absl::Mutex acquisition then
  // updates a process-wide lock graph (1–2 % of the CPU of the services under load, by perf),
  // and an inversion it suspects aborts the process. A service runs without it; tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  InstallShutdownSignalHandlers();
  auto config = LoadConfig(DefaultConfig(service, default_grpc_port), argc, argv);
  if (!config.ok()) {
    if (!absl::IsCancelled(config.status())) {
      std::cerr << "huiyin-" << service << ": " << config.status().message() << "\n";
    }
    return config.status();
  }
  if (auto tls = CheckTlsConfig(config->tls()); !tls.ok()) {
    std::cerr << "huiyin-" << service << ": " << tls.message() << "\n";
    return tls;
  }
  InitLogging(service, config->server().log_level());
  if (config->server().internal_credential().empty()) {
    LogWarn("server.internal_credential is empty: every caller is treated as the public");
  }
  return config;
}

int ExitCodeOf(const absl::Status& start_error) {
  return absl::IsCancelled(start_error) ? 0 : 2;
}

absl::StatusOr<std::unique_ptr<Database>> OpenServiceDatabase(
    const config::v1::ServerConfig& server, const EmbeddedTextList& migrations,
    std::function<absl::Status(SQLite::Database&)> on_connection) {
  DatabaseOptions options;
  options.path = server.database_path();
  options.read_connections = server.read_connections();
  options.max_write_batch = server.max_write_batch();
  options.on_connection = std::move(on_connection);
  auto db = Database::Open(options, migrations);
  if (!db.ok()) {
    LogError("cannot open database",
             {{"path", server.database_path()}, {"error", db.status().ToString()}});
  }
  return db;
}

}  // namespace huiyin

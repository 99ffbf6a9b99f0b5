// huiyin-audit: checks that a service's event log — its audit trail (留痕) — has not been edited.
// Every event is hash-chained to the one before it (common/events/outbox.h); a changed or deleted
// row breaks the chain from there on.
//
//   huiyin-audit verify --database=var/intake.db           # offline, on the store file
//   huiyin-audit verify --address=127.0.0.1:7101 [--config=FILE | --server.internal_credential=…]
//
// Offline opens the file read-only and reads the log in one read transaction, so it is safe while
// the service runs (WAL: it never blocks the writer) and works on a backup or a copy. Online asks
// the running service (EventFeed.VerifyChain) as a system caller with the internal credential,
// taken from the configuration like every binary (file, HUIYIN_SERVER_INTERNAL_CREDENTIAL, flag).
//
// Prints the events checked and, when broken, the first broken sequence. Exit status: 0 intact,
// 1 broken, 2 usage error or the log could not be read.
#include <iostream>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "huiyin/events/v1/events.grpc.pb.h"

namespace huiyin {
namespace {

constexpr char kUsage[] =
    "usage: huiyin-audit verify --database=SERVICE.db\n"
    "       huiyin-audit verify --address=HOST:PORT [--config=FILE] "
    "[--server.internal_credential=SECRET]\n";
// A whole log is rehashed by the service in one call; large logs take a while.
constexpr absl::Duration kOnlineDeadline = absl::Minutes(10);

absl::StatusOr<events::v1::VerifyChainResponse> VerifyOffline(const std::string& path) {
  try {
    SQLite::Database conn(path, SQLite::OPEN_READONLY);
    conn.setBusyTimeout(5000);
    return VerifyEventChain(conn);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot read ", path, ": ", e.what()));
  }
}

absl::StatusOr<events::v1::VerifyChainResponse> VerifyOnline(const std::string& address,
                                                             const config::v1::Config& config) {
  const std::string& credential = config.server().internal_credential();
  auto stub = events::v1::EventFeed::NewStub(ServiceChannel(address, config.tls()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kOnlineDeadline));
  AttachCaller(context, MakeCaller("systems/huiyin-audit", common::v1::ROLE_SYSTEM, "", "审计"),
               credential);
  events::v1::VerifyChainResponse response;
  grpc::Status status = stub->VerifyChain(&context, events::v1::VerifyChainRequest(), &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(address, ": ", status.error_message(),
                                               " (gRPC code ", status.error_code(), ")"));
  }
  return response;
}

int Report(const std::string& what, const absl::StatusOr<events::v1::VerifyChainResponse>& r) {
  if (!r.ok()) {
    std::cerr << "huiyin-audit: " << r.status().message() << "\n";
    return 2;
  }
  if (r->first_broken_sequence() == 0) {
    std::cout << what << ": " << r->events_checked() << " events checked, chain intact\n";
    return 0;
  }
  std::cout << what << ": " << r->events_checked() << " events checked, chain BROKEN at sequence "
            << r->first_broken_sequence()
            << " (that event was changed or deleted, or the one before it was)\n";
  return 1;
}

int Main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "verify") {
    std::cerr << kUsage;
    return 2;
  }
  std::string database, address;
  std::vector<const char*> config_args = {argv[0]};  // the rest is configuration
  for (int i = 2; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--database=")) {
      database = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--address=")) {
      address = std::string(arg);
    } else {
      config_args.push_back(argv[i]);
    }
  }
  if (database.empty() == address.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (!database.empty()) {
    if (config_args.size() > 1) {
      std::cerr << kUsage;
      return 2;
    }
    return Report(database, VerifyOffline(database));
  }
  auto config = LoadConfig(DefaultConfig("audit", 0), static_cast<int>(config_args.size()),
                           config_args.data());
  if (!config.ok()) {
    if (absl::IsCancelled(config.status())) return 0;  // --help
    std::cerr << "huiyin-audit: " << config.status().message() << "\n";
    return 2;
  }
  return Report(address, VerifyOnline(address, *config));
}

}  // namespace
}  // namespace huiyin

int main(int argc, char** argv) { return huiyin::Main(argc, argv); }

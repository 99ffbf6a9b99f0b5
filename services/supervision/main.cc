// huiyin-supervision: wires configuration, calendar, store, core, the feeds of intake, assignment
// and workflow, and servers; nothing else. Its own event feed (EventFeedService) is served for
// the uniform shape of every service but carries nothing yet: the ledger and figures are read
// models, and supervision's own acts (reminders, notices, returns) are not in this slice.
#include <iostream>

#include "common/base/log.h"
#include "common/calendar/working_day_calendar.h"
#include "common/config/config.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/identity/caller.h"
#include "common/server/service_runner.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/supervision/core.h"
#include "services/supervision/grpc_service.h"
#include "services/supervision/huiyin_supervision_migrations.h"
#include "services/supervision/metrics.h"

namespace huiyin::supervision {
namespace {

int Run(int argc, char** argv) {
  InstallShutdownSignalHandlers();
  auto config = LoadConfig(DefaultConfig("supervision", 7104), argc, argv);
  if (!config.ok()) {
    if (absl::IsCancelled(config.status())) return 0;
    std::cerr << "huiyin-supervision: " << config.status().message() << "\n";
    return 2;
  }
  const auto& server = config->server();
  const auto& settings = config->supervision();
  InitLogging("supervision", server.log_level());
  if (server.internal_credential().empty()) {
    LogWarn("server.internal_credential is empty: every caller is treated as the public");
  }
  if (settings.due_soon_working_days() < 0) {
    std::cerr << "huiyin-supervision: supervision.due_soon_working_days must not be negative\n";
    return 2;
  }
  auto calendar = LoadWorkingDayCalendar(server.calendar_file());
  if (!calendar.ok()) {
    LogError("cannot load the working-day calendar", {{"error", calendar.status().ToString()}});
    return 1;
  }
  DatabaseOptions db_options;
  db_options.path = server.database_path();
  db_options.read_connections = server.read_connections();
  db_options.max_write_batch = server.max_write_batch();
  auto db = Database::Open(db_options, kMigrations);
  if (!db.ok()) {
    LogError("cannot open database",
             {{"path", server.database_path()}, {"error", db.status().ToString()}});
    return 1;
  }

  SystemClock clock;
  SupervisionOptions options;
  options.due_soon_working_days = settings.due_soon_working_days();
  SupervisionCore core(**db, clock, *calendar, options);
  const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "督查服务");

  auto follow = [&](const std::string& source, const std::string& address) {
    return FeedOptions(source, address, server.internal_credential(), self);
  };
  EventConsumer intake_feed(follow("intake", settings.intake_address()), **db, clock,
                            [&](SQLite::Database& tx, const events::v1::Event& event) {
                              return core.ApplyIntakeEvent(tx, event);
                            });
  EventConsumer assignment_feed(follow("assignment", settings.assignment_address()), **db, clock,
                                [&](SQLite::Database& tx, const events::v1::Event& event) {
                                  return core.ApplyAssignmentEvent(tx, event);
                                });
  EventConsumer workflow_feed(follow("workflow", settings.workflow_address()), **db, clock,
                              [&](SQLite::Database& tx, const events::v1::Event& event) {
                                return core.ApplyWorkflowEvent(tx, event);
                              });

  SupervisionGrpcService service(core, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("supervision", server);
  runner.RegisterService(&service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM entries LIMIT 1");
      return absl::OkStatus();
    });
  });
  RegisterSupervisionMetrics(runner, core, clock, intake_feed, assignment_feed, workflow_feed);
  runner.OnDrain([&] {
    intake_feed.Stop();
    assignment_feed.Stop();
    workflow_feed.Stop();
    feed.Stop();
  });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  intake_feed.Start();
  assignment_feed.Start();
  workflow_feed.Start();
  runner.Run();
  intake_feed.Stop();
  assignment_feed.Stop();
  workflow_feed.Stop();
  (*db)->Close();
  return 0;
}

}  // namespace
}  // namespace huiyin::supervision

int main(int argc, char** argv) { return huiyin::supervision::Run(argc, argv); }

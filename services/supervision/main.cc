// huiyin-supervision: wires configuration, calendar, store, core, the feeds of intake, assignment
// and workflow, the notice sweeper, and servers; nothing else. Its own event feed
// (EventFeedService) carries supervision's own acts (notices, verifications); the ledger and
// figures are read models and publish nothing.
#include <initializer_list>
#include <iostream>
#include <utility>

#include "common/base/ids.h"
#include "common/base/log.h"
#include "common/calendar/working_day_calendar.h"
#include "common/config/config.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/identity/caller.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "common/status/errors.h"
#include "common/tls/grpc_credentials.h"
#include "services/supervision/core.h"
#include "services/supervision/export_grpc_service.h"
#include "services/supervision/grpc_service.h"
#include "services/supervision/huiyin_supervision_migrations.h"
#include "services/supervision/metrics.h"
#include "services/supervision/notice_grpc_service.h"
#include "services/supervision/notices.h"
#include "services/supervision/score_grpc_service.h"
#include "services/supervision/settings.h"
#include "services/supervision/workflow_client.h"

namespace huiyin::supervision {
namespace {

int Run(int argc, char** argv) {
  auto config = StartProcess("supervision", 7104, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  const auto& server = config->server();
  const auto& settings = config->supervision();
  auto checked = SettingsFromConfig(settings);
  if (!checked.ok()) {
    for (const auto& [field, problem] : FieldViolationsOf(checked.status())) {
      std::cerr << "huiyin-supervision: " << field << ": " << problem << "\n";
    }
    return 2;
  }
  auto calendar = LoadWorkingDayCalendar(server.calendar_file());
  if (!calendar.ok()) {
    LogError("cannot load the working-day calendar", {{"error", calendar.status().ToString()}});
    return 1;
  }
  auto db = OpenServiceDatabase(server, kMigrations);
  if (!db.ok()) return 1;

  SystemClock clock;
  SupervisionCore core(**db, clock, *calendar, checked->core);
  const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "督查服务");

  auto follow = [&](const std::string& source, const std::string& address) {
    return FeedOptions(source, address, config->tls(), server.internal_credential(), self);
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
  EventConsumer disclosure_feed(follow("disclosure", settings.disclosure_address()), **db, clock,
                                [&](SQLite::Database& tx, const events::v1::Event& event) {
                                  return core.ApplyDisclosureEvent(tx, event);
                                });

  RandomIdGenerator ids;
  WorkflowAnswerReturner workflow(ServiceChannel(settings.workflow_address(), config->tls()),
                                  server.internal_credential(), checked->workflow_deadline);
  ReturnDesk returns(**db, clock, ids, workflow);
  NoticeDesk notices(**db, clock, ids, *calendar, checked->core, checked->notices);
  NoticeSweeper sweeper(notices, checked->notice_sweep_interval);

  SupervisionGrpcService service(core, server.internal_credential());
  ReturnGrpcService return_service(returns, server.internal_credential());
  NoticeGrpcService notice_service(notices, server.internal_credential());
  ScoreCore scores(**db, checked->scores);
  ExportCore exports(core, scores, checked->exports);
  ScoreGrpcService score_service(scores, server.internal_credential());
  ExportGrpcService export_service(exports, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("supervision", server, config->tls());
  runner.RegisterService(&service);
  runner.RegisterService(&return_service);
  runner.RegisterService(&notice_service);
  runner.RegisterService(&score_service);
  runner.RegisterService(&export_service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM entries LIMIT 1");
      return absl::OkStatus();
    });
  });
  RegisterSupervisionMetrics(runner, core, clock,
                             {&intake_feed, &assignment_feed, &workflow_feed, &disclosure_feed});
  RegisterScoreMetrics(runner, scores, clock);
  RegisterNoticeMetrics(runner, notices);
  runner.OnDrain([&] {
    intake_feed.Stop();
    assignment_feed.Stop();
    workflow_feed.Stop();
    disclosure_feed.Stop();
    sweeper.Stop();
    feed.Stop();
  });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  intake_feed.Start();
  assignment_feed.Start();
  workflow_feed.Start();
  disclosure_feed.Start();
  sweeper.Start();
  runner.Run();
  intake_feed.Stop();
  assignment_feed.Stop();
  workflow_feed.Stop();
  disclosure_feed.Stop();
  sweeper.Stop();
  (*db)->Close();
  return 0;
}

}  // namespace
}  // namespace huiyin::supervision

int main(int argc, char** argv) { return huiyin::supervision::Run(argc, argv); }

// huiyin-workflow: wires configuration, calendar, text normaliser, store, core, the feeds of
// intake and assignment, and servers; nothing else.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/calendar/working_day_calendar.h"
#include "common/config/config.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "services/workflow/core.h"
#include "services/workflow/grpc_service.h"
#include "services/workflow/huiyin_workflow_migrations.h"
#include "services/workflow/metrics.h"
#include "services/workflow/rules.h"

namespace {

// Options from the configuration; INVALID_ARGUMENT for values no office could mean.
absl::StatusOr<huiyin::workflow::WorkflowOptions> OptionsFrom(
    const huiyin::config::v1::WorkflowConfig& c) {
  huiyin::workflow::WorkflowOptions options;
  options.co_opinion_working_days = c.co_opinion_working_days();
  options.allow_class_d = c.allow_class_d();
  options.second_handling_months = c.second_handling_months();
  if (options.co_opinion_working_days < 1 || options.second_handling_months < 1) {
    return absl::InvalidArgumentError(
        "workflow: co_opinion_working_days and second_handling_months must be at least 1");
  }
  auto blocking = huiyin::workflow::ParseBlockingFindings(c.blocking_findings());
  if (!blocking.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("workflow.blocking_findings: ", blocking.status().message()));
  }
  options.blocking_findings = *std::move(blocking);
  return options;
}

}  // namespace

namespace huiyin::workflow {
namespace {

int Run(int argc, char** argv) {
  auto config = StartProcess("workflow", 7103, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  const auto& server = config->server();
  auto options = OptionsFrom(config->workflow());
  if (!options.ok()) {
    std::cerr << "huiyin-workflow: " << options.status().message() << "\n";
    return 2;
  }
  auto calendar = LoadWorkingDayCalendar(server.calendar_file());
  if (!calendar.ok()) {
    LogError("cannot load the working-day calendar", {{"error", calendar.status().ToString()}});
    return 1;
  }
  auto normalizer = text::TextNormalizer::Create();
  if (!normalizer.ok()) {
    LogError("cannot load the text normaliser", {{"error", normalizer.status().ToString()}});
    return 1;
  }
  auto db = OpenServiceDatabase(server, workflow::kMigrations);
  if (!db.ok()) return 1;

  SystemClock clock;
  RandomIdGenerator ids;
  workflow::WorkflowCore core(**db, clock, ids, *calendar, **normalizer, *std::move(options));
  const Caller self =
      MakeCaller(workflow::kServicePrincipal, common::v1::ROLE_SYSTEM, "", "办理服务");

  auto follow = [&](const std::string& source, const std::string& address) {
    return FeedOptions(source, address, config->tls(), server.internal_credential(), self);
  };
  EventConsumer intake_feed(follow("intake", config->workflow().intake_address()), **db, clock,
                            [&](SQLite::Database& tx, const events::v1::Event& event) {
                              return core.ApplyIntakeEvent(tx, event);
                            });
  EventConsumer assignment_feed(follow("assignment", config->workflow().assignment_address()), **db,
                                clock, [&](SQLite::Database& tx, const events::v1::Event& event) {
                                  return core.ApplyAssignmentEvent(tx, event);
                                });

  workflow::WorkflowGrpcService service(core, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("workflow", server, config->tls());
  runner.RegisterService(&service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM tasks LIMIT 1");
      return absl::OkStatus();
    });
  });
  workflow::RegisterWorkflowMetrics(runner, **db, intake_feed, assignment_feed);
  runner.OnDrain([&] {
    intake_feed.Stop();
    assignment_feed.Stop();
    feed.Stop();
  });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  intake_feed.Start();
  assignment_feed.Start();
  runner.Run();
  intake_feed.Stop();
  assignment_feed.Stop();
  (*db)->Close();
  return 0;
}

}  // namespace
}  // namespace huiyin::workflow

int main(int argc, char** argv) { return huiyin::workflow::Run(argc, argv); }

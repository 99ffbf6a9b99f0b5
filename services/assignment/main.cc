// huiyin-assignment: wires configuration, calendar, store, core, intake's feed and servers;
// nothing else.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/calendar/working_day_calendar.h"
#include "common/config/config.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "common/tls/grpc_credentials.h"
#include "services/assignment/core.h"
#include "services/assignment/grpc_service.h"
#include "services/assignment/huiyin_assignment_migrations.h"
#include "services/assignment/intake_client.h"
#include "services/assignment/metrics.h"
#include "services/assignment/rules.h"

namespace {

// Options from the configuration; INVALID_ARGUMENT for values no office could mean.
absl::StatusOr<huiyin::assignment::AssignmentOptions> OptionsFrom(
    const huiyin::config::v1::AssignmentConfig& c) {
  huiyin::assignment::AssignmentOptions options;
  options.objection_working_days = c.objection_working_days();
  options.default_deadline_months = c.default_deadline_months();
  options.max_deadline_months = c.max_deadline_months();
  if (options.objection_working_days < 1 || options.max_deadline_months < 1 ||
      options.default_deadline_months < 1 ||
      options.default_deadline_months > options.max_deadline_months) {
    return absl::InvalidArgumentError(
        "assignment: objection_working_days, default_deadline_months and max_deadline_months must "
        "be at least 1, and the default no longer than the maximum");
  }
  auto years = huiyin::assignment::ParseYearList(c.extensions_forbidden_years());
  if (!years.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("assignment.extensions_forbidden_years: ", years.status().message()));
  }
  options.extensions_forbidden_years = *std::move(years);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace huiyin;
  auto config = StartProcess("assignment", 7102, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  const auto& server = config->server();
  auto options = OptionsFrom(config->assignment());
  if (!options.ok()) {
    std::cerr << "huiyin-assignment: " << options.status().message() << "\n";
    return 2;
  }
  auto calendar = LoadWorkingDayCalendar(server.calendar_file());
  if (!calendar.ok()) {
    LogError("cannot load the working-day calendar", {{"error", calendar.status().ToString()}});
    return 1;
  }
  auto db = OpenServiceDatabase(server, assignment::kMigrations);
  if (!db.ok()) return 1;

  // One channel to intake, for its feed and FindSimilar.
  auto intake = ServiceChannel(config->assignment().intake_address(), config->tls());
  SystemClock clock;
  RandomIdGenerator ids;
  assignment::IntakeSimilarItems similar(
      intake, server.internal_credential(),
      absl::Milliseconds(config->assignment().intake_deadline_ms()));
  assignment::AssignmentCore core(**db, clock, ids, *calendar, similar, *std::move(options));

  EventConsumerOptions feed_options;
  feed_options.source = "intake";
  feed_options.channel = intake;
  feed_options.internal_credential = server.internal_credential();
  feed_options.self =
      MakeCaller(assignment::kServicePrincipal, common::v1::ROLE_SYSTEM, "", "交办服务");
  EventConsumer intake_feed(feed_options, **db, clock,
                            [&](SQLite::Database& tx, const events::v1::Event& event) {
                              return core.ApplyIntakeEvent(tx, event);
                            });

  assignment::AssignmentGrpcService service(core, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("assignment", server, config->tls());
  runner.RegisterService(&service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM assignments LIMIT 1");
      return absl::OkStatus();
    });
  });
  assignment::RegisterAssignmentMetrics(runner, **db, intake_feed);
  runner.OnDrain([&] {
    intake_feed.Stop();
    feed.Stop();
  });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  intake_feed.Start();
  runner.Run();
  intake_feed.Stop();
  (*db)->Close();
  return 0;
}

// huiyin-disclosure: wires configuration, calendar, store, core, the feeds of intake and
// workflow, the webhook deliverer, the overdue sweep and servers; nothing else.
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "common/base/log.h"
#include "common/calendar/working_day_calendar.h"
#include "common/config/config.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/identity/caller.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "common/text/bigram_tokenizer.h"
#include "services/disclosure/core.h"
#include "services/disclosure/grpc_service.h"
#include "services/disclosure/huiyin_disclosure_migrations.h"
#include "services/disclosure/metrics.h"
#include "services/disclosure/webhook.h"

namespace huiyin::disclosure {
namespace {

int Run(int argc, char** argv) {
  auto config = StartProcess("disclosure", 7105, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  const auto& server = config->server();
  const auto& settings = config->disclosure();
  if (settings.disclosure_working_days() <= 0 || settings.webhook_initial_backoff_ms() <= 0 ||
      settings.webhook_max_backoff_ms() < settings.webhook_initial_backoff_ms() ||
      settings.webhook_timeout_ms() <= 0) {
    std::cerr << "huiyin-disclosure: disclosure_working_days, webhook_initial_backoff_ms and "
                 "webhook_timeout_ms must be positive, webhook_max_backoff_ms at least the "
                 "initial backoff\n";
    return 2;
  }
  std::string secret = settings.cppcc_webhook_secret();
  if (!settings.cppcc_webhook_secret_file().empty()) {
    std::ifstream in(settings.cppcc_webhook_secret_file());
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) {
      std::cerr << "huiyin-disclosure: cannot read disclosure.cppcc_webhook_secret_file\n";
      return 2;
    }
    secret = std::string(absl::StripAsciiWhitespace(buffer.str()));
  }
  if (!settings.cppcc_webhook_url().empty() && secret.empty()) {
    std::cerr << "huiyin-disclosure: disclosure.cppcc_webhook_url needs a secret\n";
    return 2;
  }
  auto calendar = LoadWorkingDayCalendar(server.calendar_file());
  if (!calendar.ok()) {
    LogError("cannot load the working-day calendar", {{"error", calendar.status().ToString()}});
    return 1;
  }
  auto normalizer = text::TextNormalizer::Create(config->intake().opencc_config());
  if (!normalizer.ok()) {
    LogError("cannot load OpenCC", {{"error", normalizer.status().ToString()}});
    return 1;
  }
  auto db = OpenServiceDatabase(server, kMigrations, [](SQLite::Database& conn) {
    return text::RegisterBigramTokenizer(conn.getHandle());
  });
  if (!db.ok()) return 1;

  SystemClock clock;
  RandomIdGenerator ids;
  DisclosureOptions options;
  options.disclosure_working_days = settings.disclosure_working_days();
  options.review_before_publish = settings.review_before_publish();
  options.site = {settings.site_title(), settings.public_base_url()};
  DisclosureCore core(**db, clock, ids, *calendar, **normalizer, options);
  const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "公开服务");

  auto follow = [&](const std::string& source, const std::string& address) {
    return FeedOptions(source, address, config->tls(), server.internal_credential(), self);
  };
  EventConsumer intake_feed(follow("intake", settings.intake_address()), **db, clock,
                            [&](SQLite::Database& tx, const events::v1::Event& event) {
                              return core.ApplyIntakeEvent(tx, event);
                            });
  EventConsumer workflow_feed(follow("workflow", settings.workflow_address()), **db, clock,
                              [&](SQLite::Database& tx, const events::v1::Event& event) {
                                return core.ApplyWorkflowEvent(tx, event);
                              });
  WebhookOptions webhook;
  webhook.url = settings.cppcc_webhook_url();
  webhook.secret = secret;
  webhook.initial_backoff = absl::Milliseconds(settings.webhook_initial_backoff_ms());
  webhook.max_backoff = absl::Milliseconds(settings.webhook_max_backoff_ms());
  webhook.timeout = absl::Milliseconds(settings.webhook_timeout_ms());
  WebhookDeliverer deliverer(**db, clock, webhook);
  const int64_t wake_deliverer = (*db)->AddCommitListener([&deliverer] { deliverer.Wake(); });
  absl::Cleanup unlisten = [&] { (*db)->RemoveCommitListener(wake_deliverer); };

  DisclosureGrpcService service(core, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("disclosure", server, config->tls());
  runner.RegisterService(&service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM records LIMIT 1");
      return absl::OkStatus();
    });
  });
  RegisterDisclosureMetrics(runner, core, deliverer, intake_feed, workflow_feed);
  absl::Notification stop_sweeping;
  runner.OnDrain([&] {
    intake_feed.Stop();
    workflow_feed.Stop();
    feed.Stop();
  });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  intake_feed.Start();
  workflow_feed.Start();
  deliverer.Start();
  // Overdue disclosure is reported once per answer, the day after its due date.
  std::thread sweeper([&] {
    do {
      if (auto n = core.SweepOverdue(); !n.ok()) {
        LogWarn("overdue sweep failed", {{"error", n.status().ToString()}});
      }
    } while (!stop_sweeping.WaitForNotificationWithTimeout(absl::Minutes(1)));
  });
  runner.Run();
  stop_sweeping.Notify();
  sweeper.join();
  deliverer.Stop();
  intake_feed.Stop();
  workflow_feed.Stop();
  (*db)->Close();
  return 0;
}

}  // namespace
}  // namespace huiyin::disclosure

int main(int argc, char** argv) { return huiyin::disclosure::Run(argc, argv); }

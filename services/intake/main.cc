// huiyin-intake: wires configuration, store, core and servers; nothing else.
#include <iostream>

#include "common/base/log.h"
#include "common/config/config.h"
#include "common/events/feed_service.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "common/text/bigram_tokenizer.h"
#include "prometheus/gauge.h"
#include "services/intake/core.h"
#include "services/intake/grpc_service.h"
#include "services/intake/huiyin_intake_migrations.h"
#include "services/intake/metrics.h"

int main(int argc, char** argv) {
  using namespace huiyin;
  auto config = StartProcess("intake", 7101, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  const auto& server = config->server();
  auto normalizer = text::TextNormalizer::Create(config->intake().opencc_config());
  if (!normalizer.ok()) {
    LogError("cannot load OpenCC", {{"error", normalizer.status().ToString()}});
    return 1;
  }
  auto db = OpenServiceDatabase(server, intake::kMigrations, [](SQLite::Database& conn) {
    return text::RegisterBigramTokenizer(conn.getHandle());
  });
  if (!db.ok()) return 1;
  SystemClock clock;
  RandomIdGenerator ids;
  intake::IntakeOptions options;
  options.similar_limit = config->intake().similar_limit();
  options.similar_min_score = config->intake().similar_min_score();
  options.recurring_years = config->intake().recurring_years();
  options.index_batch = config->intake().index_batch();
  intake::IntakeCore core(**db, clock, ids, **normalizer, options);
  if (auto s = core.Start(); !s.ok()) {
    LogError("cannot start intake", {{"error", s.ToString()}});
    return 1;
  }

  intake::IntakeGrpcService service(core, server.internal_credential());
  EventFeedService feed(**db, server.internal_credential());
  ServiceRunner runner("intake", server, config->tls());
  runner.RegisterService(&service);
  runner.RegisterService(&feed);
  runner.AddReadinessCheck("database", [&] {
    return (*db)->Read([](SQLite::Database& conn) {
      conn.exec("SELECT 1 FROM items LIMIT 1");
      return absl::OkStatus();
    });
  });
  intake::RegisterIntakeMetrics(runner, **db, core);
  runner.OnDrain([&] { feed.Stop(); });
  if (auto s = runner.Start(); !s.ok()) {
    LogError("cannot start server", {{"error", s.ToString()}});
    return 1;
  }
  runner.Run();
  core.Stop();
  (*db)->Close();
  return 0;
}

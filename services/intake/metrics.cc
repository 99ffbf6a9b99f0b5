#include "services/intake/metrics.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/ascii.h"
#include "prometheus/gauge.h"

namespace huiyin::intake {
namespace {

std::string Label(const std::string& enum_name, const std::string& prefix) {
  return absl::AsciiStrToLower(enum_name.substr(prefix.size()));
}

}  // namespace

void RegisterIntakeMetrics(ServiceRunner& runner, Database& db, IntakeCore& core) {
  auto& items = prometheus::BuildGauge()
                    .Name("huiyin_intake_items")
                    .Help("Items in intake by kind and state.")
                    .Register(runner.registry());
  auto& lag = prometheus::BuildGauge()
                  .Name("huiyin_intake_search_index_lag_items")
                  .Help("Items submitted but not yet in the search index.")
                  .Register(runner.registry())
                  .Add({});
  runner.OnScrape([&items, &lag, &db, &core] {
    (void)db.Read([&](SQLite::Database& conn) {
      // Every combination is set, so a state that empties shows 0 rather than vanishing.
      for (int kind = 1; kind <= 2; ++kind) {
        for (int state = 1; state <= 5; ++state) {
          items.Add({{"kind", Label(v1::ItemKind_Name(kind), "ITEM_KIND_")},
                     {"state", Label(v1::ItemState_Name(state), "ITEM_STATE_")}})
              .Set(0);
        }
      }
      SQLite::Statement q(conn, "SELECT kind, state, count(*) FROM items GROUP BY kind, state");
      while (q.executeStep()) {
        int kind = q.getColumn(0).getInt(), state = q.getColumn(1).getInt();
        if (!v1::ItemKind_IsValid(kind) || !v1::ItemState_IsValid(state)) continue;
        items.Add({{"kind", Label(v1::ItemKind_Name(kind), "ITEM_KIND_")},
                   {"state", Label(v1::ItemState_Name(state), "ITEM_STATE_")}})
            .Set(static_cast<double>(q.getColumn(2).getInt64()));
      }
      return absl::OkStatus();
    });
    lag.Set(static_cast<double>(core.IndexLag()));
  });
}

}  // namespace huiyin::intake

#include "services/assignment/metrics.h"

#include <algorithm>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/ascii.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "prometheus/gauge.h"

namespace huiyin::assignment {
namespace {

std::string Label(const std::string& enum_name, const std::string& prefix) {
  return absl::AsciiStrToLower(enum_name.substr(prefix.size()));
}

prometheus::Gauge& Plain(ServiceRunner& runner, const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(runner.registry()).Add({});
}

}  // namespace

void RegisterAssignmentMetrics(ServiceRunner& runner, Database& db,
                               const EventConsumer& intake_feed) {
  auto& waiting = prometheus::BuildGauge()
                      .Name("huiyin_assignment_waiting_items")
                      .Help("Accepted items waiting for assignment (待交办), by kind.")
                      .Register(runner.registry());
  auto& assignments = prometheus::BuildGauge()
                          .Name("huiyin_assignment_assignments")
                          .Help("Current assignments by state.")
                          .Register(runner.registry());
  auto& objections = Plain(runner, "huiyin_assignment_objections_pending",
                           "Objections (异议) waiting for the government office.");
  auto& extensions = Plain(runner, "huiyin_assignment_extensions_pending",
                           "Extension requests (延期) waiting for the government office.");
  auto& lag = Plain(runner, "huiyin_assignment_intake_feed_lag_events",
                    "Events on intake's feed not yet applied here.");
  runner.OnScrape([&, &db = db, &intake_feed = intake_feed] {
    (void)db.Read([&](SQLite::Database& conn) {
      // Every label value is set, so a count that empties shows 0 rather than vanishing.
      for (int kind = 1; kind <= 2; ++kind) {
        SQLite::Statement q(conn, "SELECT count(*) FROM items WHERE assigned = 0 AND kind = ?");
        q.bind(1, kind);
        q.executeStep();
        waiting.Add({{"kind", Label(intake::v1::ItemKind_Name(kind), "ITEM_KIND_")}})
            .Set(static_cast<double>(q.getColumn(0).getInt64()));
      }
      for (int state = 1; state <= 2; ++state) {
        SQLite::Statement q(conn, "SELECT count(*) FROM assignments WHERE state = ?");
        q.bind(1, state);
        q.executeStep();
        assignments.Add({{"state", Label(v1::AssignmentState_Name(state), "ASSIGNMENT_STATE_")}})
            .Set(static_cast<double>(q.getColumn(0).getInt64()));
      }
      objections.Set(static_cast<double>(
          conn.execAndGet("SELECT count(*) FROM objections WHERE state = 1").getInt64()));
      extensions.Set(static_cast<double>(
          conn.execAndGet("SELECT count(*) FROM extensions WHERE state = 1").getInt64()));
      return absl::OkStatus();
    });
    lag.Set(static_cast<double>(
        std::max<int64_t>(0, intake_feed.head_sequence() - intake_feed.applied_sequence())));
  });
}

}  // namespace huiyin::assignment

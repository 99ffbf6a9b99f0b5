#include "services/workflow/metrics.h"

#include <algorithm>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/ascii.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "prometheus/gauge.h"
#include "services/workflow/store.h"

namespace huiyin::workflow {

void RegisterWorkflowMetrics(ServiceRunner& runner, Database& db, const EventConsumer& intake_feed,
                             const EventConsumer& assignment_feed) {
  auto& tasks = prometheus::BuildGauge()
                    .Name("huiyin_workflow_tasks")
                    .Help("Tasks (one per assigned unit) by state.")
                    .Register(runner.registry());
  auto& open = prometheus::BuildGauge()
                   .Name("huiyin_workflow_open_commitments")
                   .Help("Commitments (承诺事项) of issued answers not fulfilled yet.")
                   .Register(runner.registry())
                   .Add({});
  auto& lag = prometheus::BuildGauge()
                  .Name("huiyin_workflow_feed_lag_events")
                  .Help("Events on a followed feed not yet applied here.")
                  .Register(runner.registry());
  runner.OnScrape([&, &db = db, &intake_feed = intake_feed, &assignment_feed = assignment_feed] {
    (void)db.Read([&](SQLite::Database& conn) {
      // Every label value is set, so a count that empties shows 0 rather than vanishing.
      for (int state = 1; state <= v1::TaskState_MAX; ++state) {
        SQLite::Statement q(conn, "SELECT count(*) FROM tasks WHERE state = ?");
        q.bind(1, state);
        q.executeStep();
        std::string label = absl::AsciiStrToLower(v1::TaskState_Name(state).substr(11));
        tasks.Add({{"state", label}}).Set(static_cast<double>(q.getColumn(0).getInt64()));
      }
      int64_t count = 0;
      for (const auto& row : ListTasks(conn, TaskFilter{}, 0, 1 << 30)) {
        for (const auto& a : row.task.answers()) {
          if (a.state() != v1::ANSWER_STATE_ISSUED && a.state() != v1::ANSWER_STATE_SUPERSEDED) {
            continue;
          }
          count += std::count_if(
              a.commitments().begin(), a.commitments().end(),
              [](const v1::Commitment& c) { return c.state() == v1::COMMITMENT_STATE_OPEN; });
        }
      }
      open.Set(static_cast<double>(count));
      return absl::OkStatus();
    });
    lag.Add({{"source", "intake"}})
        .Set(static_cast<double>(
            std::max<int64_t>(0, intake_feed.head_sequence() - intake_feed.applied_sequence())));
    lag.Add({{"source", "assignment"}})
        .Set(static_cast<double>(std::max<int64_t>(
            0, assignment_feed.head_sequence() - assignment_feed.applied_sequence())));
  });
}

}  // namespace huiyin::workflow

#include "services/supervision/metrics.h"

#include <algorithm>

#include "common/identity/caller.h"
#include "prometheus/gauge.h"

namespace huiyin::supervision {

void RegisterSupervisionMetrics(ServiceRunner& runner, const SupervisionCore& core,
                                const Clock& clock, const EventConsumer& intake_feed,
                                const EventConsumer& assignment_feed,
                                const EventConsumer& workflow_feed) {
  auto& figure = prometheus::BuildGauge()
                     .Name("huiyin_supervision_figure")
                     .Help(
                         "This year's figures (办复率, 办结率 …) per unit, 0..1, as defined in "
                         "supervision.proto.")
                     .Register(runner.registry());
  auto& overdue = prometheus::BuildGauge()
                      .Name("huiyin_supervision_overdue_tasks")
                      .Help("Answering tasks (主办/分办) past their answer deadline, by unit.")
                      .Register(runner.registry());
  auto& lag = prometheus::BuildGauge()
                  .Name("huiyin_supervision_feed_lag_events")
                  .Help("Events on a followed feed not yet applied here.")
                  .Register(runner.registry());
  runner.OnScrape([&, &core = core, &clock = clock, &intake_feed = intake_feed,
                   &assignment_feed = assignment_feed, &workflow_feed = workflow_feed] {
    const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SUPERVISION_OFFICE);
    v1::GetFiguresRequest request;
    request.set_year(static_cast<int>(clock.Today().year()));
    request.set_group_by(v1::GROUP_BY_UNIT);
    if (auto rows = core.GetFigures(self, request); rows.ok()) {
      for (const auto& row : rows->rows()) {
        const auto& f = row.figures();
        const auto* d = f.GetDescriptor();
        for (int i = 0; i < d->field_count(); ++i) {
          figure.Add({{"unit", row.group()}, {"figure", d->field(i)->name()}})
              .Set(f.GetReflection()->GetDouble(f, d->field(i)));
        }
      }
    }
    if (auto counts = core.OverdueByUnit(); counts.ok()) {
      for (const auto& [unit, n] : *counts) {
        overdue.Add({{"unit", unit}}).Set(static_cast<double>(n));
      }
    }
    auto set_lag = [&](const char* source, const EventConsumer& feed) {
      lag.Add({{"source", source}})
          .Set(static_cast<double>(
              std::max<int64_t>(0, feed.head_sequence() - feed.applied_sequence())));
    };
    set_lag("intake", intake_feed);
    set_lag("assignment", assignment_feed);
    set_lag("workflow", workflow_feed);
  });
}

}  // namespace huiyin::supervision

#include "services/supervision/metrics.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "common/identity/caller.h"
#include "prometheus/gauge.h"

namespace huiyin::supervision {

void RegisterSupervisionMetrics(ServiceRunner& runner, const SupervisionCore& core,
                                const Clock& clock,
                                std::vector<const EventConsumer*> followed_feeds) {
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
  runner.OnScrape([&, &core = core, &clock = clock, feeds = std::move(followed_feeds),
                   overdue_units = std::set<std::string>()]() mutable {
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
      // A unit no longer overdue reads 0 rather than its last count.
      for (const auto& unit : overdue_units) {
        if (counts->count(unit) == 0) overdue.Add({{"unit", unit}}).Set(0);
      }
      for (const auto& [unit, n] : *counts) {
        overdue.Add({{"unit", unit}}).Set(static_cast<double>(n));
        overdue_units.insert(unit);
      }
    }
    for (const EventConsumer* feed : feeds) {
      lag.Add({{"source", feed->source()}})
          .Set(static_cast<double>(
              std::max<int64_t>(0, feed->head_sequence() - feed->applied_sequence())));
    }
  });
}

void RegisterNoticeMetrics(ServiceRunner& runner, const NoticeDesk& notices) {
  auto& by_colour =
      prometheus::BuildGauge()
          .Name("huiyin_supervision_notices")
          .Help("Notices (督办单) by colour (GREEN 催办, YELLOW 警示, RED 督办) and state.")
          .Register(runner.registry());
  auto& steps = prometheus::BuildGauge()
                    .Name("huiyin_supervision_overdue_steps")
                    .Help(
                        "Pending steps (签收, 办理方案, 协办意见, 答复, 公开, 承诺事项) past their "
                        "deadline, by unit and step.")
                    .Register(runner.registry());
  runner.OnScrape([&, &notices = notices,
                   seen = std::set<std::pair<std::string, std::string>>()]() mutable {
    if (auto counts = notices.CountNotices(); counts.ok()) {
      for (const auto& [key, n] : *counts) {
        by_colour
            .Add({{"colour", v1::NoticeColour_Name(key.first).substr(sizeof("NOTICE_COLOUR_") - 1)},
                  {"state", v1::NoticeState_Name(key.second).substr(sizeof("NOTICE_STATE_") - 1)}})
            .Set(static_cast<double>(n));
      }
    }
    auto overdue = notices.OverdueSteps();
    if (!overdue.ok()) return;
    // A unit and step no longer overdue reads 0 rather than its last count.
    std::set<std::pair<std::string, std::string>> now;
    for (const auto& [key, n] : *overdue) {
      const std::pair<std::string, std::string> labels = {
          key.first, v1::Step_Name(key.second).substr(sizeof("STEP_") - 1)};
      steps.Add({{"unit", labels.first}, {"step", labels.second}}).Set(static_cast<double>(n));
      now.insert(labels);
    }
    for (const auto& labels : seen) {
      if (now.count(labels) == 0) {
        steps.Add({{"unit", labels.first}, {"step", labels.second}}).Set(0);
      }
    }
    seen = std::move(now);
  });
}

void RegisterScoreMetrics(ServiceRunner& runner, const ScoreCore& scores, const Clock& clock) {
  auto& score = prometheus::BuildGauge()
                    .Name("huiyin_supervision_unit_score")
                    .Help(
                        "This year's score (倒扣分) per unit: the base less the deductions under "
                        "the configured rules.")
                    .Register(runner.registry());
  auto& deducted = prometheus::BuildGauge()
                       .Name("huiyin_supervision_unit_deducted_points")
                       .Help(
                           "This year's points lost per unit and rule (DeductionKind without "
                           "its prefix).")
                       .Register(runner.registry());
  runner.OnScrape([&, &scores = scores, &clock = clock] {
    const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SUPERVISION_OFFICE);
    v1::ListUnitScoresRequest request;
    request.set_year(static_cast<int>(clock.Today().year()));
    auto ranking = scores.ListUnitScores(self, request);
    if (!ranking.ok()) return;
    const std::string year = std::to_string(request.year());
    for (const auto& s : ranking->scores()) {
      score.Add({{"unit", s.unit()}, {"year", year}}).Set(s.score());
      for (const auto& rule : scores.options().rules) {
        double points = 0;
        for (const auto& g : s.groups()) points += g.kind() == rule.kind ? g.points() : 0;
        deducted
            .Add(
                {{"unit", s.unit()},
                 {"year", year},
                 {"kind", v1::DeductionKind_Name(rule.kind).substr(sizeof("DEDUCTION_KIND_") - 1)}})
            .Set(points);
      }
    }
  });
}

}  // namespace huiyin::supervision

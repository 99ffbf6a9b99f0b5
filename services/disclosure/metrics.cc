#include "services/disclosure/metrics.h"

#include <algorithm>

#include "prometheus/gauge.h"

namespace huiyin::disclosure {

void RegisterDisclosureMetrics(ServiceRunner& runner, const DisclosureCore& core,
                               const WebhookDeliverer& deliverer, const EventConsumer& intake_feed,
                               const EventConsumer& workflow_feed) {
  auto gauge = [&](const char* name, const char* help) -> prometheus::Family<prometheus::Gauge>& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(runner.registry());
  };
  auto& records = gauge("huiyin_disclosure_records", "Records by state.");
  auto& withheld = gauge("huiyin_disclosure_withheld", "Withheld records (不予公开) by reason.");
  auto& overdue = gauge("huiyin_disclosure_overdue",
                        "Answers not public past their due date (disclosure_working_days).");
  auto& undelivered = gauge("huiyin_disclosure_webhook_undelivered",
                            "Webhook deliveries to the CPPCC system not acknowledged yet.");
  auto& attempts =
      gauge("huiyin_disclosure_webhook_attempts", "Webhook delivery attempts since start.");
  auto& failures = gauge("huiyin_disclosure_webhook_failures",
                         "Webhook delivery attempts that failed since start.");
  auto& lag =
      gauge("huiyin_disclosure_feed_lag_events", "Events on a followed feed not yet applied here.");
  runner.OnScrape([&, &core = core, &deliverer = deliverer, &intake_feed = intake_feed,
                   &workflow_feed = workflow_feed] {
    if (auto counts = core.CountsNow(); counts.ok()) {
      for (int s = v1::DisclosureState_MIN + 1; s <= v1::DisclosureState_MAX; ++s) {
        const auto it = counts->by_state.find(s);
        records.Add({{"state", v1::DisclosureState_Name(s)}})
            .Set(it == counts->by_state.end() ? 0.0 : static_cast<double>(it->second));
      }
      for (int r = v1::WithholdReason_MIN + 1; r <= v1::WithholdReason_MAX; ++r) {
        const auto it = counts->withheld_by_reason.find(r);
        withheld.Add({{"reason", v1::WithholdReason_Name(r)}})
            .Set(it == counts->withheld_by_reason.end() ? 0.0 : static_cast<double>(it->second));
      }
      overdue.Add({}).Set(static_cast<double>(counts->overdue));
      undelivered.Add({}).Set(static_cast<double>(counts->undelivered));
    }
    attempts.Add({}).Set(static_cast<double>(deliverer.attempts()));
    failures.Add({}).Set(static_cast<double>(deliverer.failures()));
    auto set_lag = [&](const char* source, const EventConsumer& feed) {
      lag.Add({{"source", source}})
          .Set(static_cast<double>(
              std::max<int64_t>(0, feed.head_sequence() - feed.applied_sequence())));
    };
    set_lag("intake", intake_feed);
    set_lag("workflow", workflow_feed);
  });
}

}  // namespace huiyin::disclosure

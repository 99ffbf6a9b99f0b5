// Disclosure's domain metrics, refreshed at each scrape (labels never carry ids):
//   huiyin_disclosure_records{state}                 records by DisclosureState
//   huiyin_disclosure_withheld{reason}               withheld records by WithholdReason (counted)
//   huiyin_disclosure_overdue                        answers not public past their due date
//   huiyin_disclosure_webhook_undelivered            deliveries to the CPPCC system not
//   acknowledged huiyin_disclosure_webhook_attempts / _failures    delivery attempts (and failed
//   ones) since start huiyin_disclosure_feed_lag_events{source}        events of a followed feed
//   not applied yet
#pragma once

#include "common/events/consumer.h"
#include "common/server/service_runner.h"
#include "services/disclosure/core.h"
#include "services/disclosure/webhook.h"

namespace huiyin::disclosure {

void RegisterDisclosureMetrics(ServiceRunner& runner, const DisclosureCore& core,
                               const WebhookDeliverer& deliverer, const EventConsumer& intake_feed,
                               const EventConsumer& workflow_feed);

}  // namespace huiyin::disclosure

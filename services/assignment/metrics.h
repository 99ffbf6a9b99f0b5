// Assignment's domain metrics, refreshed at each scrape (labels never carry ids):
//   huiyin_assignment_waiting_items{kind}                accepted items not yet assigned (待交办)
//   huiyin_assignment_assignments{state}                 current assignments by state
//   huiyin_assignment_objections_pending                 objections waiting for the office
//   huiyin_assignment_extensions_pending                 extension requests waiting for the office
//   huiyin_assignment_intake_feed_lag_events             intake events not applied yet
#pragma once

#include "common/events/consumer.h"
#include "common/server/service_runner.h"
#include "common/store/database.h"

namespace huiyin::assignment {

void RegisterAssignmentMetrics(ServiceRunner& runner, Database& db,
                               const EventConsumer& intake_feed);

}  // namespace huiyin::assignment

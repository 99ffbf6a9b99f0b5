// Supervision's domain metrics, refreshed at each scrape (labels never carry item ids):
//   huiyin_supervision_figure{unit, figure}        this year's figures per unit (0..1), figure
//                                                  being the Figures field name
//   huiyin_supervision_overdue_tasks{unit}         answering tasks past their answer deadline
//   huiyin_supervision_feed_lag_events{source}     events of a followed feed not applied yet
#pragma once

#include "common/events/consumer.h"
#include "common/server/service_runner.h"
#include "services/supervision/core.h"

namespace huiyin::supervision {

void RegisterSupervisionMetrics(ServiceRunner& runner, const SupervisionCore& core,
                                const Clock& clock, const EventConsumer& intake_feed,
                                const EventConsumer& assignment_feed,
                                const EventConsumer& workflow_feed);

}  // namespace huiyin::supervision

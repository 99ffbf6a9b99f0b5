// Workflow's domain metrics, refreshed at each scrape (labels never carry ids):
//   huiyin_workflow_tasks{state}                 tasks by state
//   huiyin_workflow_open_commitments             commitments (承诺事项) of issued answers still
//   open huiyin_workflow_feed_lag_events{source}      events of intake's and assignment's feeds not
//                                                applied yet
#pragma once

#include "common/events/consumer.h"
#include "common/server/service_runner.h"
#include "common/store/database.h"

namespace huiyin::workflow {

void RegisterWorkflowMetrics(ServiceRunner& runner, Database& db, const EventConsumer& intake_feed,
                             const EventConsumer& assignment_feed);

}  // namespace huiyin::workflow

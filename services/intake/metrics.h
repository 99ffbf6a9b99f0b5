// Intake's domain metrics, refreshed at each scrape:
//   huiyin_intake_items{kind, state}             items by kind and state
//   huiyin_intake_search_index_lag_items         submitted but not yet searchable
#pragma once

#include "common/server/service_runner.h"
#include "common/store/database.h"
#include "services/intake/core.h"

namespace huiyin::intake {

void RegisterIntakeMetrics(ServiceRunner& runner, Database& db, IntakeCore& core);

}  // namespace huiyin::intake

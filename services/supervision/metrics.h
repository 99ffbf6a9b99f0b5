// Supervision's domain metrics, refreshed at each scrape (labels never carry item ids):
//   huiyin_supervision_figure{unit, figure}        this year's figures per unit (0..1), figure
//                                                  being the Figures field name
//   huiyin_supervision_overdue_tasks{unit}         answering tasks past their answer deadline
//   huiyin_supervision_feed_lag_events{source}     events of a followed feed not applied yet
//   huiyin_supervision_notices{colour, state}      notices (督办单) by colour and state
//   huiyin_supervision_overdue_steps{unit, step}   pending steps past their deadline
//   huiyin_supervision_unit_score{unit, year}      this year's score (倒扣分) per unit
//   huiyin_supervision_unit_deducted_points{unit, year, kind}  its points lost by rule
#pragma once

#include <vector>

#include "common/events/consumer.h"
#include "common/server/service_runner.h"
#include "services/supervision/core.h"
#include "services/supervision/notices.h"
#include "services/supervision/scores.h"

namespace huiyin::supervision {

void RegisterSupervisionMetrics(ServiceRunner& runner, const SupervisionCore& core,
                                const Clock& clock,
                                std::vector<const EventConsumer*> followed_feeds);

void RegisterNoticeMetrics(ServiceRunner& runner, const NoticeDesk& notices);

void RegisterScoreMetrics(ServiceRunner& runner, const ScoreCore& scores, const Clock& clock);

}  // namespace huiyin::supervision

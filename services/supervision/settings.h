// Supervision's section of the configuration (huiyin.config.v1.SupervisionConfig), checked once
// at start and turned into the options each part takes. A bad value is INVALID_ARGUMENT naming
// the field, and the binary refuses to start with it.
//
//   auto settings = SettingsFromConfig(config->supervision());
//   if (!settings.ok()) { std::cerr << settings.status().message(); return 2; }
//   SupervisionCore core(db, clock, calendar, settings->core);
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "huiyin/config/v1/config.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/exports.h"
#include "services/supervision/notices.h"
#include "services/supervision/scores.h"

namespace huiyin::supervision {

struct SupervisionSettings {
  SupervisionOptions core;
  NoticeOptions notices;
  ScoreOptions scores;
  ExportOptions exports;
  absl::Duration notice_sweep_interval;
  absl::Duration workflow_deadline;  // each attempt of a call to workflow's ReturnAnswer
};

absl::StatusOr<SupervisionSettings> SettingsFromConfig(
    const config::v1::SupervisionConfig& config);

}  // namespace huiyin::supervision

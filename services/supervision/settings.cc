#include "services/supervision/settings.h"

#include <initializer_list>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace huiyin::supervision {

absl::StatusOr<SupervisionSettings> SettingsFromConfig(
    const config::v1::SupervisionConfig& config) {
  FieldViolations v;
  for (const auto& [field, value] : std::initializer_list<std::pair<const char*, int>>{
           {"acknowledgement_working_days", config.acknowledgement_working_days()},
           {"plan_working_days", config.plan_working_days()},
           {"co_opinion_working_days", config.co_opinion_working_days()},
           {"disclosure_working_days", config.disclosure_working_days()},
           {"red_overdue_working_days", config.red_overdue_working_days()},
           {"red_returned_count", config.red_returned_count()},
           {"notice_sweep_seconds", config.notice_sweep_seconds()},
           {"export_max_rows", config.export_max_rows()},
           {"workflow_deadline_ms", config.workflow_deadline_ms()}}) {
    if (value <= 0) v.Add(absl::StrCat("supervision.", field), "must be positive");
  }
  for (const auto& [field, value] : std::initializer_list<std::pair<const char*, int>>{
           {"due_soon_working_days", config.due_soon_working_days()},
           {"step_due_soon_working_days", config.step_due_soon_working_days()}}) {
    if (value < 0) v.Add(absl::StrCat("supervision.", field), "must not be negative");
  }
  auto plan_due = ParsePlanDue(config.plan_due_month_day());
  if (!plan_due.ok()) v.Add("supervision.plan_due_month_day", std::string(plan_due.status().message()));
  auto scores = ScoreOptionsFromConfig(config);
  if (!scores.ok()) v.Add("supervision.deduction_rules", std::string(scores.status().message()));
  if (auto s = v.ToStatus(); !s.ok()) return s;

  SupervisionSettings out;
  out.core.due_soon_working_days = config.due_soon_working_days();
  out.core.steps.acknowledgement_working_days = config.acknowledgement_working_days();
  out.core.steps.plan_due = *plan_due;
  out.core.steps.plan_working_days = config.plan_working_days();
  out.core.steps.co_opinion_working_days = config.co_opinion_working_days();
  out.core.steps.disclosure_working_days = config.disclosure_working_days();
  out.core.steps.step_due_soon_working_days = config.step_due_soon_working_days();
  out.notices.red_overdue_working_days = config.red_overdue_working_days();
  out.notices.red_returned_count = config.red_returned_count();
  out.scores = *std::move(scores);
  out.exports.max_rows = config.export_max_rows();
  out.notice_sweep_interval = absl::Seconds(config.notice_sweep_seconds());
  out.workflow_deadline = absl::Milliseconds(config.workflow_deadline_ms());
  return out;
}

}  // namespace huiyin::supervision

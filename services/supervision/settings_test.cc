#include "services/supervision/settings.h"

#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/status/errors.h"
#include "gtest/gtest.h"

namespace huiyin::supervision {
namespace {

config::v1::SupervisionConfig Defaults() {
  return DefaultConfig("supervision", 7104).supervision();
}

TEST(SettingsTest, DefaultsAreAccepted) {
  auto settings = SettingsFromConfig(Defaults());
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->core.due_soon_working_days, 10);
  EXPECT_EQ(settings->notices.red_returned_count, 2);
  EXPECT_EQ(settings->exports.max_rows, 20000);
  EXPECT_EQ(settings->workflow_deadline, absl::Seconds(5));
  EXPECT_EQ(settings->notice_sweep_interval, absl::Seconds(60));
  EXPECT_FALSE(settings->scores.rules.empty());
}

TEST(SettingsTest, EveryBadFieldIsNamed) {
  auto config = Defaults();
  config.set_plan_working_days(0);
  config.set_workflow_deadline_ms(-1);
  config.set_step_due_soon_working_days(-2);
  config.set_plan_due_month_day("4月20日");
  config.add_deduction_rules()->set_points(-1);
  auto settings = SettingsFromConfig(config);
  ASSERT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(settings.status())) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "supervision.plan_working_days", "supervision.workflow_deadline_ms",
                        "supervision.step_due_soon_working_days",
                        "supervision.plan_due_month_day", "supervision.deduction_rules"}));
}

}  // namespace
}  // namespace huiyin::supervision

// Deadlines as units and offices read them, checked by hand against
// common/calendar/data/cn_mainland.txt.
#include "services/assignment/deadlines.h"

#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::assignment {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const WorkingDayCalendar& China() { return WorkingDayCalendar::ChinaMainland(); }

v1::DeadlineRule Months(int n) {
  v1::DeadlineRule r;
  r.set_months(n);
  return r;
}
v1::DeadlineRule WorkingDays(int n) {
  v1::DeadlineRule r;
  r.set_working_days(n);
  return r;
}
v1::DeadlineRule Fixed(const std::string& date) {
  v1::DeadlineRule r;
  r.set_fixed_date(date);
  return r;
}

TEST(DeadlineFromRule, WorkingDaysAcrossNationalDaySayWhatWasSkipped) {
  auto d = DeadlineFromRule(China(), WorkingDays(10), absl::CivilDay(2025, 9, 26), "plan.deadline");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-10-16");
  EXPECT_EQ(d->counted_from(), "2025-09-26");
  EXPECT_EQ(d->working_days(), 10);
  ASSERT_EQ(d->holidays_skipped_size(), 1);
  EXPECT_EQ(d->holidays_skipped(0).name(), "国庆中秋");
  EXPECT_EQ(d->holidays_skipped(0).first(), "2025-10-01");
  EXPECT_EQ(d->holidays_skipped(0).last(), "2025-10-08");
  EXPECT_EQ(d->weekend_days_skipped(), 2);
  EXPECT_THAT(d->makeup_days_counted(), ElementsAre("2025-09-28", "2025-10-11"));
  EXPECT_EQ(d->explanation(),
            "按交办之日起10个工作日计。自2025-09-26起算10个工作日（不含当日），截止2025-10-16；"
            "跳过国庆中秋(2025-10-01至2025-10-08)、周末2天；含调休上班日2025-09-28、2025-10-11。");
}

TEST(DeadlineFromRule, MonthsEndingOnAHolidayMoveToTheNextWorkingDay) {
  // 2025-07-01 + 3 months = 2025-10-01, the first day of 国庆中秋; the next working day is 10-09.
  auto d = DeadlineFromRule(China(), Months(3), absl::CivilDay(2025, 7, 1), "plan.deadline");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-10-09");
  EXPECT_EQ(d->rule().months(), 3);
  EXPECT_THAT(d->explanation(),
              StartsWith("按交办之日起3个月计：自2025-07-01起3个月为2025-10-01，该日为非工作日，"
                         "顺延至2025-10-09。自2025-07-01起算"));
  EXPECT_THAT(d->explanation(), HasSubstr("国庆中秋(2025-10-01至2025-10-08)"));
  EXPECT_THAT(d->makeup_days_counted(), ElementsAre("2025-09-28"));
}

TEST(DeadlineFromRule, MonthsEndingOnASaturdayMoveToMonday) {
  auto d = DeadlineFromRule(China(), Months(2), absl::CivilDay(2025, 3, 10), "plan.deadline");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-05-12");  // 05-10 is a Saturday
}

TEST(DeadlineFromRule, ThreeMonthsFromMarchTenthSkipQingmingLabourDayAndDragonBoat) {
  auto d = DeadlineFromRule(China(), Months(3), absl::CivilDay(2025, 3, 10), "plan.deadline");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-06-10");
  std::vector<std::string> names;
  for (const auto& h : d->holidays_skipped()) names.push_back(h.name());
  EXPECT_THAT(names, ElementsAre("清明节", "劳动节", "端午节"));
  EXPECT_THAT(d->makeup_days_counted(), ElementsAre("2025-04-27"));
  EXPECT_THAT(d->explanation(), HasSubstr("端午节(2025-05-31至2025-06-02)"));
}

TEST(DeadlineFromRule, AFixedDateIsKeptEvenOnASunday) {
  auto d =
      DeadlineFromRule(China(), Fixed("2025-08-31"), absl::CivilDay(2025, 3, 10), "plan.deadline");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-08-31");
  EXPECT_EQ(d->counted_from(), "2025-03-10");
  EXPECT_THAT(d->explanation(), StartsWith("交办时指定办结日期2025-08-31（该日为非工作日）。"));
}

TEST(DeadlineFromRule, AnUnknownYearIsRefusedNotGuessed) {
  auto d = DeadlineFromRule(China(), Months(3), absl::CivilDay(2026, 10, 15), "plan.deadline");
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ExtendedDeadline, CountsFromTheDeadlineItReplaces) {
  auto original =
      DeadlineFromRule(China(), Months(3), absl::CivilDay(2025, 3, 10), "plan.deadline");
  auto d = ExtendedDeadline(China(), *original, absl::CivilDay(2025, 7, 10),
                            "items/a1/assignment/extensions/e-1");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date(), "2025-07-10");
  EXPECT_EQ(d->counted_from(), "2025-06-10");
  EXPECT_EQ(d->rule().fixed_date(), "2025-07-10");
  EXPECT_EQ(d->extension(), "items/a1/assignment/extensions/e-1");
  EXPECT_EQ(d->working_days(), 22);
  EXPECT_THAT(d->explanation(), StartsWith("经批准延期：原办结时限2025-06-10，延至2025-07-10。"));
}

TEST(CheckDeadlineLimit, SixMonthsFromTheFirstAssignmentMovedPastHolidays) {
  EXPECT_TRUE(
      CheckDeadlineLimit(China(), absl::CivilDay(2025, 9, 10), absl::CivilDay(2025, 3, 10), 6, "f")
          .ok());
  absl::Status late =
      CheckDeadlineLimit(China(), absl::CivilDay(2025, 9, 11), absl::CivilDay(2025, 3, 10), 6, "f");
  ASSERT_EQ(late.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(late)[0].first, "f");
  // 2025-04-01 + 6 months = 2025-10-01 (国庆中秋): the limit is the next working day, 10-09.
  EXPECT_TRUE(
      CheckDeadlineLimit(China(), absl::CivilDay(2025, 10, 9), absl::CivilDay(2025, 4, 1), 6, "f")
          .ok());
  EXPECT_FALSE(
      CheckDeadlineLimit(China(), absl::CivilDay(2025, 10, 10), absl::CivilDay(2025, 4, 1), 6, "f")
          .ok());
}

}  // namespace
}  // namespace huiyin::assignment

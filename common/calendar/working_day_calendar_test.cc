#include "common/calendar/working_day_calendar.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Day = absl::CivilDay;

const WorkingDayCalendar& China() { return WorkingDayCalendar::ChinaMainland(); }

bool Working(Day day) {
  absl::StatusOr<bool> working = China().IsWorkingDay(day);
  EXPECT_TRUE(working.ok()) << working.status();
  return working.value_or(false);
}

std::vector<Day> SkippedDates(const Deadline& deadline) {
  std::vector<Day> dates;
  for (const SkippedDay& s : deadline.skipped) {
    dates.push_back(s.date);
  }
  return dates;
}

// --- the shipped data ---

TEST(ChinaMainlandTest, KnowsYears2019To2026) {
  EXPECT_THAT(China().KnownYears(), ElementsAre(2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026));
}

TEST(ChinaMainlandTest, OrdinaryWeekdayIsWorkingAndWeekendIsNot) {
  EXPECT_TRUE(Working(Day(2024, 3, 6)));    // Wednesday
  EXPECT_FALSE(Working(Day(2024, 3, 9)));   // Saturday
  EXPECT_FALSE(Working(Day(2024, 3, 10)));  // Sunday
}

TEST(ChinaMainlandTest, SundayAfterSpringFestival2024IsMakeUpWorkingDay) {
  EXPECT_TRUE(Working(Day(2024, 2, 18)));   // Sunday, 春节调休
  EXPECT_TRUE(Working(Day(2024, 2, 4)));    // Sunday, 春节调休
  EXPECT_FALSE(Working(Day(2024, 2, 16)));  // Friday inside 春节
}

TEST(ChinaMainlandTest, NationalDay2025RunsThroughOctoberEighth) {
  EXPECT_FALSE(Working(Day(2025, 10, 8)));  // Wednesday, 国庆中秋
  EXPECT_TRUE(Working(Day(2025, 10, 9)));
  EXPECT_TRUE(Working(Day(2025, 9, 28)));   // Sunday, 调休
  EXPECT_TRUE(Working(Day(2025, 10, 11)));  // Saturday, 调休
}

TEST(ChinaMainlandTest, CovidExtensionOfSpringFestival2020CancelledFebruaryFirstMakeUpDay) {
  EXPECT_FALSE(Working(Day(2020, 1, 31)));  // Friday, extension
  EXPECT_FALSE(Working(Day(2020, 2, 1)));   // Saturday, once a make-up day
  EXPECT_TRUE(Working(Day(2020, 1, 19)));   // Sunday, 调休 still worked
  EXPECT_TRUE(Working(Day(2020, 2, 3)));
}

TEST(ChinaMainlandTest, QingmingAndDragonBoatOnWeekdaysAreHolidays) {
  EXPECT_FALSE(Working(Day(2023, 4, 5)));   // Wednesday, 清明节
  EXPECT_FALSE(Working(Day(2024, 6, 10)));  // Monday, 端午节
  EXPECT_FALSE(Working(Day(2025, 6, 2)));   // Monday, 端午节
  EXPECT_FALSE(Working(Day(2019, 5, 3)));   // Friday, 劳动节 as extended in 2019
  EXPECT_TRUE(Working(Day(2019, 5, 5)));    // Sunday, 调休
}

TEST(ChinaMainlandTest, NewYear2026MakeUpDayIsSundayJanuaryFourth) {
  EXPECT_FALSE(Working(Day(2026, 1, 2)));  // Friday, 元旦
  EXPECT_TRUE(Working(Day(2026, 1, 4)));   // Sunday, 调休
}

TEST(ChinaMainlandTest, CountsWorkingDaysOfWholeYears) {
  // (Dec 31, Dec 31] is exactly one calendar year; the start day itself is never looked at.
  EXPECT_EQ(China().CountWorkingDays(Day(2023, 12, 31), Day(2024, 12, 31)).value(), 251);
  EXPECT_EQ(China().CountWorkingDays(Day(2024, 12, 31), Day(2025, 12, 31)).value(), 248);
  EXPECT_EQ(China().CountWorkingDays(Day(2020, 12, 31), Day(2021, 12, 31)).value(), 250);
}

// --- counting ---

TEST(AddWorkingDaysTest, CountsAcrossSpringFestival2024) {
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2024, 2, 5), 15);
  ASSERT_TRUE(d.ok()) << d.status();
  // Feb 6-9 (4), 春节 Feb 10-17, Feb 18 调休 (5), Feb 19-23 (10), Feb 26-Mar 1 (15).
  EXPECT_EQ(d->date, Day(2024, 3, 1));
  EXPECT_EQ(d->start, Day(2024, 2, 5));
  EXPECT_EQ(d->working_days, 15);
  ASSERT_EQ(d->skipped.size(), 8u);
  EXPECT_EQ(d->skipped.front().date, Day(2024, 2, 10));
  EXPECT_EQ(d->skipped.back().date, Day(2024, 2, 17));
  EXPECT_EQ(d->skipped.front().holiday_name, "春节");
  EXPECT_EQ(d->weekend_days_skipped, 2);  // Feb 24, 25
  EXPECT_THAT(d->makeup_days_counted, ElementsAre(Day(2024, 2, 18)));
}

TEST(AddWorkingDaysTest, CountsAcrossNationalDay2025) {
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2025, 9, 26), 10);
  ASSERT_TRUE(d.ok()) << d.status();
  // Sep 27 weekend, Sep 28 调休 (1), Sep 29-30 (3), 国庆中秋 Oct 1-8, Oct 9-10 (5),
  // Oct 11 调休 (6), Oct 12 weekend, Oct 13-16 (10).
  EXPECT_EQ(d->date, Day(2025, 10, 16));
  EXPECT_EQ(d->skipped.size(), 8u);
  EXPECT_EQ(d->weekend_days_skipped, 2);
  EXPECT_THAT(d->makeup_days_counted, ElementsAre(Day(2025, 9, 28), Day(2025, 10, 11)));
}

TEST(AddWorkingDaysTest, CountsAcrossMidAutumnAndNationalDay2023) {
  // Sep 28 (1), 中秋国庆 Sep 29-Oct 6, Oct 7 and 8 调休 (3), Oct 9-10 (5).
  EXPECT_EQ(China().AddWorkingDays(Day(2023, 9, 27), 5)->date, Day(2023, 10, 10));
}

TEST(AddWorkingDaysTest, CountsAcrossExtendedSpringFestival2020) {
  // Jan 21-23 (3), 春节 Jan 24-Feb 2 as extended, Feb 3-4 (5).
  EXPECT_EQ(China().AddWorkingDays(Day(2020, 1, 20), 5)->date, Day(2020, 2, 4));
}

TEST(AddWorkingDaysTest, CountsAcrossSpringFestival2026) {
  // Feb 12-13 (2), Feb 14 调休 (3), 春节 Feb 15-23, Feb 24-27 (7), Feb 28 调休 (8),
  // Mar 1 weekend, Mar 2-3 (10).
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2026, 2, 11), 10);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date, Day(2026, 3, 3));
  EXPECT_EQ(d->skipped.size(), 9u);
}

TEST(AddWorkingDaysTest, CountsAcrossNewYearIntoMakeUpSunday) {
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2025, 12, 31), 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date, Day(2026, 1, 4));
  EXPECT_THAT(SkippedDates(*d), ElementsAre(Day(2026, 1, 1), Day(2026, 1, 2), Day(2026, 1, 3)));
}

TEST(AddWorkingDaysTest, StartDayIsNotCountedAndNeedNotBeInAKnownYear) {
  EXPECT_EQ(China().AddWorkingDays(Day(2024, 3, 4), 1)->date, Day(2024, 3, 5));
  // 2018 is unknown, but only the days after the start are looked at.
  EXPECT_EQ(China().AddWorkingDays(Day(2018, 12, 31), 1)->date, Day(2019, 1, 2));
}

TEST(AddWorkingDaysTest, RejectsZeroOrNegativeCount) {
  EXPECT_EQ(China().AddWorkingDays(Day(2024, 3, 4), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(China().AddWorkingDays(Day(2024, 3, 4), -3).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AddWorkingDaysTest, ExplainMentionsSkippedHolidayAndMakeUpDay) {
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2024, 2, 5), 15);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->Explain(),
            "自2024-02-05起算15个工作日（不含当日），截止2024-03-01；"
            "跳过春节(2024-02-10至2024-02-17)、周末2天；含调休上班日2024-02-18。");
}

TEST(AddWorkingDaysTest, ExplainOfPlainWeekIsShort) {
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2024, 3, 4), 3);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_THAT(d->skipped, IsEmpty());
  EXPECT_EQ(d->Explain(), "自2024-03-04起算3个工作日（不含当日），截止2024-03-07。");
}

TEST(AddWorkingDaysTest, ExplainShowsSingleDayHolidayWithoutRange) {
  // 端午节 Monday 2024-06-10 and the weekend before it.
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2024, 6, 7), 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date, Day(2024, 6, 11));
  EXPECT_THAT(d->Explain(), HasSubstr("跳过端午节(2024-06-10)、周末2天"));
}

TEST(CountWorkingDaysTest, CountsHalfOpenIntervalAcrossSpringFestival2020) {
  EXPECT_EQ(China().CountWorkingDays(Day(2020, 1, 23), Day(2020, 2, 3)).value(), 1);
  EXPECT_EQ(China().CountWorkingDays(Day(2024, 2, 5), Day(2024, 3, 1)).value(), 15);
}

TEST(CountWorkingDaysTest, IsZeroWhenToIsNotAfterFrom) {
  EXPECT_EQ(China().CountWorkingDays(Day(2024, 3, 4), Day(2024, 3, 4)).value(), 0);
  EXPECT_EQ(China().CountWorkingDays(Day(2024, 3, 8), Day(2024, 3, 4)).value(), 0);
}

TEST(NextWorkingDayTest, ReturnsTheDayItselfOrTheFirstWorkingDayAfter) {
  EXPECT_EQ(China().NextWorkingDayOnOrAfter(Day(2024, 3, 4)).value(), Day(2024, 3, 4));
  EXPECT_EQ(China().NextWorkingDayOnOrAfter(Day(2025, 10, 1)).value(), Day(2025, 10, 9));
  EXPECT_EQ(China().NextWorkingDayOnOrAfter(Day(2024, 2, 17)).value(), Day(2024, 2, 18));
}

// --- unknown years ---

TEST(UnknownYearTest, RefusesDayBeforeFirstKnownYear) {
  absl::StatusOr<bool> working = China().IsWorkingDay(Day(2018, 12, 28));
  EXPECT_EQ(working.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(working.status().message(), HasSubstr("2018"));
  EXPECT_THAT(working.status().message(), HasSubstr("must be updated"));
}

TEST(UnknownYearTest, RefusesDayAfterLastKnownYear) {
  absl::StatusOr<bool> working = China().IsWorkingDay(Day(2027, 1, 4));
  EXPECT_EQ(working.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(working.status().message(), HasSubstr("2027"));
}

TEST(UnknownYearTest, RefusesCountingThatRunsIntoUnknownYear) {
  // Dec 25, 28-31 are five working days; the sixth would be in 2027.
  EXPECT_EQ(China().AddWorkingDays(Day(2026, 12, 24), 5)->date, Day(2026, 12, 31));
  absl::StatusOr<Deadline> d = China().AddWorkingDays(Day(2026, 12, 24), 10);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(d.status().message(), HasSubstr("2027"));
  EXPECT_EQ(China().CountWorkingDays(Day(2026, 12, 1), Day(2027, 1, 5)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(China().NextWorkingDayOnOrAfter(Day(2018, 12, 29)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(BetweenTest, ExplainsASetDateThatIsNotAWorkingDay) {
  // 2025-09-26 (Friday) to 2025-10-05 (Sunday inside 国庆中秋): Sep 28 调休, Sep 29-30.
  absl::StatusOr<Deadline> d = China().Between(Day(2025, 9, 26), Day(2025, 10, 5));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->date, Day(2025, 10, 5));
  EXPECT_EQ(d->working_days, 3);
  EXPECT_EQ(d->weekend_days_skipped, 1);  // Sep 27
  EXPECT_EQ(d->skipped.size(), 5u);       // Oct 1-5
  EXPECT_THAT(d->makeup_days_counted, ElementsAre(Day(2025, 9, 28)));
}

TEST(BetweenTest, AgreesWithAddWorkingDaysOnAWorkingDay) {
  absl::StatusOr<Deadline> added = China().AddWorkingDays(Day(2024, 2, 5), 15);
  absl::StatusOr<Deadline> between = China().Between(Day(2024, 2, 5), added->date);
  ASSERT_TRUE(between.ok()) << between.status();
  EXPECT_EQ(between->Explain(), added->Explain());
}

TEST(BetweenTest, SameDayIsZeroAndEarlierIsRefused) {
  EXPECT_EQ(China().Between(Day(2025, 3, 3), Day(2025, 3, 3))->working_days, 0);
  EXPECT_EQ(China().Between(Day(2025, 3, 3), Day(2025, 3, 2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(China().Between(Day(2026, 12, 1), Day(2027, 1, 5)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ParseCivilDayTest, AcceptsOnlyStrictRealDates) {
  EXPECT_EQ(ParseCivilDay("2025-08-31"), Day(2025, 8, 31));
  for (const char* bad : {"2025-02-30", "2025-8-31", "2025/08/31", "", "2025-08-31 "}) {
    EXPECT_FALSE(ParseCivilDay(bad).has_value()) << bad;
  }
}

TEST(AddCalendarMonthsTest, KeepsTheDayOrTakesTheLastDayOfTheMonth) {
  EXPECT_EQ(AddCalendarMonths(Day(2025, 3, 10), 3), Day(2025, 6, 10));
  EXPECT_EQ(AddCalendarMonths(Day(2025, 1, 31), 1), Day(2025, 2, 28));
  EXPECT_EQ(AddCalendarMonths(Day(2024, 1, 31), 1), Day(2024, 2, 29));
  EXPECT_EQ(AddCalendarMonths(Day(2025, 8, 31), 6), Day(2026, 2, 28));
  EXPECT_EQ(AddCalendarMonths(Day(2025, 10, 15), 3), Day(2026, 1, 15));
}

TEST(LoadWorkingDayCalendarTest, EmptyPathIsTheShippedCalendarAndAFileReplacesIt) {
  absl::StatusOr<WorkingDayCalendar> shipped = LoadWorkingDayCalendar("");
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->KnownYears(), China().KnownYears());
  std::string path = ::testing::TempDir() + "/huiyin-region-calendar.txt";
  {
    std::ofstream out(path);
    out << "year 2030\nholiday 2030-02-02 2030-02-08 春节\n";
  }
  absl::StatusOr<WorkingDayCalendar> region = LoadWorkingDayCalendar(path);
  ASSERT_TRUE(region.ok()) << region.status();
  EXPECT_THAT(region->KnownYears(), ElementsAre(2030));
  {
    std::ofstream out(path);
    out << "year 2030\nholiday 2030-02-30 2030-02-30 春节\n";
  }
  EXPECT_EQ(LoadWorkingDayCalendar(path).status().code(), absl::StatusCode::kInvalidArgument);
  std::remove(path.c_str());
  EXPECT_EQ(LoadWorkingDayCalendar(path).status().code(), absl::StatusCode::kNotFound);
}

// --- parsing, e.g. a region's own calendar ---

constexpr char kRegionCalendar[] = R"(# 某地区工作日历
year 2030
holiday 2030-02-02 2030-02-08 春节   # a comment after a record
workday 2030-02-09 2030-02-09 春节调休

year 2031
)";

TEST(ParseTest, LoadsRegionCalendarWithYearWithoutEntries) {
  absl::StatusOr<WorkingDayCalendar> cal = WorkingDayCalendar::Parse(kRegionCalendar);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_THAT(cal->KnownYears(), ElementsAre(2030, 2031));
  EXPECT_FALSE(cal->IsWorkingDay(Day(2030, 2, 4)).value());
  EXPECT_TRUE(cal->IsWorkingDay(Day(2030, 2, 9)).value());
  EXPECT_TRUE(cal->IsWorkingDay(Day(2031, 2, 4)).value());
  EXPECT_EQ(cal->IsWorkingDay(Day(2029, 2, 4)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

void ExpectParseError(const std::string& text, const std::string& expected_in_message) {
  absl::StatusOr<WorkingDayCalendar> cal = WorkingDayCalendar::Parse(text);
  ASSERT_FALSE(cal.ok()) << text;
  EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(cal.status().message(), HasSubstr(expected_in_message));
}

TEST(ParseTest, RejectsImpossibleDateNamingTheLine) {
  ExpectParseError("year 2019\n\nholiday 2019-02-30 2019-02-30 春节\n", "line 3");
  ExpectParseError("year 2019\nholiday 2019-2-4 2019-02-10 春节\n", "line 2");
  ExpectParseError("year 2019\nholiday 2019-13-01 2019-13-01 春节\n", "YYYY-MM-DD");
}

TEST(ParseTest, RejectsMakeUpWorkingDayOnAWeekday) {
  ExpectParseError("year 2024\nworkday 2024-02-19 2024-02-19 春节调休\n", "weekday");
}

TEST(ParseTest, RejectsEntryOutsideItsYear) {
  ExpectParseError("year 2022\nholiday 2022-12-31 2023-01-02 元旦\n", "outside its year");
  ExpectParseError("year 2024\nholiday 2023-10-01 2023-10-07 国庆节\n", "line 2");
}

TEST(ParseTest, RejectsEntryBeforeAnyYear) {
  ExpectParseError("holiday 2024-01-01 2024-01-01 元旦\n", "before any 'year'");
}

TEST(ParseTest, RejectsMalformedRecords) {
  ExpectParseError("year 2024\nholiday 2024-01-01 元旦\n", "line 2");
  ExpectParseError("year 24\n", "year YYYY");
  ExpectParseError("year 2024\nvacation 2024-01-01 2024-01-01 元旦\n", "unknown record");
  ExpectParseError("year 2024\nholiday 2024-01-03 2024-01-01 元旦\n", "before first");
}

TEST(ParseTest, RejectsDuplicateYearOrDay) {
  ExpectParseError("year 2024\nyear 2024\n", "listed twice");
  ExpectParseError(
      "year 2024\nholiday 2024-02-10 2024-02-17 春节\nworkday 2024-02-17 2024-02-17 调休\n",
      "line 3");
}

}  // namespace
}  // namespace huiyin

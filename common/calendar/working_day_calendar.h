// The working-day calendar (工作日历) of mainland China: statutory holidays (法定节假日) and the
// weekend days moved to be working days (调休上班日), from the State Council's yearly notices.
// Time limits for handling suggestions are counted in working days, so every deadline in Huiyin
// is computed here, and each one carries how it was derived so that it can be shown to users.
//
//   const WorkingDayCalendar& calendar = WorkingDayCalendar::ChinaMainland();
//   absl::StatusOr<Deadline> due = calendar.AddWorkingDays(absl::CivilDay(2024, 2, 5), 15);
//   // due->date == 2024-03-01
//   // due->Explain() == "自2024-02-05起算15个工作日（不含当日），截止2024-03-01；
//   //                    跳过春节(2024-02-10至2024-02-17)、周末2天；含调休上班日2024-02-18。"
//
// The calendar only knows the years its data lists. Asking about any other year fails with
// FAILED_PRECONDITION: a deadline is never guessed from weekends alone, because the next
// year's holidays are only fixed when the State Council publishes them (usually in November).
// A region with its own arrangement loads its own text with WorkingDayCalendar::Parse().
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace huiyin {

// A holiday day passed over while counting (a weekend day inside a holiday period included).
struct SkippedDay {
  absl::CivilDay date;
  std::string holiday_name;  // e.g. "春节"
};

// The result of counting working days, with how it was derived.
struct Deadline {
  absl::CivilDay start;  // counting begins the day after
  absl::CivilDay date;   // the `working_days`-th working day after `start`
  int working_days = 0;
  std::vector<SkippedDay> skipped;                  // holiday days passed over, in date order
  int weekend_days_skipped = 0;                     // ordinary Saturdays and Sundays passed over
  std::vector<absl::CivilDay> makeup_days_counted;  // 调休上班日 counted as working days

  // A short explanation in Chinese for users, e.g.
  // "自2024-02-05起算15个工作日（不含当日），截止2024-03-01；跳过春节(2024-02-10至2024-02-17)、
  //  周末2天；含调休上班日2024-02-18。"
  std::string Explain() const;
};

class WorkingDayCalendar {
 public:
  // Parses calendar data; the format is described at the top of data/cn_mainland.txt.
  // Errors are INVALID_ARGUMENT and name the offending line.
  static absl::StatusOr<WorkingDayCalendar> Parse(std::string_view text);

  // The calendar compiled into the binary, parsed on first use. Shipped data that does not
  // parse is a build bug and aborts the process; call this once in main() to fail at start.
  static const WorkingDayCalendar& ChinaMainland();

  // Weekdays are working days unless a holiday; Saturdays and Sundays are not unless a make-up
  // working day. FAILED_PRECONDITION for a day in a year the calendar does not know.
  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day) const;

  // The n-th working day after `start` (`start` itself is not counted, and may lie in an
  // unknown year). INVALID_ARGUMENT if n <= 0; FAILED_PRECONDITION if counting reaches a year
  // the calendar does not know.
  absl::StatusOr<Deadline> AddWorkingDays(absl::CivilDay start, int n) const;

  // The number of working days in (from, to]; 0 if to <= from.
  absl::StatusOr<int> CountWorkingDays(absl::CivilDay from, absl::CivilDay to) const;

  // How the days in (from, to] fall: the working days counted, holidays and weekends passed over
  // and make-up days counted, as a Deadline dated `to` (working_days may be 0, and `to` need not
  // be a working day). For a date that was set rather than counted (a fixed deadline, an
  // extension), so it can be explained like a counted one. INVALID_ARGUMENT if to < from;
  // FAILED_PRECONDITION if a day in between lies in a year the calendar does not know.
  absl::StatusOr<Deadline> Between(absl::CivilDay from, absl::CivilDay to) const;

  // `day` if it is a working day, else the first working day after it.
  absl::StatusOr<absl::CivilDay> NextWorkingDayOnOrAfter(absl::CivilDay day) const;

  // The years this calendar has data for, ascending.
  std::vector<int> KnownYears() const;

 private:
  enum class DayKind { kWorkday, kMakeupWorkday, kHoliday, kWeekend };
  struct SpecialDay {
    DayKind kind;  // kHoliday or kMakeupWorkday
    std::string name;
  };
  struct Classified {
    DayKind kind;
    absl::string_view holiday_name;  // set for kHoliday only
  };

  WorkingDayCalendar() = default;

  // absl::string_view: Debian's Abseil is built with its own string_view, not std's.
  absl::Status ParseLine(absl::string_view line, absl::civil_year_t* section_year);
  absl::Status ParseYear(const std::vector<absl::string_view>& fields,
                         absl::civil_year_t* section_year);
  absl::Status ParseEntry(const std::vector<absl::string_view>& fields,
                          absl::civil_year_t section_year);
  absl::Status AddDay(absl::CivilDay day, DayKind kind, absl::string_view name);
  absl::StatusOr<Classified> Classify(absl::CivilDay day) const;
  // Classifies `day` into `deadline` (a holiday or weekend passed over, a make-up day counted);
  // true if it is a working day.
  absl::StatusOr<bool> Tally(absl::CivilDay day, Deadline* deadline) const;

  std::set<absl::civil_year_t> years_;
  std::map<absl::CivilDay, SpecialDay> special_days_;
};

// Strict "YYYY-MM-DD": nullopt for anything else, including impossible dates (absl::CivilDay
// itself would silently normalise 2019-02-30 to 2019-03-02).
std::optional<absl::CivilDay> ParseCivilDay(absl::string_view text);

// `months` calendar months after `day`, the same day of the month, or the last day of the month
// when it has no such day (民法典 第二百零三条: 到期月没有对应日的，月末日为期间的最后一日), e.g.
// 2025-01-31 + 1 month = 2025-02-28. Moving a last day that is not a working day is the caller's
// choice (NextWorkingDayOnOrAfter).
absl::CivilDay AddCalendarMonths(absl::CivilDay day, int months);

// The calendar a binary uses: the file at `path` (server.calendar_file; the format of
// data/cn_mainland.txt) when set, else the shipped mainland China calendar.
absl::StatusOr<WorkingDayCalendar> LoadWorkingDayCalendar(const std::string& path);

}  // namespace huiyin

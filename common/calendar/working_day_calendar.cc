#include "common/calendar/working_day_calendar.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/embedded_text.h"
#include "common/calendar/huiyin_calendar_data.h"

namespace huiyin {
namespace {

constexpr std::string_view kChinaMainlandFile = "cn_mainland.txt";

// Debian's Abseil has its own absl::string_view, which does not convert from std::string_view.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return !s.empty();
}

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::string_view StripComment(absl::string_view line) { return line.substr(0, line.find('#')); }

absl::Status UnknownYearError(absl::CivilDay day) {
  return absl::FailedPreconditionError(
      absl::StrCat("the working-day calendar has no data for year ", day.year(), " (asked about ",
                   FormatDay(day),
                   "); the calendar data must be updated with the State Council's holiday "
                   "notice for ",
                   day.year(), " before deadlines in that year can be computed"));
}

// Consecutive skipped days of one holiday become one "春节(2024-02-10至2024-02-17)".
std::vector<std::string> HolidayRanges(const std::vector<SkippedDay>& skipped) {
  std::vector<std::string> ranges;
  for (size_t i = 0; i < skipped.size();) {
    size_t j = i;
    while (j + 1 < skipped.size() && skipped[j + 1].holiday_name == skipped[i].holiday_name &&
           skipped[j + 1].date == skipped[j].date + 1) {
      ++j;
    }
    std::string range = FormatDay(skipped[i].date);
    if (j > i) {
      absl::StrAppend(&range, "至", FormatDay(skipped[j].date));
    }
    ranges.push_back(absl::StrCat(skipped[i].holiday_name, "(", range, ")"));
    i = j + 1;
  }
  return ranges;
}

[[noreturn]] void DieOnShippedData(absl::string_view why) {
  std::fprintf(stderr, "huiyin: embedded calendar data %.*s is broken (a build bug): %.*s\n",
               static_cast<int>(kChinaMainlandFile.size()), kChinaMainlandFile.data(),
               static_cast<int>(why.size()), why.data());
  std::abort();
}

}  // namespace

std::string Deadline::Explain() const {
  std::string out = absl::StrCat("自", FormatDay(start), "起算", working_days,
                                 "个工作日（不含当日），截止", FormatDay(date));
  std::vector<std::string> passed_over = HolidayRanges(skipped);
  if (weekend_days_skipped > 0) {
    passed_over.push_back(absl::StrCat("周末", weekend_days_skipped, "天"));
  }
  if (!passed_over.empty()) {
    absl::StrAppend(&out, "；跳过", absl::StrJoin(passed_over, "、"));
  }
  if (!makeup_days_counted.empty()) {
    absl::StrAppend(&out, "；含调休上班日",
                    absl::StrJoin(makeup_days_counted, "、", [](std::string* o, absl::CivilDay d) {
                      o->append(FormatDay(d));
                    }));
  }
  out.append("。");
  return out;
}

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::Parse(std::string_view text) {
  WorkingDayCalendar calendar;
  absl::civil_year_t section_year = 0;  // 0: no 'year' line seen yet
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(ToAbsl(text), '\n')) {
    ++line_number;
    absl::Status status = calendar.ParseLine(StripComment(line), &section_year);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar data line ", line_number, ": ", status.message()));
    }
  }
  return calendar;
}

absl::Status WorkingDayCalendar::ParseLine(absl::string_view line,
                                           absl::civil_year_t* section_year) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  if (fields.empty()) {
    return absl::OkStatus();
  }
  if (fields[0] == "year") {
    return ParseYear(fields, section_year);
  }
  if (fields[0] == "holiday" || fields[0] == "workday") {
    if (*section_year == 0) {
      return absl::InvalidArgumentError("entry before any 'year' line");
    }
    return ParseEntry(fields, *section_year);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown record '", fields[0], "'; expected 'year', 'holiday' or 'workday'"));
}

absl::Status WorkingDayCalendar::ParseYear(const std::vector<absl::string_view>& fields,
                                           absl::civil_year_t* section_year) {
  int year;
  if (fields.size() != 2 || fields[1].size() != 4 || !AllDigits(fields[1]) ||
      !absl::SimpleAtoi(fields[1], &year) || year < 1900) {
    return absl::InvalidArgumentError("expected 'year YYYY'");
  }
  if (!years_.insert(year).second) {
    return absl::InvalidArgumentError(absl::StrCat("year ", year, " is listed twice"));
  }
  *section_year = year;
  return absl::OkStatus();
}

absl::Status WorkingDayCalendar::ParseEntry(const std::vector<absl::string_view>& fields,
                                            absl::civil_year_t section_year) {
  if (fields.size() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected '", fields[0], " YYYY-MM-DD YYYY-MM-DD NAME'"));
  }
  std::optional<absl::CivilDay> first = ParseCivilDay(fields[1]);
  std::optional<absl::CivilDay> last = ParseCivilDay(fields[2]);
  if (!first || !last) {
    return absl::InvalidArgumentError("dates must be valid YYYY-MM-DD");
  }
  if (*last < *first) {
    return absl::InvalidArgumentError("last date is before first date");
  }
  if (first->year() != section_year || last->year() != section_year) {
    return absl::InvalidArgumentError(
        absl::StrCat(fields[1], "..", fields[2], " lies outside its year ", section_year));
  }
  DayKind kind = fields[0] == "holiday" ? DayKind::kHoliday : DayKind::kMakeupWorkday;
  for (absl::CivilDay day = *first; day <= *last; ++day) {
    absl::Status status = AddDay(day, kind, fields[3]);
    if (!status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status WorkingDayCalendar::AddDay(absl::CivilDay day, DayKind kind, absl::string_view name) {
  // A make-up day on a weekday would change nothing, so it can only be a typo in the data.
  if (kind == DayKind::kMakeupWorkday && !IsWeekend(day)) {
    return absl::InvalidArgumentError(absl::StrCat("make-up working day ", FormatDay(day),
                                                   " is a weekday, not a Saturday or Sunday"));
  }
  if (!special_days_.emplace(day, SpecialDay{kind, std::string(name.data(), name.size())}).second) {
    return absl::InvalidArgumentError(
        absl::StrCat(FormatDay(day), " is already listed on an earlier line"));
  }
  return absl::OkStatus();
}

const WorkingDayCalendar& WorkingDayCalendar::ChinaMainland() {
  // Heap-allocated and never freed, so that no destructor runs at exit.
  static const WorkingDayCalendar* const calendar = [] {
    for (const EmbeddedText& file : calendar_data::kFiles) {
      if (file.file_name != kChinaMainlandFile) {
        continue;
      }
      absl::StatusOr<WorkingDayCalendar> parsed = Parse(file.content);
      if (!parsed.ok()) {
        DieOnShippedData(parsed.status().message());
      }
      return new WorkingDayCalendar(*std::move(parsed));
    }
    DieOnShippedData("file not embedded");
  }();
  return *calendar;
}

absl::StatusOr<WorkingDayCalendar::Classified> WorkingDayCalendar::Classify(
    absl::CivilDay day) const {
  if (years_.count(day.year()) == 0) {
    return UnknownYearError(day);
  }
  auto it = special_days_.find(day);
  if (it != special_days_.end()) {
    return Classified{it->second.kind, it->second.name};
  }
  return Classified{IsWeekend(day) ? DayKind::kWeekend : DayKind::kWorkday, {}};
}

absl::StatusOr<bool> WorkingDayCalendar::IsWorkingDay(absl::CivilDay day) const {
  absl::StatusOr<Classified> c = Classify(day);
  if (!c.ok()) {
    return c.status();
  }
  return c->kind == DayKind::kWorkday || c->kind == DayKind::kMakeupWorkday;
}

absl::StatusOr<bool> WorkingDayCalendar::Tally(absl::CivilDay day, Deadline* deadline) const {
  absl::StatusOr<Classified> c = Classify(day);
  if (!c.ok()) {
    return c.status();
  }
  switch (c->kind) {
    case DayKind::kMakeupWorkday:
      deadline->makeup_days_counted.push_back(day);
      return true;
    case DayKind::kWorkday:
      return true;
    case DayKind::kHoliday:
      deadline->skipped.push_back(
          {day, std::string(c->holiday_name.data(), c->holiday_name.size())});
      return false;
    case DayKind::kWeekend:
      ++deadline->weekend_days_skipped;
      return false;
  }
  return false;
}

absl::StatusOr<Deadline> WorkingDayCalendar::AddWorkingDays(absl::CivilDay start, int n) const {
  if (n <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("number of working days must be at least 1, got ", n));
  }
  Deadline deadline{start, start, n, {}, 0, {}};
  for (int counted = 0; counted < n;) {
    ++deadline.date;
    absl::StatusOr<bool> working = Tally(deadline.date, &deadline);
    if (!working.ok()) {
      return working.status();
    }
    counted += *working;
  }
  return deadline;
}

absl::StatusOr<int> WorkingDayCalendar::CountWorkingDays(absl::CivilDay from,
                                                         absl::CivilDay to) const {
  int count = 0;
  for (absl::CivilDay day = from + 1; day <= to; ++day) {
    absl::StatusOr<bool> working = IsWorkingDay(day);
    if (!working.ok()) {
      return working.status();
    }
    if (*working) {
      ++count;
    }
  }
  return count;
}

absl::StatusOr<Deadline> WorkingDayCalendar::Between(absl::CivilDay from, absl::CivilDay to) const {
  if (to < from) {
    return absl::InvalidArgumentError(absl::StrCat(FormatDay(to), " is before ", FormatDay(from)));
  }
  Deadline span{from, to, 0, {}, 0, {}};
  for (absl::CivilDay day = from + 1; day <= to; ++day) {
    absl::StatusOr<bool> working = Tally(day, &span);
    if (!working.ok()) {
      return working.status();
    }
    span.working_days += *working;
  }
  return span;
}

absl::StatusOr<absl::CivilDay> WorkingDayCalendar::NextWorkingDayOnOrAfter(
    absl::CivilDay day) const {
  // Terminates: at worst the search reaches a year the calendar does not know.
  for (;; ++day) {
    absl::StatusOr<bool> working = IsWorkingDay(day);
    if (!working.ok()) {
      return working.status();
    }
    if (*working) {
      return day;
    }
  }
}

std::vector<int> WorkingDayCalendar::KnownYears() const {
  return std::vector<int>(years_.begin(), years_.end());
}

std::optional<absl::CivilDay> ParseCivilDay(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return std::nullopt;
  }
  absl::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  int year, month, day;
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) || !absl::SimpleAtoi(y, &year) ||
      !absl::SimpleAtoi(m, &month) || !absl::SimpleAtoi(d, &day)) {
    return std::nullopt;
  }
  absl::CivilDay date(year, month, day);
  if (date.month() != month || date.day() != day) {
    return std::nullopt;
  }
  return date;
}

absl::CivilDay AddCalendarMonths(absl::CivilDay day, int months) {
  absl::CivilMonth month = absl::CivilMonth(day) + months;
  // The last day of the target month is the day before the first of the month after it.
  absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  absl::CivilDay same(month.year(), month.month(), day.day());
  return same.month() == month.month() ? same : last;
}

absl::StatusOr<WorkingDayCalendar> LoadWorkingDayCalendar(const std::string& path) {
  if (path.empty()) {
    return WorkingDayCalendar::ChinaMainland();
  }
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read calendar file ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<WorkingDayCalendar> parsed = WorkingDayCalendar::Parse(text.str());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

}  // namespace huiyin

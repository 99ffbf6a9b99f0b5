#include "services/assignment/deadlines.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "services/assignment/rules.h"

namespace huiyin::assignment {
namespace {

// The calendar's derivation as the proto shows it, after `lead` (what the rule was).
v1::Deadline ToProto(const Deadline& span, const v1::DeadlineRule& rule, const std::string& lead) {
  v1::Deadline d;
  d.set_date(FormatDate(span.date));
  *d.mutable_rule() = rule;
  d.set_counted_from(FormatDate(span.start));
  d.set_working_days(span.working_days);
  for (size_t i = 0; i < span.skipped.size();) {
    size_t j = i;
    while (j + 1 < span.skipped.size() &&
           span.skipped[j + 1].holiday_name == span.skipped[i].holiday_name &&
           span.skipped[j + 1].date == span.skipped[j].date + 1) {
      ++j;
    }
    v1::SkippedHoliday* h = d.add_holidays_skipped();
    h->set_name(span.skipped[i].holiday_name);
    h->set_first(FormatDate(span.skipped[i].date));
    h->set_last(FormatDate(span.skipped[j].date));
    i = j + 1;
  }
  d.set_weekend_days_skipped(span.weekend_days_skipped);
  for (absl::CivilDay day : span.makeup_days_counted) d.add_makeup_days_counted(FormatDate(day));
  d.set_explanation(lead + span.Explain());
  return d;
}

absl::StatusOr<std::string> NonWorkingNote(const WorkingDayCalendar& calendar, absl::CivilDay day) {
  absl::StatusOr<bool> working = calendar.IsWorkingDay(day);
  if (!working.ok()) return working.status();
  return *working ? "" : "（该日为非工作日）";
}

}  // namespace

absl::StatusOr<v1::Deadline> DeadlineFromRule(const WorkingDayCalendar& calendar,
                                              const v1::DeadlineRule& rule,
                                              absl::CivilDay assign_day, const std::string& field) {
  switch (rule.rule_case()) {
    case v1::DeadlineRule::kWorkingDays: {
      absl::StatusOr<Deadline> span = calendar.AddWorkingDays(assign_day, rule.working_days());
      if (!span.ok()) return span.status();
      return ToProto(*span, rule,
                     absl::StrCat("按交办之日起", rule.working_days(), "个工作日计。"));
    }
    case v1::DeadlineRule::kMonths: {
      absl::CivilDay end = AddCalendarMonths(assign_day, rule.months());
      absl::StatusOr<absl::CivilDay> moved = calendar.NextWorkingDayOnOrAfter(end);
      if (!moved.ok()) return moved.status();
      std::string lead =
          absl::StrCat("按交办之日起", rule.months(), "个月计：自", FormatDate(assign_day), "起",
                       rule.months(), "个月为", FormatDate(end));
      if (*moved != end) absl::StrAppend(&lead, "，该日为非工作日，顺延至", FormatDate(*moved));
      absl::StatusOr<Deadline> span = calendar.Between(assign_day, *moved);
      if (!span.ok()) return span.status();
      return ToProto(*span, rule, lead + "。");
    }
    case v1::DeadlineRule::kFixedDate: {
      auto date = ParseDate(rule.fixed_date(), field + ".fixed_date");
      if (!date.ok()) return date.status();
      if (*date < assign_day) {
        return InvalidField(field + ".fixed_date", "is before the day of assignment");
      }
      absl::StatusOr<std::string> note = NonWorkingNote(calendar, *date);
      if (!note.ok()) return note.status();
      absl::StatusOr<Deadline> span = calendar.Between(assign_day, *date);
      if (!span.ok()) return span.status();
      return ToProto(*span, rule,
                     absl::StrCat("交办时指定办结日期", rule.fixed_date(), *note, "。"));
    }
    case v1::DeadlineRule::RULE_NOT_SET:
      break;
  }
  return InvalidField(field, "give fixed_date, working_days or months");
}

absl::StatusOr<v1::Deadline> ExtendedDeadline(const WorkingDayCalendar& calendar,
                                              const v1::Deadline& current, absl::CivilDay date,
                                              const std::string& extension) {
  auto from = ParseDate(current.date(), "current_deadline.date");
  if (!from.ok()) return from.status();
  absl::StatusOr<std::string> note = NonWorkingNote(calendar, date);
  if (!note.ok()) return note.status();
  absl::StatusOr<Deadline> span = calendar.Between(*from, date);
  if (!span.ok()) return span.status();
  v1::DeadlineRule rule;
  rule.set_fixed_date(FormatDate(date));
  v1::Deadline d = ToProto(*span, rule,
                           absl::StrCat("经批准延期：原办结时限", current.date(), "，延至",
                                        FormatDate(date), *note, "。"));
  d.set_extension(extension);
  return d;
}

absl::Status CheckDeadlineLimit(const WorkingDayCalendar& calendar, absl::CivilDay date,
                                absl::CivilDay first_assign_day, int max_months,
                                const std::string& field) {
  absl::CivilDay limit = AddCalendarMonths(first_assign_day, max_months);
  if (date <= limit) return absl::OkStatus();
  absl::StatusOr<absl::CivilDay> moved = calendar.NextWorkingDayOnOrAfter(limit);
  if (!moved.ok()) return moved.status();
  if (date <= *moved) return absl::OkStatus();
  return InvalidField(field, absl::StrCat(FormatDate(date), " is later than ", FormatDate(*moved),
                                          ": no deadline, even extended, is more than ", max_months,
                                          " months after the first assignment (",
                                          FormatDate(first_assign_day), ")"));
}

}  // namespace huiyin::assignment

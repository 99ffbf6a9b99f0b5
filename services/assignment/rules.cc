#include "services/assignment/rules.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/calendar/working_day_calendar.h"
#include "common/status/errors.h"
#include "common/validation/field_checks.h"

namespace huiyin::assignment {
namespace {

using common::v1::Role;

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool IsId(absl::string_view id, size_t min_size, size_t max_size) {
  if (id.size() < min_size || id.size() > max_size) return false;
  return std::all_of(id.begin(), id.end(), IsIdChar);
}

bool IsPersonName(const std::string& person) {
  return absl::StartsWith(person, "persons/") && person.size() > 8 && person.size() <= 100;
}

bool IsOffice(Role role) {
  return role == common::v1::ROLE_GOVERNMENT_OFFICE ||
         role == common::v1::ROLE_SUPERVISION_OFFICE || role == common::v1::ROLE_CONGRESS_OFFICE ||
         role == common::v1::ROLE_CPPCC_OFFICE;
}

std::string StateName(const v1::Assignment& a) { return v1::AssignmentState_Name(a.state()); }

// The entry of `unit` still pending among objections or extensions, if any.
template <typename Message, typename State>
const Message* PendingOf(const google::protobuf::RepeatedPtrField<Message>& list,
                         const std::string& unit, State pending) {
  for (const Message& m : list) {
    if (m.unit() == unit && m.state() == pending) return &m;
  }
  return nullptr;
}

void CheckPlanUnits(FieldViolations& v, const v1::AssignmentPlan& plan, const std::string& prefix) {
  const auto& units = plan.units();
  if (units.empty()) {
    v.Add(prefix + ".units",
          "give at least one unit: no item may be left without a unit (件件有着落)");
    return;
  }
  if (units.size() > kMaxUnitsPerPlan) {
    v.Add(prefix + ".units", absl::StrCat("at most ", kMaxUnitsPerPlan, " units"));
    return;
  }
  const v1::AssignmentMode mode = plan.mode();
  std::map<std::string, int> seen;
  int leads = 0, cos = 0;
  for (int i = 0; i < units.size(); ++i) {
    const v1::AssignedUnit& u = units[i];
    const std::string field = absl::StrCat(prefix, ".units[", i, "]");
    if (auto name = ParseUnitName(u.unit(), field + ".unit"); !name.ok()) {
      v.Add(field + ".unit", "must look like units/{unit}");
    } else if (auto [it, fresh] = seen.emplace(u.unit(), i); !fresh) {
      const v1::UnitRole other = units[it->second].role();
      bool lead_and_co = (u.role() == v1::UNIT_ROLE_LEAD && other == v1::UNIT_ROLE_CO) ||
                         (u.role() == v1::UNIT_ROLE_CO && other == v1::UNIT_ROLE_LEAD);
      v.Add(field + ".unit",
            lead_and_co
                ? absl::StrCat("the lead unit (主办) cannot also be a co-unit (协办): ", u.unit(),
                               " is also units[", it->second, "]")
                : absl::StrCat(u.unit(), " appears twice (also units[", it->second, "])"));
    }
    leads += u.role() == v1::UNIT_ROLE_LEAD;
    cos += u.role() == v1::UNIT_ROLE_CO;
    switch (mode) {
      case v1::ASSIGNMENT_MODE_SOLE:
        if (u.role() != v1::UNIT_ROLE_LEAD) {
          v.Add(field + ".role",
                "the unit of a sole assignment (单独办理) has role UNIT_ROLE_LEAD");
        }
        break;
      case v1::ASSIGNMENT_MODE_LEAD_AND_CO:
        if (u.role() != v1::UNIT_ROLE_LEAD && u.role() != v1::UNIT_ROLE_CO) {
          v.Add(field + ".role", "units of 主办+协办 have role UNIT_ROLE_LEAD or UNIT_ROLE_CO");
        }
        break;
      case v1::ASSIGNMENT_MODE_SPLIT:
        if (u.role() != v1::UNIT_ROLE_PART) {
          v.Add(field + ".role", "units of 分办 have role UNIT_ROLE_PART");
        }
        break;
      default:
        break;
    }
    if (mode == v1::ASSIGNMENT_MODE_SPLIT) {
      CheckText(v, field + ".part", u.part(), 1, 200, false);
    } else if (!u.part().empty()) {
      v.Add(field + ".part", "only units of a split assignment (分办) answer a part");
    }
  }
  if (mode == v1::ASSIGNMENT_MODE_SOLE && units.size() != 1) {
    v.Add(prefix + ".units", "a sole assignment (单独办理) names exactly one unit");
  } else if (mode == v1::ASSIGNMENT_MODE_LEAD_AND_CO) {
    if (leads != 1) {
      v.Add(prefix + ".units", "主办+协办 names exactly one lead unit (UNIT_ROLE_LEAD)");
    }
    if (cos < 1) {
      v.Add(prefix + ".units",
            "主办+协办 names at least one co-unit (UNIT_ROLE_CO); one unit alone is "
            "ASSIGNMENT_MODE_SOLE");
    }
  } else if (mode == v1::ASSIGNMENT_MODE_SPLIT && units.size() < 2) {
    v.Add(prefix + ".units", "分办 names two or more units, each answering its part");
  }
}

void CheckDeadlineRule(FieldViolations& v, const v1::DeadlineRule& rule, const std::string& prefix,
                       absl::CivilDay today, int max_deadline_months) {
  switch (rule.rule_case()) {
    case v1::DeadlineRule::kFixedDate: {
      auto date = ParseDate(rule.fixed_date(), prefix + ".fixed_date");
      if (!date.ok()) {
        v.Add(prefix + ".fixed_date", "must be a date YYYY-MM-DD");
      } else if (*date < today) {
        v.Add(prefix + ".fixed_date",
              absl::StrCat(rule.fixed_date(), " is before today (", FormatDate(today), ")"));
      }
      break;
    }
    case v1::DeadlineRule::kWorkingDays:
      if (rule.working_days() < 1 || rule.working_days() > kMaxWorkingDays) {
        v.Add(prefix + ".working_days", absl::StrCat("must be between 1 and ", kMaxWorkingDays));
      }
      break;
    case v1::DeadlineRule::kMonths:
      if (rule.months() < 1 || rule.months() > max_deadline_months) {
        v.Add(prefix + ".months", absl::StrCat("must be between 1 and ", max_deadline_months,
                                               " (no deadline is later than ", max_deadline_months,
                                               " months after assignment)"));
      }
      break;
    case v1::DeadlineRule::RULE_NOT_SET:
      break;  // the configured default
  }
}

}  // namespace

std::string UnitName(const std::string& unit_id) { return "units/" + unit_id; }
std::string ItemName(const std::string& item_id) { return "items/" + item_id; }
std::string ItemId(const v1::ItemSummary& item) {
  absl::string_view id = item.item();
  absl::ConsumePrefix(&id, "items/");
  return std::string(id.data(), id.size());
}
std::string AssignmentName(const std::string& item_id) { return ItemName(item_id) + "/assignment"; }
std::string ObjectionName(const std::string& item_id, const std::string& objection_id) {
  return AssignmentName(item_id) + "/objections/" + objection_id;
}
std::string ExtensionName(const std::string& item_id, const std::string& extension_id) {
  return AssignmentName(item_id) + "/extensions/" + extension_id;
}

absl::Status ValidateUnitId(const std::string& unit_id, const std::string& field) {
  if (unit_id.empty()) return InvalidField(field, "is required");
  if (!IsId(unit_id, 2, 40)) return InvalidField(field, "must be 2–40 of a-z, 0-9 and '-'");
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseUnitName(const std::string& name, const std::string& field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "units/") || !IsId(id, 2, 40)) {
    return InvalidField(field, "must look like units/{unit}");
  }
  return std::string(id.data(), id.size());
}

absl::StatusOr<std::string> ParseItemName(const std::string& name, const std::string& field) {
  absl::string_view id = name;
  if (name.empty()) return InvalidField(field, "is required");
  if (!absl::ConsumePrefix(&id, "items/") || !IsId(id, 1, 64)) {
    return InvalidField(field, "must look like items/{item}");
  }
  return std::string(id.data(), id.size());
}

absl::StatusOr<std::string> ParseAssignmentName(const std::string& name, const std::string& field) {
  absl::string_view rest = name;
  if (!absl::ConsumeSuffix(&rest, "/assignment")) {
    return InvalidField(field, "must look like items/{item}/assignment");
  }
  auto id = ParseItemName(std::string(rest.data(), rest.size()), field);
  if (!id.ok()) return InvalidField(field, "must look like items/{item}/assignment");
  return id;
}

absl::StatusOr<ChildName> ParseChildName(const std::string& name, const std::string& collection,
                                         const std::string& field) {
  const std::string shape = "must look like items/{item}/assignment/" + collection + "/{id}";
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 5 || parts[0] != "items" || parts[2] != "assignment" ||
      parts[3] != collection || !IsId(parts[1], 1, 64) || !IsId(parts[4], 1, 64)) {
    return InvalidField(field, shape);
  }
  return ChildName{parts[1], parts[4]};
}

absl::StatusOr<absl::CivilDay> ParseDate(const std::string& text, const std::string& field) {
  std::optional<absl::CivilDay> day = ParseCivilDay(text);
  if (!day) return InvalidField(field, "must be a date YYYY-MM-DD");
  return *day;
}

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<std::set<int>> ParseYearList(const std::string& text) {
  std::set<int> years;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    int year = 0;
    if (!absl::SimpleAtoi(part, &year) || year < 2000 || year > 2100) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", part, "\" is not a year (expected e.g. \"2022,2023\")"));
    }
    years.insert(year);
  }
  return years;
}

void CheckFreeText(FieldViolations& v, const std::string& text, const std::string& field,
                   bool required) {
  CheckText(v, field, text, required ? 1 : 0, kMaxTextChars, /*multiline=*/true);
}

absl::Status ValidateUnit(const v1::Unit& unit) {
  FieldViolations v;
  CheckText(v, "unit.display_name", unit.display_name(), 1, 100, false);
  if (unit.kind() == v1::UNIT_KIND_UNSPECIFIED || !v1::UnitKind_IsValid(unit.kind())) {
    v.Add("unit.kind",
          "is required (UNIT_KIND_BUREAU, _TOWNSHIP, _STREET_OFFICE, _ENTERPRISE, _OTHER)");
  }
  if (unit.members_size() > kMaxMembers) {
    v.Add("unit.members", absl::StrCat("at most ", kMaxMembers, " members"));
  }
  std::map<std::string, int> people;
  for (int i = 0; i < unit.members_size() && i < kMaxMembers; ++i) {
    const v1::UnitMember& m = unit.members(i);
    const std::string field = absl::StrCat("unit.members[", i, "]");
    if (!IsPersonName(m.person())) {
      v.Add(field + ".person", "must look like persons/{person}");
    } else if (auto [it, fresh] = people.emplace(m.person(), i); !fresh) {
      v.Add(field + ".person", absl::StrCat("appears twice (also members[", it->second, "])"));
    }
    CheckText(v, field + ".name", m.name(), 1, 50, false);
    if (m.role() == v1::MEMBER_ROLE_UNSPECIFIED || !v1::MemberRole_IsValid(m.role())) {
      v.Add(field + ".role", "is required");
    }
    CheckText(v, field + ".section", m.section(), 0, 50, false);
    if (!m.phone().empty() && !IsPhoneNumber(m.phone())) {
      v.Add(field + ".phone", "must be a phone number (digits, '-', '+')");
    }
  }
  if (unit.categories_size() > kMaxCategories) {
    v.Add("unit.categories", absl::StrCat("at most ", kMaxCategories, " categories"));
  }
  std::set<std::string> categories;
  for (int i = 0; i < unit.categories_size() && i < kMaxCategories; ++i) {
    const std::string field = absl::StrCat("unit.categories[", i, "]");
    CheckText(v, field, unit.categories(i), 1, 50, false);
    if (!categories.insert(unit.categories(i)).second) v.Add(field, "appears twice");
  }
  return v.ToStatus();
}

absl::Status ValidatePlan(const v1::AssignmentPlan& plan, const std::string& prefix,
                          absl::CivilDay today, int max_deadline_months) {
  FieldViolations v;
  if (auto id = ParseItemName(plan.item(), prefix + ".item"); !id.ok()) {
    v.Add(prefix + ".item", plan.item().empty() ? "is required" : "must look like items/{item}");
  }
  if (plan.mode() == v1::ASSIGNMENT_MODE_UNSPECIFIED || !v1::AssignmentMode_IsValid(plan.mode())) {
    v.Add(
        prefix + ".mode",
        "is required: ASSIGNMENT_MODE_SOLE, ASSIGNMENT_MODE_LEAD_AND_CO or ASSIGNMENT_MODE_SPLIT");
  }
  CheckPlanUnits(v, plan, prefix);
  CheckDeadlineRule(v, plan.deadline(), prefix + ".deadline", today, max_deadline_months);
  if (plan.key()) {
    if (!IsPersonName(plan.leading_official())) {
      v.Add(prefix + ".leading_official",
            "a key item (重点件) names its leading official (领衔领导) as persons/{person}");
    }
    CheckText(v, prefix + ".leading_official_name", plan.leading_official_name(), 1, 50, false);
  } else if (!plan.leading_official().empty() || !plan.leading_official_name().empty()) {
    v.Add(prefix + ".leading_official", "only a key item (重点件) has a leading official; set key");
  }
  CheckText(v, prefix + ".note", plan.note(), 0, kMaxTextChars, true);
  return v.ToStatus();
}

v1::ItemSummary SummaryOf(const intake::v1::Item& item) {
  v1::ItemSummary s;
  s.set_item(item.name());
  s.set_kind(item.kind());
  s.set_session(item.session());
  s.set_year(item.year());
  s.set_title(item.title());
  s.set_number_label(item.number_label());
  s.set_category(item.category());
  std::set<std::string> seen;
  auto add = [&](const std::string& person) {
    if (!person.empty() && seen.insert(person).second) s.add_proposers(person);
  };
  add(item.lead_proposer().person());
  for (const auto& p : item.co_proposers()) add(p.person());
  // ItemAccepted carries the item as accepted: its update time is the acceptance.
  *s.mutable_accept_time() = item.update_time();
  return s;
}

absl::Status CheckObjectionWindow(const v1::Assignment& assignment, absl::CivilDay today,
                                  absl::CivilDay window_end) {
  if (today <= window_end) return absl::OkStatus();
  return WrongState(assignment.name(), StateName(assignment),
                    absl::StrCat("the objection window (异议期) of the assignment made on ",
                                 assignment.assign_date(), " closed on ", FormatDate(window_end),
                                 "; the unit handles the item as assigned"));
}

absl::Status CheckNoPendingObjection(const v1::Assignment& assignment, const std::string& unit) {
  const auto* o = PendingOf(assignment.objections(), unit, v1::OBJECTION_STATE_PENDING);
  if (o == nullptr) return absl::OkStatus();
  return WrongState(assignment.name(), StateName(assignment),
                    absl::StrCat(unit, " already has a pending objection (", o->name(),
                                 "); the government office has not answered it yet"));
}

absl::Status CheckCanResolve(const v1::Objection& objection) {
  if (objection.state() == v1::OBJECTION_STATE_PENDING) return absl::OkStatus();
  return WrongState(objection.name(), v1::ObjectionState_Name(objection.state()),
                    "only a pending objection can be resolved");
}

absl::Status CheckNoPendingExtension(const v1::Assignment& assignment, const std::string& unit) {
  const auto* e = PendingOf(assignment.extensions(), unit, v1::EXTENSION_STATE_PENDING);
  if (e == nullptr) return absl::OkStatus();
  return WrongState(assignment.name(), StateName(assignment),
                    absl::StrCat(unit, " already asked for an extension (", e->name(),
                                 ") that is not decided yet"));
}

absl::Status CheckCanDecide(const v1::Extension& extension) {
  if (extension.state() == v1::EXTENSION_STATE_PENDING) return absl::OkStatus();
  return WrongState(extension.name(), v1::ExtensionState_Name(extension.state()),
                    "only a pending extension request can be decided");
}

v1::AssignmentState StateOf(const v1::Assignment& assignment) {
  for (const auto& o : assignment.objections()) {
    if (o.state() == v1::OBJECTION_STATE_PENDING) return v1::ASSIGNMENT_STATE_OBJECTED;
  }
  return v1::ASSIGNMENT_STATE_ASSIGNED;
}

bool NamesUnit(const v1::Assignment& assignment, const std::string& unit) {
  return std::any_of(assignment.units().begin(), assignment.units().end(),
                     [&](const v1::AssignedUnit& u) { return u.unit() == unit; });
}

absl::Status CheckMayManageUnits(const Caller& caller) {
  if (caller.role() == common::v1::ROLE_GOVERNMENT_OFFICE) return absl::OkStatus();
  return PermissionDenied("handling units are created and updated by the government office");
}

absl::Status CheckMayReadUnits(const Caller& caller) {
  if (caller.role() != common::v1::ROLE_PUBLIC && caller.role() != common::v1::ROLE_UNSPECIFIED) {
    return absl::OkStatus();
  }
  return PermissionDenied("sign in to read handling units");
}

bool SeesUnitContacts(const Caller& caller, const std::string& unit_name) {
  if (IsOffice(caller.role())) return true;
  return IsUnitRole(caller) && caller.unit() == unit_name;
}

absl::Status CheckMayAssign(const Caller& caller) {
  if (caller.role() == common::v1::ROLE_GOVERNMENT_OFFICE) return absl::OkStatus();
  return PermissionDenied("items are assigned (交办) and re-assigned by the government office");
}

absl::Status CheckMayListWaiting(const Caller& caller) {
  if (IsOffice(caller.role())) return absl::OkStatus();
  return PermissionDenied("the waiting list (待交办) is for the offices");
}

absl::Status CheckMayActForUnit(const Caller& caller, const std::string& unit) {
  if (IsUnitRole(caller) && !unit.empty() && caller.unit() == unit) return absl::OkStatus();
  return PermissionDenied(
      "only the head, deputy head or clerk of a unit named in the assignment acts for that unit");
}

absl::Status CheckMayReadAssignments(const Caller& caller) {
  if (SeesAllAssignments(caller) || (IsUnitRole(caller) && !caller.unit().empty()) ||
      caller.role() == common::v1::ROLE_PROPOSER ||
      caller.role() == common::v1::ROLE_LEADING_OFFICIAL) {
    return absl::OkStatus();
  }
  return PermissionDenied(
      "assignments are not public; published answers are read through disclosure");
}

bool SeesAllAssignments(const Caller& caller) { return IsOffice(caller.role()); }

bool IsUnitRole(const Caller& caller) {
  return caller.role() == common::v1::ROLE_UNIT_CLERK ||
         caller.role() == common::v1::ROLE_UNIT_DEPUTY_HEAD ||
         caller.role() == common::v1::ROLE_UNIT_HEAD;
}

bool MayReadAssignment(const Caller& caller, const v1::Assignment& assignment) {
  if (SeesAllAssignments(caller)) return true;
  if (IsUnitRole(caller)) return NamesUnit(assignment, caller.unit());
  if (caller.role() == common::v1::ROLE_PROPOSER) {
    const auto& people = assignment.item().proposers();
    return std::find(people.begin(), people.end(), caller.principal()) != people.end();
  }
  if (caller.role() == common::v1::ROLE_LEADING_OFFICIAL) {
    return assignment.key() && assignment.leading_official() == caller.principal();
  }
  return false;
}

namespace {

// Weights of the three kinds of evidence (see RankUnits).
constexpr double kSimilarWeight = 1.5;
constexpr double kCoUnitFactor = 0.5;
constexpr double kCategoryWeight = 0.6;
constexpr double kHistoryWeight = 0.4;

std::string WhenHandled(int item_year, int year) {
  switch (item_year - year) {
    case 0:
      return "今年";
    case 1:
      return "去年";
    case 2:
      return "前年";
    default:
      return absl::StrCat(year, "年");
  }
}

}  // namespace

std::vector<v1::UnitSuggestion> RankUnits(const std::vector<UnitEvidence>& units,
                                          const std::string& category, int item_year, int limit) {
  std::vector<v1::UnitSuggestion> out;
  for (const UnitEvidence& u : units) {
    v1::UnitSuggestion s;
    s.set_unit(u.unit);
    s.set_unit_display_name(u.display_name);
    double score = 0;
    std::vector<SimilarHandled> similar = u.similar;
    std::sort(similar.begin(), similar.end(),
              [](const auto& a, const auto& b) { return a.similarity > b.similarity; });
    for (const SimilarHandled& h : similar) {
      bool co = h.role == v1::UNIT_ROLE_CO;
      score += kSimilarWeight * h.similarity * (co ? kCoUnitFactor : 1.0);
      s.add_reasons(absl::StrFormat(
          "%s%s了相似的%s（相似度%.2f）", WhenHandled(item_year, h.year), co ? "协办" : "办理",
          h.number_label.empty() ? h.title : h.number_label, h.similarity));
    }
    if (u.category_listed) {
      score += kCategoryWeight;
      s.add_reasons(absl::StrCat("职能领域包含 ", category));
    }
    if (u.handled_in_category > 0) {
      double n = u.handled_in_category;
      score += kHistoryWeight * n / (n + 3);
      s.add_reasons(
          absl::StrCat("此前承办", category, "类建议、提案", u.handled_in_category, "件"));
    }
    if (score <= 0) continue;
    s.set_score(score);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.score() != b.score()) return a.score() > b.score();
    return a.unit() < b.unit();
  });
  if (static_cast<int>(out.size()) > limit) out.resize(limit);
  return out;
}

}  // namespace huiyin::assignment

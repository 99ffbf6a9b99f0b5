// Assignment's pure rules: resource names, what a valid unit and a valid plan are, which
// transitions objections and extensions allow, who may do what, and how units are ranked for a
// suggestion. No I/O and no calendar; the core applies them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "common/validation/field_checks.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/intake/v1/intake.pb.h"

namespace huiyin::assignment {

inline constexpr int kMaxPlans = 1000;
inline constexpr int kMaxUnitsPerPlan = 30;
// A deadline is at most max_deadline_months away; this only keeps a counting loop short.
inline constexpr int kMaxWorkingDays = 300;
inline constexpr int kMaxTextChars = 2000;
inline constexpr int kMaxMembers = 500;
inline constexpr int kMaxCategories = 50;

// Resource names. Each parser returns the ids and INVALID_ARGUMENT naming `field` otherwise.
std::string UnitName(const std::string& unit_id);
std::string ItemName(const std::string& item_id);
// The {item} of an ItemSummary's "items/{item}".
std::string ItemId(const v1::ItemSummary& item);
std::string AssignmentName(const std::string& item_id);
std::string ObjectionName(const std::string& item_id, const std::string& objection_id);
std::string ExtensionName(const std::string& item_id, const std::string& extension_id);
absl::Status ValidateUnitId(const std::string& unit_id, const std::string& field);
absl::StatusOr<std::string> ParseUnitName(const std::string& name, const std::string& field);
absl::StatusOr<std::string> ParseItemName(const std::string& name, const std::string& field);
absl::StatusOr<std::string> ParseAssignmentName(const std::string& name, const std::string& field);
struct ChildName {
  std::string item_id;
  std::string child_id;
};
// items/{item}/assignment/{collection}/{child}, collection "objections" or "extensions".
absl::StatusOr<ChildName> ParseChildName(const std::string& name, const std::string& collection,
                                         const std::string& field);

// "YYYY-MM-DD", strictly (2025-02-30 is refused, not normalised).
absl::StatusOr<absl::CivilDay> ParseDate(const std::string& text, const std::string& field);
std::string FormatDate(absl::CivilDay day);
// extensions_forbidden_years: "2022, 2023" → {2022, 2023}.
absl::StatusOr<std::set<int>> ParseYearList(const std::string& text);

// Free text (a reason, a resolution, a note): at most kMaxTextChars, no control characters.
// Adds what is wrong to `v`.
void CheckFreeText(FieldViolations& v, const std::string& text, const std::string& field,
                   bool required);

// A unit as created or updated: display name, kind, members (each person once, a role each),
// categories (each once). Field paths start with "unit.".
absl::Status ValidateUnit(const v1::Unit& unit);

// Everything about a plan that needs neither the store nor the calendar, with field paths under
// `prefix` ("plan", "plans[3]", "reassign"):
//   SOLE: exactly one unit, role LEAD. LEAD_AND_CO: one LEAD and at least one CO. SPLIT: two or
//   more PART, each with its part. No unit twice (a lead also named as a co-unit is one case of
//   it); a key item names its leading official, and only a key item has one; a fixed date is not
//   before `today`; months within 1..max_deadline_months; working days at least 1.
absl::Status ValidatePlan(const v1::AssignmentPlan& plan, const std::string& prefix,
                          absl::CivilDay today, int max_deadline_months);

// The waiting-list copy of an item intake accepted.
v1::ItemSummary SummaryOf(const intake::v1::Item& item);

// Transitions (FAILED_PRECONDITION from the wrong state).
absl::Status CheckObjectionWindow(const v1::Assignment& assignment, absl::CivilDay today,
                                  absl::CivilDay window_end);
absl::Status CheckNoPendingObjection(const v1::Assignment& assignment, const std::string& unit);
absl::Status CheckCanResolve(const v1::Objection& objection);
absl::Status CheckNoPendingExtension(const v1::Assignment& assignment, const std::string& unit);
absl::Status CheckCanDecide(const v1::Extension& extension);
// OBJECTED while an objection is pending, else ASSIGNED.
v1::AssignmentState StateOf(const v1::Assignment& assignment);
// Units named in `assignment` (current version).
bool NamesUnit(const v1::Assignment& assignment, const std::string& unit);

// Permissions. Role-level checks come first, before the resource is even looked up.
absl::Status CheckMayManageUnits(const Caller& caller);  // create, update: the government office
absl::Status CheckMayReadUnits(const Caller& caller);    // every signed-in role
bool SeesUnitContacts(const Caller& caller, const std::string& unit_name);
// AssignItem(s), ResolveObjection, DecideExtension, SuggestUnits: the government office.
absl::Status CheckMayAssign(const Caller& caller);
absl::Status CheckMayListWaiting(const Caller& caller);  // the four offices
// ObjectToAssignment, RequestExtension: a head, deputy head or clerk acting for `unit`.
absl::Status CheckMayActForUnit(const Caller& caller, const std::string& unit);
absl::Status CheckMayReadAssignments(const Caller& caller);
bool SeesAllAssignments(const Caller& caller);  // the four offices
bool IsUnitRole(const Caller& caller);
// Whether `caller` (already past CheckMayReadAssignments) may read this assignment.
bool MayReadAssignment(const Caller& caller, const v1::Assignment& assignment);

// What SuggestUnits knows about one candidate unit.
struct SimilarHandled {
  std::string number_label;  // 建议第12号
  std::string title;
  int year = 0;
  double similarity = 0;  // 0..1, intake's score
  v1::UnitRole role = v1::UNIT_ROLE_UNSPECIFIED;
};
struct UnitEvidence {
  std::string unit;
  std::string display_name;
  std::vector<SimilarHandled> similar;  // (a) similar items it was assigned
  bool category_listed = false;         // (b) its categories include the item's
  int handled_in_category = 0;          // (c) items of the category it was assigned before
};
// Best first, at most `limit`, units with no evidence left out; each suggestion says why in
// Chinese. A unit scores 1.5·s for each similar item of similarity s it led or answered a part of
// (a co-unit half that), 0.6 for listing the category and 0.4·n/(n+3) for n items of the category
// before: a clearly similar item (s ≥ 0.7) outranks category and history together.
std::vector<v1::UnitSuggestion> RankUnits(const std::vector<UnitEvidence>& units,
                                          const std::string& category, int item_year, int limit);

}  // namespace huiyin::assignment

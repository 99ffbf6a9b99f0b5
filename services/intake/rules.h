// Intake's pure rules: what a valid submission is, which transitions each state allows, who may
// do what. No I/O; the core applies them.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/identity/caller.h"
#include "common/validation/field_checks.h"
#include "huiyin/intake/v1/intake.pb.h"

namespace huiyin::intake {

using v1::Item;
using v1::ItemKind;
using v1::ItemState;

inline constexpr int kMaxTitleChars = 200;
inline constexpr int kMaxBodyChars = 20000;
inline constexpr int kMinBodyChars = 10;
inline constexpr int kMaxCoProposers = 300;
inline constexpr int kMaxReasonChars = 2000;

// "items/ab12" → "ab12"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseItemName(const std::string& name, const std::string& field);
std::string ItemName(const std::string& id);

// Every problem of a submission at once (field paths like "item.lead_proposer.name").
absl::Status ValidateSubmission(const v1::SubmitItemRequest& request, absl::CivilYear this_year);
absl::Status ValidateReason(const std::string& reason, bool required);

// 建议第15号 / 提案第156号.
std::string NumberLabel(ItemKind kind, int number);
std::string StateName(ItemState state);

// Transitions (FAILED_PRECONDITION when the item is in the wrong state).
absl::Status CheckCanScreen(const Item& item);            // accept, reject, withdraw, merge away
absl::Status CheckCanReceiveMerge(const Item& target);    // be the target of a merge

// Permissions. Role-level checks come first, before the item is even looked up.
absl::Status CheckMaySubmit(const Caller& caller, const Item& item);
absl::Status CheckMayScreenAny(const Caller& caller);           // some office that screens
absl::Status CheckMayScreen(const Caller& caller, ItemKind kind);  // the office for this kind
absl::Status CheckMayRead(const Caller& caller);                // role may read some items
bool SeesAllItems(const Caller& caller);                        // offices: every item
bool SeesOnlyAccepted(const Caller& caller);                    // units, leading officials
bool IsProposerOf(const Caller& caller, const Item& item);
// Whether `caller` (already past CheckMayRead) may read this item.
bool MayReadItem(const Caller& caller, const Item& item);

}  // namespace huiyin::intake

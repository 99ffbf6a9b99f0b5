#include "services/intake/rules.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/validation/field_checks.h"

namespace huiyin::intake {
namespace {

using common::v1::Role;

void CheckProposer(FieldViolations& v, const std::string& field, const v1::Proposer& p) {
  CheckText(v, field + ".person", p.person(), 1, 100, false);
  CheckText(v, field + ".name", p.name(), 1, 50, false);
  CheckText(v, field + ".group", p.group(), 0, 100, false);
  if (!p.phone().empty() && !IsPhoneNumber(p.phone())) {
    v.Add(field + ".phone", "must be a phone number (digits, '-', '+')");
  }
}

}  // namespace

absl::StatusOr<std::string> ParseItemName(const std::string& name, const std::string& field) {
  if (name.empty()) return InvalidField(field, "is required");
  if (!absl::StartsWith(name, "items/")) return InvalidField(field, "must look like items/{item}");
  std::string id = name.substr(6);
  if (id.empty() || id.size() > 64) return InvalidField(field, "must look like items/{item}");
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return InvalidField(field, "item id may hold only a-z, 0-9 and '-'");
  }
  return id;
}

std::string ItemName(const std::string& id) { return "items/" + id; }

absl::Status ValidateReason(const std::string& reason, bool required) {
  FieldViolations v;
  CheckText(v, "reason", reason, required ? 1 : 0, kMaxReasonChars, true);
  return v.ToStatus();
}

absl::Status ValidateSubmission(const v1::SubmitItemRequest& request, absl::CivilYear this_year) {
  FieldViolations v;
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) {
    v.Add("request_id", "may hold at most 64 letters, digits and - _ . :");
  }
  if (!request.has_item()) {
    v.Add("item", "is required");
    return v.ToStatus();
  }
  const Item& item = request.item();
  if (item.kind() == v1::ITEM_KIND_UNSPECIFIED || !v1::ItemKind_IsValid(item.kind())) {
    v.Add("item.kind", "must be ITEM_KIND_SUGGESTION or ITEM_KIND_PROPOSAL");
  }
  if (item.from_motion() && item.kind() != v1::ITEM_KIND_SUGGESTION) {
    v.Add("item.from_motion", "only a suggestion can come from a motion (议案转建议)");
  }
  CheckText(v, "item.session", item.session(), 1, 100, false);
  if (item.year() < 2000 || item.year() > this_year.year() + 1) {
    v.Add("item.year", absl::StrCat("must be between 2000 and ", this_year.year() + 1));
  }
  CheckText(v, "item.title", item.title(), 1, kMaxTitleChars, false);
  CheckText(v, "item.body", item.body(), kMinBodyChars, kMaxBodyChars, true);
  if (!item.has_lead_proposer()) {
    v.Add("item.lead_proposer", "is required");
  } else {
    CheckProposer(v, "item.lead_proposer", item.lead_proposer());
  }
  if (item.co_proposers_size() > kMaxCoProposers) {
    v.Add("item.co_proposers", absl::StrCat("at most ", kMaxCoProposers, " co-proposers"));
  }
  std::set<std::string> people = {item.lead_proposer().person()};
  for (int i = 0; i < item.co_proposers_size() && i < kMaxCoProposers; ++i) {
    std::string field = absl::StrCat("item.co_proposers[", i, "]");
    CheckProposer(v, field, item.co_proposers(i));
    if (!people.insert(item.co_proposers(i).person()).second) {
      v.Add(field + ".person", "appears twice among the proposers");
    }
  }
  CheckText(v, "item.category", item.category(), 1, 50, false);
  if (item.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(item.channel())) {
    v.Add("item.channel", "is required");
  }
  return v.ToStatus();
}

std::string NumberLabel(ItemKind kind, int number) {
  return absl::StrCat(kind == v1::ITEM_KIND_PROPOSAL ? "提案" : "建议", "第", number, "号");
}

std::string StateName(ItemState state) { return v1::ItemState_Name(state); }

absl::Status CheckCanScreen(const Item& item) {
  if (item.state() == v1::ITEM_STATE_SUBMITTED) return absl::OkStatus();
  return WrongState(item.name(), StateName(item.state()),
                    "only a submitted item can be accepted, rejected, merged or withdrawn");
}

absl::Status CheckCanReceiveMerge(const Item& target) {
  if (target.state() == v1::ITEM_STATE_SUBMITTED || target.state() == v1::ITEM_STATE_ACCEPTED) {
    return absl::OkStatus();
  }
  return WrongState(target.name(), StateName(target.state()),
                    "items can be merged only into a submitted or accepted item");
}

absl::Status CheckMaySubmit(const Caller& caller, const Item& item) {
  switch (caller.role()) {
    case common::v1::ROLE_SYSTEM:
      return absl::OkStatus();
    case common::v1::ROLE_PROPOSER:
      if (item.lead_proposer().person() == caller.principal()) return absl::OkStatus();
      return PermissionDenied("a proposer submits items as their lead proposer");
    case common::v1::ROLE_CONGRESS_OFFICE:
      if (item.kind() != v1::ITEM_KIND_PROPOSAL) return absl::OkStatus();
      return PermissionDenied("the congress office registers suggestions, not proposals");
    case common::v1::ROLE_CPPCC_OFFICE:
      if (item.kind() != v1::ITEM_KIND_SUGGESTION) return absl::OkStatus();
      return PermissionDenied("the CPPCC office registers proposals, not suggestions");
    default:
      return PermissionDenied("only proposers, the congress and CPPCC offices and systems submit");
  }
}

absl::Status CheckMayScreenAny(const Caller& caller) {
  if (caller.role() == common::v1::ROLE_CONGRESS_OFFICE ||
      caller.role() == common::v1::ROLE_CPPCC_OFFICE) {
    return absl::OkStatus();
  }
  return PermissionDenied("screening (立案审查) is for the congress and CPPCC offices");
}

absl::Status CheckMayScreen(const Caller& caller, ItemKind kind) {
  if (caller.role() == common::v1::ROLE_CONGRESS_OFFICE && kind == v1::ITEM_KIND_SUGGESTION) {
    return absl::OkStatus();
  }
  if (caller.role() == common::v1::ROLE_CPPCC_OFFICE && kind == v1::ITEM_KIND_PROPOSAL) {
    return absl::OkStatus();
  }
  return PermissionDenied(kind == v1::ITEM_KIND_PROPOSAL
                              ? "proposals are screened by the CPPCC office"
                              : "suggestions are screened by the congress office");
}

bool SeesAllItems(const Caller& caller) {
  switch (caller.role()) {
    case common::v1::ROLE_CONGRESS_OFFICE:
    case common::v1::ROLE_CPPCC_OFFICE:
    case common::v1::ROLE_GOVERNMENT_OFFICE:
    case common::v1::ROLE_SUPERVISION_OFFICE:
    case common::v1::ROLE_SYSTEM:
      return true;
    default:
      return false;
  }
}

bool SeesOnlyAccepted(const Caller& caller) {
  switch (caller.role()) {
    case common::v1::ROLE_UNIT_CLERK:
    case common::v1::ROLE_UNIT_DEPUTY_HEAD:
    case common::v1::ROLE_UNIT_HEAD:
    case common::v1::ROLE_LEADING_OFFICIAL:
      return true;
    default:
      return false;
  }
}

absl::Status CheckMayRead(const Caller& caller) {
  if (SeesAllItems(caller) || SeesOnlyAccepted(caller) ||
      caller.role() == common::v1::ROLE_PROPOSER) {
    return absl::OkStatus();
  }
  return PermissionDenied("intake is not public; published answers are read through disclosure");
}

bool IsProposerOf(const Caller& caller, const Item& item) {
  if (item.lead_proposer().person() == caller.principal()) return true;
  for (const auto& p : item.co_proposers()) {
    if (p.person() == caller.principal()) return true;
  }
  return false;
}

bool MayReadItem(const Caller& caller, const Item& item) {
  if (SeesAllItems(caller)) return true;
  if (SeesOnlyAccepted(caller)) return item.state() == v1::ITEM_STATE_ACCEPTED;
  return caller.role() == common::v1::ROLE_PROPOSER && IsProposerOf(caller, item);
}

}  // namespace huiyin::intake

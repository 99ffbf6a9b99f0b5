// Who may read supervision's records: one definition for the ledger, figures, notices, scores,
// returns and verifications. The four offices read everything; a handling unit (a unit role with
// caller.unit set) reads what concerns its own unit; everyone else is refused.
#pragma once

#include "absl/status/status.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"

namespace huiyin::supervision {

inline bool IsOffice(const Caller& caller) {
  switch (caller.role()) {
    case common::v1::ROLE_SUPERVISION_OFFICE:
    case common::v1::ROLE_CONGRESS_OFFICE:
    case common::v1::ROLE_CPPCC_OFFICE:
    case common::v1::ROLE_GOVERNMENT_OFFICE:
      return true;
    default:
      return false;
  }
}

inline bool IsUnit(const Caller& caller) {
  return !caller.unit().empty() && (caller.role() == common::v1::ROLE_UNIT_CLERK ||
                                    caller.role() == common::v1::ROLE_UNIT_DEPUTY_HEAD ||
                                    caller.role() == common::v1::ROLE_UNIT_HEAD);
}

inline absl::Status CheckReader(const Caller& caller) {
  if (IsOffice(caller) || IsUnit(caller)) return absl::OkStatus();
  return PermissionDenied("only the offices and handling units read supervision's records");
}

}  // namespace huiyin::supervision

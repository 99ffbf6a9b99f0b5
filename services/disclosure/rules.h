// Disclosure's pure rules: who may review and read, what a record holds (prepared from intake's
// item and workflow's tasks), and what the public sees of it (redacted). No I/O.
//
//   std::optional<v1::Disclosure> prepared = PrepareRecord(item, tasks);
//   PublicView view = MakePublicView(*prepared, overrides, prepared->markings());
//   // view.content: what is published; view.redactions: what was masked, for the reviewer
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/status/errors.h"
#include "google/protobuf/timestamp.pb.h"
#include "huiyin/common/v1/identity.pb.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::disclosure {

// The government office, the congress office and the CPPCC office review (any kind, for now:
// CheckReviewerOf narrows it to the kind).
bool IsReviewer(const common::v1::Caller& caller);
// Reviewers and the supervision office read the office view.
bool IsOfficeReader(const common::v1::Caller& caller);
// The congress office reviews suggestions, the CPPCC office proposals, the government office both.
absl::Status CheckReviewerOf(const common::v1::Caller& caller, intake::v1::ItemKind kind);

// "disclosures/{id}" → "items/{id}"; empty when the name is not one.
std::string ItemOfName(const std::string& name);
std::string NameOfItem(const std::string& item);

// The China date of an instant, "YYYY-MM-DD".
std::string ChinaDate(const google::protobuf::Timestamp& t);

// A record from the item (when intake's copy has arrived) and its tasks: nullopt while no
// answering unit has issued an answer. Proposers keep only name and group (never phones).
std::optional<v1::Disclosure> PrepareRecord(const std::optional<intake::v1::Item>& item,
                                            const std::vector<workflow::v1::Task>& tasks);

// The newest issued answer of a record (by date, then position); nullptr if none.
const v1::PublicAnswer* NewestAnswer(const v1::Disclosure& d);

struct TextOverrides {
  std::string title;
  std::string body;
};
struct PublicView {
  v1::Disclosure content;                 // redacted; office fields cleared
  std::vector<v1::Redaction> redactions;  // what was masked, where
};
// What the public sees of a prepared record: corrected texts, then every text field redacted
// (markings with field "" apply everywhere, "answers" to every answer text).
PublicView MakePublicView(const v1::Disclosure& prepared, const TextOverrides& overrides,
                          const std::vector<v1::Marking>& markings);

// Field checks of the review requests (every wrong field at once).
void CheckMarkings(FieldViolations& v, const std::string& field,
                   const google::protobuf::RepeatedPtrField<v1::Marking>& markings);

}  // namespace huiyin::disclosure

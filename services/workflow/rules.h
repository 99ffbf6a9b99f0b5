// Workflow's pure rules: the answer pre-check (答复质量预审), the validation of a draft and the
// parsing of configured blocking codes. No store, no clock: texts and messages in, findings out.
//
//   PrecheckInput in{.item_title = normalizer.Normalize(title), .item_body = ..., .answer = a,
//                    .unit_display_name = "县住房和城乡建设局", .blocking = blocking};
//   std::vector<v1::PrecheckFinding> findings = Precheck(in, normalizer);
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/text/normalize.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::workflow {

// An answer shorter than this many characters is TOO_SHORT.
inline constexpr int kMinAnswerCharacters = 150;
// OFF_TOPIC when fewer than this share of the item's key terms appear in the answer.
inline constexpr double kMinKeyTermShare = 0.4;

struct PrecheckInput {
  std::string item_title;  // as written; normalised here
  std::string item_body;
  v1::Answer answer;
  std::string unit_display_name;  // expected in the signature block
  std::set<int> blocking;         // PrecheckCode values configured as blocking
};

// The findings on an answer, warnings unless their code is in `blocking`.
std::vector<v1::PrecheckFinding> Precheck(const PrecheckInput& in,
                                          const text::TextNormalizer& normalizer);
bool AnyBlocking(const std::vector<v1::PrecheckFinding>& findings);

// The distinctive character bigrams of an item (title first, then those its body repeats),
// taken from text already normalised.
std::vector<std::string> KeyTerms(const std::string& normalized_title,
                                  const std::string& normalized_body);

// The phrases of VAGUE_WORDING found in `text`, in list order.
std::vector<std::string> VaguePhrases(const std::string& text);
// Whether `text` names a date: 2025年6月, 2025-06-30, 6月底 ….
bool HasDate(const std::string& text);

// Validates the content of a draft: class (D only when `allow_class_d`), text, contact person,
// B with at least one commitment each with a valid due date, C with its explanation.
// INVALID_ARGUMENT naming each wrong field under `prefix` ("answer").
absl::Status ValidateDraft(const v1::Answer& answer, bool allow_class_d);

// "PRECHECK_CODE_OFF_TOPIC, VAGUE_WORDING" → codes; INVALID_ARGUMENT for an unknown name.
absl::StatusOr<std::set<int>> ParseBlockingFindings(const std::string& list);

}  // namespace huiyin::workflow

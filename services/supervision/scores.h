// Unit scores (倒扣分): deductions derived from the workflow events supervision applies, each
// naming its event, and the per-unit report and ranking read from them under the configured
// rules. When each kind of deduction is derived is documented in proto/.../scores.proto.
//
// Deriving runs inside SupervisionCore::Apply's transaction, after the ledger entry is saved (the
// ledger's definition of 见面 is the one used), so RebuildLedger's replay re-derives the same
// rows:
//   ApplyToScores(tx, event);   // in SupervisionCore::Apply
//   ClearScores(tx);            // in RebuildLedger, before the replay
// Reading:
//   ScoreCore scores(db, *ScoreOptionsFromConfig(config.supervision()));
//   auto report = scores.GetUnitScore(caller, request);
#pragma once

#include <map>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/database.h"
#include "huiyin/common/v1/identity.pb.h"
#include "huiyin/config/v1/config.pb.h"
#include "huiyin/events/v1/events.pb.h"
#include "huiyin/supervision/v1/scores.pb.h"

namespace huiyin::supervision {

struct DeductionRule {
  v1::DeductionKind kind = v1::DEDUCTION_KIND_UNSPECIFIED;
  double points = 0;  // per deduction; 0: the kind is off
  double cap = 0;     // per unit and year; 0: no cap
};

struct ScoreOptions {
  double base = 100;
  std::vector<DeductionRule> rules;  // at most one per kind
};

// The rules of supervision's configuration; the last rule of a kind wins. INVALID_ARGUMENT for
// an unknown kind or a negative number.
absl::StatusOr<ScoreOptions> ScoreOptionsFromConfig(const config::v1::SupervisionConfig& config);

// 逾期答复, 退回重办 …
const char* DeductionLabel(v1::DeductionKind kind);

// The deductions `event` proves, points unset (pure). `met_proposer`: whether the event's task has
// met its proposer, as the ledger counts 见面.
std::vector<v1::Deduction> DeductionsOf(const events::v1::Event& event, bool met_proposer);

// Stores what `event` proves (each deduction once per kind and subject) and the year's units.
absl::Status ApplyToScores(SQLite::Database& tx, const events::v1::Event& event);
// Empties what ApplyToScores keeps (RebuildLedger replays the journal afterwards).
void ClearScores(SQLite::Database& tx);

class ScoreCore {
 public:
  ScoreCore(Database& db, ScoreOptions options);

  absl::StatusOr<v1::UnitScore> GetUnitScore(const common::v1::Caller& caller,
                                             const v1::GetUnitScoreRequest& request) const;
  absl::StatusOr<v1::ListUnitScoresResponse> ListUnitScores(
      const common::v1::Caller& caller, const v1::ListUnitScoresRequest& request) const;

  // "units/…" → display name, for the units of `year` (exports show names, not ids).
  absl::StatusOr<std::map<std::string, std::string>> UnitNames(int year) const;
  const ScoreOptions& options() const { return options_; }

 private:
  // Every unit of the year, scored and ranked, without the deductions themselves.
  absl::StatusOr<std::vector<v1::UnitScore>> Ranking(int year) const;

  Database& db_;
  ScoreOptions options_;
};

}  // namespace huiyin::supervision

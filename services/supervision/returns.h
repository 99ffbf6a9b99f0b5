// Returning answers (退回重办) and verifying A-class results on site (实地核查): the acts of the
// supervision office on an answer (contract: proto/huiyin/supervision/v1/returns.proto).
//
// A return is carried out by workflow through an AnswerReturner (gRPC in production, a fake in
// tests); its record here is written only from workflow's AnswerReturned event
// (RecordAnswerReturned, called by SupervisionCore::Apply), so a return is listed exactly when
// workflow made it. A verification is recorded here with its event in supervision's outbox;
// NOT_AS_ANSWERED first returns the answer with RETURN_REASON_CONTRADICTS_FACTS.
//
//   WorkflowAnswerReturner workflow(channel, credential, absl::Seconds(5));
//   ReturnDesk desk(db, clock, ids, workflow);
//   auto returned = desk.ReturnAnswer(caller, request);
#pragma once

#include "SQLiteCpp/Database.h"
#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "huiyin/events/v1/events.pb.h"
#include "huiyin/supervision/v1/returns.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::supervision {

// The seam to workflow's ReturnAnswer. Implementations act on behalf of `caller` and are safe
// to retry: workflow drops a repeated request_id.
class AnswerReturner {
 public:
  virtual ~AnswerReturner() = default;
  virtual absl::StatusOr<workflow::v1::Answer> ReturnAnswer(
      const Caller& caller, const workflow::v1::ReturnAnswerRequest& request) = 0;
};

class ReturnDesk {
 public:
  ReturnDesk(Database& db, const Clock& clock, IdGenerator& ids, AnswerReturner& workflow);

  absl::StatusOr<v1::ReturnAnswerResponse> ReturnAnswer(const Caller& caller,
                                                        const v1::ReturnAnswerRequest& request);
  absl::StatusOr<v1::ListReturnsResponse> ListReturns(const Caller& caller,
                                                      const v1::ListReturnsRequest& request) const;
  absl::StatusOr<v1::Verification> VerifyResult(const Caller& caller,
                                                const v1::VerifyResultRequest& request);
  absl::StatusOr<v1::ListVerificationsResponse> ListVerifications(
      const Caller& caller, const v1::ListVerificationsRequest& request) const;

 private:
  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  AnswerReturner& workflow_;
  Outbox outbox_{"supervision"};
};

// For SupervisionCore::Apply: records a return when `event` is workflow's AnswerReturned
// (anything else is ignored). Returns are part of the read model RebuildLedger replays.
void RecordAnswerReturned(SQLite::Database& tx, const events::v1::Event& event);
void ClearAnswerReturns(SQLite::Database& tx);

}  // namespace huiyin::supervision

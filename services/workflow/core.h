// Workflow's core: the handling (办理) of assigned items over a Database, a Clock, an
// IdGenerator, the working-day calendar and the text normaliser, returning absl::Status.
// Transport-free: the gRPC adapter (grpc_service.h) only converts.
//
//   WorkflowCore core(*db, clock, ids, calendar, *normalizer, options);
//   EventConsumer assignment_feed({.source = "assignment", ...}, *db, clock,
//       [&](SQLite::Database& tx, const events::v1::Event& e) {
//         return core.ApplyAssignmentEvent(tx, e); });
//   auto task = core.AcknowledgeTask(caller, request);
//
// Every state change writes its event (workflow_events.proto, the whole task after the change)
// to the outbox in the same transaction.
//
// Decisions the contract leaves open:
//   - A task is one unit's part of one assignment; a re-assignment (改办) cancels the tasks of the
//     units taken off (kept, CANCELLED), creates tasks for the units added, and gives the units
//     kept the new version, deadline and key flag without an event of their own.
//   - Callers whose right depends on the task (units, proposers, leading officials) get
//     PERMISSION_DENIED for a task that is not theirs and for one that does not exist alike; the
//     offices get NOT_FOUND.
//   - A co-handler's opinion is outstanding while it is SENT (the lead unit must accept it or
//     send it back, whatever the date) or, inside its window, while none was accepted. Past the
//     window the head's signature records it MISSING (OpinionMissing) and goes on.
//   - The section named at acknowledgement must be one of the sections the unit's members are
//     listed under (any section when none is listed).
//   - Tasks made from assignment's events carry that event's actor (the office that assigned).
//   - A review that does not approve keeps the answer DRAFT with the comment for the clerk.
//   - ReturnAnswer and 不满意 both start a new round (Task.round + 1); 不满意 also moves the
//     task's deadline to second_handling_months after the evaluation (next working day).
//   - Only an issued answer that was not evaluated yet can be returned.
//   - A proposer sees issued answers (and issued answers later returned or superseded), never
//     drafts.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "common/text/normalize.h"
#include "huiyin/events/v1/events.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "services/workflow/store.h"

namespace huiyin::workflow {

inline constexpr char kServicePrincipal[] = "services/workflow";

struct WorkflowOptions {
  int co_opinion_working_days = 30;
  std::set<int> blocking_findings;  // PrecheckCode values
  bool allow_class_d = false;
  int second_handling_months = 3;
};

class WorkflowCore {
 public:
  WorkflowCore(Database& db, const Clock& clock, IdGenerator& ids,
               const WorkingDayCalendar& calendar, const text::TextNormalizer& normalizer,
               WorkflowOptions options);

  absl::StatusOr<v1::Task> GetTask(const Caller& caller, const v1::GetTaskRequest& request);
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const Caller& caller,
                                                  const v1::ListTasksRequest& request);
  absl::StatusOr<v1::Task> AcknowledgeTask(const Caller& caller,
                                           const v1::AcknowledgeTaskRequest& request);
  absl::StatusOr<v1::Task> SubmitPlan(const Caller& caller, const v1::SubmitPlanRequest& request);
  absl::StatusOr<v1::Contact> RecordContact(const Caller& caller,
                                            const v1::RecordContactRequest& request);
  absl::StatusOr<v1::Opinion> SendOpinion(const Caller& caller,
                                          const v1::SendOpinionRequest& request);
  absl::StatusOr<v1::Opinion> ReviewOpinion(const Caller& caller,
                                            const v1::ReviewOpinionRequest& request);
  absl::StatusOr<v1::Answer> DraftAnswer(const Caller& caller,
                                         const v1::DraftAnswerRequest& request);
  absl::StatusOr<v1::Answer> UpdateDraft(const Caller& caller,
                                         const v1::UpdateDraftRequest& request);
  absl::StatusOr<v1::PrecheckAnswerResponse> PrecheckAnswer(
      const Caller& caller, const v1::PrecheckAnswerRequest& request);
  absl::StatusOr<v1::Answer> ReviewAnswer(const Caller& caller,
                                          const v1::ReviewAnswerRequest& request);
  absl::StatusOr<v1::Answer> SignAnswer(const Caller& caller, const v1::SignAnswerRequest& request);
  absl::StatusOr<v1::Answer> IssueAnswer(const Caller& caller,
                                         const v1::IssueAnswerRequest& request);
  absl::StatusOr<v1::Answer> EvaluateAnswer(const Caller& caller,
                                            const v1::EvaluateAnswerRequest& request);
  absl::StatusOr<v1::Answer> ReturnAnswer(const Caller& caller,
                                          const v1::ReturnAnswerRequest& request);
  absl::StatusOr<v1::Commitment> FulfillCommitment(const Caller& caller,
                                                   const v1::FulfillCommitmentRequest& request);
  absl::StatusOr<v1::ListOpenCommitmentsResponse> ListOpenCommitments(
      const Caller& caller, const v1::ListOpenCommitmentsRequest& request);

  // Intake's feed, inside the consumer's transaction: ItemAccepted and ItemMerged (its target)
  // keep the item's texts and proposers; other types are skipped.
  absl::Status ApplyIntakeEvent(SQLite::Database& tx, const events::v1::Event& event);
  // Assignment's feed: ItemAssigned and ItemReassigned make and cancel tasks, UnitCreated and
  // UnitUpdated keep the units' members; other types are skipped.
  absl::Status ApplyAssignmentEvent(SQLite::Database& tx, const events::v1::Event& event);

 private:
  // Who may act on a task: its own unit, its lead proposer, the supervision office, its leading
  // official (signing), or read it.
  enum class Access { kUnit, kLeadProposer, kSupervision, kUnitOrLeadingOfficial };
  // A task loaded for a change, and the answer its name names ("tasks/t/answers/a…").
  struct Target {
    StoredTask stored;
    std::string answer_id;
  };
  using Change = std::function<absl::Status(SQLite::Database& tx, Target& target)>;

  // Parses `name` ("tasks/t", "tasks/t/answers/a", …; `shape` says which), loads the task and
  // checks `access`, then runs `change` in the writer's transaction.
  absl::Status Mutate(const Caller& caller, const std::string& name, const std::string& shape,
                      Access access, const Change& change);
  absl::StatusOr<Target> LoadTarget(SQLite::Database& conn, const Caller& caller,
                                    const std::string& name, const std::string& shape,
                                    Access access);
  void Save(SQLite::Database& tx, StoredTask& stored);
  // When the lead unit's task closes, the co-handlers' tasks of that version close with it.
  absl::Status CloseCoHandlers(SQLite::Database& tx, const Caller& caller, const v1::Task& lead);
  // `reason`: what the actor gave for the change (a comment, a return's grounds), kept with the
  // event in the audit trail (留痕).
  absl::Status Emit(SQLite::Database& tx, const Caller& caller, const std::string& subject,
                    const google::protobuf::Message& payload, const std::string& reason = "");
  std::vector<v1::PrecheckFinding> RunPrecheck(SQLite::Database& conn, const v1::Task& task,
                                               const v1::Answer& answer);
  absl::StatusOr<absl::CivilDay> OpinionDue(const v1::Task& co_task) const;
  // FAILED_PRECONDITION while a co-handler's opinion is outstanding; records missing ones.
  absl::Status SettleOpinions(SQLite::Database& tx, const Caller& caller, StoredTask& lead);
  // The shape every command on an answer shares: `change` edits the answer (and its task) and
  // says whether it changed anything; then the answer gets a new etag, the task is saved, the
  // Payload event appended and `after` may append more.
  using AnswerChange = std::function<absl::StatusOr<bool>(SQLite::Database& tx, StoredTask& stored,
                                                          v1::Answer& answer)>;
  using AfterChange = std::function<absl::Status(SQLite::Database& tx, const v1::Task& task,
                                                 const v1::Answer& answer)>;
  template <typename Payload>
  absl::StatusOr<v1::Answer> ChangeAnswer(const Caller& caller, const std::string& name,
                                          Access access, const AnswerChange& change,
                                          const AfterChange& after = nullptr);
  // Copies what a drafter writes (class, text, commitments …) from `in` into `answer`.
  static void SetContent(const v1::Task& task, const v1::Answer& in, v1::Answer& answer);
  absl::Status CreateTask(SQLite::Database& tx, const events::v1::Event& event,
                          const assignment::v1::Assignment& assignment,
                          const assignment::v1::AssignedUnit& unit);
  std::string LeadProposer(SQLite::Database& conn, const v1::Task& task);

  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  const WorkingDayCalendar& calendar_;
  const text::TextNormalizer& normalizer_;
  WorkflowOptions options_;
  Outbox outbox_{"workflow"};
};

// What a caller may see of a task: a proposer only the answers once issued.
v1::Task ForCaller(const Caller& caller, v1::Task task);

}  // namespace huiyin::workflow

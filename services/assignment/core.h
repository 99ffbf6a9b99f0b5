// Assignment's core: the use cases of assignment (交办) over a Database, a Clock, an IdGenerator,
// the working-day calendar and a source of similar items, returning absl::Status.
// Transport-free: the gRPC adapter (grpc_service.h) only converts.
//
//   AssignmentCore core(*db, clock, ids, calendar, similar, options);
//   EventConsumer intake_feed({.source = "intake", ...}, *db, clock,
//       [&](SQLite::Database& tx, const events::v1::Event& e) { return core.ApplyIntakeEvent(tx,
//       e); });
//   auto assignment = core.AssignItem(caller, request);
//
// Every state change writes its event to the outbox in the same transaction (events.v1.Event with
// an assignment.v1.* payload carrying the whole assignment or unit as it is after the change).
//
// Decisions the contract leaves open:
//   - An item assignment does not know (not accepted by intake, or not arrived yet) is NOT_FOUND;
//     one already assigned is FAILED_PRECONDITION (change it through an objection: 改办).
//   - An unknown or inactive unit in a plan is INVALID_ARGUMENT naming the plan's field
//     ("plan.units[1].unit"): the request names something it may not.
//   - Objections and extensions belong to one version: a re-assignment resolves the pending
//     objections (REASSIGNED), refuses pending extension requests, and the new version starts
//     with none and with its own objection window. Earlier versions keep theirs in `history`.
//   - Extensions are refused in a year of extensions_forbidden_years counted by the year of the
//     current deadline (the deadline the unit wants moved).
//   - A re-assignment plan without a deadline gets the configured default counted from the day
//     of re-assignment; every deadline stays within max_deadline_months of the first assignment.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "services/assignment/similar_items.h"
#include "services/assignment/store.h"

namespace huiyin::assignment {

struct AssignmentOptions {
  int objection_working_days = 5;
  int default_deadline_months = 3;
  int max_deadline_months = 6;
  std::set<int> extensions_forbidden_years;
};

class AssignmentCore {
 public:
  AssignmentCore(Database& db, const Clock& clock, IdGenerator& ids,
                 const WorkingDayCalendar& calendar, SimilarItemsSource& similar,
                 AssignmentOptions options);

  absl::StatusOr<v1::Unit> CreateUnit(const Caller& caller, const v1::CreateUnitRequest& request);
  absl::StatusOr<v1::Unit> GetUnit(const Caller& caller, const v1::GetUnitRequest& request);
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const Caller& caller,
                                                  const v1::ListUnitsRequest& request);
  absl::StatusOr<v1::Unit> UpdateUnit(const Caller& caller, const v1::UpdateUnitRequest& request);

  absl::StatusOr<v1::ListWaitingItemsResponse> ListWaitingItems(
      const Caller& caller, const v1::ListWaitingItemsRequest& request);
  absl::StatusOr<v1::Assignment> AssignItem(const Caller& caller,
                                            const v1::AssignItemRequest& request);
  // Each plan all-or-nothing on its own, all in one transaction (one fsync for the meeting).
  absl::StatusOr<v1::AssignItemsResponse> AssignItems(const Caller& caller,
                                                      const v1::AssignItemsRequest& request);
  absl::StatusOr<v1::Assignment> GetAssignment(const Caller& caller,
                                               const v1::GetAssignmentRequest& request);
  absl::StatusOr<v1::ListAssignmentsResponse> ListAssignments(
      const Caller& caller, const v1::ListAssignmentsRequest& request);

  absl::StatusOr<v1::Objection> ObjectToAssignment(const Caller& caller,
                                                   const v1::ObjectToAssignmentRequest& request);
  absl::StatusOr<v1::Assignment> ResolveObjection(const Caller& caller,
                                                  const v1::ResolveObjectionRequest& request);
  absl::StatusOr<v1::Extension> RequestExtension(const Caller& caller,
                                                 const v1::RequestExtensionRequest& request);
  absl::StatusOr<v1::Assignment> DecideExtension(const Caller& caller,
                                                 const v1::DecideExtensionRequest& request);

  // Asks intake for similar items (by `deadline` at the latest); without them (intake down) the
  // ranking still uses categories and history.
  absl::StatusOr<v1::SuggestUnitsResponse> SuggestUnits(
      const Caller& caller, const v1::SuggestUnitsRequest& request,
      absl::Time deadline = absl::InfiniteFuture());

  // Applies one event of intake's feed inside the consumer's transaction: ItemAccepted puts the
  // item on the waiting list, ItemMerged gives its target the merged item's proposers; other
  // types are skipped.
  absl::Status ApplyIntakeEvent(SQLite::Database& tx, const events::v1::Event& event);

 private:
  // An assignment as read for a change: its item, its row and the assembled message.
  struct Loaded {
    StoredItem item;
    StoredAssignment stored;
    v1::Assignment assignment;
  };

  v1::Assignment Assemble(SQLite::Database& conn, const StoredItem& item,
                          const StoredAssignment& stored);
  absl::StatusOr<Loaded> Load(SQLite::Database& conn, const std::string& item_id);
  absl::StatusOr<Loaded> LoadReadable(SQLite::Database& conn, const Caller& caller,
                                      const std::string& name);
  // For a unit acting on an assignment naming it; PERMISSION_DENIED otherwise, existing or not.
  absl::StatusOr<Loaded> LoadForUnit(SQLite::Database& tx, const std::string& name,
                                     const std::string& unit);
  // Bumps the revision, recomputes the state and saves the current version.
  void Save(SQLite::Database& tx, Loaded& loaded);
  // The shared shape of ObjectToAssignment and RequestExtension: a retried request id replays
  // what it made (`replay` gets that resource's name); otherwise the assignment is loaded for
  // `unit`, `file` adds the objection or extension with its event and returns its name, and the
  // request id is recorded.
  using Filing = std::function<absl::StatusOr<std::string>(SQLite::Database& tx, Loaded& loaded)>;
  using Replay = std::function<absl::Status(SQLite::Database& tx, const std::string& served)>;
  absl::Status FileForUnit(const Caller& caller, const std::string& method, const std::string& name,
                           const std::string& unit, const std::string& request_id,
                           const Filing& file, const Replay& replay);

  // Checks a validated plan against the store and the calendar and builds the version it makes.
  // When the fault is not a field violation, `blamed_field` names where it lies.
  absl::StatusOr<v1::Assignment> BuildVersion(SQLite::Database& tx, const Caller& caller,
                                              const v1::AssignmentPlan& plan,
                                              const std::string& prefix, const StoredItem& item,
                                              absl::CivilDay first_assign_day, int version,
                                              std::string* blamed_field);
  // One plan of AssignItem(s), inside the writer's transaction.
  absl::StatusOr<v1::Assignment> AssignOne(SQLite::Database& tx, const Caller& caller,
                                           const v1::AssignmentPlan& plan,
                                           const std::string& prefix, std::string* blamed_field);
  absl::StatusOr<v1::Assignment> Uphold(SQLite::Database& tx, const Caller& caller, Loaded& loaded,
                                        v1::Objection objection, const std::string& resolution);
  absl::StatusOr<v1::Assignment> Reassign(SQLite::Database& tx, const Caller& caller,
                                          Loaded& loaded, const v1::AssignmentPlan& plan,
                                          const std::string& resolution);
  absl::Status CheckExtensionsAllowed(const v1::Assignment& assignment);
  absl::Status AppendEvent(SQLite::Database& tx, const Caller& caller, const std::string& subject,
                           const std::string& reason, const google::protobuf::Message& payload);
  v1::DeadlineRule DefaultRule() const;

  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  const WorkingDayCalendar& calendar_;
  SimilarItemsSource& similar_;
  AssignmentOptions options_;
  Outbox outbox_{"assignment"};
};

// What a caller may see: members' phone numbers only the offices and the unit itself.
v1::Unit ForCaller(const Caller& caller, v1::Unit unit);
// A proposer sees which units handle their item and by when, not the office's note (交办意见)
// nor the objections and extension requests between the office and the units.
v1::Assignment ForCaller(const Caller& caller, v1::Assignment assignment);

}  // namespace huiyin::assignment

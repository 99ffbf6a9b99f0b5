// Supervision's core, first slice: the ledger (台账) and the figures (办理指标), kept from the
// feeds of intake, assignment and workflow. Each Apply* runs inside the EventConsumer's
// transaction: the event is journalled, the read model updated, and the figure counters moved by
// the difference between the changed task's contribution before and after the event, so
// GetFigures reads counters only.
//
//   SupervisionCore core(db, clock, calendar, SupervisionOptions{});
//   EventConsumer feed(options, db, clock, [&](SQLite::Database& tx, const Event& e) {
//     return core.ApplyWorkflowEvent(tx, e);
//   });
//   auto figures = core.GetFigures(caller, request);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "SQLiteCpp/Database.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/calendar/working_day_calendar.h"
#include "common/store/database.h"
#include "huiyin/common/v1/identity.pb.h"
#include "huiyin/events/v1/events.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "services/supervision/steps.h"

namespace huiyin::supervision {

inline constexpr char kServicePrincipal[] = "systems/huiyin-supervision";

struct SupervisionOptions {
  // An answer deadline with at most this many working days left is DUE_SOON (临期).
  int due_soon_working_days = 10;
  // The deadlines of the other steps (签收, 办理方案, 协办意见, 公开, 承诺事项).
  StepOptions steps;
};

class SupervisionCore {
 public:
  SupervisionCore(Database& db, const Clock& clock, const WorkingDayCalendar& calendar,
                  SupervisionOptions options);

  // Event appliers (the EventConsumer's Apply); unknown payload types are skipped.
  absl::Status ApplyIntakeEvent(SQLite::Database& tx, const events::v1::Event& event);
  absl::Status ApplyAssignmentEvent(SQLite::Database& tx, const events::v1::Event& event);
  absl::Status ApplyWorkflowEvent(SQLite::Database& tx, const events::v1::Event& event);

  // Empties the read model and the counters and replays the journal; the supervision office only.
  absl::StatusOr<v1::RebuildLedgerResponse> RebuildLedger(const common::v1::Caller& caller,
                                                          const v1::RebuildLedgerRequest& request);

  absl::StatusOr<v1::LedgerEntry> GetLedgerEntry(const common::v1::Caller& caller,
                                                 const v1::GetLedgerEntryRequest& request) const;
  absl::StatusOr<v1::ListLedgerResponse> ListLedger(const common::v1::Caller& caller,
                                                    const v1::ListLedgerRequest& request) const;
  absl::StatusOr<v1::GetFiguresResponse> GetFigures(const common::v1::Caller& caller,
                                                    const v1::GetFiguresRequest& request) const;

  // Records that an answer was disclosed (公开) on `date` ("YYYY-MM-DD"), inside the caller's
  // transaction (a disclosure feed's consumer), and re-derives its item's ledger entry. Not
  // journalled and kept by RebuildLedger; an answer not known yet is recorded all the same.
  // `on_time`: published within the disclosure service's deadline (counts in 公开率);
  // `withheld`: 不予公开 was decided that day (settles the step, not counted as disclosed).
  absl::Status MarkAnswerDisclosed(SQLite::Database& tx, const std::string& answer_name,
                                   const std::string& date, bool on_time = false,
                                   bool withheld = false);
  // The disclosure feed's applier: RecordPublished and RecordWithheld mark the answer; the rest
  // (updates, corrections, retractions) leave 公开率 as the first publication set it.
  absl::Status ApplyDisclosureEvent(SQLite::Database& tx, const events::v1::Event& event);

  // Answering tasks still open (waiting for acknowledgement or handling) and past their answer
  // deadline today, by unit (for metrics; 0 for the other units with tasks). An index range of
  // the step deadlines, so a scrape does not grow with the items of the year.
  absl::StatusOr<std::map<std::string, int64_t>> OverdueByUnit() const;

 private:
  absl::Status Apply(SQLite::Database& tx, const events::v1::Event& event, bool journal);
  // Sets the deadline states and the overdue flag against today.
  void Annotate(v1::LedgerEntry& entry) const;

  Database& db_;
  const Clock& clock_;
  const WorkingDayCalendar& calendar_;
  SupervisionOptions options_;
};

// The figures of a set of counts, exactly as defined in supervision.proto.
v1::Figures FiguresOf(const v1::FigureCounts& counts);

}  // namespace huiyin::supervision

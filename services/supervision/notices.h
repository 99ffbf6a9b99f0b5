// Reminders and three-colour notices (催办单, 三色督办单; contract:
// proto/huiyin/supervision/v1/notices.proto): issued by rule by SweepDeadlines, by hand by the
// supervision office, acknowledged by the unit. Notices are supervision's own acts: each one
// issued or acknowledged is an event in supervision's outbox, written in the same transaction,
// and RebuildLedger (which replays other services' events) never touches them.
//
// The sweep reads step_deadlines (step_store.h), the steps the ledger shows: it looks only at
// pending steps the rules act on whose deadline falls within the longest due-soon lead time, and
// that have not reached their last colour yet, and issues the colour each has reached today —
// at most once per rule key (task, step, subject, deadline, trigger), which a UNIQUE column
// enforces, so a sweep repeated every minute, run twice at once or after a restart issues
// nothing twice.
//
//   NoticeDesk desk(db, clock, ids, calendar, supervision_options, NoticeOptions{});
//   NoticeSweeper sweeper(desk, absl::Seconds(60));
//   sweeper.Start();  ...  sweeper.Stop();
//   auto notice = desk.CreateNotice(caller, request);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "huiyin/supervision/v1/notices.pb.h"
#include "services/supervision/core.h"

namespace huiyin::supervision {

struct NoticeOptions {
  // RED once a step is late by more than this many working days.
  int red_overdue_working_days = 5;
  // RED once an answer was returned this many times.
  int red_returned_count = 2;
};

class NoticeDesk {
 public:
  NoticeDesk(Database& db, const Clock& clock, IdGenerator& ids, const WorkingDayCalendar& calendar,
             SupervisionOptions supervision, NoticeOptions options);

  // Issues the notices due by rule today; returns how many it issued.
  absl::StatusOr<int> SweepDeadlines();

  absl::StatusOr<v1::Notice> CreateNotice(const Caller& caller,
                                          const v1::CreateNoticeRequest& request);
  absl::StatusOr<v1::Notice> GetNotice(const Caller& caller,
                                       const v1::GetNoticeRequest& request) const;
  absl::StatusOr<v1::ListNoticesResponse> ListNotices(const Caller& caller,
                                                      const v1::ListNoticesRequest& request) const;
  absl::StatusOr<v1::Notice> AcknowledgeNotice(const Caller& caller,
                                               const v1::AcknowledgeNoticeRequest& request);

  // For metrics: notices by (colour, state), and pending steps past their deadline today by
  // (unit, step).
  absl::StatusOr<std::map<std::pair<v1::NoticeColour, v1::NoticeState>, int64_t>> CountNotices()
      const;
  absl::StatusOr<std::map<std::pair<std::string, v1::Step>, int64_t>> OverdueSteps() const;

 private:
  // Fills in the rest of `notice` (name, state, time, escalation) and writes it with its event.
  absl::Status Issue(SQLite::Database& tx, const Caller& issuer, const std::string& rule_key,
                     const std::string& request_id, v1::Notice& notice);
  // Issues the rule notice `trigger` for `step` of `task` unless its rule key was issued.
  absl::StatusOr<bool> IssueByRule(SQLite::Database& tx, const std::string& task, v1::Step step,
                                   const std::string& subject, const std::string& deadline,
                                   v1::NoticeTrigger trigger, int64_t working_days);
  int DueSoon(v1::Step step) const;

  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  const WorkingDayCalendar& calendar_;
  SupervisionOptions supervision_;
  NoticeOptions options_;
  Outbox outbox_{"supervision"};
  Caller self_;
};

// Runs NoticeDesk::SweepDeadlines on its own thread: at Start, then every `interval`, until
// Stop (idempotent; also on destruction). A failed sweep is logged and tried at the next tick.
class NoticeSweeper {
 public:
  NoticeSweeper(NoticeDesk& desk, absl::Duration interval) : desk_(desk), interval_(interval) {}
  ~NoticeSweeper() { Stop(); }
  NoticeSweeper(const NoticeSweeper&) = delete;
  NoticeSweeper& operator=(const NoticeSweeper&) = delete;

  void Start();
  void Stop();

 private:
  NoticeDesk& desk_;
  absl::Duration interval_;
  absl::Mutex mu_;  // Stop from a drain callback and from main
  absl::Notification stop_;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace huiyin::supervision

// Follows another service's event feed (ListEvents long poll) and applies its events to this
// service's own store. Each page of events is applied in one write transaction together with the
// new cursor, so a crash or restart resumes exactly after the last applied event: nothing lost,
// nothing applied twice. A failing page is retried with backoff (and logged), never skipped.
//
//   EventConsumer consumer({.source = "intake", .channel = intake_channel, ...}, db, clock,
//       [&](SQLite::Database& tx, const events::v1::Event& e) { return ledger.Apply(tx, e); });
//   consumer.Start();  ...  consumer.Stop();
//
// The apply function must skip event types it does not know (return OK).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/store/database.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "huiyin/config/v1/config.pb.h"
#include "huiyin/events/v1/events.grpc.pb.h"

namespace huiyin {

struct EventConsumerOptions {
  // Name of the source service; also the key of the cursor in table event_cursors.
  std::string source;
  std::shared_ptr<grpc::Channel> channel;
  std::string internal_credential;
  // Who this consumer is, for the source's permission check ("services/assignment", SYSTEM).
  common::v1::Caller self;
  int page_size = 500;
  absl::Duration max_wait = absl::Seconds(10);
  // After applying a page that was not full, wait this long before asking for the next, so that
  // a busy feed is applied in fewer, larger transactions (one fsync each) instead of one per
  // event or two. A quiet feed still delivers its next event at once (the long poll returns as
  // soon as it commits); a busy one is behind by at most this much.
  absl::Duration batch_window = absl::Milliseconds(25);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Options to follow `source`'s feed at `address` (a channel of its own, plain or mutual TLS as
// `tls` says) as `self`, a system.
EventConsumerOptions FeedOptions(std::string source, const std::string& address,
                                 const config::v1::TlsConfig& tls, std::string internal_credential,
                                 common::v1::Caller self);

class EventConsumer {
 public:
  using Apply = std::function<absl::Status(SQLite::Database& tx, const events::v1::Event& event)>;

  EventConsumer(EventConsumerOptions options, Database& db, const Clock& clock, Apply apply);
  ~EventConsumer();

  void Start();
  // Cancels the poll in flight and joins; an applied page is never half-applied.
  void Stop();

  // The last sequence applied, and the source's head as last seen (lag = head - applied).
  int64_t applied_sequence() const { return applied_.load(); }
  int64_t head_sequence() const { return head_.load(); }
  const std::string& source() const { return options_.source; }

 private:
  void Run();
  enum class Poll { kFailed, kIdle, kPartPage, kFullPage };
  // One poll and its application.
  Poll PollOnce(events::v1::EventFeed::Stub& stub);
  absl::Status ApplyPage(const events::v1::ListEventsResponse& page);
  void SleepInterruptibly(absl::Duration d);

  EventConsumerOptions options_;
  Database& db_;
  const Clock& clock_;
  Apply apply_;
  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> head_{0};
  std::thread thread_;
  absl::Notification stop_;
  absl::Mutex mu_;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace huiyin

#include "common/events/consumer.h"

#include <algorithm>

#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "common/tls/grpc_credentials.h"
#include "common/base/log.h"

namespace huiyin {

EventConsumerOptions FeedOptions(std::string source, const std::string& address,
                                 const config::v1::TlsConfig& tls, std::string internal_credential,
                                 common::v1::Caller self) {
  EventConsumerOptions o;
  o.source = std::move(source);
  o.channel = ServiceChannel(address, tls);
  o.internal_credential = std::move(internal_credential);
  o.self = std::move(self);
  return o;
}

EventConsumer::EventConsumer(EventConsumerOptions options, Database& db, const Clock& clock,
                             Apply apply)
    : options_(std::move(options)), db_(db), clock_(clock), apply_(std::move(apply)) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventConsumer::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  {
    absl::MutexLock lock(&mu_);
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void EventConsumer::SleepInterruptibly(absl::Duration d) { stop_.WaitForNotificationWithTimeout(d); }

void EventConsumer::Run() {
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    applied_ = ReadCursor(conn, options_.source);
    return absl::OkStatus();
  });
  if (!s.ok()) LogError("cannot read cursor", {{"source", options_.source}, {"error", s.ToString()}});
  auto stub = events::v1::EventFeed::NewStub(options_.channel);
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_.HasBeenNotified()) {
    Poll poll = PollOnce(*stub);
    if (poll == Poll::kFailed) {
      SleepInterruptibly(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = absl::Milliseconds(100);
    if (poll == Poll::kPartPage) SleepInterruptibly(options_.batch_window);
  }
}

EventConsumer::Poll EventConsumer::PollOnce(events::v1::EventFeed::Stub& stub) {
  events::v1::ListEventsRequest request;
  request.set_after_sequence(applied_.load());
  request.set_page_size(options_.page_size);
  request.mutable_max_wait()->set_seconds(absl::ToInt64Seconds(options_.max_wait));
  events::v1::ListEventsResponse page;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.max_wait + absl::Seconds(5)));
  AttachCaller(context, options_.self, options_.internal_credential);
  {
    absl::MutexLock lock(&mu_);
    if (stop_.HasBeenNotified()) return Poll::kIdle;
    in_flight_ = &context;
  }
  grpc::Status status = stub.ListEvents(&context, request, &page);
  {
    absl::MutexLock lock(&mu_);
    in_flight_ = nullptr;
  }
  if (!status.ok()) {
    if (!stop_.HasBeenNotified()) {
      LogWarn("event feed unavailable", {{"source", options_.source},
                                         {"code", static_cast<int>(status.error_code())},
                                         {"error", status.error_message()}});
    }
    return Poll::kFailed;
  }
  head_ = page.head_sequence();
  if (page.events().empty()) return Poll::kIdle;
  absl::Status applied = ApplyPage(page);
  if (!applied.ok()) {
    LogError("cannot apply events", {{"source", options_.source},
                                     {"after", applied_.load()},
                                     {"error", applied.ToString()}});
    return Poll::kFailed;
  }
  return page.events_size() >= options_.page_size ? Poll::kFullPage : Poll::kPartPage;
}

absl::Status EventConsumer::ApplyPage(const events::v1::ListEventsResponse& page) {
  int64_t last = 0;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    // Re-read the cursor inside the transaction: the source of truth is the store, not memory.
    int64_t cursor = ReadCursor(tx, options_.source);
    last = cursor;
    for (const auto& event : page.events()) {
      if (event.sequence() <= cursor) continue;
      if (event.sequence() != last + 1) {
        return absl::DataLossError("gap in the event feed of " + options_.source);
      }
      if (auto applied = apply_(tx, event); !applied.ok()) return applied;
      last = event.sequence();
    }
    WriteCursor(tx, options_.source, last, clock_.Now());
    return absl::OkStatus();
  });
  if (s.ok()) applied_ = last;
  return s;
}

}  // namespace huiyin

#include "common/events/feed_service.h"

#include <algorithm>

#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "google/protobuf/util/time_util.h"

namespace huiyin {
namespace {

constexpr int kStreamBatch = 500;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr absl::Duration kMaxWait = absl::Seconds(30);
// A stream re-checks for cancellation at least this often while idle.
constexpr absl::Duration kIdleCheck = absl::Milliseconds(500);

}  // namespace

EventFeedService::EventFeedService(Database& db, std::string internal_credential)
    : db_(db), internal_credential_(std::move(internal_credential)) {
  commit_listener_ = db_.AddCommitListener([this] {
    absl::MutexLock lock(&mu_);
    ++commits_;
  });
}

EventFeedService::~EventFeedService() { db_.RemoveCommitListener(commit_listener_); }

void EventFeedService::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

uint64_t EventFeedService::commits() {
  absl::MutexLock lock(&mu_);
  return commits_;
}

uint64_t EventFeedService::WaitForCommit(uint64_t seen_commit, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  struct Args {
    EventFeedService* self;
    uint64_t seen;
  } args{this, seen_commit};
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](Args* a) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                             return a->self->commits_ != a->seen || a->self->stopped_;
                           },
                           &args),
                       timeout);
  return commits_;
}

absl::Status EventFeedService::Authorize(grpc::ServerContext& context) const {
  auto caller = CallerFromMetadata(context.client_metadata(), internal_credential_);
  if (!caller.ok()) return caller.status();
  switch (caller->role()) {
    case common::v1::ROLE_SYSTEM:
    case common::v1::ROLE_SUPERVISION_OFFICE:
    case common::v1::ROLE_CONGRESS_OFFICE:
    case common::v1::ROLE_CPPCC_OFFICE:
      return absl::OkStatus();
    default:
      return PermissionDenied("the event feed is for trusted systems and the supervising offices");
  }
}

grpc::Status EventFeedService::Subscribe(grpc::ServerContext* context,
                                         const events::v1::SubscribeRequest* request,
                                         grpc::ServerWriter<events::v1::Event>* writer) {
  if (auto s = Authorize(*context); !s.ok()) return ToGrpcStatus(s);
  int64_t cursor = std::max<int64_t>(0, request->after_sequence());
  for (;;) {
    // Read the commit count before reading, so a commit landing in between is not missed.
    uint64_t seen = commits();
    std::vector<events::v1::Event> batch;
    absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
      auto events = ReadEventsAfter(conn, cursor, kStreamBatch);
      if (!events.ok()) return events.status();
      batch = std::move(*events);
      return absl::OkStatus();
    });
    if (!s.ok()) return ToGrpcStatus(s);
    for (const auto& e : batch) {
      if (!writer->Write(e)) return grpc::Status::CANCELLED;
      cursor = e.sequence();
    }
    if (batch.size() == static_cast<size_t>(kStreamBatch)) continue;
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    {
      absl::MutexLock lock(&mu_);
      if (stopped_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down");
    }
    WaitForCommit(seen, kIdleCheck);
  }
}

grpc::Status EventFeedService::ListEvents(grpc::ServerContext* context,
                                          const events::v1::ListEventsRequest* request,
                                          events::v1::ListEventsResponse* response) {
  if (auto s = Authorize(*context); !s.ok()) return ToGrpcStatus(s);
  if (request->page_size() < 0) return ToGrpcStatus(InvalidField("page_size", "must not be negative"));
  int limit = request->page_size() == 0 ? kDefaultPageSize : std::min(request->page_size(), kMaxPageSize);
  absl::Duration wait = std::min(
      kMaxWait, absl::Microseconds(google::protobuf::util::TimeUtil::DurationToMicroseconds(
                    request->max_wait())));
  absl::Time give_up = absl::Now() + wait;
  for (;;) {
    uint64_t seen = commits();
    absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
      auto events = ReadEventsAfter(conn, request->after_sequence(), limit);
      if (!events.ok()) return events.status();
      response->mutable_events()->Assign(events->begin(), events->end());
      response->set_head_sequence(HeadSequence(conn));
      return absl::OkStatus();
    });
    if (!s.ok()) return ToGrpcStatus(s);
    absl::Duration left = give_up - absl::Now();
    if (response->events_size() > 0 || left <= absl::ZeroDuration() || context->IsCancelled()) {
      return grpc::Status::OK;
    }
    {
      absl::MutexLock lock(&mu_);
      if (stopped_) return grpc::Status::OK;
    }
    WaitForCommit(seen, std::min(left, kIdleCheck));
  }
}

grpc::Status EventFeedService::VerifyChain(grpc::ServerContext* context,
                                           const events::v1::VerifyChainRequest* request,
                                           events::v1::VerifyChainResponse* response) {
  if (auto s = Authorize(*context); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(db_.Read([&](SQLite::Database& conn) -> absl::Status {
    auto result = VerifyEventChain(conn);
    if (!result.ok()) return result.status();
    *response = *result;
    return absl::OkStatus();
  }));
}

}  // namespace huiyin

// Serves a service's outbox as the shared EventFeed contract (huiyin/events/v1/events.proto):
// Subscribe (server stream) and ListEvents (long poll). Register it on the service's gRPC server
// next to the service itself; it wakes waiting subscribers on every commit of the Database.
//
// Only trusted callers (with the internal credential) acting as a system, the supervision office
// or the congress/CPPCC offices may read a feed: it is the audit trail and holds personal data.
#pragma once

#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/store/database.h"
#include "huiyin/events/v1/events.grpc.pb.h"

namespace huiyin {

class EventFeedService final : public events::v1::EventFeed::Service {
 public:
  EventFeedService(Database& db, std::string internal_credential);
  ~EventFeedService() override;

  grpc::Status Subscribe(grpc::ServerContext* context, const events::v1::SubscribeRequest* request,
                         grpc::ServerWriter<events::v1::Event>* writer) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const events::v1::ListEventsRequest* request,
                          events::v1::ListEventsResponse* response) override;
  grpc::Status VerifyChain(grpc::ServerContext* context, const events::v1::VerifyChainRequest* request,
                           events::v1::VerifyChainResponse* response) override;

  // Ends open streams and long polls promptly (called when the server starts draining).
  void Stop();

 private:
  absl::Status Authorize(grpc::ServerContext& context) const;
  // Waits until a commit newer than `seen_commit` happens, Stop() is called or `timeout` passes.
  // Returns the latest commit count.
  uint64_t WaitForCommit(uint64_t seen_commit, absl::Duration timeout);
  uint64_t commits();

  Database& db_;
  int64_t commit_listener_ = 0;
  std::string internal_credential_;
  absl::Mutex mu_;
  uint64_t commits_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace huiyin

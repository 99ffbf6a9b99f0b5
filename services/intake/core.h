// Intake's core: the use cases of intake over a Database, a Clock and an IdGenerator, returning
// absl::Status. Transport-free: the gRPC adapter (grpc_service.h) only converts.
//
//   IntakeCore core(*db, clock, ids, *normalizer, options);
//   core.Start();                                     // loads term statistics, starts indexing
//   auto item = core.SubmitItem(caller, request);
//
// Every state change writes its event to the outbox in the same transaction (events.v1.Event
// with an intake.v1.Item* payload), so what other services learn is exactly what was committed.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "common/text/normalize.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "services/intake/similarity.h"
#include "services/intake/store.h"

namespace huiyin::intake {

struct IntakeOptions {
  int similar_limit = 10;
  double similar_min_score = 0.15;
  int recurring_years = 10;
  int index_batch = 200;
};

class IntakeCore {
 public:
  IntakeCore(Database& db, const Clock& clock, IdGenerator& ids,
             const text::TextNormalizer& normalizer, IntakeOptions options);
  ~IntakeCore();

  // Loads term statistics from the index and starts the background indexer.
  absl::Status Start();
  void Stop();

  absl::StatusOr<v1::Item> SubmitItem(const Caller& caller, const v1::SubmitItemRequest& request);
  absl::StatusOr<v1::Item> GetItem(const Caller& caller, const v1::GetItemRequest& request);
  absl::StatusOr<v1::ListItemsResponse> ListItems(const Caller& caller,
                                                  const v1::ListItemsRequest& request);
  absl::StatusOr<v1::Item> AcceptItem(const Caller& caller, const v1::AcceptItemRequest& request);
  absl::StatusOr<v1::Item> RejectItem(const Caller& caller, const v1::RejectItemRequest& request);
  absl::StatusOr<v1::MergeItemResponse> MergeItem(const Caller& caller,
                                                  const v1::MergeItemRequest& request);
  absl::StatusOr<v1::Item> WithdrawItem(const Caller& caller,
                                        const v1::WithdrawItemRequest& request);
  absl::StatusOr<v1::FindSimilarResponse> FindSimilar(const Caller& caller,
                                                      const v1::FindSimilarRequest& request);
  absl::StatusOr<v1::SearchItemsResponse> SearchItems(const Caller& caller,
                                                      const v1::SearchItemsRequest& request);

  // Indexes every item not yet in the search index (the indexer thread calls it on each commit;
  // tests call it to make search results deterministic).
  absl::Status IndexPending();
  // Items submitted but not yet searchable.
  int64_t IndexLag();

 private:
  struct Loaded {
    StoredItem stored;
    bool replay = false;  // the request id was served before: return stored.item as it is now
  };
  using Change = std::function<absl::Status(SQLite::Database& tx, StoredItem& stored)>;

  absl::StatusOr<Loaded> LoadForChange(SQLite::Database& tx, const Caller& caller,
                                       const std::string& method, const std::string& id,
                                       const std::string& request_id, const std::string& etag);
  // The shared shape of accept, reject and withdraw: load, replay or check, change, save, event.
  absl::StatusOr<v1::Item> ChangeItem(const Caller& caller, const std::string& method,
                                      const std::string& name, const std::string& request_id,
                                      const std::string& etag, const Change& change);
  absl::Status AppendEvent(SQLite::Database& tx, const Caller& caller, const std::string& subject,
                           const std::string& reason, const google::protobuf::Message& payload);
  void Touch(StoredItem& stored);
  absl::StatusOr<StoredItem> LoadReadable(SQLite::Database& conn, const Caller& caller,
                                          const std::string& name);
  void IndexerLoop();

  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  const text::TextNormalizer& normalizer_;
  IntakeOptions options_;
  Outbox outbox_{"intake"};
  TermStatistics terms_;
  absl::Mutex index_mu_;  // one indexing pass at a time
  absl::Mutex wake_mu_;
  bool wake_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread indexer_;
  int64_t commit_listener_ = 0;  // wakes the indexer; removed by Stop
};

// What a caller may see of an item: phone numbers are personal data, shown to the offices and
// to each proposer for their own entry only.
v1::Item ForCaller(const Caller& caller, v1::Item item);

}  // namespace huiyin::intake

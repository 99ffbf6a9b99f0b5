// What anonymous callers read (public records, pages, feeds), rendered once per version of the
// public side instead of once per request: protobuf→JSON, the ETag hash and the backend call are
// paid by the first reader after a change, not by every reader.
//
//   PublicCache cache(64 << 20);
//   uint64_t v = cache.version();                  // 0: unknown, neither look up nor store
//   if (auto hit = cache.Find(key, v)) ... serve *hit ...
//   else { render; cache.Insert(key, v, rendered); }
//   cache.Changed();                               // the public side may have changed
//
// Correctness rests on the version: PublicVersionWatch (below) follows disclosure's event feed,
// and every change to what the public sees (publishing, correcting, withholding, retracting)
// writes an event in the same transaction, so the feed's head moves with every such change;
// the gateway also calls Changed() itself after any successful write it forwards to disclosure,
// so whoever publishes through the gateway reads the new state at once. A response rendered
// under an older version is never stored (the version is taken before the backend is called),
// and while the feed cannot be followed the version is unknown and nothing is served from here.
// Memory is bounded: least recently used responses go beyond `max_bytes`.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace huiyin::gateway {

// One rendered 200 response, as every anonymous caller gets it.
struct PublicResponse {
  std::string content_type;
  std::string body;
  std::string etag;  // unquoted; what If-None-Match is compared with
  absl::Time last_modified = absl::InfinitePast();
  std::vector<std::pair<std::string, std::string>> headers;  // ETag, Cache-Control, …
};

class PublicCache {
 public:
  explicit PublicCache(size_t max_bytes);

  // The version to read and store under; 0 while unknown.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  std::shared_ptr<const PublicResponse> Find(const std::string& key, uint64_t version);
  // Stored only if `version` is still the current one (and known).
  void Insert(const std::string& key, uint64_t version,
              std::shared_ptr<const PublicResponse> response);
  // The public side may have changed: a new version, and everything cached is dropped.
  void Changed();
  // The version cannot be known (the feed is not followed): nothing is cached until Changed().
  void Unknown();

  size_t bytes();
  size_t entries();

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const PublicResponse> response;
    size_t bytes = 0;
  };
  using Lru = std::list<Entry>;  // most recently used first

  void Clear() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_bytes_;
  std::atomic<uint64_t> version_{0};
  absl::Mutex mu_;
  uint64_t last_version_ ABSL_GUARDED_BY(mu_) = 0;
  Lru entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Lru::iterator> by_key_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// Follows the head of disclosure's event feed (ListEvents long polls, one event a page) and
// tells the cache when it moves, or that it cannot be known while the feed is unreachable.
class PublicVersionWatch {
 public:
  struct Options {
    std::shared_ptr<grpc::Channel> channel;  // disclosure's
    std::string internal_credential;
    absl::Duration max_wait = absl::Seconds(10);
    absl::Duration max_backoff = absl::Seconds(2);
  };
  PublicVersionWatch(Options options, PublicCache& cache);
  ~PublicVersionWatch();  // stops

  void Start();
  void Stop();

 private:
  void Run();
  // One poll; false if the feed could not be read.
  bool PollOnce(int64_t* head);

  Options options_;
  PublicCache& cache_;
  std::thread thread_;
  absl::Notification stop_;
  absl::Mutex mu_;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace huiyin::gateway

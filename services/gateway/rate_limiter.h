// Per-client token buckets: each client (person, system, or address when anonymous) may make
// `rate` requests a second on average and `burst` at once. Thread-safe.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace huiyin::gateway {

class RateLimiter {
 public:
  RateLimiter(double rate_per_second, int burst) : rate_(rate_per_second), burst_(burst) {}

  // Zero when the request may go ahead; otherwise how long until it could.
  absl::Duration Acquire(const std::string& client, absl::Time now) {
    absl::MutexLock lock(&mu_);
    if (buckets_.size() > kMaxClients) Forget(now);
    Bucket& b = buckets_[client];
    if (b.updated == absl::InfinitePast()) {
      b.tokens = burst_;
    } else {
      b.tokens =
          std::min<double>(burst_, b.tokens + rate_ * absl::ToDoubleSeconds(now - b.updated));
    }
    b.updated = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return absl::ZeroDuration();
    }
    return absl::Seconds((1 - b.tokens) / rate_);
  }

 private:
  static constexpr size_t kMaxClients = 100000;
  struct Bucket {
    double tokens = 0;
    absl::Time updated = absl::InfinitePast();
  };
  // Drops clients whose buckets have refilled: they are indistinguishable from new ones.
  void Forget(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::Duration full = absl::Seconds(burst_ / rate_);
    absl::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.updated > full; });
  }

  const double rate_;
  const int burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace huiyin::gateway

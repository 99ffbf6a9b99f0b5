// Signed webhook deliveries to the CPPCC online proposal system (委员在线提案管理系统): answers to
// proposals go back there. The core writes each delivery into the store in the same transaction
// as the publication it announces; this deliverer sends what is due, oldest first, and keeps
// retrying with exponential backoff (capped) until the receiver acknowledges with a 2xx. Nothing
// is dropped: a receiver down for a day receives everything when it is back.
//
//   POST <url>
//   Content-Type: application/json; charset=utf-8
//   X-Huiyin-Delivery: <id>          stable across retries: the receiver's deduplication key
//   X-Huiyin-Event: disclosure.published | .updated | .corrected | .retracted | .withheld
//   X-Huiyin-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared secret>
//
//   WebhookDeliverer deliverer(db, clock, options);
//   deliverer.Start();              // a thread: DeliverDue whenever something is due
//   auto round = deliverer.DeliverDue();   // or one round by hand (tests, with a FakeClock)
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/store/database.h"

namespace huiyin::disclosure {

struct WebhookOptions {
  std::string url;  // empty: deliveries wait
  std::string secret;
  absl::Duration initial_backoff = absl::Seconds(2);
  absl::Duration max_backoff = absl::Minutes(10);
  absl::Duration timeout = absl::Seconds(5);
  int batch = 100;
};

inline constexpr char kDeliveryHeader[] = "X-Huiyin-Delivery";
inline constexpr char kEventHeader[] = "X-Huiyin-Event";
inline constexpr char kSignatureHeader[] = "X-Huiyin-Signature";

// "sha256=" and the lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view body);
// The wait after the n-th failed attempt: initial × 2^(n−1), at most `max`.
absl::Duration BackoffAfter(int failed_attempts, absl::Duration initial, absl::Duration max);

class WebhookDeliverer {
 public:
  struct Round {
    int attempted = 0;
    int delivered = 0;
  };

  WebhookDeliverer(Database& db, const Clock& clock, WebhookOptions options);
  ~WebhookDeliverer();
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  // Attempts every delivery due now once, oldest first, recording each outcome durably.
  absl::StatusOr<Round> DeliverDue();

  void Start();
  void Stop();
  // Something may be due sooner (a commit happened): look again now.
  void Wake();

  int64_t attempts() const { return attempts_.load(); }
  int64_t failures() const { return failures_.load(); }

 private:
  void Run();

  Database& db_;
  const Clock& clock_;
  WebhookOptions options_;
  std::string base_;  // scheme://host[:port]
  std::string path_;
  std::atomic<int64_t> attempts_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<bool> stopping_{false};  // ends a round early: shutdown does not wait for it
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace huiyin::disclosure

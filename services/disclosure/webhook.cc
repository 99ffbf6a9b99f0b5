#include "services/disclosure/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "httplib.h"
#include "services/disclosure/store.h"

namespace huiyin::disclosure {
namespace {

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

absl::Duration BackoffAfter(int failed_attempts, absl::Duration initial, absl::Duration max) {
  absl::Duration wait = initial;
  for (int i = 1; i < failed_attempts && wait < max; ++i) wait *= 2;
  return std::min(wait, max);
}

WebhookDeliverer::WebhookDeliverer(Database& db, const Clock& clock, WebhookOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  const auto scheme = options_.url.find("://");
  if (scheme != std::string::npos) {
    const auto slash = options_.url.find('/', scheme + 3);
    base_ = options_.url.substr(0, slash);
    path_ = slash == std::string::npos ? "/" : options_.url.substr(slash);
  }
}

WebhookDeliverer::~WebhookDeliverer() { Stop(); }

absl::StatusOr<WebhookDeliverer::Round> WebhookDeliverer::DeliverDue() {
  Round round;
  if (base_.empty()) return round;
  std::vector<Delivery> due;
  auto s = db_.Read([&](SQLite::Database& conn) {
    due = DueDeliveries(conn, Ms(clock_.Now()), options_.batch);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  httplib::Client client(base_);
  const auto timeout = absl::ToChronoMicroseconds(options_.timeout);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  for (Delivery& d : due) {
    if (stopping_.load()) break;
    httplib::Headers headers = {{kDeliveryHeader, d.id},
                                {kEventHeader, d.event_type},
                                {kSignatureHeader, WebhookSignature(options_.secret, d.body)},
                                {"User-Agent", "huiyin-disclosure"}};
    auto result = client.Post(path_, headers, d.body, "application/json; charset=utf-8");
    ++round.attempted;
    ++attempts_;
    ++d.attempts;
    const absl::Time now = clock_.Now();
    if (result && result->status >= 200 && result->status < 300) {
      d.delivered_ms = Ms(now);
      d.last_status = result->status;
      d.last_error.clear();
      ++round.delivered;
    } else {
      ++failures_;
      d.last_status = result ? result->status : 0;
      d.last_error =
          result ? absl::StrCat("HTTP ", result->status) : httplib::to_string(result.error());
      d.next_attempt_ms =
          Ms(now + BackoffAfter(d.attempts, options_.initial_backoff, options_.max_backoff));
      LogWarn("webhook delivery failed; will retry",
              {{"delivery", d.id}, {"attempts", d.attempts}, {"error", d.last_error}});
    }
    s = db_.Write([&](SQLite::Database& tx) {
      RecordAttempt(tx, d);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  return round;
}

void WebhookDeliverer::Start() {
  stopping_ = false;
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void WebhookDeliverer::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void WebhookDeliverer::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void WebhookDeliverer::Run() {
  while (true) {
    auto round = DeliverDue();
    if (!round.ok()) {
      LogWarn("webhook round failed", {{"error", round.status().ToString()}});
    }
    int64_t next_ms = 0;
    (void)db_.Read([&](SQLite::Database& conn) {
      next_ms = NextAttemptMs(conn);
      return absl::OkStatus();
    });
    absl::Duration wait = absl::Seconds(1);
    if (next_ms > 0) {
      wait = std::clamp(absl::Milliseconds(next_ms - Ms(clock_.Now())), absl::Milliseconds(20),
                        absl::Seconds(1));
    }
    absl::MutexLock lock(&mu_);
    auto woken_or_stopped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || woken_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken_or_stopped), wait);
    if (stop_) return;
    woken_ = false;
  }
}

}  // namespace huiyin::disclosure

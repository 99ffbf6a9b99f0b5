// Admission control: a bound on the requests the gateway has in flight to the backends. Beyond
// it a request is refused at once (503 with Retry-After) without touching a backend, so a slow
// or stuck backend pins at most `limit` HTTP threads and the rest stay free to refuse quickly and
// to answer /healthz, /readyz and /metrics. Thread-safe.
//
//   AdmissionControl admission(MaxInFlightFor(config.gateway()));
//   if (auto ticket = admission.TryAdmit()) {
//     … call the backend …
//   } else {
//     … 503 …
//   }   // the ticket's destructor lets the next request in
#pragma once

#include <algorithm>
#include <atomic>
#include <optional>
#include <utility>

#include "huiyin/config/v1/config.pb.h"

namespace huiyin::gateway {

class AdmissionControl {
 public:
  explicit AdmissionControl(int limit) : limit_(std::max(1, limit)) {}

  // Holds one place while it lives.
  class Ticket {
   public:
    explicit Ticket(std::atomic<int>& in_flight) : in_flight_(&in_flight) {}
    Ticket(Ticket&& other) noexcept : in_flight_(std::exchange(other.in_flight_, nullptr)) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (in_flight_ != nullptr) in_flight_->fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    std::atomic<int>* in_flight_;
  };

  // A ticket when fewer than `limit` requests are in flight; nullopt when the request must be shed.
  std::optional<Ticket> TryAdmit() {
    int now = in_flight_.load(std::memory_order_relaxed);
    do {
      if (now >= limit_) return std::nullopt;
    } while (!in_flight_.compare_exchange_weak(now, now + 1, std::memory_order_acq_rel));
    return Ticket(in_flight_);
  }

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int limit() const { return limit_; }

 private:
  const int limit_;
  std::atomic<int> in_flight_{0};
};

// gateway.max_in_flight_requests, or when unset the HTTP thread pool less a reserve of up to four
// threads (never less than half of it) that refuse excess requests and answer the probes.
inline int MaxInFlightFor(const config::v1::GatewayConfig& gateway, int http_threads) {
  if (gateway.max_in_flight_requests() > 0) return gateway.max_in_flight_requests();
  return std::max(http_threads / 2, http_threads - 4);
}

}  // namespace huiyin::gateway

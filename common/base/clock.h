// Time is injected: cores take a Clock, tests pass a FakeClock and move it, never sleep.
//
//   SystemClock clock;
//   absl::Time now = clock.Now();
//   absl::CivilDay today = clock.Today();   // civil date in Asia/Shanghai
#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace huiyin {

// Dates and deadlines are civil dates in China Standard Time; instants are stored in UTC.
// A fixed +08:00 offset (China has no daylight saving) so no tzdata is needed at run time.
inline absl::TimeZone ChinaTimeZone() { return absl::FixedTimeZone(8 * 60 * 60); }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  absl::CivilDay Today() const { return absl::ToCivilDay(Now(), ChinaTimeZone()); }
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace huiyin

#include "services/gateway/rate_limiter.h"

#include "gtest/gtest.h"

namespace huiyin::gateway {
namespace {

TEST(RateLimiter, AllowsTheBurstThenTheRate) {
  RateLimiter limiter(/*rate_per_second=*/2, /*burst=*/3);
  absl::Time t = absl::FromUnixSeconds(1700000000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("persons/a", t), absl::ZeroDuration());
  absl::Duration wait = limiter.Acquire("persons/a", t);
  EXPECT_GT(wait, absl::ZeroDuration());
  EXPECT_LE(wait, absl::Milliseconds(500));
  EXPECT_EQ(limiter.Acquire("persons/a", t + absl::Milliseconds(500)), absl::ZeroDuration());
}

TEST(RateLimiter, ClientsHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1);
  absl::Time t = absl::FromUnixSeconds(1700000000);
  EXPECT_EQ(limiter.Acquire("ip:10.0.0.1", t), absl::ZeroDuration());
  EXPECT_GT(limiter.Acquire("ip:10.0.0.1", t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Acquire("ip:10.0.0.2", t), absl::ZeroDuration());
}

}  // namespace
}  // namespace huiyin::gateway

#include "services/gateway/admission.h"

#include <vector>

#include "gtest/gtest.h"

namespace huiyin::gateway {
namespace {

TEST(AdmissionControl, ShedsBeyondTheLimitAndAdmitsAgainWhenATicketEnds) {
  AdmissionControl admission(2);
  auto first = admission.TryAdmit();
  std::optional<AdmissionControl::Ticket> second = admission.TryAdmit();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(admission.TryAdmit().has_value());
  EXPECT_EQ(admission.in_flight(), 2);
  second.reset();
  EXPECT_EQ(admission.in_flight(), 1);
  EXPECT_TRUE(admission.TryAdmit().has_value());
  EXPECT_EQ(admission.in_flight(), 1);  // that ticket ended with its statement
}

TEST(AdmissionControl, MovedTicketHoldsOnePlace) {
  AdmissionControl admission(1);
  {
    auto ticket = admission.TryAdmit();
    std::vector<AdmissionControl::Ticket> held;
    held.push_back(std::move(*ticket));
    ticket.reset();
    EXPECT_EQ(admission.in_flight(), 1);
  }
  EXPECT_EQ(admission.in_flight(), 0);
}

TEST(AdmissionControl, LimitDefaultsToTheThreadPoolLessAReserve) {
  config::v1::GatewayConfig gateway;
  EXPECT_EQ(MaxInFlightFor(gateway, 64), 60);
  EXPECT_EQ(MaxInFlightFor(gateway, 6), 3);  // never below half of the threads
  EXPECT_EQ(MaxInFlightFor(gateway, 4), 2);
  gateway.set_max_in_flight_requests(7);
  EXPECT_EQ(MaxInFlightFor(gateway, 64), 7);
}

}  // namespace
}  // namespace huiyin::gateway

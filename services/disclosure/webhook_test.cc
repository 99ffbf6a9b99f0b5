// The CPPCC online proposal system's webhook: a receiver that is down, then failing, then up
// receives every delivery exactly once per delivery id, signed, with the backoff moved by a fake
// clock (no sleeping on the schedule).
#include "services/disclosure/webhook.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "SQLiteCpp/Statement.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "services/disclosure/testing.h"

namespace huiyin::disclosure {
namespace {

using testing::At;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAreArray;

constexpr char kSecret[] = "cppcc-shared-secret-2025";

// The CPPCC system's end: verifies each signature and counts acknowledged deliveries by id.
class Receiver {
 public:
  // Listens on `port` (0: a free one); the first `fail_first` requests are answered 503.
  explicit Receiver(int port, int fail_first = 0) : fail_left_(fail_first) {
    server_.Post("/hooks/huiyin", [this](const httplib::Request& req, httplib::Response& res) {
      absl::MutexLock lock(&mu_);
      const std::string id = req.get_header_value(kDeliveryHeader);
      if (req.get_header_value(kSignatureHeader) != WebhookSignature(kSecret, req.body)) {
        ++bad_signatures_;
        res.status = 401;
        return;
      }
      const auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded() || body.value("deliveryId", "") != id ||
          req.get_header_value(kEventHeader) != body.value("event", "")) {
        res.status = 400;
        return;
      }
      if (fail_left_ > 0) {
        --fail_left_;
        res.status = 503;
        return;
      }
      ++acknowledged_[id];
      res.status = 204;
    });
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1") : port;
    if (port != 0) {
      EXPECT_TRUE(server_.bind_to_port("127.0.0.1", port));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::map<std::string, int> acknowledged() {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }
  int bad_signatures() {
    absl::MutexLock lock(&mu_);
    return bad_signatures_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  absl::Mutex mu_;
  int fail_left_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> acknowledged_ ABSL_GUARDED_BY(mu_);
  int bad_signatures_ ABSL_GUARDED_BY(mu_) = 0;
};

class WebhookTest : public testing::DisclosureTest {
 protected:
  std::vector<std::string> DeliveryIds() {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& c) {
                     SQLite::Statement q(c, "SELECT id FROM deliveries ORDER BY seq");
                     while (q.executeStep()) out.push_back(q.getColumn(0).getString());
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }
  std::optional<Delivery> Load(const std::string& id) {
    std::optional<Delivery> d;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& c) {
                     d = LoadDelivery(c, id);
                     return absl::OkStatus();
                   })
                    .ok());
    return d;
  }
  WebhookOptions Options(int port) {
    WebhookOptions o;
    o.url = "http://127.0.0.1:" + std::to_string(port) + "/hooks/huiyin";
    o.secret = kSecret;
    o.initial_backoff = absl::Seconds(1);
    o.max_backoff = absl::Seconds(8);
    o.timeout = absl::Seconds(5);
    return o;
  }
  WebhookDeliverer::Round Round(WebhookDeliverer& d) {
    auto r = d.DeliverDue();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : WebhookDeliverer::Round{};
  }
};

TEST(BackoffTest, DoublesFromTheInitialWaitUpToTheCap) {
  EXPECT_EQ(BackoffAfter(1, absl::Seconds(2), absl::Minutes(10)), absl::Seconds(2));
  EXPECT_EQ(BackoffAfter(2, absl::Seconds(2), absl::Minutes(10)), absl::Seconds(4));
  EXPECT_EQ(BackoffAfter(5, absl::Seconds(2), absl::Minutes(10)), absl::Seconds(32));
  EXPECT_EQ(BackoffAfter(10, absl::Seconds(2), absl::Minutes(10)), absl::Minutes(10));
  EXPECT_EQ(BackoffAfter(1000, absl::Seconds(2), absl::Minutes(10)), absl::Minutes(10));
}

TEST(SignatureTest, IsHmacSha256OfTheBodyInHex) {
  // RFC 4231 test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(WebhookTest, AReceiverDownThenUpGetsEveryDeliveryExactlyOncePerId) {
  Answered("p1", At(2025, 6, 20, 9), intake::v1::ITEM_KIND_PROPOSAL);
  Answered("p2", At(2025, 6, 20, 10), intake::v1::ITEM_KIND_PROPOSAL);
  Answered("s1", At(2025, 6, 20, 11));  // a suggestion: not the CPPCC system's
  Answered("p3", At(2025, 6, 20, 12), intake::v1::ITEM_KIND_PROPOSAL);
  const std::vector<std::string> ids = DeliveryIds();
  ASSERT_THAT(ids, SizeIs(3));

  int port = 0;
  {
    Receiver probe(0);  // a free port, closed again: the receiver is down
    port = probe.port();
  }
  WebhookDeliverer deliverer(*db_, clock_, Options(port));
  auto round = Round(deliverer);
  EXPECT_EQ(round.attempted, 3);
  EXPECT_EQ(round.delivered, 0);
  auto first = Load(ids[0]);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->attempts, 1);
  EXPECT_FALSE(first->delivered_ms.has_value());
  EXPECT_EQ(first->next_attempt_ms, absl::ToUnixMillis(clock_.Now() + absl::Seconds(1)));
  EXPECT_EQ(Round(deliverer).attempted, 0);  // nothing is due before the backoff ends

  // Down for a day: the backoff grows to its cap and nothing is given up.
  for (int i = 0; i < 12; ++i) {
    clock_.Advance(absl::Hours(2));
    EXPECT_EQ(Round(deliverer).attempted, 3);
  }
  EXPECT_EQ(Load(ids[2])->attempts, 13);
  EXPECT_EQ(Load(ids[2])->next_attempt_ms, absl::ToUnixMillis(clock_.Now() + absl::Seconds(8)));

  // Back up, though its first answer is a 503.
  Receiver receiver(port, /*fail_first=*/1);
  clock_.Advance(absl::Seconds(8));
  round = Round(deliverer);
  EXPECT_EQ(round.attempted, 3);
  EXPECT_EQ(round.delivered, 2);
  EXPECT_FALSE(Load(ids[0])->delivered_ms.has_value());
  EXPECT_EQ(Load(ids[0])->last_status, 503);
  EXPECT_EQ(Round(deliverer).attempted, 0);
  clock_.Advance(absl::Seconds(8));
  round = Round(deliverer);
  EXPECT_EQ(round.attempted, 1);
  EXPECT_EQ(round.delivered, 1);
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Round(deliverer).attempted, 0);  // acknowledged: never sent again

  // A proposal answered while the receiver is up goes at once.
  Answered("p4", At(2025, 6, 21, 9), intake::v1::ITEM_KIND_PROPOSAL);
  EXPECT_EQ(Round(deliverer).delivered, 1);

  std::map<std::string, int> expected;
  for (const auto& id : DeliveryIds()) expected[id] = 1;
  EXPECT_THAT(receiver.acknowledged(), UnorderedElementsAreArray(expected));
  EXPECT_EQ(receiver.bad_signatures(), 0);
}

TEST_F(WebhookTest, AWrongSecretIsRefusedByTheReceiverAndRetried) {
  Answered("p1", At(2025, 6, 20, 9), intake::v1::ITEM_KIND_PROPOSAL);
  Receiver receiver(0);
  WebhookOptions options = Options(receiver.port());
  options.secret = "not-the-shared-secret";
  WebhookDeliverer deliverer(*db_, clock_, options);
  auto round = Round(deliverer);
  EXPECT_EQ(round.attempted, 1);
  EXPECT_EQ(round.delivered, 0);
  EXPECT_EQ(receiver.bad_signatures(), 1);
  EXPECT_TRUE(receiver.acknowledged().empty());
  EXPECT_EQ(Load(DeliveryIds()[0])->last_status, 401);
}

}  // namespace
}  // namespace huiyin::disclosure

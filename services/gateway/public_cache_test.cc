#include "services/gateway/public_cache.h"

#include <unistd.h>

#include <filesystem>
#include <functional>

#include "absl/time/clock.h"
#include "common/events/testing/fake_feed.h"
#include "common/identity/caller.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace huiyin::gateway {
namespace {

constexpr char kCredential[] = "test-internal-credential";

std::shared_ptr<const PublicResponse> Page(const std::string& body) {
  auto r = std::make_shared<PublicResponse>();
  r->content_type = "application/json; charset=utf-8";
  r->body = body;
  r->etag = "e-" + std::to_string(body.size());
  return r;
}

TEST(PublicCache, StoresNothingWhileTheVersionIsUnknown) {
  PublicCache cache(1 << 20);
  EXPECT_EQ(cache.version(), 0u);
  cache.Insert("GET /v1/public/disclosures", cache.version(), Page("[]"));
  EXPECT_EQ(cache.Find("GET /v1/public/disclosures", cache.version()), nullptr);
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(PublicCache, ServesWhatWasRenderedUnderTheCurrentVersion) {
  PublicCache cache(1 << 20);
  cache.Changed();
  const uint64_t v = cache.version();
  ASSERT_NE(v, 0u);
  cache.Insert("list", v, Page(R"({"disclosures":[]})"));
  auto hit = cache.Find("list", cache.version());
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->body, R"({"disclosures":[]})");
  EXPECT_EQ(cache.Find("detail", cache.version()), nullptr);
}

TEST(PublicCache, AChangeDropsEverythingCached) {
  PublicCache cache(1 << 20);
  cache.Changed();
  cache.Insert("list", cache.version(), Page("old"));
  cache.Changed();
  EXPECT_EQ(cache.Find("list", cache.version()), nullptr);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

// A reader took the version, the record was retracted while the backend answered it: what it
// rendered may be the old state and must not be kept.
TEST(PublicCache, DropsAResponseRenderedBeforeAChange) {
  PublicCache cache(1 << 20);
  cache.Changed();
  const uint64_t taken = cache.version();
  cache.Changed();
  cache.Insert("detail", taken, Page("retracted record"));
  EXPECT_EQ(cache.Find("detail", cache.version()), nullptr);
  EXPECT_EQ(cache.Find("detail", taken), nullptr);
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(PublicCache, UnknownVersionServesNothing) {
  PublicCache cache(1 << 20);
  cache.Changed();
  const uint64_t v = cache.version();
  cache.Insert("list", v, Page("x"));
  cache.Unknown();
  EXPECT_EQ(cache.version(), 0u);
  EXPECT_EQ(cache.Find("list", v), nullptr);
  cache.Changed();
  EXPECT_NE(cache.version(), v) << "a version is never given twice";
}

TEST(PublicCache, KeepsWithinItsBytesDroppingTheLeastRecentlyUsed) {
  PublicCache cache(8 * 1024);
  cache.Changed();
  const uint64_t v = cache.version();
  const std::string body(500, 'x');
  for (int i = 0; i < 20; ++i) {
    cache.Insert("page-" + std::to_string(i), v, Page(body));
    ASSERT_NE(cache.Find("page-0", v), nullptr) << "read after every insert, so never the oldest";
  }
  EXPECT_LE(cache.bytes(), 8u * 1024);
  EXPECT_NE(cache.Find("page-19", v), nullptr);
  EXPECT_EQ(cache.Find("page-1", v), nullptr);
}

TEST(PublicCache, DoesNotStoreAResponseLargerThanAnEighthOfIt) {
  PublicCache cache(8 * 1024);
  cache.Changed();
  cache.Insert("open-data.csv", cache.version(), Page(std::string(2000, 'x')));
  EXPECT_EQ(cache.entries(), 0u);
}

bool WaitUntil(const std::function<bool()>& done) {
  const absl::Time until = absl::Now() + absl::Seconds(30);
  while (!done()) {
    if (absl::Now() > until) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("huiyin-public-cache-" + std::to_string(::getpid()) + "-" + name + ".db"))
      .string();
}

TEST(PublicVersionWatch, FollowsTheFeedAndTurnsTheCacheOffWhileItIsUnreachable) {
  auto disclosure = std::make_unique<testing::FakeFeed>(
      "disclosure", TempPath("feed"), kCredential,
      MakeCaller("persons/p-9002", common::v1::ROLE_CONGRESS_OFFICE, "", "王芳"));
  PublicCache cache(1 << 20);
  PublicVersionWatch::Options options;
  options.channel = grpc::CreateChannel(disclosure->address(), grpc::InsecureChannelCredentials());
  options.internal_credential = kCredential;
  options.max_backoff = absl::Milliseconds(200);
  PublicVersionWatch watch(options, cache);
  watch.Start();
  ASSERT_TRUE(WaitUntil([&] { return cache.version() != 0; }));

  const uint64_t before = cache.version();
  cache.Insert("detail", before, Page("before publishing"));
  google::protobuf::StringValue published;
  published.set_value("disclosures/d-1");
  disclosure->Publish("disclosures/d-1", published);
  ASSERT_TRUE(WaitUntil([&] { return cache.version() != before && cache.version() != 0; }));
  EXPECT_EQ(cache.Find("detail", cache.version()), nullptr);

  disclosure.reset();  // disclosure goes away: its changes can no longer be seen
  ASSERT_TRUE(WaitUntil([&] { return cache.version() == 0; }));
  watch.Stop();
}

}  // namespace
}  // namespace huiyin::gateway

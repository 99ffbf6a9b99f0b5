#include "common/pagination/page_token.h"

#include "gtest/gtest.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin {
namespace {

TEST(PageToken, RoundTripsForTheSameQuery) {
  config::v1::ServerConfig query;
  query.set_grpc_address("filter");
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(EncodePageToken(hash, 4242), hash);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, 4242);
  EXPECT_EQ(*DecodePageToken("", hash), 0);
}

TEST(PageToken, RefusesATokenOfAnotherQuery) {
  config::v1::ServerConfig a, b;
  a.set_grpc_address("a");
  b.set_grpc_address("b");
  auto after = DecodePageToken(EncodePageToken(QueryHash(a), 7), QueryHash(b));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageToken, RefusesGarbage) {
  EXPECT_EQ(DecodePageToken("%%%not-base64", 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("AAAA", 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EffectivePageSize, DefaultsCapsAndRefusesNegative) {
  EXPECT_EQ(*EffectivePageSize(0, 50, 500), 50);
  EXPECT_EQ(*EffectivePageSize(9000, 50, 500), 500);
  EXPECT_FALSE(EffectivePageSize(-1, 50, 500).ok());
}

}  // namespace
}  // namespace huiyin

#include "services/gateway/http_body.h"

#include "gtest/gtest.h"
#include "huiyin/intake/v1/intake.pb.h"

namespace huiyin::gateway {
namespace {

TEST(HttpBodyTest, RecognisesOnlyTheHttpBodyType) {
  EXPECT_TRUE(IsHttpBody(*common::v1::HttpBody::descriptor()));
  EXPECT_FALSE(IsHttpBody(*intake::v1::Item::descriptor()));
}

TEST(HttpBodyTest, HeadersCarryValidatorsCacheAndDownloadName) {
  common::v1::HttpBody body;
  body.set_etag("r7");
  body.mutable_last_modified()->set_seconds(784111777);  // 1994-11-06 08:49:37 UTC
  body.set_filename("2025年台账.csv");
  auto headers = HttpBodyHeaders(body, "public, max-age=60");
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[0], std::make_pair(std::string("ETag"), std::string("\"r7\"")));
  EXPECT_EQ(headers[1].second, "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(headers[2].second, "public, max-age=60");
  EXPECT_EQ(headers[3].second,
            "attachment; filename=\"2025_________.csv\"; "
            "filename*=UTF-8''2025%E5%B9%B4%E5%8F%B0%E8%B4%A6.csv");
}

TEST(HttpBodyTest, BodysOwnCacheControlWins) {
  common::v1::HttpBody body;
  body.set_cache_control("public, max-age=300");
  auto headers = HttpBodyHeaders(body, "public, max-age=60");
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].second, "public, max-age=300");
}

TEST(HttpBodyTest, AttachmentNameCannotBreakOutOfTheHeader) {
  EXPECT_EQ(AttachmentDisposition("a\"b\r\n.csv"),
            "attachment; filename=\"a_b__.csv\"; filename*=UTF-8''a%22b%0D%0A.csv");
}

TEST(HttpBodyTest, BodyEtagIsStableAndChangesWithTheBytes) {
  EXPECT_EQ(BodyEtag("{}"), BodyEtag("{}"));
  EXPECT_NE(BodyEtag("{\"a\":1}"), BodyEtag("{\"a\":2}"));
  EXPECT_EQ(BodyEtag(""), "cbf29ce484222325-0");  // FNV-1a 64 offset basis
}

TEST(HttpBodyTest, IfNoneMatchComparesTagsWeaklyAndInLists) {
  absl::Time never = absl::InfinitePast();
  EXPECT_TRUE(NotModified("\"r7\"", "", "r7", never));
  EXPECT_TRUE(NotModified("W/\"r7\"", "", "r7", never));
  EXPECT_TRUE(NotModified("\"r1\", \"r7\"", "", "r7", never));
  EXPECT_TRUE(NotModified("*", "", "r7", never));
  EXPECT_FALSE(NotModified("\"r6\"", "", "r7", never));
  EXPECT_FALSE(NotModified("\"r7\"", "", "", never));
}

TEST(HttpBodyTest, IfModifiedSinceCountsOnlyWithoutIfNoneMatch) {
  absl::Time modified = absl::FromUnixSeconds(784111777);
  EXPECT_TRUE(NotModified("", "Sun, 06 Nov 1994 08:49:37 GMT", "r7", modified));
  EXPECT_TRUE(NotModified("", "Mon, 07 Nov 1994 00:00:00 GMT", "r7", modified));
  EXPECT_FALSE(NotModified("", "Sun, 06 Nov 1994 08:49:36 GMT", "r7", modified));
  EXPECT_FALSE(NotModified("\"r6\"", "Mon, 07 Nov 1994 00:00:00 GMT", "r7", modified));
  EXPECT_FALSE(NotModified("", "yesterday", "r7", modified));
  EXPECT_FALSE(NotModified("", "Mon, 07 Nov 1994 00:00:00 GMT", "r7", absl::InfinitePast()));
}

}  // namespace
}  // namespace huiyin::gateway

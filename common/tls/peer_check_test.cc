#include "common/tls/peer_check.h"

#include "gtest/gtest.h"

namespace huiyin {
namespace {

const absl::flat_hash_set<std::string> kAllowed = {"gateway", "intake", "supervision"};

TEST(CheckInternalCredentialPeer, AcceptsTheCredentialFromAnAllowedPeer) {
  EXPECT_TRUE(CheckInternalCredentialPeer(true, {"gateway", "127.0.0.1"}, kAllowed).ok());
}

TEST(CheckInternalCredentialPeer, ComparesNamesWithoutCase) {
  EXPECT_TRUE(CheckInternalCredentialPeer(true, {"Supervision"}, kAllowed).ok());
}

TEST(CheckInternalCredentialPeer, RefusesTheCredentialFromAPeerNotAllowed) {
  auto s = CheckInternalCredentialPeer(true, {"oa.example.gov.cn", "127.0.0.1"}, kAllowed);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("oa.example.gov.cn"), absl::string_view::npos) << s;
}

TEST(CheckInternalCredentialPeer, RefusesTheCredentialWithoutACertificate) {
  EXPECT_EQ(CheckInternalCredentialPeer(true, {}, kAllowed).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(CheckInternalCredentialPeer, LetsAnyPeerCallWithoutTheCredential) {
  EXPECT_TRUE(CheckInternalCredentialPeer(false, {"oa.example.gov.cn"}, kAllowed).ok());
  EXPECT_TRUE(CheckInternalCredentialPeer(false, {}, kAllowed).ok());
}

TEST(CheckInternalCredentialPeer, NoAllowedNameMeansNobody) {
  EXPECT_EQ(CheckInternalCredentialPeer(true, {"gateway"}, {}).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckInternalCredentialPeer, AnAllowedNameMustMatchWholly) {
  EXPECT_EQ(CheckInternalCredentialPeer(true, {"gateway.evil.example"}, kAllowed).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckInternalCredentialPeer(true, {"gate"}, kAllowed).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace huiyin

#include "common/tls/tls_config.h"

#include "common/tls/testing/test_pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TestKeyPair;
using testing::TestPki;

class TlsConfigTest : public ::testing::Test {
 protected:
  config::v1::TlsConfig MutualTls(const TestKeyPair& pair) {
    config::v1::TlsConfig tls;
    tls.set_cert_chain_file(pair.cert_file);
    tls.set_private_key_file(pair.key_file);
    tls.set_ca_file(pki_.ca_file());
    tls.set_allowed_peer_names("gateway,intake");
    return tls;
  }

  std::string ErrorOf(const config::v1::TlsConfig& tls) {
    auto s = CheckTlsConfig(tls);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return std::string(s.message());
  }

  TestPki pki_{"huiyin-test"};
};

TEST_F(TlsConfigTest, OffByDefault) {
  config::v1::TlsConfig tls;
  EXPECT_TRUE(CheckTlsConfig(tls).ok());
  EXPECT_FALSE(MutualTlsEnabled(tls));
  EXPECT_FALSE(HttpsEnabled(tls));
}

TEST_F(TlsConfigTest, AcceptsAWholeSection) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  auto https = pki_.Issue("huiyin.example.gov.cn", {"huiyin.example.gov.cn"});
  tls.set_https_cert_chain_file(https.cert_file);
  tls.set_https_private_key_file(https.key_file);
  tls.set_https_client_ca_file(pki_.ca_file());
  EXPECT_TRUE(CheckTlsConfig(tls).ok()) << CheckTlsConfig(tls);
  EXPECT_TRUE(MutualTlsEnabled(tls));
  EXPECT_TRUE(HttpsEnabled(tls));
}

TEST_F(TlsConfigTest, RefusesACertificateWithoutItsKeyOrCa) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.clear_private_key_file();
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.private_key_file: required with tls.cert_chain_file"));
  tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.clear_ca_file();
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.ca_file: required with"));
}

TEST_F(TlsConfigTest, RefusesACaWithoutACertificate) {
  config::v1::TlsConfig tls;
  tls.set_ca_file(pki_.ca_file());
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.cert_chain_file: required with tls.ca_file"));
}

TEST_F(TlsConfigTest, RefusesAMissingFileNamingTheField) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.set_ca_file((pki_.dir() / "no-such-ca.pem").string());
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.ca_file: cannot read"));
}

TEST_F(TlsConfigTest, RefusesAFileThatIsNotPem) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.set_cert_chain_file(pki_.Write("garbage.pem", "不是证书\n"));
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.cert_chain_file:"));
  EXPECT_THAT(ErrorOf(tls), HasSubstr("holds no PEM certificate"));
  tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.set_private_key_file(tls.cert_chain_file());
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.private_key_file:"));
}

TEST_F(TlsConfigTest, RefusesAKeyThatDoesNotMatchTheCertificate) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.set_private_key_file(pki_.Issue("workflow", {"workflow"}).key_file);
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.private_key_file: does not match the certificate in "
                                       "tls.cert_chain_file"));
}

TEST_F(TlsConfigTest, RefusesAnExpiredOrNotYetValidCertificate) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}, -absl::Hours(48), -absl::Hours(24)));
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.cert_chain_file: the certificate expired on"));
  tls = MutualTls(pki_.Issue("intake", {"intake"}, absl::Hours(2), absl::Hours(48)));
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.cert_chain_file: the certificate is not valid before"));
}

TEST_F(TlsConfigTest, RefusesACertificateOfAnotherCa) {
  TestPki other("other");
  auto tls = MutualTls(other.Issue("intake", {"intake"}));
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.cert_chain_file: not issued by a CA of tls.ca_file"));
}

TEST_F(TlsConfigTest, RefusesAnEmptyListOfAllowedPeers) {
  auto tls = MutualTls(pki_.Issue("intake", {"intake"}));
  tls.set_allowed_peer_names(" , ");
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.allowed_peer_names:"));
}

TEST_F(TlsConfigTest, RefusesHalfSetHttps) {
  auto https = pki_.Issue("huiyin.example.gov.cn", {"huiyin.example.gov.cn"});
  config::v1::TlsConfig tls;
  tls.set_https_private_key_file(https.key_file);
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.https_cert_chain_file: required with "
                                       "tls.https_private_key_file"));
  tls.Clear();
  tls.set_https_client_ca_file(pki_.ca_file());
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.https_cert_chain_file: required with "
                                       "tls.https_client_ca_file"));
  tls.Clear();
  tls.set_https_cert_chain_file(https.cert_file);
  tls.set_https_private_key_file(pki_.Issue("other", {"other"}).key_file);
  EXPECT_THAT(ErrorOf(tls), StartsWith("tls.https_private_key_file: does not match"));
}

TEST(AllowedPeerNames, TrimsAndFoldsCase) {
  config::v1::TlsConfig tls;
  tls.set_allowed_peer_names(" Gateway ,intake,, spiffe://huiyin/workflow ");
  EXPECT_THAT(AllowedPeerNames(tls),
              ::testing::UnorderedElementsAre("gateway", "intake", "spiffe://huiyin/workflow"));
}

}  // namespace
}  // namespace huiyin

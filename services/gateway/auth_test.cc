#include "services/gateway/auth.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "gtest/gtest.h"

namespace huiyin::gateway {
namespace {

constexpr char kSecret[] = "a-shared-secret-of-at-least-32-bytes!!";
const absl::Time kNow = absl::FromUnixSeconds(1764000000);

TokenClaims Office() {
  TokenClaims c;
  c.subject = "persons/office-1";
  c.role = common::v1::ROLE_CONGRESS_OFFICE;
  c.name = "李主任";
  return c;
}

std::unique_ptr<Authenticator> Make(config::v1::GatewayConfig config) {
  auto auth = Authenticator::Create(config);
  EXPECT_TRUE(auth.ok()) << auth.status();
  return std::move(*auth);
}

config::v1::GatewayConfig WithSecret() {
  config::v1::GatewayConfig c;
  c.set_jwt_hs256_secret(kSecret);
  return c;
}

TEST(Authenticator, AcceptsAValidTokenAsItsCaller) {
  auto token = IssueHs256Token(Office(), kSecret, kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  auto caller = Make(WithSecret())->Authenticate("Bearer " + *token, "", kNow + absl::Minutes(5));
  ASSERT_TRUE(caller.ok()) << caller.status();
  ASSERT_TRUE(caller->has_value());
  EXPECT_EQ((*caller)->principal(), "persons/office-1");
  EXPECT_EQ((*caller)->role(), common::v1::ROLE_CONGRESS_OFFICE);
  EXPECT_EQ((*caller)->display_name(), "李主任");
}

TEST(Authenticator, NoCredentialIsAnonymousNotAnError) {
  auto caller = Make(WithSecret())->Authenticate("", "", kNow);
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller->has_value());
}

TEST(Authenticator, RefusesExpiredNotYetValidAndForeignTokens) {
  auto auth = Make(WithSecret());
  auto token = *IssueHs256Token(Office(), kSecret, kNow, absl::Hours(1));
  EXPECT_EQ(auth->Authenticate("Bearer " + token, "", kNow + absl::Hours(2)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authenticate("Bearer " + token, "", kNow - absl::Hours(1)).status().code(),
            absl::StatusCode::kUnauthenticated);
  auto foreign =
      *IssueHs256Token(Office(), "another-secret-that-is-also-32-bytes-long", kNow, absl::Hours(1));
  EXPECT_EQ(auth->Authenticate("Bearer " + foreign, "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authenticate("Bearer not.a.token", "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authenticate("Basic dXNlcjpwYXNz", "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Authenticator, RefusesUnsignedTokens) {
  // {"alg":"none"}.{"sub":"persons/x","role":"ROLE_CONGRESS_OFFICE","exp":9999999999}.
  std::string none =
      "eyJhbGciOiJub25lIn0."
      "eyJzdWIiOiJwZXJzb25zL3giLCJyb2xlIjoiUk9MRV9DT05HUkVTU19PRkZJQ0UiLCJleHAiOjk5OTk5OTk5OTl9.";
  EXPECT_EQ(Make(WithSecret())->Authenticate("Bearer " + none, "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Authenticator, RefusesATokenWithoutAValidRole) {
  TokenClaims claims = Office();
  claims.role = common::v1::ROLE_UNSPECIFIED;
  auto token = *IssueHs256Token(claims, kSecret, kNow, absl::Hours(1));
  EXPECT_EQ(Make(WithSecret())->Authenticate("Bearer " + token, "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Authenticator, ApiKeysAreStoredHashed) {
  auto path = std::filesystem::temp_directory_path() / ("huiyin-keys-" + std::to_string(getpid()));
  std::ofstream(path)
      << "# systems\n{\"sha256\": \"" << Sha256Hex("cppcc-online-key-0001")
      << R"(", "principal": "systems/cppcc-online", "role": "ROLE_SYSTEM", "name": "委员在线提案管理系统"})"
      << "\n";
  config::v1::GatewayConfig c;
  c.set_api_keys_file(path.string());
  auto auth = Make(c);
  auto caller = auth->Authenticate("", "cppcc-online-key-0001", kNow);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ((*caller)->principal(), "systems/cppcc-online");
  EXPECT_EQ((*caller)->role(), common::v1::ROLE_SYSTEM);
  EXPECT_EQ(auth->Authenticate("", "guessed-key", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::filesystem::remove(path);
}

// A fresh RSA key pair as PEM texts (private, public).
std::pair<std::string, std::string> RsaKeyPair() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  auto pem = [&](bool is_private) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (is_private) {
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_bio_PUBKEY(bio, key);
    }
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  };
  auto pair = std::make_pair(pem(true), pem(false));
  EVP_PKEY_free(key);
  return pair;
}

TEST(Authenticator, AcceptsRs256TokensAndRefusesAlgorithmConfusion) {
  auto [private_pem, public_pem] = RsaKeyPair();
  auto path = std::filesystem::temp_directory_path() / ("huiyin-rsa-" + std::to_string(getpid()));
  std::ofstream(path) << public_pem;
  config::v1::GatewayConfig c = WithSecret();
  c.set_jwt_rs256_public_key_file(path.string());
  auto auth = Make(c);
  auto token = IssueRs256Token(Office(), private_pem, kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok()) << token.status();
  auto caller = auth->Authenticate("Bearer " + *token, "", kNow);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ((*caller)->principal(), "persons/office-1");
  // The public key is public: an HS256 token "signed" with it must not pass.
  auto forged = *IssueHs256Token(Office(), public_pem, kNow, absl::Hours(1));
  EXPECT_EQ(auth->Authenticate("Bearer " + forged, "", kNow).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::filesystem::remove(path);
}

TEST(Authenticator, RefusesAShortSecret) {
  config::v1::GatewayConfig c;
  c.set_jwt_hs256_secret("short");
  EXPECT_FALSE(Authenticator::Create(c).ok());
}

}  // namespace
}  // namespace huiyin::gateway

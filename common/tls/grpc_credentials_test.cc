// Mutual TLS end to end in one process: a gRPC server on GrpcServerCredentials (serving a
// health service) and clients on ServiceChannel with the certificates of TestPki.
#include "common/tls/grpc_credentials.h"

#include "absl/time/clock.h"
#include "common/identity/caller.h"
#include "common/tls/testing/test_pki.h"
#include "common/tls/tls_config.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::TestKeyPair;
using testing::TestPki;

constexpr char kCredential[] = "s3cret-credential";

// Always SERVING: the call only has to get through the transport and the peer check.
class ServingHealth : public Health::Service {
  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest*,
                     HealthCheckResponse* response) override {
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::Server> StartServer(const config::v1::TlsConfig& tls, ServingHealth& health,
                                          int& port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", GrpcServerCredentials(tls), &port);
  builder.RegisterService(&health);
  return builder.BuildAndStart();
}

class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(Tls(pki_.Issue("intake", {"intake"})), health_, port_);
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override { server_->Shutdown(absl::ToChronoTime(absl::Now())); }

  config::v1::TlsConfig Tls(const TestKeyPair& pair, const std::string& ca_file = "") {
    config::v1::TlsConfig tls;
    tls.set_cert_chain_file(pair.cert_file);
    tls.set_private_key_file(pair.key_file);
    tls.set_ca_file(ca_file.empty() ? pki_.ca_file() : ca_file);
    tls.set_allowed_peer_names("gateway,intake,supervision");
    return tls;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Health/Check on `channel`, with the internal credential and a caller when `with_credential`.
  grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel, bool with_credential) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (with_credential) {
      AttachCaller(context, MakeCaller("persons/p-9001", common::v1::ROLE_CONGRESS_OFFICE),
                   kCredential);
    }
    HealthCheckResponse response;
    return Health::NewStub(channel)->Check(&context, HealthCheckRequest(), &response);
  }

  TestPki pki_{"huiyin-test"};
  ServingHealth health_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(MutualTlsTest, AServiceCertificateCarriesTheCredential) {
  auto gateway = ServiceChannel(address(), Tls(pki_.Issue("gateway", {"gateway"})));
  EXPECT_TRUE(Check(gateway, true).ok()) << Check(gateway, true).error_message();
}

TEST_F(MutualTlsTest, ACertificateNotAllowedIsRefusedWithTheCredential) {
  auto oa = ServiceChannel(address(), Tls(pki_.Issue("oa.example.gov.cn", {"oa.example.gov.cn"})));
  grpc::Status status = Check(oa, true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
}

TEST_F(MutualTlsTest, ACertificateNotAllowedMayCallWithoutTheCredential) {
  auto oa = ServiceChannel(address(), Tls(pki_.Issue("oa.example.gov.cn", {"oa.example.gov.cn"})));
  EXPECT_TRUE(Check(oa, false).ok());
}

TEST_F(MutualTlsTest, AClientWithoutACertificateIsRefused) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ReadPemFile(pki_.ca_file(), "ca");
  auto anonymous = grpc::CreateChannel(address(), grpc::SslCredentials(options));
  EXPECT_EQ(Check(anonymous, false).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, ACertificateOfAnotherCaIsRefused) {
  TestPki other("other");
  // It trusts our CA for the server, but presents a certificate our CA did not issue.
  auto stranger = ServiceChannel(address(), Tls(other.Issue("gateway", {"gateway"})));
  EXPECT_EQ(Check(stranger, true).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, AnExpiredCertificateIsRefused) {
  auto stale = ServiceChannel(
      address(), Tls(pki_.Issue("gateway", {"gateway"}, -absl::Hours(48), -absl::Hours(24))));
  EXPECT_EQ(Check(stale, true).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, PlainTextIsRefused) {
  auto plain = ServiceChannel(address(), config::v1::TlsConfig());
  EXPECT_EQ(Check(plain, false).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, TheServerIsVerifiedAgainstTheCa) {
  TestPki other("other");
  // A client of the other CA does not trust our server's certificate.
  auto client =
      ServiceChannel(address(), Tls(other.Issue("gateway", {"gateway"}), other.ca_file()));
  EXPECT_EQ(Check(client, false).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, AnUnreadableFileFailsClosed) {
  auto tls = Tls(pki_.Issue("gateway", {"gateway"}));
  tls.set_ca_file((pki_.dir() / "gone.pem").string());
  EXPECT_EQ(Check(ServiceChannel(address(), tls), true).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(PlainText, IsWhatAnEmptySectionGives) {
  ServingHealth health;
  int port = 0;
  auto server = StartServer({}, health, port);
  ASSERT_NE(server, nullptr);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckResponse response;
  auto channel = ServiceChannel("127.0.0.1:" + std::to_string(port), {});
  EXPECT_TRUE(Health::NewStub(channel)->Check(&context, HealthCheckRequest(), &response).ok());
  server->Shutdown(absl::ToChronoTime(absl::Now()));
}

}  // namespace
}  // namespace huiyin

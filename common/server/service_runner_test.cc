#include "common/server/service_runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/testing/test_pki.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace huiyin {
namespace {

config::v1::ServerConfig LocalConfig() {
  config::v1::ServerConfig c;
  c.set_grpc_address("127.0.0.1:0");
  c.set_admin_address("127.0.0.1:0");
  c.set_drain_seconds(1);
  return c;
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(int port,
                                                            const config::v1::TlsConfig& tls = {}) {
  auto stub =
      grpc::health::v1::Health::NewStub(ServiceChannel("127.0.0.1:" + std::to_string(port), tls));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(&ctx, {}, &response);
  return s.ok() ? response.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

TEST(ServiceRunner, ServesHealthMetricsAndReadiness) {
  ServiceRunner runner("test", LocalConfig());
  bool ready = false;
  runner.AddReadinessCheck("database", [&] {
    return ready ? absl::OkStatus() : absl::UnavailableError("migrations running");
  });
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(Health(runner.grpc_port()), grpc::health::v1::HealthCheckResponse::SERVING);

  httplib::Client admin("127.0.0.1", runner.admin_port());
  auto healthz = admin.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  auto not_ready = admin.Get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_NE(not_ready->body.find("migrations running"), std::string::npos);
  ready = true;
  EXPECT_EQ(admin.Get("/readyz")->status, 200);
  auto metrics = admin.Get("/metrics");
  ASSERT_TRUE(metrics);
  // The health check above went through the interceptor.
  EXPECT_NE(metrics->body.find("huiyin_grpc_server_handled_total{"), std::string::npos);
  EXPECT_NE(metrics->body.find("grpc_method=\"/grpc.health.v1.Health/Check\""), std::string::npos);
}

TEST(ServiceRunner, ServesMutualTlsWhenTheTlsSectionIsSet) {
  testing::TestPki pki("runner");
  auto server = pki.Issue("intake", {"intake"});
  auto client = pki.Issue("gateway", {"gateway"});
  config::v1::TlsConfig tls;
  tls.set_ca_file(pki.ca_file());
  tls.set_allowed_peer_names("gateway");
  tls.set_cert_chain_file(server.cert_file);
  tls.set_private_key_file(server.key_file);
  ServiceRunner runner("test", LocalConfig(), tls);
  ASSERT_TRUE(runner.Start().ok());
  tls.set_cert_chain_file(client.cert_file);
  tls.set_private_key_file(client.key_file);
  EXPECT_EQ(Health(runner.grpc_port(), tls), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(runner.grpc_port()), grpc::health::v1::HealthCheckResponse::UNKNOWN);
}

TEST(ServiceRunner, DrainTurnsHealthNotServingBeforeStopping) {
  ServiceRunner runner("test", LocalConfig());
  bool health_during_drain_checked = false;
  int port = 0;
  runner.OnDrain([&] {
    health_during_drain_checked = true;
    EXPECT_EQ(Health(port), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  });
  ASSERT_TRUE(runner.Start().ok());
  port = runner.grpc_port();
  runner.RequestShutdown();
  runner.Run();
  EXPECT_TRUE(health_during_drain_checked);
}

TEST(ServiceRunner, DrainDoesNotWaitForIdleClientsToHangUp) {
  auto config = LocalConfig();
  config.set_drain_seconds(30);
  ServiceRunner runner("test", config);
  ASSERT_TRUE(runner.Start().ok());
  // A client that made a call and then keeps its connection open without reading from it, as a
  // Python grpcio channel does between calls: gRPC's Shutdown(deadline) would wait for it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(runner.grpc_port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  // The HTTP/2 preface and an empty SETTINGS frame: a connection the server has accepted.
  const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";
  ASSERT_EQ(write(fd, preface, sizeof preface - 1), static_cast<ssize_t>(sizeof preface - 1));
  absl::SleepFor(absl::Milliseconds(200));
  absl::Time start = absl::Now();
  runner.RequestShutdown();
  runner.Run();
  // Nothing was in flight: it must not sit out the 30 s drain (generous bound, not a timing goal).
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
  close(fd);
}

TEST(ServiceRunner, RefusesAnAddressItCannotParse) {
  auto config = LocalConfig();
  config.set_admin_address("no-port-here");
  ServiceRunner runner("test", config);
  EXPECT_FALSE(runner.Start().ok());
}

}  // namespace
}  // namespace huiyin

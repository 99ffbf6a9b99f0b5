// The one way a Huiyin binary starts and stops a server.
//
//   ServiceRunner runner("intake", config.server(), config.tls());  // plain or mutual TLS
//   runner.RegisterService(&intake_service);
//   runner.RegisterService(&feed);                 // every service serves its event feed
//   runner.AddReadinessCheck("database", [&] { return db->Read(...); });
//   runner.OnDrain([&] { feed.Stop(); });
//   if (auto s = runner.Start(); !s.ok()) ...      // binds gRPC and the admin port
//   runner.Run();                                  // until SIGTERM/SIGINT, then drains
//
// What every process gets: gRPC health (grpc.health.v1; NOT_SERVING once shutdown starts),
// server reflection, per-method request counts and latency histograms, and an admin HTTP port
// with /metrics (Prometheus text), /healthz (the process is up) and /readyz (every readiness
// check passes). On SIGTERM: health goes NOT_SERVING, drain callbacks run, in-flight calls get
// up to drain_seconds to finish, then the server stops. It stops as soon as nothing is in flight:
// gRPC's own Shutdown(deadline) would also wait for idle clients to hang up, which a client
// holding a channel open never does.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/server.h"
#include "huiyin/config/v1/config.pb.h"
#include "prometheus/registry.h"

namespace httplib {
class Server;
}

namespace huiyin {

class ServiceRunner {
 public:
  // `tls`: the gRPC port speaks mutual TLS when tls.cert_chain_file is set (common/tls).
  ServiceRunner(std::string service_name, config::v1::ServerConfig config,
                config::v1::TlsConfig tls = {});
  ~ServiceRunner();

  prometheus::Registry& registry() { return *registry_; }
  const std::shared_ptr<prometheus::Registry>& shared_registry() { return registry_; }
  void RegisterService(grpc::Service* service);
  void AddReadinessCheck(std::string name, std::function<absl::Status()> check);
  void OnDrain(std::function<void()> callback);
  // Runs before every /metrics scrape: update gauges of domain figures here.
  void OnScrape(std::function<void()> callback);

  absl::Status Start();
  int grpc_port() const { return grpc_port_; }
  int admin_port() const { return admin_port_; }

  // Blocks until a shutdown signal or RequestShutdown(), then drains and stops.
  void Run();
  void RequestShutdown() { shutdown_requested_ = true; }
  // Drains and stops now (idempotent).
  void Shutdown();

 private:
  absl::Status StartAdmin();
  absl::Status WritePortFile() const;

  std::string service_name_;
  config::v1::ServerConfig config_;
  config::v1::TlsConfig tls_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<grpc::Service*> services_;
  std::vector<std::pair<std::string, std::function<absl::Status()>>> readiness_checks_;
  std::vector<std::function<void()>> drain_callbacks_;
  std::vector<std::function<void()>> scrape_callbacks_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<httplib::Server> admin_;
  std::thread admin_thread_;
  int grpc_port_ = 0;
  int admin_port_ = 0;
  std::atomic<bool> shutdown_requested_{false};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  bool stopped_ = false;
};

// Installs SIGTERM/SIGINT handlers that make every ServiceRunner::Run return.
void InstallShutdownSignalHandlers();
// Whether SIGTERM or SIGINT arrived (for binaries that serve without a ServiceRunner).
bool ShutdownSignalled();

}  // namespace huiyin

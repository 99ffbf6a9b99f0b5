#include "common/server/service_runner.h"

#include <csignal>
#include <filesystem>
#include <fstream>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/log.h"
#include "common/server/grpc_metrics.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/tls_config.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "prometheus/text_serializer.h"

namespace huiyin {
namespace {

std::atomic<bool> g_shutdown_signalled{false};

void OnShutdownSignal(int) { g_shutdown_signalled = true; }

// "127.0.0.1:7191" → {"127.0.0.1", 7191}.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address) {
  auto colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("address \"", address, "\" is not HOST:PORT"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return std::make_pair(host, port);
}

}  // namespace

void InstallShutdownSignalHandlers() {
  std::signal(SIGTERM, OnShutdownSignal);
  std::signal(SIGINT, OnShutdownSignal);
}

bool ShutdownSignalled() { return g_shutdown_signalled; }

ServiceRunner::ServiceRunner(std::string service_name, config::v1::ServerConfig config,
                             config::v1::TlsConfig tls)
    : service_name_(std::move(service_name)),
      config_(std::move(config)),
      tls_(std::move(tls)),
      registry_(std::make_shared<prometheus::Registry>()) {}

ServiceRunner::~ServiceRunner() { Shutdown(); }

void ServiceRunner::RegisterService(grpc::Service* service) { services_.push_back(service); }

void ServiceRunner::AddReadinessCheck(std::string name, std::function<absl::Status()> check) {
  readiness_checks_.emplace_back(std::move(name), std::move(check));
}

void ServiceRunner::OnDrain(std::function<void()> callback) {
  drain_callbacks_.push_back(std::move(callback));
}

void ServiceRunner::OnScrape(std::function<void()> callback) {
  scrape_callbacks_.push_back(std::move(callback));
}

absl::Status ServiceRunner::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.grpc_address(), GrpcServerCredentials(tls_), &grpc_port_);
  for (auto* service : services_) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeMetricsInterceptorFactory(*registry_, in_flight_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  grpc::ResourceQuota quota("huiyin-" + service_name_);
  quota.SetMaxThreads(128);
  builder.SetResourceQuota(quota);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config_.grpc_address()));
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  if (auto s = StartAdmin(); !s.ok()) return s;
  LogInfo("listening", {{"grpc_address", config_.grpc_address()},
                        {"grpc_port", grpc_port_},
                        {"mutual_tls", MutualTlsEnabled(tls_)},
                        {"admin_port", admin_port_}});
  return WritePortFile();
}

absl::Status ServiceRunner::StartAdmin() {
  auto host_port = SplitHostPort(config_.admin_address());
  if (!host_port.ok()) return host_port.status();
  admin_ = std::make_unique<httplib::Server>();
  admin_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    for (auto& callback : scrape_callbacks_) callback();
    res.set_content(prometheus::TextSerializer().Serialize(registry_->Collect()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  admin_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    res.status = draining_ ? 503 : 200;
    res.set_content(draining_ ? R"({"status":"draining"})" : R"({"status":"ok"})",
                    "application/json");
  });
  admin_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json failures = nlohmann::json::object();
    if (draining_) failures["server"] = "draining";
    for (const auto& [name, check] : readiness_checks_) {
      if (auto s = check(); !s.ok()) failures[name] = std::string(s.message());
    }
    res.status = failures.empty() ? 200 : 503;
    nlohmann::json body = {{"status", failures.empty() ? "ready" : "not ready"}};
    if (!failures.empty()) body["failures"] = failures;
    res.set_content(body.dump(), "application/json");
  });
  int port = host_port->second;
  if (port == 0) {
    port = admin_->bind_to_any_port(host_port->first);
  } else if (!admin_->bind_to_port(host_port->first, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config_.admin_address()));
  }
  admin_port_ = port;
  admin_thread_ = std::thread([this] { admin_->listen_after_bind(); });
  return absl::OkStatus();
}

absl::Status ServiceRunner::WritePortFile() const {
  if (config_.port_file().empty()) return absl::OkStatus();
  std::string tmp = config_.port_file() + ".tmp";
  {
    std::ofstream out(tmp);
    out << "grpc=" << grpc_port_ << " admin=" << admin_port_ << "\n";
    if (!out) return absl::InternalError("cannot write port file " + config_.port_file());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, config_.port_file(), ec);
  return ec ? absl::InternalError("cannot write port file " + config_.port_file())
            : absl::OkStatus();
}

void ServiceRunner::Run() {
  while (!shutdown_requested_ && !g_shutdown_signalled) absl::SleepFor(absl::Milliseconds(50));
  LogInfo("shutting down", {{"drain_seconds", config_.drain_seconds()}});
  Shutdown();
}

void ServiceRunner::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  draining_ = true;
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    for (auto& callback : drain_callbacks_) callback();
    absl::Time deadline = absl::Now() + absl::Seconds(std::max(0, config_.drain_seconds()));
    while (in_flight_ > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
    // A short grace for a call arriving just now; idle connections are not waited for.
    absl::Duration grace = std::min(absl::Milliseconds(500), std::max(absl::ZeroDuration(),
                                                                       deadline - absl::Now()));
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (admin_) admin_->stop();
  if (admin_thread_.joinable()) admin_thread_.join();
  LogInfo("stopped");
}

}  // namespace huiyin

// huiyin-gateway: the HTTP/JSON door to the services; wires configuration, backends,
// authentication and the HTTP server.
#include <fstream>
#include <iostream>

#include "absl/time/clock.h"
#include "common/base/log.h"
#include "common/config/config.h"
#include "common/server/bootstrap.h"
#include "common/server/service_runner.h"
#include "services/gateway/http_gateway.h"

int main(int argc, char** argv) {
  using namespace huiyin;
  auto config = StartProcess("gateway", 7100, argc, argv);
  if (!config.ok()) return ExitCodeOf(config.status());
  auto auth = gateway::Authenticator::Create(config->gateway());
  if (!auth.ok()) {
    LogError("cannot load credentials", {{"error", auth.status().ToString()}});
    return 1;
  }
  if (!(*auth)->has_keys()) LogWarn("no JWT key configured: only API keys are accepted");
  auto backends = gateway::Backends::Create(*config);
  auto routes = gateway::RouteTable::Build(backends->services());
  if (!routes.ok()) {
    LogError("bad http annotations", {{"error", routes.status().ToString()}});
    return 1;
  }
  SystemClock clock;
  gateway::HttpGateway server(*config, std::move(backends), std::move(*auth), *std::move(routes),
                              clock);
  if (auto s = server.Start(); !s.ok()) {
    LogError("cannot start", {{"error", s.ToString()}});
    return 1;
  }
  if (!config->server().port_file().empty()) {
    std::string tmp = config->server().port_file() + ".tmp";
    std::ofstream(tmp) << "http=" << server.port() << "\n";
    std::rename(tmp.c_str(), config->server().port_file().c_str());
  }
  // The same signal handling as every service: wait for SIGTERM/SIGINT, then drain.
  while (!ShutdownSignalled()) absl::SleepFor(absl::Milliseconds(50));
  LogInfo("shutting down");
  server.Stop();
  return 0;
}

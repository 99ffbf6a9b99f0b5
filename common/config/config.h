// The one configuration loader: huiyin.config.v1.Config from defaults, a file, the environment
// and flags, in that order (see proto/huiyin/config/v1/config.proto).
//
//   config::v1::Config defaults = DefaultConfig("intake", 7101);
//   auto config = LoadConfig(defaults, argc, argv);
//   if (!config.ok()) { std::cerr << config.status(); return 2; }
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin {

using EnvLookup = std::function<const char*(const char*)>;

// Defaults shared by every service, for a service listening on 127.0.0.1:grpc_port with its
// admin port at grpc_port + 90 and its database at var/<service>.db.
config::v1::Config DefaultConfig(const std::string& service, int grpc_port);

// Returns CANCELLED after printing the usage for --help (the caller exits 0).
absl::StatusOr<config::v1::Config> LoadConfig(const config::v1::Config& defaults, int argc,
                                             const char* const* argv,
                                             const EnvLookup& getenv = ::getenv);

// Every settable field as "section.field", with its type, for --help.
std::vector<std::string> ConfigFieldPaths();

}  // namespace huiyin

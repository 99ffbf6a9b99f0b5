#include "common/config/config.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "gtest/gtest.h"

namespace huiyin {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  EnvLookup lookup() {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

absl::StatusOr<config::v1::Config> Load(std::vector<const char*> args, FakeEnv& env) {
  args.insert(args.begin(), "huiyin-test");
  return LoadConfig(DefaultConfig("intake", 7101), static_cast<int>(args.size()), args.data(),
                    env.lookup());
}

TEST(LoadConfig, StartsWithDefaultsAndNoFile) {
  FakeEnv env;
  auto c = Load({}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server().grpc_address(), "127.0.0.1:7101");
  EXPECT_EQ(c->server().admin_address(), "127.0.0.1:7191");
  EXPECT_EQ(c->server().database_path(), "var/intake.db");
  EXPECT_EQ(c->intake().similar_limit(), 10);
  EXPECT_EQ(c->assignment().intake_address(), "127.0.0.1:7101");
  EXPECT_EQ(c->assignment().objection_working_days(), 5);
  EXPECT_EQ(c->assignment().default_deadline_months(), 3);
  EXPECT_EQ(c->assignment().max_deadline_months(), 6);
  EXPECT_EQ(c->assignment().extensions_forbidden_years(), "");
  EXPECT_EQ(c->assignment().intake_deadline_ms(), 3000);
}

TEST(LoadConfig, FileThenEnvironmentThenFlagsEachOverride) {
  auto path = std::filesystem::temp_directory_path() / "huiyin-config-test.json";
  std::ofstream(path) << R"({"server": {"grpcAddress": "0.0.0.0:9000", "logLevel": "debug"},
                             "intake": {"similarLimit": 20}})";
  FakeEnv env;
  env.vars["HUIYIN_SERVER_LOG_LEVEL"] = "warn";
  env.vars["HUIYIN_INTAKE_SIMILAR_LIMIT"] = "30";
  auto c = Load({"--config", "--intake.similar_limit=40"}, env);
  EXPECT_FALSE(c.ok());  // "--config" without a value is refused
  std::string flag = "--config=" + path.string();
  c = Load({flag.c_str(), "--intake.similar_limit=40"}, env);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server().grpc_address(), "0.0.0.0:9000");
  EXPECT_EQ(c->server().log_level(), "warn");
  EXPECT_EQ(c->intake().similar_limit(), 40);
  EXPECT_EQ(c->server().database_path(), "var/intake.db");
  std::filesystem::remove(path);
}

TEST(LoadConfig, RefusesUnknownFlagsAndWrongTypes) {
  FakeEnv env;
  EXPECT_EQ(Load({"--server.no_such=1"}, env).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Load({"--server.drain_seconds=soon"}, env).status().code(),
            absl::StatusCode::kInvalidArgument);
  env.vars["HUIYIN_SERVER_READ_CONNECTIONS"] = "many";
  EXPECT_EQ(Load({}, env).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LoadConfig, RefusesUnknownFieldsInTheFile) {
  auto path = std::filesystem::temp_directory_path() / "huiyin-config-bad.json";
  std::ofstream(path) << R"({"server": {"grpcAdress": "typo"}})";
  FakeEnv env;
  std::string flag = "--config=" + path.string();
  EXPECT_FALSE(Load({flag.c_str()}, env).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace huiyin

// Structured logs: one JSON object per line on stderr, e.g.
//   {"time":"2026-11-23T09:30:01.123456Z","level":"info","service":"intake","msg":"listening","grpc_port":7101}
//
//   InitLogging("intake", "info");
//   LogInfo("listening", {{"grpc_port", port}});
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace huiyin {

void InitLogging(const std::string& service, const std::string& level);
void Log(spdlog::level::level_enum level, absl::string_view msg, nlohmann::json fields = {});
inline void LogInfo(absl::string_view msg, nlohmann::json fields = {}) {
  Log(spdlog::level::info, msg, std::move(fields));
}
inline void LogWarn(absl::string_view msg, nlohmann::json fields = {}) {
  Log(spdlog::level::warn, msg, std::move(fields));
}
inline void LogError(absl::string_view msg, nlohmann::json fields = {}) {
  Log(spdlog::level::err, msg, std::move(fields));
}

}  // namespace huiyin

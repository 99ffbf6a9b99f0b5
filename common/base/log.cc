#include "common/base/log.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace huiyin {
namespace {
std::string& ServiceName() {
  static std::string name = "huiyin";
  return name;
}
}  // namespace

void InitLogging(const std::string& service, const std::string& level) {
  ServiceName() = service;
  auto logger = spdlog::stderr_logger_mt("huiyin-" + service);
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::from_str(level.empty() ? "info" : level));
  spdlog::set_default_logger(logger);
}

void Log(spdlog::level::level_enum level, absl::string_view msg, nlohmann::json fields) {
  if (!spdlog::should_log(level)) return;
  nlohmann::json line = {
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone())},
      {"level", spdlog::level::to_string_view(level).data()},
      {"service", ServiceName()},
      {"msg", std::string(msg)}};
  if (fields.is_object()) line.update(fields);
  spdlog::log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace huiyin

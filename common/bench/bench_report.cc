#include "common/bench/bench_report.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace huiyin::bench {

BenchRow& BenchReport::Time(std::string operation, int n, const std::function<bool(int)>& op) {
  BenchRow row;
  row.operation = std::move(operation);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(std::max(0, n)));
  for (int i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = op(i);
    const double took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!ok) {
      ++row.errors;
      if (row.first_error.empty()) row.first_error = absl::StrFormat("call %d failed", i);
      continue;
    }
    ms.push_back(took);
    row.seconds += took / 1000;
  }
  std::sort(ms.begin(), ms.end());
  row.count = static_cast<int64_t>(ms.size());
  if (!ms.empty()) {
    row.p50_ms = ms[ms.size() / 2];
    row.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  }
  return Add(std::move(row));
}

BenchRow& BenchReport::Add(BenchRow row) {
  rows_.push_back(std::move(row));
  return rows_.back();
}

void BenchReport::Print(std::ostream& out) const {
  for (const auto& r : rows_) {
    const double rate = r.seconds > 0 ? static_cast<double>(r.count) / r.seconds : 0;
    // A throughput row (measured as a whole, not call by call) has no percentiles to show.
    const std::string percentiles =
        r.p99_ms > 0 ? absl::StrFormat("  p50 %8.3f ms  p99 %8.3f ms", r.p50_ms, r.p99_ms) : "";
    out << absl::StrFormat("%-52s %10.0f %s/s%s%s\n", r.operation, rate, r.unit, percentiles,
                           r.errors > 0 ? absl::StrFormat("  %d errors", r.errors) : "");
    if (!r.note.empty()) out << "    " << r.note << "\n";
  }
  out << absl::StrFormat("peak RSS %.1f MB\n", static_cast<double>(PeakRssKb()) / 1024);
}

absl::Status BenchReport::WriteJson(const std::string& path,
                                    const std::string& process_name) const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : rows_) {
    nlohmann::json row = {{"operation", r.operation}, {"unit", r.unit},       {"count", r.count},
                          {"errors", r.errors},       {"seconds", r.seconds}, {"p50_ms", r.p50_ms},
                          {"p99_ms", r.p99_ms},       {"clients", r.clients}, {"note", r.note}};
    if (!r.first_error.empty()) row["first_error"] = r.first_error;
    rows.push_back(std::move(row));
  }
  nlohmann::json report = {{"rows", rows},
                           {"counts", counts_},
                           {"peak_rss_bytes", {{process_name, PeakRssKb() * 1024}}}};
  std::ofstream out(path);
  out << report.dump(2) << "\n";
  out.close();
  if (!out) return absl::UnavailableError("cannot write " + path);
  return absl::OkStatus();
}

int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

}  // namespace huiyin::bench

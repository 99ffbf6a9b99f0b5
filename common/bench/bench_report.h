// A benchmark's figures as rows — operation, count, seconds, p50, p99 — printed for a person and
// written as JSON in the row format of huiyin-bench (tests/bench), which runs the scale benches
// (supervision_bench, intake_bench, disclosure_bench) as child processes and folds their rows
// and peak RSS into its one table. Figures only: nothing here asserts a timing.
//
//   BenchReport report;
//   report.Time("GetFigures GROUP_BY_UNIT", 200, [&](int i) { core.GetFigures(caller, r); });
//   BenchRow load;  // a row measured by the caller
//   load.operation = "bulk load", load.unit = "events", load.count = n, load.seconds = s;
//   report.Add(load);
//   report.Print(std::cout);
//   if (!json.empty()) (void)report.WriteJson(json, "supervision");
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace huiyin::bench {

struct BenchRow {
  std::string operation;
  std::string unit = "ops";  // what `count` counts: ops, events, items, rows …
  int64_t count = 0;
  int64_t errors = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int clients = 1;
  std::string note;
  std::string first_error;
};

class BenchReport {
 public:
  // Calls `op(i)` for i in [0, n) one after another, timing each call; a call returning false
  // counts as an error (not timed into the percentiles). Throughput is calls per busy second.
  BenchRow& Time(std::string operation, int n, const std::function<bool(int)>& op);
  BenchRow& Add(BenchRow row);
  // A number the caller checks results against (e.g. how many records contain a search term).
  void Count(const std::string& key, int64_t n) { counts_[key] = n; }

  const std::vector<BenchRow>& rows() const { return rows_; }
  void Print(std::ostream& out) const;
  // {"rows": [...], "counts": {...}, "peak_rss_bytes": {process_name: VmHWM of this process}}.
  absl::Status WriteJson(const std::string& path, const std::string& process_name) const;

 private:
  std::vector<BenchRow> rows_;
  std::map<std::string, int64_t> counts_;
};

// This process's peak resident set (VmHWM) in KiB; 0 if /proc says nothing.
int64_t PeakRssKb();

}  // namespace huiyin::bench

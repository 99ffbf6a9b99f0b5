// huiyin-bench's scale checks (issue 9): the figures and ledger with a million items, FindSimilar
// with 100,000, and the public side over 100,000 published records. Each size is built by the
// service's own bench binary through the service's own code (see the bulk path in
// services/supervision/supervision_bench.cc and services/disclosure/disclosure_bench.cc), run as
// a child process that writes its rows as JSON (common/bench/bench_report.h); huiyin-bench folds
// them, with each child's peak RSS, into its one table.
//
//   ScaleChecks scale(options, Progress);
//   ScaleReport offline = scale.RunOfflineBenches();  // supervision_bench, intake_bench
//   ScaleReport store = scale.BuildPublicStore();     // WORKDIR/disclosure.db, before the stack
//   ... start the stack; huiyin-disclosure opens that store ...
//   std::string wrong = scale.CheckSearch(client, "物业", &found);  // "" when correct
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/bench/bench_report.h"

namespace httplib {
class Client;
}

namespace huiyin::bench {

struct ScaleOptions {
  int scale_items = 0;    // supervision_bench --items: figures and ledger; 0 skips
  int similar_items = 0;  // intake_bench --items: FindSimilar; 0 skips
  int public_items = 0;   // disclosure_bench --items: the store the stack starts on; 0 skips
  int queries = 200;      // timed calls per in-process operation
  std::string workdir;
  // Bench binaries by name ("supervision_bench" …); the build's own when not given.
  std::map<std::string, std::string> binaries;
};

// What the children reported: their rows, peak RSS (bytes, by process) and the counts results
// are checked against (e.g. "containing 物业" → records whose texts contain it).
struct ScaleReport {
  std::vector<BenchRow> rows;
  std::map<std::string, int64_t> peak_rss_bytes;
  std::map<std::string, int64_t> counts;
  std::string error;  // what failed, when a child did
};

// What a scale row is held against in the table: its goal from the issue ("goal: p99 ≤ 5 ms"),
// or what kind of row it is when there is none.
std::string GoalOf(const std::string& operation);

class ScaleChecks {
 public:
  ScaleChecks(ScaleOptions options, std::function<void(const std::string&)> progress);

  const ScaleOptions& options() const { return options_; }

  // supervision_bench (scale_items) then intake_bench (similar_items), each skipped at 0.
  ScaleReport RunOfflineBenches();
  // disclosure_bench writing WORKDIR/disclosure.db with public_items published records (the
  // file the stack's huiyin-disclosure opens); skipped at 0.
  ScaleReport BuildPublicStore();

  // Pages through every public search result for `term` among the built records (their year)
  // through the gateway: each must contain `term` in its title, body or an answer, and there
  // must be exactly as many as disclosure_bench counted. Returns "" when so, else what is wrong;
  // `found` gets the number of results.
  std::string CheckSearch(httplib::Client& gateway, const std::string& term, int64_t* found) const;

  // Polls a service's /metrics on its admin port until `metric` reads 0 twice in a row (a
  // follower caught up with a feed), at most `timeout_seconds`. False on timeout.
  bool WaitForZero(int admin_port, const std::string& metric, double timeout_seconds) const;

 private:
  ScaleReport RunChild(const std::string& name, const std::vector<std::string>& args);

  ScaleOptions options_;
  std::function<void(const std::string&)> progress_;
  std::map<std::string, int64_t> public_counts_;
};

}  // namespace huiyin::bench

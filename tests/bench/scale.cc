#include "tests/bench/scale.h"

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

#ifndef HUIYIN_SUPERVISION_BENCH_BIN
#define HUIYIN_SUPERVISION_BENCH_BIN "supervision_bench"
#endif
#ifndef HUIYIN_INTAKE_BENCH_BIN
#define HUIYIN_INTAKE_BENCH_BIN "intake_bench"
#endif
#ifndef HUIYIN_DISCLOSURE_BENCH_BIN
#define HUIYIN_DISCLOSURE_BENCH_BIN "disclosure_bench"
#endif

namespace huiyin::bench {
namespace {

using json = nlohmann::json;

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// A child's JSON report (common/bench/bench_report.h) as rows, RSS and counts.
ScaleReport ReadReport(const std::string& path) {
  ScaleReport out;
  std::ifstream in(path);
  json report = json::parse(in, nullptr, false);
  if (!report.is_object() || !report.contains("rows")) {
    out.error = "no report in " + path;
    return out;
  }
  for (const auto& r : report["rows"]) {
    BenchRow row;
    row.operation = r.value("operation", "");
    row.unit = r.value("unit", "ops");
    row.count = r.value("count", int64_t{0});
    row.errors = r.value("errors", int64_t{0});
    row.seconds = r.value("seconds", 0.0);
    row.p50_ms = r.value("p50_ms", 0.0);
    row.p99_ms = r.value("p99_ms", 0.0);
    row.clients = r.value("clients", 1);
    row.note = r.value("note", "");
    row.first_error = r.value("first_error", "");
    out.rows.push_back(std::move(row));
  }
  const json rss = report.value("peak_rss_bytes", json::object());
  for (const auto& [name, bytes] : rss.items()) out.peak_rss_bytes[name] = bytes.get<int64_t>();
  const json counts = report.value("counts", json::object());
  for (const auto& [key, n] : counts.items()) out.counts[key] = n.get<int64_t>();
  return out;
}

// The texts a public record shows, for checking that a search result contains its term.
std::string PublicText(const json& d) {
  std::string text = d.value("title", "") + d.value("body", "");
  for (const auto& a : d.value("answers", json::array())) text += a.value("text", "");
  return text;
}

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace

std::string GoalOf(const std::string& operation) {
  if (absl::StrContains(operation, "bulk load") || absl::StartsWith(operation, "intake submit") ||
      absl::StartsWith(operation, "intake index")) {
    return "bulk path (no goal)";
  }
  if (absl::StrContains(operation, "in-process")) return "in-process (no goal)";
  if (absl::StartsWith(operation, "GetFigures")) return "goal: p99 <= 5 ms";
  if (absl::StartsWith(operation, "ListLedger") || absl::StartsWith(operation, "GetLedgerEntry")) {
    return "goal: p99 <= 10 ms";
  }
  if (absl::StartsWith(operation, "FindSimilar")) return "goal: p99 <= 20 ms";
  return "no goal";
}

ScaleChecks::ScaleChecks(ScaleOptions options, std::function<void(const std::string&)> progress)
    : options_(std::move(options)), progress_(std::move(progress)) {
  options_.binaries.emplace("supervision_bench", HUIYIN_SUPERVISION_BENCH_BIN);
  options_.binaries.emplace("intake_bench", HUIYIN_INTAKE_BENCH_BIN);
  options_.binaries.emplace("disclosure_bench", HUIYIN_DISCLOSURE_BENCH_BIN);
}

ScaleReport ScaleChecks::RunChild(const std::string& name, const std::vector<std::string>& args) {
  const std::string json_path = absl::StrCat(options_.workdir, "/", name, ".json");
  const std::string log_path = absl::StrCat(options_.workdir, "/", name, ".log");
  std::remove(json_path.c_str());
  // Progress (stderr) goes on showing; the child's own table goes to its log.
  const std::string command =
      absl::StrCat(Quoted(options_.binaries.at(name)), " ", absl::StrJoin(args, " "),
                   " --json=", Quoted(json_path), " >", Quoted(log_path));
  progress_(absl::StrCat(name, ": ", absl::StrJoin(args, " ")));
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (status != 0) {
    ScaleReport failed;
    failed.error = absl::StrCat(name, " exited with status ", status, "; see ", log_path);
    return failed;
  }
  ScaleReport report = ReadReport(json_path);
  progress_(absl::StrCat(name, ": done in ", static_cast<int>(seconds), " s"));
  return report;
}

ScaleReport ScaleChecks::RunOfflineBenches() {
  ScaleReport all;
  auto fold = [&all](ScaleReport r) {
    for (auto& row : r.rows) all.rows.push_back(std::move(row));
    all.peak_rss_bytes.insert(r.peak_rss_bytes.begin(), r.peak_rss_bytes.end());
    if (!r.error.empty()) all.error += (all.error.empty() ? "" : "; ") + r.error;
  };
  const std::string queries = absl::StrCat("--queries=", options_.queries);
  if (options_.scale_items > 0) {
    fold(RunChild("supervision_bench",
                  {absl::StrCat("--items=", options_.scale_items), queries,
                   "--dir=" + Quoted(options_.workdir + "/supervision-scale")}));
  }
  if (options_.similar_items > 0) {
    fold(RunChild("intake_bench", {absl::StrCat("--items=", options_.similar_items), queries,
                                   "--dir=" + Quoted(options_.workdir + "/intake-scale")}));
  }
  return all;
}

ScaleReport ScaleChecks::BuildPublicStore() {
  if (options_.public_items <= 0) return {};
  ScaleReport report = RunChild(
      "disclosure_bench", {absl::StrCat("--items=", options_.public_items), "--queries=20",
                           "--db=" + Quoted(options_.workdir + "/disclosure.db"), "--keep_db"});
  public_counts_ = report.counts;
  return report;
}

std::string ScaleChecks::CheckSearch(httplib::Client& gateway, const std::string& term,
                                     int64_t* found) const {
  *found = 0;
  auto expected = public_counts_.find("containing " + term);
  auto year = public_counts_.find("year");
  if (expected == public_counts_.end() || year == public_counts_.end()) {
    return "disclosure_bench counted no records for " + term;
  }
  std::string token;
  do {
    const std::string path =
        absl::StrCat("/v1/public/disclosures?pageSize=100&year=", year->second,
                     "&q=", UrlEncode(term), token.empty() ? "" : "&pageToken=" + UrlEncode(token));
    auto res = gateway.Get(path);
    if (!res || res->status != 200) {
      return absl::StrCat(
          "GET ", path, ": ",
          res ? absl::StrCat("HTTP ", res->status) : httplib::to_string(res.error()));
    }
    json page = json::parse(res->body, nullptr, false);
    if (!page.is_object()) return "GET " + path + ": not JSON";
    for (const auto& d : page.value("disclosures", json::array())) {
      if (!absl::StrContains(PublicText(d), term)) {
        return absl::StrCat(d.value("name", "?"), " does not contain ", term);
      }
      ++*found;
    }
    token = page.value("nextPageToken", "");
  } while (!token.empty());
  if (*found != expected->second) {
    return absl::StrCat(*found, " results for ", term, ", ", expected->second,
                        " records contain it");
  }
  return "";
}

bool ScaleChecks::WaitForZero(int admin_port, const std::string& metric,
                              double timeout_seconds) const {
  httplib::Client admin("127.0.0.1", admin_port);
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  int zeros = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    auto res = admin.Get("/metrics");
    double value = -1;
    if (res && res->status == 200) {
      std::istringstream lines(res->body);
      for (std::string line; std::getline(lines, line);) {
        if (absl::StartsWith(line, metric + " ")) {
          (void)absl::SimpleAtod(line.substr(metric.size() + 1), &value);
        }
      }
    }
    zeros = value == 0 ? zeros + 1 : 0;
    if (zeros == 2) return true;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return false;
}

}  // namespace huiyin::bench

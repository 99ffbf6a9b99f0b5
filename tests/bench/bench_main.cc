// huiyin-bench: Huiyin's throughput held against the machine's own limits, measured in one run.
//
//   huiyin-bench [--seconds=3] [--grpc_clients=16] [--connections=64] [--items=0] [--json=FILE]
//
// First the limits of this machine: an empty unary gRPC call (grpc.health.v1 Check against a
// server started in-process), a durable SQLite commit of one row and of 100 rows (WAL,
// synchronous=FULL, in a temporary directory), and a minimal cpp-httplib response tuned as the
// gateway tunes its server. Then Huiyin: the six binaries started on fresh stores on free ports
// (or a running stack, with --intake/--gateway/--credential/--jwt_secret), durable SubmitItem over
// gRPC and POST /v1/items through the gateway, and the public reads (list, detail, searches of 2
// and 4 characters). Last the synthetic year (year.h): units and items through their whole life,
// over gRPC and over REST. Prints one table, peak RSS of each service it started, and the same as
// JSON.
#include <dirent.h>
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/identity/caller.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "huiyin/disclosure/v1/disclosure.grpc.pb.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/gateway/auth.h"
#include "tests/bench/harness.h"
#include "tests/bench/scale.h"
#include "tests/bench/year.h"

namespace {

using huiyin::bench::BoolFlag;
using huiyin::bench::Child;
using huiyin::bench::Clock;
using huiyin::bench::CpuPerOperation;
using huiyin::bench::DoubleFlag;
using huiyin::bench::FillItem;
using huiyin::bench::Flag;
using huiyin::bench::HasFlag;
using huiyin::bench::HttpGet;
using huiyin::bench::IntFlag;
using huiyin::bench::ItemJson;
using huiyin::bench::json;
using huiyin::bench::MakeChannels;
using huiyin::bench::MakeHttpClients;
using huiyin::bench::Progress;
using huiyin::bench::Result;
using huiyin::bench::RunLoad;
using huiyin::bench::SetFlag;
using huiyin::bench::Stack;
using huiyin::bench::UrlEncode;

// ---------------------------------------------------------------------------------------------
// Limit 1: an empty unary gRPC call. The client side is set up exactly as for SubmitItem below:
// one channel (its own HTTP/2 connection) per client thread (MakeChannels).

// A sync health service answering SERVING: the same sync server API, with the same thread
// quota, as common/server/service_runner.cc gives every service.
class ServingHealth final : public grpc::health::v1::Health::Service {
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

Result MeasureEmptyGrpc(int clients, double seconds) {
  ServingHealth health;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&health);
  grpc::ResourceQuota quota("huiyin-bench-echo");
  quota.SetMaxThreads(128);
  builder.SetResourceQuota(quota);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    Result r;
    r.operation = "limit: empty gRPC call";
    r.errors = 1;
    r.first_error = "cannot start the in-process gRPC server";
    return r;
  }
  auto channels = MakeChannels(absl::StrCat("127.0.0.1:", port), clients);
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> stubs;
  for (auto& c : channels) stubs.push_back(grpc::health::v1::Health::NewStub(c));
  Result r = RunLoad("limit: empty gRPC call", clients, seconds, 0,
                     [&](int t, int64_t, std::string* error) {
                       grpc::ClientContext ctx;
                       ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
                       ctx.set_wait_for_ready(true);
                       grpc::health::v1::HealthCheckRequest req;
                       grpc::health::v1::HealthCheckResponse res;
                       grpc::Status s = stubs[t]->Check(&ctx, req, &res);
                       if (!s.ok()) *error = s.error_message();
                       return s.ok();
                     });
  r.note = "grpc.health.v1.Health/Check, in-process sync server (128-thread quota as the services)";
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return r;
}

// ---------------------------------------------------------------------------------------------
// Limits 2 and 3: durable SQLite commits (WAL, synchronous=FULL), one row and 100 rows each.
bool Exec(sqlite3* db, const char* sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
  *error = message ? message : "sqlite error";
  sqlite3_free(message);
  return false;
}

Result MeasureSqlite(const std::string& dir, int rows_per_commit, double seconds) {
  std::string name = rows_per_commit == 1
                         ? "limit: SQLite commit, 1 row"
                         : absl::StrCat("limit: SQLite commit, ", rows_per_commit, " rows");
  std::string path = absl::StrCat(dir, "/limit-", rows_per_commit, ".db");
  sqlite3* db = nullptr;
  std::string error;
  Result r;
  r.operation = name;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
      !Exec(db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE items(id INTEGER PRIMARY KEY, request_id TEXT UNIQUE, title TEXT,"
            " body TEXT, created INTEGER)",
            &error)) {
    r.errors = 1;
    r.first_error = error.empty() ? "cannot open " + path : error;
    sqlite3_close(db);
    return r;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO items(request_id, title, body, created) VALUES(?,?,?,?)", -1,
                     &insert, nullptr);
  const std::string title = "关于加快南关农贸市场提升改造的建议";
  std::string body;
  for (int i = 0; i < 12; ++i) body += "南关农贸市场棚顶漏雨、排水沟常年堵塞，活禽与蔬菜混杂。";
  r = RunLoad(name, 1, seconds, 0, [&](int, int64_t n, std::string* err) {
    if (!Exec(db, "BEGIN IMMEDIATE", err)) return false;
    for (int i = 0; i < rows_per_commit; ++i) {
      std::string id = absl::StrCat("r-", n, "-", i);
      sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, title.data(), static_cast<int>(title.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 4, n);
      if (sqlite3_step(insert) != SQLITE_DONE) {
        *err = sqlite3_errmsg(db);
        sqlite3_reset(insert);
        Exec(db, "ROLLBACK", err);
        return false;
      }
      sqlite3_reset(insert);
    }
    return Exec(db, "COMMIT", err);
  });
  r.units_per_op = rows_per_commit;
  r.unit = "rows";
  r.note = "WAL, synchronous=FULL, ~1.5 KB rows, one writer";
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Limit 4: a minimal cpp-httplib response, the server tuned as services/gateway/http_gateway.cc
// tunes it (TCP_NODELAY, a thread pool sized to the connections, long keep-alive, backlog).
void RaiseListenBacklog(int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || !listening) continue;
    if (addr.sin_family == AF_INET && ntohs(addr.sin_port) == port) listen(fd, 4096);
  }
  closedir(dir);
}

Result MeasureMinimalHttp(int connections, double seconds) {
  httplib::Server server;
  int threads = connections + 4;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(60);
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  RaiseListenBacklog(port);
  std::thread listener([&] { server.listen_after_bind(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto clients = MakeHttpClients(port, connections);
  Result r =
      RunLoad("limit: minimal HTTP response", connections, seconds, 0,
              [&](int t, int64_t, std::string* error) { return HttpGet(*clients[t], "/", error); });
  r.note = "cpp-httplib, keep-alive, TCP_NODELAY, pool of connections+4 threads";
  clients.clear();
  server.stop();
  listener.join();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Output.
// Pads UTF-8 text to `width` terminal columns (CJK characters take two).
std::string Pad(const std::string& text, size_t width) {
  size_t columns = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    columns += len >= 3 ? 2 : 1;
    i += len;
  }
  return columns >= width ? text : text + std::string(width - columns, ' ');
}

void PrintTable(const std::vector<Result>& results, const std::vector<Child>& children,
                const std::map<std::string, double>& rates) {
  std::printf("\n%-40s %8s %12s %9s %9s %7s %8s  %s\n", "operation", "clients", "throughput",
              "p50 ms", "p99 ms", "errors", "ratio", "held against");
  for (const auto& r : results) {
    std::string ratio = "-";
    if (!r.limit.empty() && rates.count(r.limit) && rates.at(r.limit) > 0) {
      ratio = absl::StrFormat("%.2f", r.throughput() / rates.at(r.limit));
    }
    std::printf("%s %8d %9.0f/s %9.2f %9.2f %7lld %8s  %s\n", Pad(r.operation, 40).c_str(),
                r.concurrency, r.throughput(), r.p50_ms, r.p99_ms, static_cast<long long>(r.errors),
                ratio.c_str(), r.limit.empty() ? "(limit)" : r.limit.c_str());
  }
  if (!children.empty()) {
    std::printf("\npeak RSS (VmHWM):");
    for (const auto& c : children) {
      std::printf(" %s %.1f MB;", c.name.c_str(), c.vm_hwm_kb / 1024.0);
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

json ResultsJson(const std::vector<Result>& results, const std::vector<Child>& children,
                 const std::map<std::string, double>& rates, const json& meta) {
  json rows = json::array();
  for (const auto& r : results) {
    json row = {{"operation", r.operation},
                {"unit", r.unit + "/s"},
                {"clients", r.concurrency},
                {"count", r.ops * r.units_per_op},
                {"errors", r.errors},
                {"seconds", r.seconds},
                {"throughput", r.throughput()},
                {"p50_ms", r.p50_ms},
                {"p99_ms", r.p99_ms},
                {"limit", r.limit.empty() ? json(nullptr) : json(r.limit)},
                {"note", r.note}};
    if (!r.limit.empty() && rates.count(r.limit) && rates.at(r.limit) > 0) {
      row["ratio"] = r.throughput() / rates.at(r.limit);
    } else {
      row["ratio"] = nullptr;
    }
    if (!r.first_error.empty()) row["first_error"] = r.first_error;
    if (r.hits >= 0) row["hits"] = r.hits;
    rows.push_back(row);
  }
  json rss = json::object();
  for (const auto& c : children) rss[c.name] = c.vm_hwm_kb * 1024;
  return {{"meta", meta}, {"rows", rows}, {"peak_rss_bytes", rss}};
}

// The scale benches' rows (tests/bench/scale.h) in the table, held against their goals, and their
// peak RSS beside the services'.
void AddScaleReport(const huiyin::bench::ScaleReport& report, std::vector<Result>& results,
                    std::vector<Child>& processes) {
  for (const auto& row : report.rows) {
    Result r;
    r.operation = row.operation;
    r.limit = huiyin::bench::GoalOf(row.operation);
    r.unit = row.unit;
    r.ops = row.count;
    r.errors = row.errors;
    r.seconds = row.seconds;
    r.p50_ms = row.p50_ms;
    r.p99_ms = row.p99_ms;
    r.concurrency = row.clients;
    r.note = row.note;
    r.first_error = row.first_error;
    results.push_back(std::move(r));
  }
  for (const auto& [name, bytes] : report.peak_rss_bytes) {
    processes.push_back({name, -1, {}, bytes / 1024});
  }
  if (!report.error.empty()) {
    Result failed;
    failed.operation = "scale checks";
    failed.limit = "no goal";
    failed.errors = 1;
    failed.first_error = report.error;
    results.push_back(std::move(failed));
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg.rfind("--", 0) != 0) {
      std::cerr
          << "usage: huiyin-bench [--seconds=3] [--grpc_clients=16] [--connections=64]\n"
             "  [--items=0 (cap on submits per phase; 0: time only)] [--json=FILE]\n"
             "  [--seed_demo=true] [--stub_dir=DIR] [--workdir=DIR] [--keep_workdir=false]\n"
             "  scale (0 skips): [--scale_items=0 (figures, ledger)] [--similar_items=0\n"
             "    (FindSimilar)] [--public_items=0 (published records the stack starts on)]\n"
             "    [--scale_queries=200]\n"
             "  running stack instead of starting one: --intake=HOST:PORT --gateway=HOST:PORT\n"
             "    --credential=SECRET --jwt_secret_file=FILE (and for the year over gRPC\n"
             "    --assignment= --workflow= --supervision= --disclosure=HOST:PORT)\n"
             "  the year: [--year_items=10000] [--year_units=300] [--year_clients=48]\n"
             "    [--year_transports=grpc,rest] [--year_wait_seconds=120]\n"
             "  binaries: HUIYIN_{INTAKE,ASSIGNMENT,WORKFLOW,SUPERVISION,DISCLOSURE,GATEWAY}_BIN\n"
             "    or --intake_bin=… etc.\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      SetFlag(arg.substr(2), "true");
    } else {
      SetFlag(arg.substr(2, eq - 2), arg.substr(eq + 1));
    }
  }
  signal(SIGPIPE, SIG_IGN);
  const double seconds = DoubleFlag("seconds", 3);
  const int grpc_clients = IntFlag("grpc_clients", 16);
  const int connections = IntFlag("connections", 64);
  const int64_t items = IntFlag("items", 0);
  const bool connect = HasFlag("gateway");

  std::string workdir = Flag("workdir", "");
  if (workdir.empty()) {
    char tmpl[] = "/tmp/huiyin-bench-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::cerr << "huiyin-bench: cannot create a temporary directory\n";
      return 1;
    }
    workdir = tmpl;
  } else {
    mkdir(workdir.c_str(), 0700);
  }
  Progress("working directory " + workdir);

  std::vector<Result> results;
  std::map<std::string, double> rates;
  auto add = [&](Result r, const std::string& limit = "") {
    r.limit = limit;
    if (limit.empty()) rates[r.operation] = r.throughput();
    results.push_back(std::move(r));
  };

  // 1. The machine's limits.
  const std::string kGrpcLimit = "limit: empty gRPC call";
  const std::string kHttpLimit = "limit: minimal HTTP response";
  const std::string kRowLimit = "limit: SQLite commit, 1 row";
  const std::string kBatchLimit = "limit: SQLite commit, 100 rows";
  add(MeasureEmptyGrpc(grpc_clients, seconds));
  add(MeasureSqlite(workdir, 1, seconds));
  add(MeasureSqlite(workdir, 100, seconds));
  add(MeasureMinimalHttp(connections, seconds));

  // 1b. Scale (tests/bench/scale.h): supervision and intake at size in their own processes, and
  // the public store the stack's disclosure starts on.
  huiyin::bench::ScaleOptions scale_options;
  scale_options.scale_items = IntFlag("scale_items", 0);
  scale_options.similar_items = IntFlag("similar_items", 0);
  scale_options.public_items = IntFlag("public_items", 0);
  scale_options.queries = IntFlag("scale_queries", 200);
  scale_options.workdir = workdir;
  huiyin::bench::ScaleChecks scale(scale_options, Progress);
  std::vector<Child> scale_processes;
  AddScaleReport(scale.RunOfflineBenches(), results, scale_processes);
  if (!connect) AddScaleReport(scale.BuildPublicStore(), results, scale_processes);

  // 2. The stack.
  Stack stack(workdir);
  std::string error;
  if (connect) {
    stack.intake_address = Flag("intake", "127.0.0.1:7101");
    stack.gateway_address = Flag("gateway", "127.0.0.1:8080");
    stack.credential = Flag("credential", "");
    std::ifstream secret(Flag("jwt_secret_file", ""));
    std::stringstream s;
    s << secret.rdbuf();
    stack.jwt_secret = s.str();
    while (!stack.jwt_secret.empty() &&
           isspace(static_cast<unsigned char>(stack.jwt_secret.back()))) {
      stack.jwt_secret.pop_back();
    }
    Progress("using the running stack at " + stack.gateway_address);
  } else {
    Progress("starting the six services on fresh stores in " + workdir);
    if (!stack.Start(std::max(64, connections + 8), &error)) {
      std::cerr << "huiyin-bench: " << error << "\n" << stack.Logs();
      return 1;
    }
    if (BoolFlag("seed_demo", scale_options.public_items == 0)) {
      const char* env_stubs = std::getenv("HUIYIN_STUB_DIR");
      std::string stubs =
          Flag("stub_dir", env_stubs && *env_stubs ? env_stubs : workdir + "/python_stubs");
      if (!stack.SeedDemo(stubs, &error)) {
        std::cerr << "huiyin-bench: " << error << "\n";
        return 1;
      }
    }
  }
  if (!connect && scale_options.public_items > 0) {
    // Supervision follows disclosure's feed: the publications of the store built above are
    // applied before the public side is measured, not while.
    Progress("waiting for supervision to apply disclosure's feed");
    for (const auto& c : stack.children()) {
      if (c.name == "supervision" &&
          !scale.WaitForZero(c.ports.at("admin"),
                             "huiyin_supervision_feed_lag_events{source=\"disclosure\"}", 600)) {
        Progress("supervision did not catch up with disclosure's feed within 600 s");
      }
    }
  }
  auto gw_colon = stack.gateway_address.rfind(':');
  int gateway_port = std::atoi(stack.gateway_address.c_str() + gw_colon + 1);
  std::string gateway_host = stack.gateway_address.substr(0, gw_colon);

  // 2a. Durable SubmitItem over gRPC, as the congress office's system would call it.
  {
    auto channels = MakeChannels(stack.intake_address, grpc_clients);
    std::vector<std::unique_ptr<huiyin::intake::v1::IntakeService::Stub>> stubs;
    for (auto& c : channels) stubs.push_back(huiyin::intake::v1::IntakeService::NewStub(c));
    // Suggestions are registered by the congress office, proposals by the CPPCC office.
    const huiyin::Caller congress =
        huiyin::MakeCaller("persons/p-9005", huiyin::common::v1::ROLE_CONGRESS_OFFICE, "", "孙敏");
    const huiyin::Caller cppcc =
        huiyin::MakeCaller("persons/p-9105", huiyin::common::v1::ROLE_CPPCC_OFFICE, "", "周丽");
    std::string run_id = std::to_string(std::random_device{}());
    const auto cpu_before = stack.CpuSeconds();
    Result r = RunLoad(
        "SubmitItem over gRPC (durable)", grpc_clients, seconds, items,
        [&](int t, int64_t n, std::string* err) {
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          ctx.set_wait_for_ready(true);
          huiyin::intake::v1::SubmitItemRequest req;
          req.set_request_id(absl::StrCat("bench-g-", run_id, "-", n));
          FillItem(n, req.mutable_item());
          huiyin::AttachCaller(
              ctx, req.item().kind() == huiyin::intake::v1::ITEM_KIND_PROPOSAL ? cppcc : congress,
              stack.credential);
          huiyin::intake::v1::Item res;
          grpc::Status s = stubs[t]->SubmitItem(&ctx, req, &res);
          if (!s.ok()) {
            *err = absl::StrCat(s.error_code(), " ", s.error_message());
          } else if (res.name().empty()) {
            *err = "no name in the response";
            return false;
          }
          return s.ok();
        });
    r.note = absl::StrCat(
        "huiyin.intake.v1.IntakeService/SubmitItem as congress/CPPCC office, fresh request_id; ",
        CpuPerOperation(cpu_before, stack.CpuSeconds(), r.ops, "submit"));
    add(r, kGrpcLimit);
  }

  // 2b. Durable REST submit through the gateway, with a JWT as huiyin-token issues it.
  {
    // Suggestions as the congress office, proposals as the CPPCC office (as huiyin-token issues).
    std::string bearer[2];
    for (int proposal = 0; proposal < 2; ++proposal) {
      huiyin::gateway::TokenClaims claims;
      claims.subject = proposal ? "persons/p-9105" : "persons/p-9005";
      claims.role = proposal ? huiyin::common::v1::ROLE_CPPCC_OFFICE
                             : huiyin::common::v1::ROLE_CONGRESS_OFFICE;
      claims.name = proposal ? "周丽" : "孙敏";
      auto token =
          huiyin::gateway::IssueHs256Token(claims, stack.jwt_secret, absl::Now(), absl::Hours(2));
      if (!token.ok()) {
        std::cerr << "huiyin-bench: cannot issue a token: " << token.status() << "\n";
        return 1;
      }
      bearer[proposal] = "Bearer " + *token;
    }
    auto clients = MakeHttpClients(gateway_port, connections);
    (void)gateway_host;
    std::string run_id = std::to_string(std::random_device{}());
    const auto cpu_before = stack.CpuSeconds();
    Result r = RunLoad(
        "POST /v1/items via gateway (durable)", connections, seconds, items,
        [&](int t, int64_t n, std::string* err) {
          json request = ItemJson(n, absl::StrCat("bench-r-", run_id, "-", n));
          bool proposal = request["item"]["kind"] == "ITEM_KIND_PROPOSAL";
          httplib::Headers headers = {{"Authorization", bearer[proposal ? 1 : 0]}};
          auto res = clients[t]->Post("/v1/items", headers, request.dump(), "application/json");
          if (!res) {
            *err = httplib::to_string(res.error());
            return false;
          }
          if (res->status != 200) {
            *err = absl::StrCat("HTTP ", res->status, ": ", res->body.substr(0, 200));
            return false;
          }
          return true;
        });
    r.note =
        absl::StrCat("JWT (HS256) congress/CPPCC office; gateway → intake gRPC → one durable row; ",
                     CpuPerOperation(cpu_before, stack.CpuSeconds(), r.ops, "submit"));
    add(r, kHttpLimit);
  }

  // 3. The public side, anonymous, at `connections` keep-alive connections.
  {
    auto clients = MakeHttpClients(gateway_port, connections);
    std::string body, probe_error;
    std::string detail_path;
    int64_t published = 0;
    if (HttpGet(*clients[0], "/v1/public/disclosures?pageSize=20", &probe_error, &body)) {
      json list = json::parse(body, nullptr, false);
      if (list.is_object() && list.contains("disclosures")) {
        published = static_cast<int64_t>(list["disclosures"].size());
        if (published > 0) detail_path = "/v1/public/" + list["disclosures"][0].value("name", "");
      }
    }
    Progress(absl::StrCat("public side: ", published, " published record(s) on the first page"));
    auto reads = [&](const std::string& name, const std::string& path) {
      const auto cpu_before = stack.CpuSeconds();
      Result r = RunLoad(name, connections, seconds, 0, [&](int t, int64_t, std::string* err) {
        return HttpGet(*clients[t], path, err);
      });
      r.note = absl::StrCat("GET ", path, "; ", published,
                            " published record(s) on the first list page; ",
                            CpuPerOperation(cpu_before, stack.CpuSeconds(), r.ops, "read"));
      add(r, kHttpLimit);
    };
    reads("public list", "/v1/public/disclosures?pageSize=20");
    if (!detail_path.empty()) {
      reads("public detail", detail_path);
    } else {
      Result r;
      r.operation = "public detail";
      r.errors = 1;
      r.first_error = "no published record to read";
      r.limit = kHttpLimit;
      r.concurrency = connections;
      results.push_back(r);
    }
    for (const auto& [label, term] : std::vector<std::pair<std::string, std::string>>{
             {"public search, 2 chars", "物业"}, {"public search, 4 chars", "老旧小区"}}) {
      std::string path = "/v1/public/disclosures?pageSize=20&q=" + UrlEncode(term);
      int64_t hits = -1;
      if (HttpGet(*clients[0], path, &probe_error, &body)) {
        json list = json::parse(body, nullptr, false);
        hits = list.is_object() && list.contains("disclosures")
                   ? static_cast<int64_t>(list["disclosures"].size())
                   : 0;
      }
      reads(label + " (" + term + ")", path);
      results.back().note += absl::StrCat("; ", hits, " hit(s) for ", term);
      results.back().hits = hits;
      if (scale_options.public_items > 0 && !connect) {
        int64_t found = 0;
        const std::string wrong = scale.CheckSearch(*clients[0], term, &found);
        results.back().note += absl::StrCat("; over ", scale_options.public_items,
                                            " published records: ", found, " results, checked");
        if (!wrong.empty()) {
          ++results.back().errors;
          results.back().first_error = wrong;
        }
      }
    }
  }

  // 3b. The same searches straight from huiyin-disclosure over gRPC, anonymous: the gateway
  // answers a repeated URL from its cache of public responses, so the rows above say what the
  // public sees and these what a search costs uncached (huiyin-disclosure caches nothing).
  if (!stack.Address("disclosure").empty()) {
    auto channels = MakeChannels(stack.Address("disclosure"), grpc_clients);
    std::vector<std::unique_ptr<huiyin::disclosure::v1::DisclosureService::Stub>> stubs;
    for (auto& c : channels) stubs.push_back(huiyin::disclosure::v1::DisclosureService::NewStub(c));
    for (const auto& [label, term] : std::vector<std::pair<std::string, std::string>>{
             {"2 chars", "物业"}, {"4 chars", "老旧小区"}}) {
      const auto cpu_before = stack.CpuSeconds();
      Result r =
          RunLoad(absl::StrCat("public search, ", label, " (", term, "), disclosure over gRPC"),
                  grpc_clients, seconds, 0, [&](int t, int64_t, std::string* err) {
                    grpc::ClientContext ctx;
                    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
                    huiyin::disclosure::v1::ListPublicDisclosuresRequest req;
                    req.set_query(term);
                    req.set_page_size(20);
                    huiyin::disclosure::v1::ListPublicDisclosuresResponse res;
                    grpc::Status s = stubs[t]->ListPublicDisclosures(&ctx, req, &res);
                    if (!s.ok()) *err = absl::StrCat(s.error_code(), " ", s.error_message());
                    return s.ok();
                  });
      r.note = absl::StrCat("ListPublicDisclosures q=", term,
                            ", first page of 20, anonymous, no gateway and no cache; ",
                            CpuPerOperation(cpu_before, stack.CpuSeconds(), r.ops, "search"));
      add(r, kGrpcLimit);
    }
  }

  // 4. The synthetic year, over gRPC and over REST, held against its goal.
  rates[huiyin::bench::kYearGoal] = huiyin::bench::kYearGoalItemsPerSecond;
  for (Result& r : huiyin::bench::RunYears(stack)) results.push_back(std::move(r));

  stack.Stop();
  std::vector<Child> processes = stack.children();
  processes.insert(processes.end(), scale_processes.begin(), scale_processes.end());
  PrintTable(results, processes, rates);
  huiyin::bench::PrintYearSummary(results);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  json meta = {{"host", host},
               {"cores", std::thread::hardware_concurrency()},
               {"seconds_per_operation", seconds},
               {"grpc_clients", grpc_clients},
               {"connections", connections},
               {"items_cap", items},
               {"scale_items", scale_options.scale_items},
               {"similar_items", scale_options.similar_items},
               {"public_items", scale_options.public_items},
               {"started_stack", !connect},
               {"workdir", workdir}};
  std::string json_path = Flag("json", "");
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << ResultsJson(results, processes, rates, meta).dump(2) << "\n";
    if (!out) {
      std::cerr << "huiyin-bench: cannot write " << json_path << "\n";
      return 1;
    }
    Progress("wrote " + json_path);
  }
  if (!BoolFlag("keep_workdir", false) && !HasFlag("workdir")) {
    std::system(absl::StrCat("rm -rf '", workdir, "'").c_str());
  }
  int64_t failed = 0;
  for (const auto& r : results) failed += (r.ops == 0 || r.errors > 0) ? 1 : 0;
  if (failed) Progress(absl::StrCat(failed, " operation(s) had errors or no successful call"));
  return failed ? 3 : 0;
}

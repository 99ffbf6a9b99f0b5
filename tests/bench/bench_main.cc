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
// and 4 characters). Prints one table, peak RSS of each service it started, and the same as JSON.
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/identity/caller.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/gateway/auth.h"
#include "tests/bench/scale.h"

#ifndef HUIYIN_SOURCE_DIR
#define HUIYIN_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Flags: --name=value, every one with a default so that a bare run works.
std::map<std::string, std::string> g_flags;

std::string Flag(const std::string& name, const std::string& fallback) {
  auto it = g_flags.find(name);
  return it == g_flags.end() ? fallback : it->second;
}
int IntFlag(const std::string& name, int fallback) {
  auto it = g_flags.find(name);
  return it == g_flags.end() ? fallback : std::atoi(it->second.c_str());
}
double DoubleFlag(const std::string& name, double fallback) {
  auto it = g_flags.find(name);
  return it == g_flags.end() ? fallback : std::atof(it->second.c_str());
}
bool BoolFlag(const std::string& name, bool fallback) {
  auto it = g_flags.find(name);
  if (it == g_flags.end()) return fallback;
  return it->second != "false" && it->second != "0" && it->second != "no";
}

void Progress(const std::string& message) {
  std::cerr << "[huiyin-bench] " << message << std::endl;
}

// ---------------------------------------------------------------------------------------------
// A load: `threads` workers each calling op(thread, n) until `seconds` pass or `max_ops` calls
// are made in all; every call's latency is kept, so p50 and p99 are exact.
struct Result {
  std::string operation;
  std::string limit;  // the row this one is held against ("" for a limit itself)
  std::string unit = "ops";
  int64_t ops = 0;      // successful operations
  int64_t errors = 0;   // failed ones (counted, not timed into the percentiles)
  int64_t units_per_op = 1;  // rows per operation for the batch commit
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  int concurrency = 1;
  std::string note;
  std::string first_error;
  int64_t hits = -1;  // results of the first call, for searches (-1: not a search)
  double throughput() const { return seconds > 0 ? ops * units_per_op / seconds : 0; }
};

using Op = std::function<bool(int thread, int64_t n, std::string* error)>;

Result RunLoad(const std::string& name, int threads, double seconds, int64_t max_ops, Op op) {
  Progress(absl::StrFormat("%s: %d client(s), up to %.1f s%s", name, threads, seconds,
                           max_ops > 0 ? absl::StrCat(" or ", max_ops, " ops") : ""));
  std::vector<std::vector<float>> latencies(threads);
  std::atomic<int64_t> next{0}, errors{0};
  std::mutex error_mu;
  std::string first_error;
  auto start = Clock::now();
  auto stop_at = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      latencies[t].reserve(1 << 16);
      while (Clock::now() < stop_at) {
        int64_t n = next.fetch_add(1);
        if (max_ops > 0 && n >= max_ops) break;
        std::string error;
        auto begin = Clock::now();
        bool ok = op(t, n, &error);
        auto end = Clock::now();
        if (ok) {
          latencies[t].push_back(std::chrono::duration<float, std::milli>(end - begin).count());
        } else {
          errors.fetch_add(1);
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.empty()) first_error = error;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<float> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.operation = name;
  r.ops = static_cast<int64_t>(all.size());
  r.errors = errors.load();
  r.seconds = elapsed;
  r.concurrency = threads;
  r.first_error = first_error;
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  Progress(absl::StrFormat("%s: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors%s", name,
                           r.throughput(), r.p50_ms, r.p99_ms, r.errors,
                           first_error.empty() ? "" : " (first: " + first_error + ")"));
  return r;
}

// ---------------------------------------------------------------------------------------------
// Limit 1: an empty unary gRPC call. The client side is set up exactly as for SubmitItem below:
// one channel (its own HTTP/2 connection) per client thread.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& address, int n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("grpc.bench_channel_id", i);  // distinct arguments: a connection of its own
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  // Connected before the clock starts: a connection set up under load may fail once and leave
  // its channel in backoff, which would count as errors rather than as the call being measured.
  for (auto& c : channels) {
    c->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  return channels;
}

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
                       ctx.set_deadline(std::chrono::system_clock::now() +
                                        std::chrono::seconds(5));
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
  std::string name = rows_per_commit == 1 ? "limit: SQLite commit, 1 row"
                                          : absl::StrCat("limit: SQLite commit, ", rows_per_commit,
                                                         " rows");
  std::string path = absl::StrCat(dir, "/limit-", rows_per_commit, ".db");
  sqlite3* db = nullptr;
  std::string error;
  Result r;
  r.operation = name;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
      !Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                "CREATE TABLE items(id INTEGER PRIMARY KEY, request_id TEXT UNIQUE, title TEXT,"
                " body TEXT, created INTEGER)", &error)) {
    r.errors = 1;
    r.first_error = error.empty() ? "cannot open " + path : error;
    sqlite3_close(db);
    return r;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO items(request_id, title, body, created) VALUES(?,?,?,?)",
                     -1, &insert, nullptr);
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

// One keep-alive client per thread, as a browser or a load balancer holds its connections.
std::vector<std::unique_ptr<httplib::Client>> MakeHttpClients(int port, int n) {
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(10, 0);
    c->set_write_timeout(10, 0);
    clients.push_back(std::move(c));
  }
  return clients;
}

bool HttpGet(httplib::Client& client, const std::string& path, std::string* error,
             std::string* body = nullptr) {
  auto res = client.Get(path);
  if (!res) {
    *error = httplib::to_string(res.error());
    return false;
  }
  if (res->status != 200) {
    *error = absl::StrCat("HTTP ", res->status, ": ", res->body.substr(0, 200));
    return false;
  }
  if (body) *body = res->body;
  return true;
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
  Result r = RunLoad("limit: minimal HTTP response", connections, seconds, 0,
                     [&](int t, int64_t, std::string* error) {
                       return HttpGet(*clients[t], "/", error);
                     });
  r.note = "cpp-httplib, keep-alive, TCP_NODELAY, pool of connections+4 threads";
  clients.clear();
  server.stop();
  listener.join();
  return r;
}

// ---------------------------------------------------------------------------------------------
// The stack: the six binaries started on fresh stores, or addresses of running ones.
struct Child {
  std::string name;
  pid_t pid = -1;
  std::map<std::string, int> ports;
  int64_t vm_hwm_kb = -1;
};

std::map<std::string, int> ReadPortFile(const std::string& path) {
  std::map<std::string, int> ports;
  std::ifstream in(path);
  std::string field;
  while (in >> field) {
    auto eq = field.find('=');
    if (eq != std::string::npos) ports[field.substr(0, eq)] = std::atoi(field.c_str() + eq + 1);
  }
  return ports;
}

int64_t VmHwmKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

class Stack {
 public:
  explicit Stack(std::string workdir) : workdir_(std::move(workdir)) {}
  ~Stack() { Stop(); }

  std::string credential, jwt_secret, intake_address, gateway_address;

  static std::string Bin(const std::string& service) {
    std::string env = "HUIYIN_" + service + "_BIN";
    for (auto& c : env) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* value = std::getenv(env.c_str());
    if (value && *value) return value;
    return Flag(service + "_bin", "");
  }

  bool Start(int http_threads, std::string* error) {
    credential = RandomToken(32);
    jwt_secret = RandomToken(48);
    std::ofstream(workdir_ + "/jwt.secret") << jwt_secret;
    std::string intake, assignment, workflow, disclosure, supervision;
    auto addr = [](const Child& c) { return absl::StrCat("127.0.0.1:", c.ports.at("grpc")); };
    if (!Launch("intake", {}, error)) return false;
    intake = addr(children_.back());
    if (!Launch("assignment", {"--assignment.intake_address=" + intake}, error)) return false;
    assignment = addr(children_.back());
    // The demo's periods, as run.sh sets them: the calendar ships up to 2026 and refuses 2027.
    if (!Launch("workflow", {"--workflow.intake_address=" + intake,
                             "--workflow.assignment_address=" + assignment,
                             "--workflow.co_opinion_working_days=20",
                             "--workflow.second_handling_months=1"}, error)) {
      return false;
    }
    workflow = addr(children_.back());
    if (!Launch("disclosure", {"--disclosure.intake_address=" + intake,
                               "--disclosure.workflow_address=" + workflow}, error)) {
      return false;
    }
    disclosure = addr(children_.back());
    if (!Launch("supervision", {"--supervision.intake_address=" + intake,
                                "--supervision.assignment_address=" + assignment,
                                "--supervision.workflow_address=" + workflow,
                                "--supervision.disclosure_address=" + disclosure}, error)) {
      return false;
    }
    supervision = addr(children_.back());
    if (!Launch("gateway",
                {"--gateway.http_address=127.0.0.1:0", "--gateway.intake_address=" + intake,
                 "--gateway.assignment_address=" + assignment,
                 "--gateway.workflow_address=" + workflow,
                 "--gateway.supervision_address=" + supervision,
                 "--gateway.disclosure_address=" + disclosure,
                 "--gateway.jwt_hs256_secret_file=" + workdir_ + "/jwt.secret",
                 // A benchmark is one client at thousands of requests a second: no rate limit.
                 "--gateway.rate_limit_per_second=100000000",
                 "--gateway.rate_limit_burst=100000000",
                 absl::StrCat("--gateway.http_threads=", http_threads)},
                error)) {
      return false;
    }
    intake_address = intake;
    gateway_address = absl::StrCat("127.0.0.1:", children_.back().ports.at("http"));
    addresses_ = {{"intake", intake},         {"assignment", assignment},
                  {"workflow", workflow},     {"disclosure", disclosure},
                  {"supervision", supervision}};
    // Ready when the gateway says so.
    httplib::Client probe("127.0.0.1", children_.back().ports.at("http"));
    for (int i = 0; i < 200; ++i) {
      auto res = probe.Get("/readyz");
      if (res && res->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    *error = "the gateway's /readyz did not become 200 within 10 s";
    return false;
  }

  // The demo data (deploy/local/demo_*.py) carried through its whole life, so that the public
  // side has published records to read.
  bool SeedDemo(const std::string& stub_dir, std::string* error) {
    const std::vector<std::pair<std::string, std::string>> scripts = {
        {"demo_data.py", "intake"}, {"demo_assignment.py", "assignment"},
        {"demo_workflow.py", "workflow"}, {"demo_disclosure.py", "disclosure"}};
    for (const auto& [script, service] : scripts) {
      Progress("seeding the public side: " + script);
      std::string command = absl::StrCat(
          "/usr/bin/python3 '", HUIYIN_SOURCE_DIR, "/deploy/local/", script, "' --address ",
          addresses_[service], " --credential='", credential, "' --stub-dir '", stub_dir,
          "' >>'", workdir_, "/demo.log' 2>&1");
      if (std::system(command.c_str()) != 0) {
        *error = absl::StrCat(script, " failed; see ", workdir_, "/demo.log");
        return false;
      }
    }
    return true;
  }

  void SampleRss() {
    for (auto& c : children_) {
      if (c.pid > 0) c.vm_hwm_kb = std::max(c.vm_hwm_kb, VmHwmKb(c.pid));
    }
  }
  const std::vector<Child>& children() const { return children_; }

  void Stop() {
    SampleRss();
    for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
      if (it->pid <= 0) continue;
      kill(it->pid, SIGTERM);
      int status = 0;
      for (int i = 0; i < 150 && waitpid(it->pid, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (waitpid(it->pid, &status, WNOHANG) == 0) {
        kill(it->pid, SIGKILL);
        waitpid(it->pid, &status, 0);
      }
      it->pid = -1;
    }
  }

  std::string Logs() const {
    std::string out;
    for (const auto& c : children_) {
      std::ifstream in(workdir_ + "/" + c.name + ".log");
      std::stringstream s;
      s << in.rdbuf();
      std::string text = s.str();
      if (text.size() > 2000) text = text.substr(text.size() - 2000);
      out += "--- " + c.name + ".log\n" + text + "\n";
    }
    return out;
  }

 private:
  static std::string RandomToken(int n) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < n; ++i) s += kAlphabet[rd() % 64];
    return s;
  }

  bool Launch(const std::string& service, std::vector<std::string> flags, std::string* error) {
    std::string bin = Bin(service);
    if (bin.empty() || access(bin.c_str(), X_OK) != 0) {
      *error = absl::StrCat("no executable for huiyin-", service, ": set HUIYIN_",
                            service == "intake" ? "INTAKE" : service, "_BIN or --", service,
                            "_bin");
      return false;
    }
    std::string port_file = workdir_ + "/" + service + ".ports";
    std::vector<std::string> argv = {bin, "--server.port_file=" + port_file,
                                     "--server.drain_seconds=1"};
    if (service != "gateway") {
      argv.push_back("--server.grpc_address=127.0.0.1:0");
      argv.push_back("--server.admin_address=127.0.0.1:0");
      argv.push_back("--server.database_path=" + workdir_ + "/" + service + ".db");
    }
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::string log = workdir_ + "/" + service + ".log";
    std::string env_credential = "HUIYIN_SERVER_INTERNAL_CREDENTIAL=" + credential;
    pid_t pid = fork();
    if (pid == 0) {
      FILE* out = std::fopen(log.c_str(), "a");
      if (out) {
        dup2(fileno(out), 2);
        dup2(fileno(out), 1);
      }
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      putenv(env_credential.data());
      execv(bin.c_str(), args.data());
      _exit(127);
    }
    Child child;
    child.name = service;
    child.pid = pid;
    children_.push_back(child);
    for (int i = 0; i < 1000; ++i) {  // 10 s
      struct stat st;
      if (stat(port_file.c_str(), &st) == 0) {
        children_.back().ports = ReadPortFile(port_file);
        bool ok = service == "gateway" ? children_.back().ports.count("http") > 0
                                       : children_.back().ports.count("grpc") > 0;
        if (ok) return true;
      }
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        children_.back().pid = -1;
        *error = absl::StrCat("huiyin-", service, " exited before writing its port file");
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    *error = absl::StrCat("huiyin-", service, " did not write its port file within 10 s");
    return false;
  }

  std::string workdir_;
  std::vector<Child> children_;
  std::map<std::string, std::string> addresses_;
};

// ---------------------------------------------------------------------------------------------
// Realistic items: titles and bodies from templates over the categories of DOMAIN.md.
struct Template {
  const char* category;
  const char* title;  // {place} is replaced
  const char* body;
};
const Template kTemplates[] = {
    {"城乡建设", "关于加快{place}农贸市场提升改造的建议",
     "{place}农贸市场棚顶漏雨、排水沟常年堵塞，活禽与蔬菜混杂，群众反映强烈。建议明确改造时间表，"
     "改造期间设置临时过渡市场，并同步规划停车和垃圾分类设施。"},
    {"社会管理", "关于加强{place}老旧小区物业管理的建议",
     "{place}老旧小区无物业、弃管现象突出，楼道堆物、违章搭建、电动车飞线充电等安全隐患多。"
     "建议由街道牵头引入专业物业服务，建立业主委员会，财政给予过渡期补贴。"},
    {"农村基础设施", "关于改造{place}县道的建议",
     "{place}县道路面破损严重，雨季坑洼积水，农产品运输和学生上学出行困难。建议列入年度农村公路"
     "提质改造计划，拓宽路基，增设错车道和安全防护设施。"},
    {"生态环境", "关于加强{place}水环境治理的建议",
     "{place}河段沿岸生活污水直排、垃圾堆积，汛期水质明显下降。建议完善截污管网，开展河道清淤，"
     "落实河长制巡河责任，定期公开水质监测结果。"},
    {"民生保障", "关于加强{place}卫生院医疗力量的建议",
     "{place}卫生院医生不足、设备老化，群众看病需往返县城。建议通过县域医共体下派医生，"
     "更新检查设备，开通远程会诊，并落实基层医务人员待遇保障。"},
    {"产业发展", "关于做大做强{place}茶产业的提案",
     "{place}高山茶品质优良但品牌小散弱，加工能力不足。建议整合区域公用品牌，扶持龙头企业，"
     "建设标准化初制所，拓展电商销售渠道，带动茶农增收。"},
    {"教育", "关于稳定{place}乡村教师队伍的提案",
     "{place}乡村学校教师流失严重，结构性缺编突出。建议落实乡村教师生活补助和周转房，"
     "在职称评聘上予以倾斜，推进城乡教师交流轮岗。"},
    {"交通", "关于缓解{place}停车难问题的建议",
     "{place}停车位严重不足，占道停车导致交通拥堵。建议利用闲置地块建设公共停车场，"
     "推行错时共享停车，加强智慧停车系统建设和违停治理。"},
};
const char* kPlaces[] = {"南关", "城关镇", "青石镇", "双河乡", "柳河镇", "东关街道",
                         "西城街道", "白塔乡", "石门镇", "清水河", "北山乡", "新华街道"};
const char* kNames[] = {"刘桂芳", "王建国", "赵德明", "李秀英", "张伟", "陈静", "杨帆", "黄丽"};

std::string Replace(std::string text, const std::string& place) {
  for (size_t at; (at = text.find("{place}")) != std::string::npos;) text.replace(at, 7, place);
  return text;
}

void FillItem(int64_t n, huiyin::intake::v1::Item* item) {
  const Template& t = kTemplates[n % (sizeof kTemplates / sizeof kTemplates[0])];
  std::string place = kPlaces[(n / 8) % (sizeof kPlaces / sizeof kPlaces[0])];
  bool proposal = std::string(t.title).find("提案") != std::string::npos;
  item->set_kind(proposal ? huiyin::intake::v1::ITEM_KIND_PROPOSAL
                          : huiyin::intake::v1::ITEM_KIND_SUGGESTION);
  item->set_session(proposal ? "政协县第十一届委员会第五次会议" : "县第十八届人民代表大会第六次会议");
  item->set_year(2026);
  item->set_title(Replace(t.title, place));
  item->set_body(Replace(t.body, place));
  item->set_category(t.category);
  item->set_channel(proposal ? huiyin::intake::v1::CHANNEL_CPPCC_ONLINE
                             : huiyin::intake::v1::CHANNEL_CONGRESS_SYSTEM);
  auto* lead = item->mutable_lead_proposer();
  lead->set_person(absl::StrCat("persons/p-", 5000 + n % 400));
  lead->set_name(kNames[n % (sizeof kNames / sizeof kNames[0])]);
  lead->set_group(proposal ? "经济界" : absl::StrCat(place, "代表团"));
}

json ItemJson(int64_t n, const std::string& request_id) {
  huiyin::intake::v1::Item item;
  FillItem(n, &item);
  bool proposal = item.kind() == huiyin::intake::v1::ITEM_KIND_PROPOSAL;
  return {{"requestId", request_id},
          {"item",
           {{"kind", proposal ? "ITEM_KIND_PROPOSAL" : "ITEM_KIND_SUGGESTION"},
            {"session", item.session()},
            {"year", item.year()},
            {"title", item.title()},
            {"body", item.body()},
            {"category", item.category()},
            {"channel", proposal ? "CHANNEL_CPPCC_ONLINE" : "CHANNEL_CONGRESS_SYSTEM"},
            {"leadProposer",
             {{"person", item.lead_proposer().person()},
              {"name", item.lead_proposer().name()},
              {"group", item.lead_proposer().group()}}}}}};
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += absl::StrFormat("%%%02X", c);
    }
  }
  return out;
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
                r.concurrency, r.throughput(), r.p50_ms, r.p99_ms,
                static_cast<long long>(r.errors), ratio.c_str(),
                r.limit.empty() ? "(limit)" : r.limit.c_str());
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
             "    --credential=SECRET --jwt_secret_file=FILE\n"
             "  binaries: HUIYIN_{INTAKE,ASSIGNMENT,WORKFLOW,SUPERVISION,DISCLOSURE,GATEWAY}_BIN\n"
             "    or --intake_bin=… etc.\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      g_flags[arg.substr(2)] = "true";
    } else {
      g_flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
  }
  signal(SIGPIPE, SIG_IGN);
  const double seconds = DoubleFlag("seconds", 3);
  const int grpc_clients = IntFlag("grpc_clients", 16);
  const int connections = IntFlag("connections", 64);
  const int64_t items = IntFlag("items", 0);
  const bool connect = g_flags.count("gateway") > 0;

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
    while (!stack.jwt_secret.empty() && isspace(static_cast<unsigned char>(stack.jwt_secret.back()))) {
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
      std::string stubs = Flag("stub_dir", env_stubs && *env_stubs ? env_stubs
                                                                  : workdir + "/python_stubs");
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
    const huiyin::Caller congress = huiyin::MakeCaller(
        "persons/p-9005", huiyin::common::v1::ROLE_CONGRESS_OFFICE, "", "孙敏");
    const huiyin::Caller cppcc = huiyin::MakeCaller(
        "persons/p-9105", huiyin::common::v1::ROLE_CPPCC_OFFICE, "", "周丽");
    std::string run_id = std::to_string(std::random_device{}());
    Result r = RunLoad("SubmitItem over gRPC (durable)", grpc_clients, seconds, items,
                       [&](int t, int64_t n, std::string* err) {
                         grpc::ClientContext ctx;
                         ctx.set_deadline(std::chrono::system_clock::now() +
                                          std::chrono::seconds(10));
                         ctx.set_wait_for_ready(true);
                         huiyin::intake::v1::SubmitItemRequest req;
                         req.set_request_id(absl::StrCat("bench-g-", run_id, "-", n));
                         FillItem(n, req.mutable_item());
                         huiyin::AttachCaller(
                             ctx,
                             req.item().kind() == huiyin::intake::v1::ITEM_KIND_PROPOSAL ? cppcc
                                                                                      : congress,
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
    r.note = "huiyin.intake.v1.IntakeService/SubmitItem as congress/CPPCC office, fresh request_id";
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
      auto token = huiyin::gateway::IssueHs256Token(claims, stack.jwt_secret, absl::Now(),
                                                    absl::Hours(2));
      if (!token.ok()) {
        std::cerr << "huiyin-bench: cannot issue a token: " << token.status() << "\n";
        return 1;
      }
      bearer[proposal] = "Bearer " + *token;
    }
    auto clients = MakeHttpClients(gateway_port, connections);
    (void)gateway_host;
    std::string run_id = std::to_string(std::random_device{}());
    Result r = RunLoad("POST /v1/items via gateway (durable)", connections, seconds, items,
                       [&](int t, int64_t n, std::string* err) {
                         json request = ItemJson(n, absl::StrCat("bench-r-", run_id, "-", n));
                         bool proposal = request["item"]["kind"] == "ITEM_KIND_PROPOSAL";
                         httplib::Headers headers = {{"Authorization", bearer[proposal ? 1 : 0]}};
                         auto res = clients[t]->Post("/v1/items", headers, request.dump(),
                                                     "application/json");
                         if (!res) {
                           *err = httplib::to_string(res.error());
                           return false;
                         }
                         if (res->status != 200) {
                           *err = absl::StrCat("HTTP ", res->status, ": ",
                                               res->body.substr(0, 200));
                           return false;
                         }
                         return true;
                       });
    r.note = "JWT (HS256) congress/CPPCC office; gateway → intake gRPC → one durable row";
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
      Result r = RunLoad(name, connections, seconds, 0, [&](int t, int64_t, std::string* err) {
        return HttpGet(*clients[t], path, err);
      });
      r.note = absl::StrCat("GET ", path, "; ", published,
                            " published record(s) on the first list page");
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
    for (const auto& [label, term] :
         std::vector<std::pair<std::string, std::string>>{{"public search, 2 chars", "物业"},
                                                           {"public search, 4 chars", "老旧小区"}}) {
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

  stack.Stop();
  std::vector<Child> processes = stack.children();
  processes.insert(processes.end(), scale_processes.begin(), scale_processes.end());
  PrintTable(results, processes, rates);
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
  if (!BoolFlag("keep_workdir", false) && !g_flags.count("workdir")) {
    std::system(absl::StrCat("rm -rf '", workdir, "'").c_str());
  }
  int64_t failed = 0;
  for (const auto& r : results) failed += (r.ops == 0 || r.errors > 0) ? 1 : 0;
  if (failed) Progress(absl::StrCat(failed, " operation(s) had errors or no successful call"));
  return failed ? 3 : 0;
}

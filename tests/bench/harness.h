// The pieces of huiyin-bench that its phases share: flags, progress, a timed load (RunLoad) and
// its Result row, clients for gRPC and HTTP, the six services started on fresh stores (Stack),
// and realistic items generated from templates over the categories of DOMAIN.md.
//
//   Stack stack(workdir);
//   if (!stack.Start(72, &error)) ...;
//   auto channels = MakeChannels(stack.intake_address, 16);
//   Result r = RunLoad("SubmitItem", 16, 3.0, 0, [&](int t, int64_t n, std::string* error) {
//     ...  // one call; false and *error on failure
//   });
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "nlohmann/json.hpp"

namespace huiyin::bench {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// Flags: --name=value, every one with a default so that a bare run works.
void SetFlag(const std::string& name, const std::string& value);
bool HasFlag(const std::string& name);
std::string Flag(const std::string& name, const std::string& fallback);
int IntFlag(const std::string& name, int fallback);
double DoubleFlag(const std::string& name, double fallback);
bool BoolFlag(const std::string& name, bool fallback);

// A line on stderr while the bench runs.
void Progress(const std::string& message);

// One row of the table and of the JSON.
struct Result {
  std::string operation;
  std::string limit;  // the row this one is held against ("" for a limit itself)
  std::string unit = "ops";
  int64_t ops = 0;           // successful operations
  int64_t errors = 0;        // failed ones (counted, not timed into the percentiles)
  int64_t units_per_op = 1;  // rows per operation for the batch commit
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  int concurrency = 1;
  std::string note;
  std::string first_error;
  int64_t hits = -1;  // results of the first call, for searches (-1: not a search)
  double throughput() const { return seconds > 0 ? ops * units_per_op / seconds : 0; }
};

// Where a phase's CPU went, from two Stack::CpuSeconds() samples around it: milliseconds of CPU
// per operation in each process (the bench's own clients included), and the rate that total
// would allow with every core busy: "CPU ms per item: intake 1.20, …; total 9.80 ms, at most
// 204/s on 2 cores".
std::string CpuPerOperation(const std::map<std::string, double>& before,
                            const std::map<std::string, double>& after, int64_t operations,
                            const std::string& operation);

using Op = std::function<bool(int thread, int64_t n, std::string* error)>;

// A load: `threads` workers each calling op(thread, n) until `seconds` pass or `max_ops` calls
// are made in all; every call's latency is kept, so p50 and p99 are exact. With `seconds` =
// kNoTimeLimit, only the count stops it.
inline constexpr double kNoTimeLimit = 1e9;
Result RunLoad(const std::string& name, int threads, double seconds, int64_t max_ops, Op op);

// A row from the latencies (ms) of the successful calls, the count of failed ones, and the
// seconds the calls were spread over.
Result Summarize(const std::string& name, std::vector<float> latencies_ms, int64_t errors,
                 double seconds, int concurrency);

// `n` channels to `address`, each its own HTTP/2 connection, connected before they are returned.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& address, int n);

// One keep-alive client per thread, as a browser or a load balancer holds its connections.
std::vector<std::unique_ptr<httplib::Client>> MakeHttpClients(int port, int n);
bool HttpGet(httplib::Client& client, const std::string& path, std::string* error,
             std::string* body = nullptr);

// The stack: the six binaries started on fresh stores, or addresses of running ones.
struct Child {
  std::string name;
  pid_t pid = -1;
  std::map<std::string, int> ports;
  int64_t vm_hwm_kb = -1;
};

class Stack {
 public:
  explicit Stack(std::string workdir) : workdir_(std::move(workdir)) {}
  ~Stack() { Stop(); }

  std::string credential, jwt_secret, intake_address, gateway_address;

  // The gRPC address of a service ("assignment"): the one started, or for a running stack the
  // flag --<service>=HOST:PORT ("" when not given).
  std::string Address(const std::string& service) const;

  // The binary of a service: $HUIYIN_<SERVICE>_BIN or --<service>_bin.
  static std::string Bin(const std::string& service);

  // Starts the six services on free ports, waiting until the gateway is ready.
  bool Start(int http_threads, std::string* error);
  // The demo data (deploy/local/demo_*.py) carried through its whole life, so that the public
  // side has published records to read.
  bool SeedDemo(const std::string& stub_dir, std::string* error);

  void SampleRss();
  // CPU time (user + system) used so far by each service started, and by this process as
  // "bench", in seconds: differences over a phase say where its CPU went.
  std::map<std::string, double> CpuSeconds() const;
  const std::vector<Child>& children() const { return children_; }
  void Stop();
  // The tail of every service's log, for a failed start.
  std::string Logs() const;

 private:
  static std::string RandomToken(int n);
  bool Launch(const std::string& service, std::vector<std::string> flags, std::string* error);

  std::string workdir_;
  std::vector<Child> children_;
  std::map<std::string, std::string> addresses_;
};

// Realistic items: titles and bodies from templates over the categories of DOMAIN.md. Item `n`
// is a suggestion or a proposal (as its template says) registered by the congress or CPPCC
// office, with one of 400 lead proposers.
void FillItem(int64_t n, intake::v1::Item* item);
json ItemJson(int64_t n, const std::string& request_id);

std::string UrlEncode(const std::string& s);

}  // namespace huiyin::bench

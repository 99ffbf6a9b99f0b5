#include "tests/bench/harness.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

#ifndef HUIYIN_SOURCE_DIR
#define HUIYIN_SOURCE_DIR "."
#endif

namespace huiyin::bench {
namespace {

std::map<std::string, std::string> g_flags;

}  // namespace

void SetFlag(const std::string& name, const std::string& value) { g_flags[name] = value; }
bool HasFlag(const std::string& name) { return g_flags.count(name) > 0; }

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

Result RunLoad(const std::string& name, int threads, double seconds, int64_t max_ops, Op op) {
  Progress(absl::StrFormat(
      "%s: %d client(s)%s%s", name, threads,
      seconds < kNoTimeLimit ? absl::StrFormat(", up to %.1f s", seconds) : "",
      max_ops > 0 ? absl::StrCat(seconds < kNoTimeLimit ? " or " : ", ", max_ops, " ops") : ""));
  std::vector<std::vector<float>> latencies(threads);
  std::atomic<int64_t> next{0}, errors{0};
  std::mutex error_mu;
  std::string first_error;
  auto start = Clock::now();
  auto stop_at =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
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
  Result r = Summarize(name, std::move(all), errors.load(), elapsed, threads);
  r.first_error = first_error;
  Progress(absl::StrFormat("%s: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors%s", name,
                           r.throughput(), r.p50_ms, r.p99_ms, r.errors,
                           first_error.empty() ? "" : " (first: " + first_error + ")"));
  return r;
}

Result Summarize(const std::string& name, std::vector<float> latencies_ms, int64_t errors,
                 double seconds, int concurrency) {
  std::sort(latencies_ms.begin(), latencies_ms.end());
  Result r;
  r.operation = name;
  r.ops = static_cast<int64_t>(latencies_ms.size());
  r.errors = errors;
  r.seconds = seconds;
  r.concurrency = concurrency;
  if (!latencies_ms.empty()) {
    r.p50_ms = latencies_ms[latencies_ms.size() / 2];
    r.p99_ms = latencies_ms[std::min(latencies_ms.size() - 1, latencies_ms.size() * 99 / 100)];
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Clients: one gRPC channel (its own HTTP/2 connection) or one HTTP keep-alive connection per
// client thread.
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
             std::string* body) {
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

// ---------------------------------------------------------------------------------------------
// The stack.
namespace {

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

// utime + stime of /proc/<pid>/stat (fields 14 and 15, after the parenthesised command name).
double CpuSecondsOf(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  if (fields.size() < 13) return 0;
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  return static_cast<double>(std::atoll(fields[11].c_str()) + std::atoll(fields[12].c_str())) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::string CpuPerOperation(const std::map<std::string, double>& before,
                            const std::map<std::string, double>& after, int64_t operations,
                            const std::string& operation) {
  if (operations <= 0) return "";
  std::vector<std::string> parts;
  double total = 0;
  for (const auto& [name, seconds] : after) {
    auto it = before.find(name);
    const double used = seconds - (it == before.end() ? 0 : it->second);
    total += used;
    parts.push_back(absl::StrFormat("%s %.2f", name, 1000 * used / operations));
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return absl::StrFormat("CPU ms per %s: %s; total %.2f ms, at most %.0f/s on %u cores", operation,
                         absl::StrJoin(parts, ", "), 1000 * total / operations,
                         total > 0 ? cores * operations / total : 0.0, cores);
}

std::map<std::string, double> Stack::CpuSeconds() const {
  std::map<std::string, double> out;
  for (const auto& c : children_) {
    if (c.pid > 0) out[c.name] = CpuSecondsOf(std::to_string(c.pid));
  }
  out["bench"] = CpuSecondsOf("self");
  return out;
}

std::string Stack::Address(const std::string& service) const {
  auto it = addresses_.find(service);
  return it != addresses_.end() ? it->second : Flag(service, "");
}

std::string Stack::Bin(const std::string& service) {
  std::string env = "HUIYIN_" + service + "_BIN";
  for (auto& c : env) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const char* value = std::getenv(env.c_str());
  if (value && *value) return value;
  return Flag(service + "_bin", "");
}

bool Stack::Start(int http_threads, std::string* error) {
  credential = RandomToken(32);
  jwt_secret = RandomToken(48);
  std::ofstream(workdir_ + "/jwt.secret") << jwt_secret;
  // Deadlines are counted from today: past the shipped years, into placeholder ones.
  const std::string calendar =
      absl::StrCat("/usr/bin/python3 '", HUIYIN_SOURCE_DIR,
                   "/deploy/local/placeholder_calendar.py' '", workdir_, "/calendar.txt'");
  if (std::system(calendar.c_str()) != 0) {
    *error = "deploy/local/placeholder_calendar.py failed";
    return false;
  }
  std::string intake, assignment, workflow, disclosure, supervision;
  auto addr = [](const Child& c) { return absl::StrCat("127.0.0.1:", c.ports.at("grpc")); };
  if (!Launch("intake", {}, error)) return false;
  intake = addr(children_.back());
  if (!Launch("assignment", {"--assignment.intake_address=" + intake}, error)) return false;
  assignment = addr(children_.back());
  if (!Launch(
          "workflow",
          {"--workflow.intake_address=" + intake, "--workflow.assignment_address=" + assignment},
          error)) {
    return false;
  }
  workflow = addr(children_.back());
  if (!Launch(
          "disclosure",
          {"--disclosure.intake_address=" + intake, "--disclosure.workflow_address=" + workflow},
          error)) {
    return false;
  }
  disclosure = addr(children_.back());
  if (!Launch("supervision",
              {"--supervision.intake_address=" + intake,
               "--supervision.assignment_address=" + assignment,
               "--supervision.workflow_address=" + workflow,
               "--supervision.disclosure_address=" + disclosure},
              error)) {
    return false;
  }
  supervision = addr(children_.back());
  if (!Launch(
          "gateway",
          {"--gateway.http_address=127.0.0.1:0", "--gateway.intake_address=" + intake,
           "--gateway.assignment_address=" + assignment, "--gateway.workflow_address=" + workflow,
           "--gateway.supervision_address=" + supervision,
           "--gateway.disclosure_address=" + disclosure,
           "--gateway.jwt_hs256_secret_file=" + workdir_ + "/jwt.secret",
           // A benchmark is one client at thousands of requests a second: no rate limit.
           "--gateway.rate_limit_per_second=100000000", "--gateway.rate_limit_burst=100000000",
           absl::StrCat("--gateway.http_threads=", http_threads)},
          error)) {
    return false;
  }
  intake_address = intake;
  gateway_address = absl::StrCat("127.0.0.1:", children_.back().ports.at("http"));
  addresses_ = {{"intake", intake},
                {"assignment", assignment},
                {"workflow", workflow},
                {"disclosure", disclosure},
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

bool Stack::SeedDemo(const std::string& stub_dir, std::string* error) {
  const std::vector<std::pair<std::string, std::string>> scripts = {
      {"demo_data.py", "intake"},
      {"demo_assignment.py", "assignment"},
      {"demo_workflow.py", "workflow"},
      {"demo_disclosure.py", "disclosure"}};
  for (const auto& [script, service] : scripts) {
    Progress("seeding the public side: " + script);
    std::string command =
        absl::StrCat("/usr/bin/python3 '", HUIYIN_SOURCE_DIR, "/deploy/local/", script,
                     "' --address ", addresses_[service], " --credential='", credential,
                     "' --stub-dir '", stub_dir, "' >>'", workdir_, "/demo.log' 2>&1");
    if (std::system(command.c_str()) != 0) {
      *error = absl::StrCat(script, " failed; see ", workdir_, "/demo.log");
      return false;
    }
  }
  return true;
}

void Stack::SampleRss() {
  for (auto& c : children_) {
    if (c.pid > 0) c.vm_hwm_kb = std::max(c.vm_hwm_kb, VmHwmKb(c.pid));
  }
}

void Stack::Stop() {
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

std::string Stack::Logs() const {
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

std::string Stack::RandomToken(int n) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < n; ++i) s += kAlphabet[rd() % 64];
  return s;
}

bool Stack::Launch(const std::string& service, std::vector<std::string> flags, std::string* error) {
  std::string bin = Bin(service);
  if (bin.empty() || access(bin.c_str(), X_OK) != 0) {
    *error = absl::StrCat("no executable for huiyin-", service, ": set HUIYIN_",
                          service == "intake" ? "INTAKE" : service, "_BIN or --", service, "_bin");
    return false;
  }
  std::string port_file = workdir_ + "/" + service + ".ports";
  std::vector<std::string> argv = {bin, "--server.port_file=" + port_file,
                                   "--server.drain_seconds=1"};
  if (service != "gateway") {
    argv.push_back("--server.grpc_address=127.0.0.1:0");
    argv.push_back("--server.admin_address=127.0.0.1:0");
    argv.push_back("--server.database_path=" + workdir_ + "/" + service + ".db");
    argv.push_back("--server.calendar_file=" + workdir_ + "/calendar.txt");
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

// ---------------------------------------------------------------------------------------------
// Realistic items: titles and bodies from templates over the categories of DOMAIN.md.
namespace {

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
const char* kPlaces[] = {"南关",     "城关镇", "青石镇", "双河乡", "柳河镇", "东关街道",
                         "西城街道", "白塔乡", "石门镇", "清水河", "北山乡", "新华街道"};
const char* kNames[] = {"刘桂芳", "王建国", "赵德明", "李秀英", "张伟", "陈静", "杨帆", "黄丽"};

std::string Replace(std::string text, const std::string& place) {
  for (size_t at; (at = text.find("{place}")) != std::string::npos;) text.replace(at, 7, place);
  return text;
}

}  // namespace

void FillItem(int64_t n, huiyin::intake::v1::Item* item) {
  const Template& t = kTemplates[n % (sizeof kTemplates / sizeof kTemplates[0])];
  std::string place = kPlaces[(n / 8) % (sizeof kPlaces / sizeof kPlaces[0])];
  bool proposal = std::string(t.title).find("提案") != std::string::npos;
  item->set_kind(proposal ? huiyin::intake::v1::ITEM_KIND_PROPOSAL
                          : huiyin::intake::v1::ITEM_KIND_SUGGESTION);
  item->set_session(proposal ? "政协县第十一届委员会第五次会议"
                             : "县第十八届人民代表大会第六次会议");
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

}  // namespace huiyin::bench

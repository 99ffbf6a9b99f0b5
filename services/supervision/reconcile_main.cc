// huiyin-reconcile: checks a running system's supervision ledger (台账) and figures against the
// services that own the facts (services/supervision/reconcile.h says what is compared).
//
//   huiyin-reconcile --config=supervision.json        # the supervision service's configuration
//   HUIYIN_SERVER_INTERNAL_CREDENTIAL=… huiyin-reconcile --supervision_address=127.0.0.1:7104
//       --supervision.intake_address=127.0.0.1:7101 …    (one command line)
//
// It reads supervision's configuration (defaults < file < HUIYIN_* < flags): the owners'
// addresses from the supervision section, the internal credential from the server section, and
// supervision itself at server.grpc_address unless --supervision_address says otherwise. It calls
// as the supervision office ("systems/huiyin-reconcile"), read-only, every list page by page.
//
// The ledger follows the owners' feeds a moment behind: when something disagrees it looks again
// after --recheck_seconds (default 5; 0: once) and reports only what disagreed both times.
// Prints each disagreement on a line, then a summary; exit 0 when everything agrees, 1 when
// something does not, 2 on a usage error or a service it could not read.
#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/config/config.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/create_channel.h"
#include "huiyin/assignment/v1/assignment.grpc.pb.h"
#include "huiyin/disclosure/v1/disclosure.grpc.pb.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "huiyin/supervision/v1/supervision.grpc.pb.h"
#include "huiyin/workflow/v1/workflow.grpc.pb.h"
#include "services/supervision/reconcile.h"

namespace huiyin::supervision {
namespace {

constexpr int kPageSize = 500;  // the services cap it at their own maximum
constexpr int kMaxMessageBytes = 64 << 20;

struct Options {
  config::v1::Config config;
  std::string supervision_address;
  absl::Duration recheck = absl::Seconds(5);
  absl::Duration call_timeout = absl::Seconds(60);
};

// Plain text or mutual TLS, as supervision's own configuration (tls section) says.
std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                       const config::v1::TlsConfig& tls) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);  // a page of ledger entries with timelines
  return ServiceChannel(address, tls, args);
}

class Reader {
 public:
  explicit Reader(const Options& options) : options_(options) {}

  // The owners first, then the ledger: what the ledger shows was in the owners' feeds before.
  absl::StatusOr<Snapshot> Read() {
    Snapshot s;
    if (auto st = ReadOwners(s); !st.ok()) return st;
    if (auto st = ReadLedger(s); !st.ok()) return st;
    return s;
  }

 private:
  std::shared_ptr<grpc::Channel> Dial(const std::string& address) const {
    return Channel(address, options_.config.tls());
  }

  absl::Status ReadOwners(Snapshot& s) const {
    const auto& sv = options_.config.supervision();
    auto intake = intake::v1::IntakeService::NewStub(Dial(sv.intake_address()));
    auto assignment = assignment::v1::AssignmentService::NewStub(Dial(sv.assignment_address()));
    auto workflow = workflow::v1::WorkflowService::NewStub(Dial(sv.workflow_address()));
    auto disclosure = disclosure::v1::DisclosureService::NewStub(Dial(sv.disclosure_address()));
    absl::Status st = Pages<intake::v1::ListItemsRequest, intake::v1::ListItemsResponse>(
        "intake", sv.intake_address(),
        [&](auto* c, const auto& q, auto* r) { return intake->ListItems(c, q, r); },
        [&](const auto& r) {
          for (const auto& i : r.items()) AddItem(s, i);
        });
    if (st.ok()) {
      st = Pages<assignment::v1::ListAssignmentsRequest, assignment::v1::ListAssignmentsResponse>(
          "assignment", sv.assignment_address(),
          [&](auto* c, const auto& q, auto* r) { return assignment->ListAssignments(c, q, r); },
          [&](const auto& r) {
            for (const auto& a : r.assignments()) AddAssignment(s, a);
          });
    }
    if (st.ok()) {
      st = Pages<workflow::v1::ListTasksRequest, workflow::v1::ListTasksResponse>(
          "workflow", sv.workflow_address(),
          [&](auto* c, const auto& q, auto* r) { return workflow->ListTasks(c, q, r); },
          [&](const auto& r) {
            for (const auto& t : r.tasks()) AddTask(s, t);
          });
    }
    if (st.ok()) {
      st = Pages<disclosure::v1::ListDisclosuresRequest, disclosure::v1::ListDisclosuresResponse>(
          "disclosure", sv.disclosure_address(),
          [&](auto* c, const auto& q, auto* r) { return disclosure->ListDisclosures(c, q, r); },
          [&](const auto& r) {
            for (const auto& d : r.disclosures()) AddDisclosure(s, d);
          });
    }
    return st;
  }

  absl::Status ReadLedger(Snapshot& s) const {
    const std::string& address = options_.supervision_address;
    auto supervision = v1::SupervisionService::NewStub(Dial(address));
    absl::Status st = Pages<v1::ListLedgerRequest, v1::ListLedgerResponse>(
        "supervision", address,
        [&](auto* c, const auto& q, auto* r) { return supervision->ListLedger(c, q, r); },
        [&](const auto& r) {
          for (const auto& e : r.entries()) AddLedgerEntry(s, e);
        });
    if (!st.ok()) return st;
    for (int year : YearsOf(s)) {
      v1::GetFiguresRequest request;
      request.set_year(year);
      request.set_group_by(v1::GROUP_BY_NONE);
      v1::GetFiguresResponse response;
      grpc::ClientContext context;
      Prepare(context);
      grpc::Status called = supervision->GetFigures(&context, request, &response);
      if (!called.ok()) return Failed("supervision", address, called);
      if (response.rows_size() > 0) AddLedgerFigures(s, year, response.rows(0).counts());
    }
    return absl::OkStatus();
  }

  void Prepare(grpc::ClientContext& context) const {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
    AttachCaller(
        context,
        MakeCaller("systems/huiyin-reconcile", common::v1::ROLE_SUPERVISION_OFFICE, "", "台账核对"),
        options_.config.server().internal_credential());
  }

  static absl::Status Failed(const std::string& service, const std::string& address,
                             const grpc::Status& st) {
    return absl::UnavailableError(absl::StrCat("cannot read ", service, " at ", address, ": ",
                                               st.error_message(), " (gRPC code ", st.error_code(),
                                               ")"));
  }

  // Every page of a List method, oldest first, each handed to `each`.
  template <typename Request, typename Response, typename Call, typename Each>
  absl::Status Pages(const std::string& service, const std::string& address, Call call,
                     Each each) const {
    Request request;
    request.set_page_size(kPageSize);
    for (;;) {
      Response response;
      grpc::ClientContext context;
      Prepare(context);
      grpc::Status st = call(&context, request, &response);
      if (!st.ok()) return Failed(service, address, st);
      each(response);
      if (response.next_page_token().empty()) return absl::OkStatus();
      request.set_page_token(response.next_page_token());
    }
  }

  const Options& options_;
};

constexpr char kUsage[] =
    "usage: huiyin-reconcile [--supervision_address=HOST:PORT] [--recheck_seconds=N]\n"
    "                        [--config=FILE] [--section.field=VALUE ...]\n"
    "Compares supervision's ledger and figures with intake, assignment, workflow and disclosure.\n"
    "Addresses and the internal credential come from supervision's configuration.\n";

// Own flags first; the rest is supervision's configuration. 2 on a usage error.
int ParseOptions(int argc, char** argv, Options& options) {
  std::vector<const char*> config_args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    int seconds = 0;
    if (absl::ConsumePrefix(&arg, "--supervision_address=")) {
      options.supervision_address = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--recheck_seconds=")) {
      if (!absl::SimpleAtoi(arg, &seconds) || seconds < 0) {
        std::cerr << kUsage;
        return 2;
      }
      options.recheck = absl::Seconds(seconds);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      config_args.push_back(argv[i]);
    } else {
      config_args.push_back(argv[i]);
    }
  }
  auto config = LoadConfig(DefaultConfig("supervision", 7104), static_cast<int>(config_args.size()),
                           config_args.data());
  if (!config.ok()) {
    if (absl::IsCancelled(config.status())) return 0;
    std::cerr << "huiyin-reconcile: " << config.status().message() << "\n";
    return 2;
  }
  options.config = *std::move(config);
  if (options.supervision_address.empty()) {
    options.supervision_address = options.config.server().grpc_address();
  }
  return -1;
}

std::string Key(const Disagreement& d) { return d.item + "\n" + d.check; }

int Main(int argc, char** argv) {
  Options options;
  if (int code = ParseOptions(argc, argv, options); code >= 0) return code;
  Reader reader(options);
  auto snapshot = reader.Read();
  if (!snapshot.ok()) {
    std::cerr << "huiyin-reconcile: " << snapshot.status().message() << "\n";
    return 2;
  }
  std::vector<Disagreement> found = Reconcile(*snapshot);
  if (!found.empty() && options.recheck > absl::ZeroDuration()) {
    std::cerr << "huiyin-reconcile: " << found.size() << " disagreement(s); looking again in "
              << absl::FormatDuration(options.recheck) << " (the ledger may be catching up)\n";
    std::set<std::string> first;
    for (const auto& d : found) first.insert(Key(d));
    absl::SleepFor(options.recheck);
    snapshot = reader.Read();
    if (!snapshot.ok()) {
      std::cerr << "huiyin-reconcile: " << snapshot.status().message() << "\n";
      return 2;
    }
    found = Reconcile(*snapshot);
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const Disagreement& d) { return !first.count(Key(d)); }),
                found.end());
  }
  for (const auto& d : found) std::cout << d.text << "\n";
  size_t tasks = 0;
  for (const auto& [item, list] : snapshot->tasks) tasks += list.size();
  std::cout << "huiyin-reconcile: " << snapshot->items.size() << " items, "
            << snapshot->assigned_units.size() << " assignments, " << tasks << " tasks, "
            << snapshot->disclosures.size() << " disclosure records against "
            << snapshot->ledger.size() << " ledger entries and the figures of "
            << YearsOf(*snapshot).size() << " year(s): "
            << (found.empty() ? "all agree" : absl::StrCat(found.size(), " disagreement(s)"))
            << "\n";
  return found.empty() ? 0 : 1;
}

}  // namespace
}  // namespace huiyin::supervision

int main(int argc, char** argv) { return huiyin::supervision::Main(argc, argv); }

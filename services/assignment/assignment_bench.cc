// The assignment meeting (交办会) at scale: times AssignItems of N plans (default 500, three runs,
// each on a fresh database) against N separate AssignItem calls made one after another. Prints
// figures; asserts nothing (a benchmark, not a test: this machine is shared and timings vary).
//
//   build/services/assignment/assignment_bench [--plans=500] [--runs=3] [--dir=/tmp]
#include <filesystem>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/assignment/core.h"
#include "services/assignment/huiyin_assignment_migrations.h"

namespace huiyin::assignment {
namespace {

class NoSimilarItems final : public SimilarItemsSource {
 public:
  absl::StatusOr<intake::v1::FindSimilarResponse> FindSimilar(const std::string&,
                                                              absl::Time) override {
    return intake::v1::FindSimilarResponse();
  }
};

const Caller& Office() {
  static const Caller office = MakeCaller("persons/gov-1", common::v1::ROLE_GOVERNMENT_OFFICE);
  return office;
}

struct Setup {
  std::string path;
  std::unique_ptr<Database> db;
  FakeClock clock{absl::FromCivil(absl::CivilSecond(2025, 3, 10, 9, 0, 0), ChinaTimeZone())};
  SequentialIdGenerator ids{"id"};
  NoSimilarItems similar;
  std::unique_ptr<AssignmentCore> core;

  Setup(const std::string& dir, int items) : path(dir + "/huiyin-assignment-bench.db") {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    DatabaseOptions options;
    options.path = path;
    db = *Database::Open(options, kMigrations);
    core = std::make_unique<AssignmentCore>(*db, clock, ids, WorkingDayCalendar::ChinaMainland(),
                                            similar, AssignmentOptions{});
    for (const char* id : {"housing", "transport", "chengguan"}) {
      v1::CreateUnitRequest r;
      r.set_unit_id(id);
      r.mutable_unit()->set_display_name(id);
      r.mutable_unit()->set_kind(v1::UNIT_KIND_BUREAU);
      r.mutable_unit()->set_active(true);
      r.mutable_unit()->add_categories("城乡建设");
      (void)core->CreateUnit(Office(), r);
    }
    (void)db->Write([&](SQLite::Database& tx) -> absl::Status {
      for (int i = 0; i < items; ++i) {
        intake::v1::ItemAccepted accepted;
        auto* item = accepted.mutable_item();
        item->set_name(absl::StrCat("items/b", i));
        item->set_kind(intake::v1::ITEM_KIND_SUGGESTION);
        item->set_session("县第十八届人民代表大会第四次会议");
        item->set_year(2025);
        item->set_title(absl::StrCat("关于第", i + 1, "项民生实事的建议"));
        item->set_category("城乡建设");
        item->mutable_lead_proposer()->set_person("persons/wang");
        item->set_number_label(absl::StrCat("建议第", i + 1, "号"));
        events::v1::Event e;
        e.mutable_payload()->PackFrom(accepted);
        if (auto s = core->ApplyIntakeEvent(tx, e); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
  }
  ~Setup() {
    core.reset();
    db.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

v1::AssignmentPlan Plan(int i) {
  v1::AssignmentPlan p;
  p.set_item(absl::StrCat("items/b", i));
  p.set_mode(v1::ASSIGNMENT_MODE_LEAD_AND_CO);
  auto* lead = p.add_units();
  lead->set_unit("units/housing");
  lead->set_role(v1::UNIT_ROLE_LEAD);
  auto* co = p.add_units();
  co->set_unit(i % 2 ? "units/transport" : "units/chengguan");
  co->set_role(v1::UNIT_ROLE_CO);
  return p;
}

int Run(int plans, int runs, const std::string& dir) {
  for (int run = 1; run <= runs; ++run) {
    Setup setup(dir, plans);
    v1::AssignItemsRequest request;
    for (int i = 0; i < plans; ++i) *request.add_plans() = Plan(i);
    absl::Time start = absl::Now();
    auto response = setup.core->AssignItems(Office(), request);
    absl::Duration took = absl::Now() - start;
    if (!response.ok() || response->assigned() != plans) {
      std::cerr << "AssignItems failed: " << response.status() << "\n";
      return 1;
    }
    std::cout << absl::StrFormat(
        "run %d: AssignItems of %d plans in one call: %.0f ms (%.2f ms a plan)\n", run, plans,
        absl::ToDoubleMilliseconds(took), absl::ToDoubleMilliseconds(took) / plans);
  }
  Setup setup(dir, plans);
  absl::Time start = absl::Now();
  for (int i = 0; i < plans; ++i) {
    v1::AssignItemRequest r;
    *r.mutable_plan() = Plan(i);
    if (auto a = setup.core->AssignItem(Office(), r); !a.ok()) {
      std::cerr << "AssignItem failed: " << a.status() << "\n";
      return 1;
    }
  }
  absl::Duration took = absl::Now() - start;
  std::cout << absl::StrFormat(
      "the same %d plans as %d AssignItem calls one after another: %.0f ms\n", plans, plans,
      absl::ToDoubleMilliseconds(took));
  return 0;
}

}  // namespace
}  // namespace huiyin::assignment

int main(int argc, char** argv) {
  int plans = 500, runs = 3;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--plans=")) {
      if (!absl::SimpleAtoi(arg, &plans)) return 2;
    } else if (absl::ConsumePrefix(&arg, "--runs=")) {
      if (!absl::SimpleAtoi(arg, &runs)) return 2;
    } else if (absl::ConsumePrefix(&arg, "--dir=")) {
      dir = std::string(arg);
    } else {
      std::cerr << "usage: assignment_bench [--plans=500] [--runs=3] [--dir=DIR]\n";
      return 2;
    }
  }
  return huiyin::assignment::Run(plans, runs, dir);
}

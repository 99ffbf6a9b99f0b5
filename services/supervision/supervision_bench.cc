// Supervision at scale: feeds N synthetic items (default 1,000,000; 300 units, 12 categories,
// 20 leading officials) through the same appliers the feeds use, in batches of one transaction
// each (the consumers' own path: a page of events per transaction), then times GetFigures for
// every grouping and a few ledger pages. Prints figures and peak memory; asserts nothing (a
// benchmark, not a test: this machine is shared and timings vary).
//
//   build/services/supervision/supervision_bench [--items=1000000] [--queries=200]
//                                                [--dir=/tmp/huiyin-supervision-bench]
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "common/identity/caller.h"
#include "services/supervision/core.h"
#include "services/supervision/huiyin_supervision_migrations.h"

namespace huiyin::supervision {
namespace {

constexpr int kUnits = 300;
constexpr int kOfficials = 20;
constexpr int kBatch = 2000;
const char* const kCategories[] = {"城乡建设", "交通运输", "教育", "医疗卫生", "农业农村",
                                   "生态环境", "社会保障", "市场监管", "文化旅游", "公共安全",
                                   "工业经济", "民政"};
const char* const kSessions[] = {"县第十八届人民代表大会第五次会议",
                                 "政协第十二届委员会第五次会议"};

struct Options {
  int items = 1000000;
  int queries = 200;
  std::string dir = "/tmp/huiyin-supervision-bench";
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> std::string {
      std::string prefix = absl::StrCat("--", flag, "=");
      return arg.rfind(prefix, 0) == 0 ? arg.substr(prefix.size()) : "";
    };
    if (auto v = value("items"); !v.empty()) (void)absl::SimpleAtoi(v, &o.items);
    if (auto v = value("queries"); !v.empty()) (void)absl::SimpleAtoi(v, &o.queries);
    if (auto v = value("dir"); !v.empty()) o.dir = v;
  }
  return o;
}

template <typename Payload>
events::v1::Event Event(const std::string& source, const Payload& payload, absl::Time when) {
  events::v1::Event e;
  e.set_source(source);
  e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(when));
  e.mutable_payload()->PackFrom(payload);
  return e;
}

// The events one item brings: accepted at intake, its lead task created, and for most items
// the task's final snapshot (answered, rated, sometimes closed).
std::vector<events::v1::Event> EventsOfItem(int i, std::mt19937& rng) {
  const int kind = i % 2;
  const std::string id = absl::StrCat("b", i);
  assignment::v1::ItemSummary summary;
  summary.set_item("items/" + id);
  summary.set_kind(kind == 0 ? intake::v1::ITEM_KIND_SUGGESTION : intake::v1::ITEM_KIND_PROPOSAL);
  summary.set_session(kSessions[kind]);
  summary.set_year(2026);
  summary.set_title(absl::StrCat("关于第", i, "号民生事项的建议"));
  summary.set_category(kCategories[i % 12]);
  std::vector<events::v1::Event> out;
  intake::v1::ItemAccepted accepted;
  accepted.mutable_item()->set_name(summary.item());
  accepted.mutable_item()->set_kind(summary.kind());
  accepted.mutable_item()->set_session(summary.session());
  accepted.mutable_item()->set_year(2026);
  accepted.mutable_item()->set_title(summary.title());
  accepted.mutable_item()->set_category(summary.category());
  const absl::Time t0 = absl::FromCivil(absl::CivilSecond(2026, 3, 20, 10, 0, 0), ChinaTimeZone());
  out.push_back(Event("intake", accepted, t0));

  workflow::v1::Task t;
  t.set_name(absl::StrCat("tasks/", id));
  *t.mutable_item() = summary;
  t.set_unit(absl::StrCat("units/u", rng() % kUnits));
  t.set_role(assignment::v1::UNIT_ROLE_LEAD);
  t.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  t.set_assign_date("2026-03-20");
  t.set_deadline("2026-06-30");
  if (i % 50 == 0) {
    t.set_key(true);
    t.set_leading_official(absl::StrCat("persons/official-", rng() % kOfficials));
  }
  workflow::v1::TaskCreated created;
  *created.mutable_task() = t;
  out.push_back(Event("workflow", created, t0));
  if (rng() % 10 < 2) return out;  // 20% still in handling

  t.set_state(workflow::v1::TASK_STATE_ANSWERED);
  if (rng() % 10 < 7) t.add_contacts()->set_mode(workflow::v1::CONTACT_MODE_FACE_TO_FACE);
  auto* a = t.add_answers();
  a->set_name(t.name() + "/answers/1");
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  a->set_answer_class(static_cast<workflow::v1::AnswerClass>(1 + rng() % 3));
  const absl::Time issued = t0 + absl::Hours(24 * static_cast<int>(30 + rng() % 120));
  a->mutable_issue_time()->set_seconds(absl::ToUnixSeconds(issued));
  if (rng() % 10 < 8) {
    a->mutable_evaluation()->set_rating(static_cast<workflow::v1::Rating>(1 + rng() % 3));
    if (a->evaluation().rating() != workflow::v1::RATING_UNSATISFIED) {
      t.set_state(workflow::v1::TASK_STATE_CLOSED);
    }
  }
  workflow::v1::AnswerEvaluated evaluated;
  *evaluated.mutable_task() = t;
  *evaluated.mutable_answer() = *a;
  out.push_back(Event("workflow", evaluated, issued));
  return out;
}

int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

template <typename Fn>
void Time(const std::string& what, int n, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    absl::Time start = absl::Now();
    fn(i);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  std::cout << absl::StrFormat("%-44s p50 %8.3f ms   p99 %8.3f ms\n", what, ms[ms.size() / 2],
                               ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]);
}

int Run(const Options& o) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  DatabaseOptions db_options;
  db_options.path = o.dir + "/supervision.db";
  auto db = Database::Open(db_options, kMigrations);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 7, 15, 10, 0, 0), ChinaTimeZone()));
  SupervisionCore core(**db, clock, WorkingDayCalendar::ChinaMainland(), SupervisionOptions{});
  std::mt19937 rng(20261123);

  absl::Time start = absl::Now();
  int64_t applied = 0;
  for (int first = 0; first < o.items; first += kBatch) {
    std::vector<events::v1::Event> page;
    for (int i = first; i < std::min(o.items, first + kBatch); ++i) {
      for (auto& e : EventsOfItem(i, rng)) page.push_back(std::move(e));
    }
    auto s = (*db)->Write([&](SQLite::Database& tx) -> absl::Status {
      for (const auto& e : page) {
        auto applied_one = e.source() == "intake" ? core.ApplyIntakeEvent(tx, e)
                                                  : core.ApplyWorkflowEvent(tx, e);
        if (!applied_one.ok()) return applied_one;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    applied += static_cast<int64_t>(page.size());
    if ((first / kBatch) % 50 == 0) {
      std::cerr << absl::StrFormat("\r  applied %d of %d items", first + kBatch, o.items);
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::cerr << "\n";
  std::cout << absl::StrFormat("items %d, events %d applied in %.1f s: %.0f events/s\n", o.items,
                               applied, seconds, static_cast<double>(applied) / seconds);

  const Caller office =
      MakeCaller("persons/bench", common::v1::ROLE_SUPERVISION_OFFICE, "", "督查室");
  for (auto group : {v1::GROUP_BY_NONE, v1::GROUP_BY_UNIT, v1::GROUP_BY_CATEGORY,
                     v1::GROUP_BY_LEADING_OFFICIAL, v1::GROUP_BY_KIND, v1::GROUP_BY_SESSION}) {
    v1::GetFiguresRequest r;
    r.set_year(2026);
    r.set_group_by(group);
    size_t rows = 0;
    Time(absl::StrCat("GetFigures ", v1::GroupBy_Name(group)), o.queries, [&](int) {
      auto f = core.GetFigures(office, r);
      rows = f.ok() ? static_cast<size_t>(f->rows_size()) : 0;
    });
    std::cout << "    rows " << rows << "\n";
  }
  const Caller unit_clerk =
      MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK, "units/u7", "科员");
  v1::GetFiguresRequest own;
  own.set_year(2026);
  own.set_group_by(v1::GROUP_BY_UNIT);
  Time("GetFigures a unit's own row", o.queries, [&](int) { (void)core.GetFigures(unit_clerk, own); });

  v1::ListLedgerRequest first_page;
  first_page.set_year(2026);
  first_page.set_page_size(50);
  Time("ListLedger first page (50)", o.queries,
       [&](int) { (void)core.ListLedger(office, first_page); });
  Time("ListLedger a unit's page (50)", o.queries, [&](int i) {
    v1::ListLedgerRequest r = first_page;
    r.set_unit(absl::StrCat("units/u", i % kUnits));
    (void)core.ListLedger(office, r);
  });
  Time("ListLedger a category's page (50)", o.queries, [&](int i) {
    v1::ListLedgerRequest r = first_page;
    r.set_category(kCategories[i % 12]);
    (void)core.ListLedger(office, r);
  });
  v1::ListLedgerRequest deep = first_page;
  for (int i = 0; i < 100; ++i) {
    auto page = core.ListLedger(office, deep);
    if (!page.ok() || page->next_page_token().empty()) break;
    deep.set_page_token(page->next_page_token());
  }
  Time("ListLedger page 100 (50)", o.queries, [&](int) { (void)core.ListLedger(office, deep); });
  v1::ListLedgerRequest overdue = first_page;
  overdue.set_overdue_only(true);
  Time("ListLedger overdue only (50)", std::max(1, o.queries / 10),
       [&](int) { (void)core.ListLedger(office, overdue); });
  Time("GetLedgerEntry", o.queries, [&](int i) {
    v1::GetLedgerEntryRequest r;
    r.set_name(absl::StrCat("ledger/b", (i * 7919) % o.items));
    (void)core.GetLedgerEntry(office, r);
  });
  std::cout << absl::StrFormat("peak RSS %.1f MB, database %.0f MB\n", PeakRssKb() / 1024.0,
                               std::filesystem::file_size(db_options.path) / 1048576.0);
  (*db)->Close();
  std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace huiyin::supervision

int main(int argc, char** argv) {
  return huiyin::supervision::Run(huiyin::supervision::Parse(argc, argv));
}

// Supervision at scale: feeds N synthetic items (default 1,000,000; 300 units, 12 categories,
// 20 leading officials) through the same appliers the feeds use, in batches of one transaction
// each (the consumers' own path: a page of events per transaction; see LoadItems), then times
// GetFigures for every grouping, ledger pages and the metrics' overdue count. Prints figures and
// peak memory, and with --json writes them for huiyin-bench; asserts nothing (a benchmark, not a
// test: this machine is shared and timings vary).
//
//   build/services/supervision/supervision_bench [--items=1000000] [--queries=200]
//       [--dir=/tmp/huiyin-supervision-bench] [--json=FILE] [--keep_db (leave DIR/supervision.db)]
//       [--reuse_db (time the reads on the store an earlier run left in DIR; no load)]
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/bench/bench_report.h"
#include "common/events/testing/feed_event.h"
#include "common/identity/caller.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/huiyin_supervision_migrations.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {
namespace {

constexpr int kUnits = 300;
constexpr int kOfficials = 20;
constexpr int kBatch = 2000;
const char* const kCategories[] = {"城乡建设", "交通运输", "教育",     "医疗卫生",
                                   "农业农村", "生态环境", "社会保障", "市场监管",
                                   "文化旅游", "公共安全", "工业经济", "民政"};
const char* const kSessions[] = {"县第十八届人民代表大会第五次会议",
                                 "政协第十二届委员会第五次会议"};

struct Options {
  int items = 1000000;
  int queries = 200;
  std::string dir = "/tmp/huiyin-supervision-bench";
  std::string json;
  bool keep_db = false;
  bool reuse_db = false;
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
    if (auto v = value("json"); !v.empty()) o.json = v;
    if (arg == "--keep_db") o.keep_db = true;
    if (arg == "--reuse_db") o.reuse_db = o.keep_db = true;
  }
  return o;
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
  static const Caller office =
      MakeCaller("persons/congress-office", common::v1::ROLE_CONGRESS_OFFICE);
  out.push_back(FeedEvent("intake", summary.item(), accepted, t0, office));

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
  static const Caller clerk = MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK);
  out.push_back(FeedEvent("workflow", t.name(), created, t0, clerk));
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
  out.push_back(FeedEvent("workflow", t.name(), evaluated, issued, clerk));
  return out;
}

// The bulk path: batches of kBatch items' events, each batch applied in ONE write transaction
// through the appliers the feeds call (ApplyIntakeEvent, ApplyWorkflowEvent), exactly as
// EventConsumer applies a page of events with its cursor. Only the batch size differs from a
// live consumer (2,000 items ≈ 5,600 events per commit instead of a 500-event page), so the
// store built here — entries, tasks, step deadlines, counters, scores, indexes — is the one the
// feeds would build, and the figures read from it are real.
absl::Status LoadItems(Database& db, SupervisionCore& core, int items, int64_t* applied) {
  std::mt19937 rng(20261123);
  for (int first = 0; first < items; first += kBatch) {
    std::vector<events::v1::Event> page;
    for (int i = first; i < std::min(items, first + kBatch); ++i) {
      for (auto& e : EventsOfItem(i, rng)) page.push_back(std::move(e));
    }
    if (auto s = ApplyPageInOneTransaction(db, core, page); !s.ok()) return s;
    *applied += static_cast<int64_t>(page.size());
    if ((first / kBatch) % 25 == 0) {
      std::cerr << absl::StrFormat("\r  applied %d of %d items", std::min(items, first + kBatch),
                                   items);
    }
  }
  std::cerr << "\n";
  return absl::OkStatus();
}

void TimeFigures(const SupervisionCore& core, const Options& o, bench::BenchReport& report) {
  const Caller office =
      MakeCaller("persons/bench", common::v1::ROLE_SUPERVISION_OFFICE, "", "督查室");
  for (auto group : {v1::GROUP_BY_NONE, v1::GROUP_BY_UNIT, v1::GROUP_BY_CATEGORY,
                     v1::GROUP_BY_LEADING_OFFICIAL, v1::GROUP_BY_KIND, v1::GROUP_BY_SESSION}) {
    v1::GetFiguresRequest r;
    r.set_year(2026);
    r.set_group_by(group);
    int rows = 0;
    auto& row =
        report.Time(absl::StrCat("GetFigures ", v1::GroupBy_Name(group)), o.queries, [&](int) {
          auto f = core.GetFigures(office, r);
          rows = f.ok() ? f->rows_size() : 0;
          return f.ok() && rows > 0;
        });
    row.note = absl::StrCat(rows, " row(s), ", o.items, " items");
  }
  const Caller unit_clerk =
      MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK, "units/u7", "科员");
  v1::GetFiguresRequest own;
  own.set_year(2026);
  own.set_group_by(v1::GROUP_BY_UNIT);
  report.Time("GetFigures a unit's own row", o.queries, [&](int) {
    auto f = core.GetFigures(unit_clerk, own);
    return f.ok() && f->rows_size() == 1;
  });
}

void TimeLedger(const SupervisionCore& core, const Options& o, bench::BenchReport& report) {
  const Caller office =
      MakeCaller("persons/bench", common::v1::ROLE_SUPERVISION_OFFICE, "", "督查室");
  v1::ListLedgerRequest first_page;
  first_page.set_year(2026);
  first_page.set_page_size(50);
  // A page is full unless the filter has fewer entries than a page (tiny smoke sizes).
  const int full = o.items >= kUnits * 200 ? 50 : 0;
  auto page_of = [&](const v1::ListLedgerRequest& r, int at_least) {
    auto page = core.ListLedger(office, r);
    return page.ok() && page->entries_size() >= at_least;
  };
  report.Time("ListLedger first page (50)", o.queries,
              [&](int) { return page_of(first_page, std::min(50, o.items)); });
  report.Time("ListLedger a unit's page (50)", o.queries, [&](int i) {
    v1::ListLedgerRequest r = first_page;
    r.set_unit(absl::StrCat("units/u", i % kUnits));
    return page_of(r, full);
  });
  report.Time("ListLedger a category's page (50)", o.queries, [&](int i) {
    v1::ListLedgerRequest r = first_page;
    r.set_category(kCategories[i % 12]);
    return page_of(r, std::min(50, o.items / 12));
  });
  v1::ListLedgerRequest deep = first_page;
  int depth = 1;
  for (; depth < 100; ++depth) {
    auto page = core.ListLedger(office, deep);
    if (!page.ok() || page->next_page_token().empty()) break;
    deep.set_page_token(page->next_page_token());
  }
  report.Time(absl::StrCat("ListLedger page ", depth, " (50)"), o.queries,
              [&](int) { return page_of(deep, 1); });
  v1::ListLedgerRequest overdue = first_page;
  overdue.set_overdue_only(true);
  report.Time("ListLedger overdue only (50)", std::max(1, o.queries / 10),
              [&](int) { return page_of(overdue, 0); });
  report.Time("GetLedgerEntry", o.queries, [&](int i) {
    v1::GetLedgerEntryRequest r;
    r.set_name(absl::StrCat("ledger/b", (i * 7919) % o.items));
    return core.GetLedgerEntry(office, r).ok();
  });
}

int Run(Options o) {
  if (!o.reuse_db) {
    std::filesystem::remove_all(o.dir);
    std::filesystem::create_directories(o.dir);
  }
  DatabaseOptions db_options;
  db_options.path = o.dir + "/supervision.db";
  auto db = Database::Open(db_options, kMigrations);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 7, 15, 10, 0, 0), ChinaTimeZone()));
  SupervisionCore core(**db, clock, WorkingDayCalendar::ChinaMainland(), SupervisionOptions{});
  bench::BenchReport report;

  if (o.reuse_db) {
    // Every batch is one commit, so a store an interrupted load left holds whole items.
    (void)(*db)->Read([&](SQLite::Database& conn) {
      o.items = static_cast<int>(CountEntries(conn));
      return absl::OkStatus();
    });
    std::cout << absl::StrFormat("reusing %s: %d items\n", db_options.path, o.items);
  } else {
    absl::Time start = absl::Now();
    int64_t applied = 0;
    if (auto s = LoadItems(**db, core, o.items, &applied); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    bench::BenchRow load;
    load.operation = absl::StrCat("supervision bulk load, ", o.items, " items");
    load.unit = "events";
    load.count = applied;
    load.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    load.note =
        absl::StrFormat("%d events through the feed appliers, %d items a commit", applied, kBatch);
    report.Add(std::move(load));
  }
  TimeFigures(core, o, report);
  TimeLedger(core, o, report);
  report.Time("OverdueByUnit (the metrics scrape)", std::max(1, o.queries / 20), [&](int) {
    auto counts = core.OverdueByUnit();
    return counts.ok() && !counts->empty();
  });
  report.Print(std::cout);
  std::cout << absl::StrFormat("database %.0f MB\n",
                               std::filesystem::file_size(db_options.path) / 1048576.0);
  if (!o.json.empty()) {
    if (auto s = report.WriteJson(o.json, "supervision_bench"); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  (*db)->Close();
  if (!o.keep_db) std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace huiyin::supervision

int main(int argc, char** argv) {
  return huiyin::supervision::Run(huiyin::supervision::Parse(argc, argv));
}

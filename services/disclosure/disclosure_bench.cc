// The public side at scale: builds a disclosure store of N published records (default 100,000)
// by feeding the service's own appliers (ApplyIntakeEvent, ApplyWorkflowEvent) the events intake
// and workflow publish — an accepted item, then its answer issued — in batches of one write
// transaction each, as EventConsumer applies a page of events. Publishing, redaction, versions,
// the public full-text index and the outbox all run as they do live, so the store is the one the
// feeds would build. Then times the public reads in-process, and prints (with --json, writes for
// huiyin-bench) the figures and how many records contain each search term, so a search through
// the gateway can be checked against them. Asserts nothing (a benchmark, not a test).
//
//   build/services/disclosure/disclosure_bench [--items=100000] [--queries=200]
//       [--db=/tmp/huiyin-disclosure-bench.db] [--json=FILE] [--keep_db]
//
// huiyin-bench --public_items=N starts huiyin-disclosure on the store this leaves (--keep_db).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
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
#include "common/text/bigram_tokenizer.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/disclosure/core.h"
#include "services/disclosure/huiyin_disclosure_migrations.h"

namespace huiyin::disclosure {
namespace {

constexpr int kBatch = 1000;
// Last year's items: a search filtered by this year finds exactly the records built here, apart
// from what the bench stack publishes for this year while it runs.
constexpr int kYear = 2025;

// A topic of the public's questions: a title and sentences for the item's body and the unit's
// answer. Several mention 物业 or 老旧小区 outside their titles, so a search hits bodies too.
struct Topic {
  const char* category;
  const char* title;  // 关于{place}…
  std::vector<const char*> body;
  std::vector<const char*> answer;
  const char* unit;
};

const std::vector<Topic>& Topics() {
  static const std::vector<Topic> topics = {
      {"城乡建设",
       "老旧小区物业服务提升",
       {"小区建成于上世纪九十年代，至今没有专业物业服务", "楼道照明和单元门禁长期损坏",
        "业主委员会难以组建", "建议引入物业服务企业并给予过渡期补贴"},
       {"已将该小区纳入今年老旧小区改造计划", "由街道牵头选聘物业服务企业",
        "改造资金由财政和产权单位共同承担"},
       "县住房和城乡建设局"},
      {"交通运输",
       "缓解停车难",
       {"城区停车泊位缺口较大", "车辆占用人行道停放", "老旧小区周边夜间停车尤为困难",
        "建议利用边角地块建设立体停车库"},
       {"已规划新增公共停车泊位一千二百个", "推行机关单位停车场夜间错时开放",
        "加强违停治理和智慧停车建设"},
       "县交通运输局"},
      {"农业农村",
       "农村饮水安全",
       {"部分村组仍靠山泉水取水", "枯水季节经常断水", "水质未经定期检测", "建议延伸城乡供水管网"},
       {"城乡供水一体化工程已完成可研", "今年将新建加压泵站三座", "建立村级管水员制度"},
       "县水利局"},
      {"教育",
       "乡村教师队伍建设",
       {"乡镇学校紧缺学科教师不足", "一名教师兼教多门学科", "青年教师流失较多",
        "建议落实乡村教师生活补助和周转房"},
       {"今年招聘乡村教师八十名", "落实乡村教师生活补助", "推进城乡教师交流轮岗"},
       "县教育局"},
      {"医疗卫生",
       "基层医疗服务能力",
       {"乡镇卫生院设备陈旧", "村医队伍老龄化", "群众看病需往返县城", "建议推进县域医共体建设"},
       {"县人民医院已向乡镇卫生院下派医生", "更新数字化影像设备", "开通远程会诊服务"},
       "县卫生健康局"},
      {"生态环境",
       "河道综合治理",
       {"河道淤积严重", "沿岸生活污水直排", "部分小区物业未履行垃圾清运责任",
        "建议开展清淤疏浚并完善截污管网"},
       {"已完成河道清淤十二公里", "新建截污管网八公里", "落实河长制巡河责任"},
       "县生态环境局"},
      {"民政",
       "社区居家养老服务",
       {"社区养老服务站运营困难", "老旧小区缺少适老化设施", "护理人员短缺",
        "建议发展嵌入式社区养老"},
       {"今年建成社区嵌入式养老服务中心五个", "对老旧小区实施适老化改造", "培训养老护理员二百名"},
       "县民政局"},
      {"市场监管",
       "农贸市场提质改造",
       {"农贸市场棚顶漏雨", "排水沟常年堵塞", "生鲜区与熟食区混杂", "建议实施标准化改造"},
       {"农贸市场改造已列入民生实事", "改造期间设置临时过渡市场", "建立市场长效管理机制"},
       "县市场监督管理局"},
  };
  return topics;
}

const char* const kPlaces[] = {"南关",     "城关镇", "青石镇", "双河乡", "柳河镇", "东关街道",
                               "西城街道", "白塔乡", "石门镇", "清水河", "北山乡", "新华街道"};
const char* const kNames[] = {"刘桂芳", "王建国", "赵德明", "李秀英",
                              "张伟",   "陈静",   "杨帆",   "黄丽"};

struct Options {
  int items = 100000;
  int queries = 200;
  std::string db = "/tmp/huiyin-disclosure-bench.db";
  std::string json;
  bool keep_db = false;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* flag) -> std::string {
      const std::string prefix = absl::StrCat("--", flag, "=");
      return arg.rfind(prefix, 0) == 0 ? arg.substr(prefix.size()) : "";
    };
    if (auto v = value("items"); !v.empty()) (void)absl::SimpleAtoi(v, &o.items);
    if (auto v = value("queries"); !v.empty()) (void)absl::SimpleAtoi(v, &o.queries);
    if (auto v = value("db"); !v.empty()) o.db = v;
    if (auto v = value("json"); !v.empty()) o.json = v;
    if (arg == "--keep_db") o.keep_db = true;
  }
  return o;
}

std::string Sentences(const std::vector<const char*>& pool, std::mt19937& rng, int n) {
  std::string out;
  for (int s = 0; s < n; ++s) {
    absl::StrAppend(&out, pool[rng() % pool.size()], s + 1 == n ? "。" : "，");
  }
  return out;
}

template <typename Payload>
events::v1::Event FeedEvent(const std::string& source, const std::string& subject,
                            const Payload& payload, absl::Time when) {
  return huiyin::FeedEvent(source, subject, payload, when,
                           MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK));
}

// The public texts of record i, for counting the records a term should find.
struct Generated {
  std::vector<events::v1::Event> events;
  std::string text;  // title, body and answer together
};

// Item i accepted by intake, then its lead task's answer issued by workflow in June of kYear.
Generated RecordEvents(int i, std::mt19937& rng) {
  const Topic& topic = Topics()[i % Topics().size()];
  const std::string place = kPlaces[(i / 8) % (sizeof kPlaces / sizeof kPlaces[0])];
  const bool proposal = i % 3 == 0;
  intake::v1::ItemAccepted accepted;
  auto* item = accepted.mutable_item();
  item->set_name(absl::StrCat("items/pub-", i));
  item->set_kind(proposal ? intake::v1::ITEM_KIND_PROPOSAL : intake::v1::ITEM_KIND_SUGGESTION);
  item->set_session(proposal ? "政协县第十一届委员会第五次会议"
                             : "县第十八届人民代表大会第五次会议");
  item->set_year(kYear);
  item->set_number(i + 1);
  item->set_number_label(absl::StrCat(proposal ? "提案第" : "建议第", i + 1, "号"));
  item->set_title(absl::StrCat("关于", place, topic.title, proposal ? "的提案" : "的建议"));
  item->set_body(absl::StrCat(place, Sentences(topic.body, rng, 4)));
  item->set_category(topic.category);
  item->set_state(intake::v1::ITEM_STATE_ACCEPTED);
  auto* lead = item->mutable_lead_proposer();
  lead->set_person(absl::StrCat("persons/p-", 5000 + i % 400));
  lead->set_name(kNames[i % (sizeof kNames / sizeof kNames[0])]);
  lead->set_group(proposal ? "经济界" : absl::StrCat(place, "代表团"));
  const absl::Time accepted_at =
      absl::FromCivil(absl::CivilSecond(kYear, 3, 10, 10, 0, 0), ChinaTimeZone());

  workflow::v1::AnswerIssued issued;
  auto* t = issued.mutable_task();
  t->set_name(absl::StrCat("tasks/pub-", i, "-lead"));
  auto* s = t->mutable_item();
  s->set_item(item->name());
  s->set_kind(item->kind());
  s->set_session(item->session());
  s->set_year(kYear);
  s->set_title(item->title());
  s->set_number_label(item->number_label());
  s->set_category(item->category());
  t->set_unit(absl::StrCat("units/u", i % 300));
  t->set_unit_display_name(topic.unit);
  t->set_role(assignment::v1::UNIT_ROLE_LEAD);
  t->set_state(workflow::v1::TASK_STATE_ANSWERED);
  t->set_assign_date(absl::StrCat(kYear, "-03-20"));
  t->set_deadline(absl::StrCat(kYear, "-06-30"));
  t->mutable_responsible()->set_head_name("赵国强");
  auto* a = t->add_answers();
  a->set_name(t->name() + "/answers/1");
  a->set_round(1);
  a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  a->set_answer_class(static_cast<workflow::v1::AnswerClass>(1 + rng() % 3));
  a->set_text(absl::StrCat("尊敬的", lead->name(), "：您提出的《", item->title(), "》收悉。",
                           Sentences(topic.answer, rng, 3), "感谢您对", topic.unit,
                           "工作的支持。"));
  const absl::Time issued_at = absl::FromCivil(
      absl::CivilSecond(kYear, 6, 1 + static_cast<int>(rng() % 25), 16, 0, 0), ChinaTimeZone());
  a->mutable_issue_time()->set_seconds(absl::ToUnixSeconds(issued_at));
  *issued.mutable_answer() = *a;

  Generated out;
  out.text = absl::StrCat(item->title(), item->body(), a->text());
  out.events.push_back(FeedEvent("intake", item->name(), accepted, accepted_at));
  out.events.push_back(FeedEvent("workflow", t->name(), issued, issued_at));
  return out;
}

// The bulk path: kBatch records' events per write transaction through the feed appliers.
absl::Status LoadRecords(Database& db, DisclosureCore& core, int items,
                         const std::vector<std::string>& terms,
                         std::map<std::string, int64_t>& containing) {
  std::mt19937 rng(20261123);
  for (int first = 0; first < items; first += kBatch) {
    std::vector<events::v1::Event> page;
    for (int i = first; i < std::min(items, first + kBatch); ++i) {
      Generated g = RecordEvents(i, rng);
      for (const auto& term : terms) containing[term] += g.text.find(term) != std::string::npos;
      for (auto& e : g.events) page.push_back(std::move(e));
    }
    if (auto s = ApplyPageInOneTransaction(db, core, page); !s.ok()) return s;
    if ((first / kBatch) % 10 == 0) {
      std::cerr << absl::StrFormat("\r  published %d of %d records",
                                   std::min(items, first + kBatch), items);
    }
  }
  std::cerr << "\n";
  return absl::OkStatus();
}

void TimePublicReads(const DisclosureCore& core, const Options& o,
                     const std::vector<std::string>& terms, bench::BenchReport& report) {
  const Caller anyone = MakeCaller("", common::v1::ROLE_PUBLIC);
  v1::ListPublicDisclosuresRequest list;
  list.set_page_size(20);
  std::string detail;
  report.Time("public list, in-process (20)", o.queries, [&](int) {
    auto page = core.ListPublicDisclosures(anyone, list);
    if (page.ok() && page->disclosures_size() > 0) detail = page->disclosures(0).name();
    return page.ok() && page->disclosures_size() == std::min(20, o.items);
  });
  report.Time("public detail, in-process", o.queries, [&](int) {
    v1::GetPublicDisclosureRequest r;
    r.set_name(detail);
    return core.GetPublicDisclosure(anyone, r).ok();
  });
  for (const auto& term : terms) {
    v1::ListPublicDisclosuresRequest search = list;
    search.set_query(term);
    report.Time(absl::StrCat("public search, in-process (", term, ")"), o.queries, [&](int) {
      auto page = core.ListPublicDisclosures(anyone, search);
      return page.ok() && page->disclosures_size() > 0;
    });
  }
}

int Run(const Options& o) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(o.db + suffix);
  DatabaseOptions db_options;
  db_options.path = o.db;
  db_options.on_connection = [](SQLite::Database& conn) {
    return text::RegisterBigramTokenizer(conn.getHandle());
  };
  auto db = Database::Open(db_options, kMigrations);
  auto normalizer = text::TextNormalizer::Create();
  if (!db.ok() || !normalizer.ok()) {
    std::cerr << "disclosure_bench: cannot open " << o.db << " or OpenCC\n";
    return 1;
  }
  // Published in July: every answer (issued in June) is within its 20 working days.
  FakeClock clock(absl::FromCivil(absl::CivilSecond(kYear, 7, 1, 10, 0, 0), ChinaTimeZone()));
  RandomIdGenerator ids;
  DisclosureCore core(**db, clock, ids, WorkingDayCalendar::ChinaMainland(), **normalizer,
                      DisclosureOptions{});
  // The terms huiyin-bench searches (2 and 4 characters) and one no record contains.
  const std::vector<std::string> terms = {"物业", "老旧小区", "火箭"};
  std::map<std::string, int64_t> containing;
  bench::BenchReport report;
  const absl::Time start = absl::Now();
  if (auto s = LoadRecords(**db, core, o.items, terms, containing); !s.ok()) {
    std::cerr << "disclosure_bench: " << s << "\n";
    return 1;
  }
  bench::BenchRow load;
  load.operation = absl::StrCat("disclosure bulk load, ", o.items, " records");
  load.unit = "records";
  load.count = o.items;
  load.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  load.note = absl::StrFormat(
      "accepted + answer issued through the feed appliers, published and indexed, %d a commit",
      kBatch);
  report.Add(std::move(load));
  for (const auto& [term, n] : containing) report.Count("containing " + term, n);
  report.Count("year", kYear);
  TimePublicReads(core, o, {"物业", "老旧小区"}, report);
  report.Print(std::cout);
  for (const auto& [term, n] : containing) std::cout << term << ": " << n << " records\n";
  if (!o.json.empty()) {
    if (auto s = report.WriteJson(o.json, "disclosure_bench"); !s.ok()) {
      std::cerr << "disclosure_bench: " << s << "\n";
      return 1;
    }
  }
  (*db)->Close();
  if (!o.keep_db) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(o.db + suffix);
  }
  return 0;
}

}  // namespace
}  // namespace huiyin::disclosure

int main(int argc, char** argv) {
  return huiyin::disclosure::Run(huiyin::disclosure::Parse(argc, argv));
}

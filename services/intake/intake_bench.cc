// Intake at scale: submits N synthetic items (default 100,000, over ten years), indexes them,
// then times FindSimilar and SearchItems. Prints figures, and with --json writes them for
// huiyin-bench; asserts nothing (a benchmark, not a test: this machine is shared and timings
// vary).
//
//   build/services/intake/intake_bench [--items=100000] [--queries=200] [--quality_samples=20]
//                                      [--dir=/tmp/huiyin-bench] [--json=FILE]
//
// --quality_samples: items whose FindSimilar candidates are checked against an exhaustive scan
// (0 skips it).
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/bench/bench_report.h"
#include "common/text/bigram_tokenizer.h"
#include "services/intake/core.h"
#include "services/intake/huiyin_intake_migrations.h"
#include "services/intake/similarity.h"
#include "services/intake/store.h"

namespace huiyin::intake {
namespace {

struct Topic {
  const char* subject;
  std::vector<const char*> sentences;
};

const std::vector<Topic>& Topics() {
  static const std::vector<Topic> topics = {
      {"老旧小区物业管理",
       {"老旧小区没有物业服务企业", "楼道堆放杂物无人清理", "路灯损坏长期无人维修",
        "建议设立物业管理专项资金", "引入专业物业服务", "居民自治与政府补贴相结合"}},
      {"农贸市场改造",
       {"农贸市场棚顶漏雨地面积水", "摊位布局杂乱", "生鲜区与熟食区混杂", "完善冷链和检测设施",
        "实施标准化改造", "规范摊位经营秩序"}},
      {"城区停车难",
       {"城区停车位严重不足", "车辆占道停放影响通行", "建设立体停车场", "推行错时共享停车",
        "规范路内停车收费", "加强违停执法"}},
      {"农村饮用水安全",
       {"偏远村组依靠山泉水取水", "水质未经检测", "枯水季节经常断水", "加快供水管网延伸",
        "推进城乡供水一体化", "落实管护责任和经费"}},
      {"义务教育教师短缺",
       {"乡镇学校紧缺学科教师不足", "一名教师兼教多门学科", "城区学校大班额", "统筹调配教师编制",
        "实行县管校聘", "完善乡村教师生活补助"}},
      {"河道综合治理",
       {"河道淤积严重", "沿岸生活污水直排", "汛期行洪能力不足", "开展清淤疏浚", "完善截污纳管工程",
        "建设滨河生态绿道"}},
      {"乡村道路提升",
       {"通村公路路面破损", "路基狭窄会车困难", "缺少安全防护设施", "纳入农村公路提档升级计划",
        "增设错车道", "完善养护机制"}},
      {"基层医疗服务",
       {"乡镇卫生院设备陈旧", "村医队伍老龄化", "群众看病要往县城跑", "推进县域医共体建设",
        "定向培养乡村医生", "提高基层医保报销比例"}},
      {"养老服务体系",
       {"农村留守老人缺乏照料", "养老机构床位不足", "社区养老服务站运营困难", "发展居家社区养老",
        "培育养老护理人员", "落实运营补贴"}},
      {"中小企业融资",
       {"中小企业融资难融资贵", "担保机制不健全", "银行贷款审批周期长", "设立政府性融资担保基金",
        "开展银企对接", "推广知识产权质押"}},
      {"垃圾分类处理",
       {"生活垃圾分类投放不规范", "转运设施不足", "农村垃圾随意倾倒", "完善分类收运体系",
        "建设餐厨垃圾处理设施", "开展宣传引导"}},
      {"学生校园安全",
       {"校门口交通秩序混乱", "上下学高峰拥堵", "周边流动摊贩多", "设置护学岗", "完善校园周边监控",
        "规范校车管理"}}};
  return topics;
}

const std::vector<const char*>& Common() {
  static const std::vector<const char*> common = {
      "群众反映强烈",     "建议相关部门高度重视",     "进一步加强统筹协调", "加大财政投入力度",
      "建立长效管理机制", "切实解决群众急难愁盼问题", "纳入年度重点工作",   "强化督促检查"};
  return common;
}

v1::SubmitItemRequest MakeItem(std::mt19937& rng, int i) {
  const auto& topics = Topics();
  const Topic& topic = topics[rng() % topics.size()];
  int year = 2016 + static_cast<int>(rng() % 10);
  v1::SubmitItemRequest r;
  auto* item = r.mutable_item();
  item->set_kind(rng() % 2 ? v1::ITEM_KIND_SUGGESTION : v1::ITEM_KIND_PROPOSAL);
  item->set_year(year);
  item->set_session(absl::StrCat(year, "年县人代会"));
  item->set_title(absl::StrCat("关于", topic.subject, "的建议（", i, "）"));
  std::string body;
  for (int s = 0; s < 12; ++s) {
    bool own = rng() % 3 != 0;
    const char* sentence =
        own ? topic.sentences[rng() % topic.sentences.size()] : Common()[rng() % Common().size()];
    absl::StrAppend(&body, sentence, s % 3 == 2 ? "。" : "，");
  }
  item->set_body(body);
  auto* lead = item->mutable_lead_proposer();
  lead->set_person(absl::StrCat("persons/p-", rng() % 5000));
  lead->set_name("代表");
  item->set_category("城乡建设");
  item->set_channel(v1::CHANNEL_CONGRESS_SYSTEM);
  return r;
}

bench::BenchRow Throughput(std::string operation, int64_t items, double seconds, std::string note) {
  bench::BenchRow row;
  row.operation = std::move(operation);
  row.unit = "items";
  row.count = items;
  row.seconds = seconds;
  row.note = std::move(note);
  return row;
}

// How good the candidate selection is: for `samples` items, the 10 most similar by exhaustive
// cosine over every indexed item against the 10 best that ScoreCandidates finds. Says the share
// of the exhaustive top 10 found, and the mean score of each ten (equal when the found ten are as
// similar as the best ten, whichever items they are: near-duplicates tie).
absl::StatusOr<std::string> CandidateQuality(Database& db, int samples) {
  std::string out;
  absl::Status s = db.Read([&](SQLite::Database& conn) -> absl::Status {
    TermStatistics stats;
    stats.Load(conn);
    struct Query {
      int64_t seq;
      TermVector vector;
      std::vector<std::pair<double, int64_t>> exact;  // (score, seq), best kept 10
    };
    std::vector<Query> queries;
    const int64_t documents = stats.documents();
    for (int i = 0; i < samples; ++i) {
      int64_t seq = 1 + (documents * i) / samples;
      auto text = IndexedText(conn, seq);
      if (text) queries.push_back({seq, MakeTermVector(text->title, text->body, stats), {}});
    }
    constexpr size_t kTop = 10;
    auto better = [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    };
    SQLite::Statement all(conn, "SELECT rowid, title, body FROM item_search");
    while (all.executeStep()) {
      int64_t seq = all.getColumn(0).getInt64();
      TermVector v =
          MakeTermVector(all.getColumn(1).getString(), all.getColumn(2).getString(), stats);
      for (auto& q : queries) {
        if (seq == q.seq) continue;
        q.exact.emplace_back(Cosine(q.vector, v), seq);
        if (q.exact.size() > 4 * kTop) {
          std::partial_sort(q.exact.begin(), q.exact.begin() + kTop, q.exact.end(), better);
          q.exact.resize(kTop);
        }
      }
    }
    double found = 0, wanted = 0, returned = 0, found_score = 0, exact_score = 0;
    for (auto& q : queries) {
      std::sort(q.exact.begin(), q.exact.end(), better);
      if (q.exact.size() > kTop) q.exact.resize(kTop);
      auto ours = ScoreCandidates(conn, q.vector, stats, q.seq, kSimilarCandidates);
      if (ours.size() > kTop) ours.resize(kTop);
      for (const auto& [score, seq] : q.exact) {
        exact_score += score;
        ++wanted;
        for (const auto& o : ours) found += o.seq == seq;
      }
      for (const auto& o : ours) found_score += o.score;
      returned += static_cast<double>(ours.size());
    }
    out = absl::StrFormat(
        "against an exhaustive scan of %zu items' neighbours: %.0f%% of the 10 "
        "most similar found, mean score %.3f of the best %.3f",
        queries.size(), 100 * found / std::max(1.0, wanted), found_score / std::max(1.0, returned),
        exact_score / std::max(1.0, wanted));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

int Run(int items, int queries, int quality_samples, const std::string& dir,
        const std::string& json) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  DatabaseOptions options;
  options.path = dir + "/intake.db";
  options.on_connection = [](SQLite::Database& c) {
    return text::RegisterBigramTokenizer(c.getHandle());
  };
  auto db = Database::Open(options, kMigrations);
  auto normalizer = text::TextNormalizer::Create();
  if (!db.ok() || !normalizer.ok()) {
    std::cerr << "setup failed\n";
    return 1;
  }
  SystemClock clock;
  RandomIdGenerator ids;
  IntakeOptions intake_options;
  intake_options.index_batch = 500;
  auto core = std::make_unique<IntakeCore>(**db, clock, ids, **normalizer, intake_options);
  Caller system = MakeCaller("systems/bench", common::v1::ROLE_SYSTEM);

  absl::Time t0 = absl::Now();
  constexpr int kWriters = 64;
  std::atomic<int> next{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int i = next++; i < items; i = next++) {
        if (!core->SubmitItem(system, MakeItem(rng, i)).ok()) std::abort();
      }
    });
  }
  for (auto& t : writers) t.join();
  double submit_s = absl::ToDoubleSeconds(absl::Now() - t0);
  bench::BenchReport report;
  report.Add(
      Throughput(absl::StrCat("intake submit, ", items, " items"), items, submit_s,
                 absl::StrCat(kWriters, " writers in-process, group commit, synchronous=FULL")));

  t0 = absl::Now();
  if (!core->IndexPending().ok()) return 1;
  double index_s = absl::ToDoubleSeconds(absl::Now() - t0);
  report.Add(Throughput(absl::StrCat("intake index, ", items, " items"), items, index_s,
                        "normalise + FTS5 bigram insert"));

  core.reset();
  t0 = absl::Now();
  core = std::make_unique<IntakeCore>(**db, clock, ids, **normalizer, intake_options);
  if (!core->Start().ok()) return 1;
  absl::PrintF("restart     term statistics loaded in %.2f s\n",
               absl::ToDoubleSeconds(absl::Now() - t0));

  std::vector<std::string> names;
  v1::ListItemsRequest list;
  list.set_page_size(500);
  auto page = core->ListItems(system, list);
  for (const auto& item : page->items()) names.push_back(item.name());
  size_t found = 0;
  auto& similar =
      report.Time(absl::StrCat("FindSimilar at ", items, " items"), queries, [&](int q) {
        v1::FindSimilarRequest r;
        r.set_name(names[q % names.size()]);
        auto result = core->FindSimilar(system, r);
        if (result.ok()) found += result->merge_candidates_size() + result->recurring_size();
        return result.ok();
      });
  similar.note = absl::StrFormat("%.1f results a query", static_cast<double>(found) / queries);
  if (quality_samples > 0) {
    auto quality = CandidateQuality(**db, quality_samples);
    if (!quality.ok()) {
      std::cerr << quality.status() << "\n";
      return 1;
    }
    absl::StrAppend(&similar.note, "; ", *quality);
  }
  const char* words[] = {"物业", "停车", "教师", "河道", "养老", "融资", "垃圾分类", "水"};
  report
      .Time(absl::StrCat("SearchItems at ", items, " items"), queries,
            [&](int q) {
              v1::SearchItemsRequest r;
              r.set_query(words[q % 8]);
              return core->SearchItems(system, r).ok();
            })
      .note = "1-4 characters, first page of 20";
  report.Print(std::cout);
  absl::PrintF("database    %.0f MB\n",
               static_cast<double>(std::filesystem::file_size(options.path)) / 1e6);
  if (!json.empty()) {
    if (auto s = report.WriteJson(json, "intake_bench"); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  core.reset();
  (*db)->Close();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace huiyin::intake

int main(int argc, char** argv) {
  int items = 100000, queries = 200, quality_samples = 20;
  std::string dir = "/tmp/huiyin-intake-bench";
  std::string json;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--items=", 0) == 0) (void)absl::SimpleAtoi(arg.substr(8), &items);
    if (arg.rfind("--queries=", 0) == 0) (void)absl::SimpleAtoi(arg.substr(10), &queries);
    if (arg.rfind("--quality_samples=", 0) == 0) {
      (void)absl::SimpleAtoi(arg.substr(18), &quality_samples);
    }
    if (arg.rfind("--dir=", 0) == 0) dir = arg.substr(6);
    if (arg.rfind("--json=", 0) == 0) json = arg.substr(7);
  }
  return huiyin::intake::Run(items, queries, quality_samples, dir, json);
}

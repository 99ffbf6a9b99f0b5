// Prints how fast text is normalized and indexed, on proposal-sized (~2 KB) Chinese texts:
//   text_bench [documents=5000]
// Not a test: figures depend on the machine. Everything runs in memory.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/text/bigram_tokenizer.h"
#include "common/text/normalize.h"
#include "common/text/search_query.h"

namespace huiyin::text {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr const char* kSentences[] = {
    "我市老旧小区普遍缺少专业化物业服务，设施老化，雨天路面积水。",
    "建议建立物业服务费财政补贴机制，引导业主成立业主委员会，推行“红色物业”。",
    "2024年度城区新增公共停车泊位不足三千个，占道停车现象突出。",
    "建议利用边角地块建设立体停车场，推行错时共享停车，完善智慧停车诱导系统。",
    "部分偏远村组仍存在季节性缺水问题，水质检测覆盖不全。",
    "建议加快城乡供水一体化建设，落实水源地保护和工程运行管护责任。",
    "城乡之间义务教育资源配置不均衡，乡村学校师资紧缺。",
    "建议扩大优质学校集团化办学覆盖面，加强教师交流轮岗，落实课后服务经费保障。",
    "住宅专项维修资金使用审批流程繁琐，物业企业申请困难（详见附件１、附件２）。",
    "關於加強基層醫療衛生服務能力建設，提高鄉鎮衛生院診療水平的建議。",
};
constexpr int kSentenceCount = sizeof(kSentences) / sizeof(kSentences[0]);

// Documents of about 2 KB, each a different rotation of the sentences.
std::vector<std::string> MakeTexts(int count) {
  std::vector<std::string> texts;
  texts.reserve(count);
  for (int i = 0; i < count; ++i) {
    std::string text;
    for (int k = 0; text.size() < 2048; ++k) {
      text += kSentences[(i + k * 3) % kSentenceCount];
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

void BenchNormalize(const TextNormalizer& normalizer, const std::vector<std::string>& texts,
                    int threads) {
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  workers.reserve(threads);
  std::vector<size_t> bytes(threads, 0);
  std::vector<size_t> output_bytes(threads, 0);  // used, so that the calls are not optimized away
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      size_t in = 0;
      size_t out = 0;
      for (int round = 0; round < 3; ++round) {
        for (size_t i = t; i < texts.size(); i += threads) {
          in += texts[i].size();
          out += normalizer.Normalize(texts[i]).size();
        }
      }
      bytes[t] = in;
      output_bytes[t] = out;
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  size_t total = 0;
  size_t total_output = 0;
  for (int t = 0; t < threads; ++t) {
    total += bytes[t];
    total_output += output_bytes[t];
  }
  const double seconds = SecondsSince(start);
  std::printf("Normalize, %d thread(s): %.1f MB/s (%.0f texts/s, output %.0f%% of input)\n",
              threads, total / seconds / 1e6, texts.size() * 3 / seconds,
              100.0 * total_output / total);
}

void BenchTokenize(const std::vector<std::string>& normalized) {
  const auto start = Clock::now();
  size_t bytes = 0;
  size_t tokens = 0;
  for (const std::string& text : normalized) {
    bytes += text.size();
    tokens += BigramTokens(text, TokenizeMode::kDocument).size();
  }
  const double seconds = SecondsSince(start);
  std::printf("BigramTokens: %.1f MB/s, %.0f tokens per text\n", bytes / seconds / 1e6,
              static_cast<double>(tokens) / normalized.size());
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), error);
    std::exit(1);
  }
}

sqlite3* OpenIndex(const std::string& options) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  if (absl::Status registered = RegisterBigramTokenizer(db); !registered.ok()) {
    std::fprintf(stderr, "%s\n", registered.ToString().c_str());
    std::exit(1);
  }
  Exec(db, "CREATE VIRTUAL TABLE docs USING fts5(title, body, " + options + ")");
  return db;
}

// Returns documents per second, all in one transaction as a bulk import would be.
double InsertAll(sqlite3* db, const std::vector<std::string>& normalized) {
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO docs(title, body) VALUES('关于加强物业管理的建议', ?)", -1,
                     &insert, nullptr);
  const auto start = Clock::now();
  Exec(db, "BEGIN");
  for (const std::string& text : normalized) {
    sqlite3_bind_text(insert, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  Exec(db, "COMMIT");
  const double seconds = SecondsSince(start);
  sqlite3_finalize(insert);
  return normalized.size() / seconds;
}

void TimeQuery(sqlite3* db, std::string_view user_query) {
  sqlite3_stmt* query = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM docs WHERE docs MATCH ?", -1, &query, nullptr);
  const std::string match = BuildMatchExpression(user_query).value();
  constexpr int kQueries = 20;
  int found = 0;
  const auto start = Clock::now();
  for (int i = 0; i < kQueries; ++i) {
    sqlite3_bind_text(query, 1, match.data(), static_cast<int>(match.size()), SQLITE_STATIC);
    if (sqlite3_step(query) == SQLITE_ROW) {
      found = sqlite3_column_int(query, 0);
    }
    sqlite3_reset(query);
  }
  std::printf("    MATCH %-20s %6.2f ms, %d hits\n", match.c_str(),
              SecondsSince(start) * 1000 / kQueries, found);
  sqlite3_finalize(query);
}

void BenchFts5(const std::string& options, const std::vector<std::string>& normalized) {
  sqlite3* db = OpenIndex(options);
  std::printf("FTS5 %s: insert %.0f docs/s\n", options.c_str(), InsertAll(db, normalized));
  TimeQuery(db, "物业 停车");
  TimeQuery(db, "水");
  sqlite3_close(db);
}

int Main(int argc, char** argv) {
  const int count = std::max(1, argc > 1 ? std::atoi(argv[1]) : 5000);
  absl::StatusOr<std::unique_ptr<TextNormalizer>> normalizer = TextNormalizer::Create();
  if (!normalizer.ok()) {
    std::fprintf(stderr, "%s\n", normalizer.status().ToString().c_str());
    return 1;
  }
  const std::vector<std::string> texts = MakeTexts(count);
  std::printf("%d texts of about %zu bytes\n", count, texts[0].size());
  BenchNormalize(**normalizer, texts, 1);
  BenchNormalize(**normalizer, texts, 2);
  std::vector<std::string> normalized;
  normalized.reserve(texts.size());
  for (const std::string& text : texts) {
    normalized.push_back((*normalizer)->Normalize(text));
  }
  BenchTokenize(normalized);
  BenchFts5("tokenize='huiyin_bigram', prefix='1'", normalized);
  BenchFts5("tokenize='huiyin_bigram'", normalized);
  BenchFts5("tokenize='trigram'", normalized);
  BenchFts5("tokenize='unicode61'", normalized);
  return 0;
}

}  // namespace
}  // namespace huiyin::text

int main(int argc, char** argv) { return huiyin::text::Main(argc, argv); }

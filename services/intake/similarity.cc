#include "services/intake/similarity.h"

#include <algorithm>
#include <cmath>

#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/bigram_tokenizer.h"
#include "services/intake/store.h"

namespace huiyin::intake {
namespace {

constexpr double kTitleWeight = 2.0;

bool IsSingleCharacter(const std::string& token) {
  int chars = 0;
  for (unsigned char c : token) chars += (c & 0xC0) != 0x80;
  return chars < 2;
}

void AddTokens(absl::flat_hash_map<std::string, double>& tf, const std::string& text,
               double weight) {
  for (auto& token : text::BigramTokens(text, text::TokenizeMode::kDocument)) {
    if (!IsSingleCharacter(token)) tf[token] += weight;
  }
}

}  // namespace

void TermStatistics::Load(SQLite::Database& conn) {
  absl::flat_hash_map<std::string, int64_t> df;
  SQLite::Statement q(conn, "SELECT term, doc FROM item_search_vocab");
  while (q.executeStep()) df[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  int64_t docs = IndexedSeq(conn);
  absl::MutexLock lock(&mu_);
  df_ = std::move(df);
  documents_ = docs;
}

void TermStatistics::AddDocument(const std::vector<std::string>& distinct_terms) {
  absl::MutexLock lock(&mu_);
  ++documents_;
  for (const auto& t : distinct_terms) ++df_[t];
}

int64_t TermStatistics::DocumentFrequency(const std::string& term) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = df_.find(term);
  return it == df_.end() ? 0 : it->second;
}

int64_t TermStatistics::documents() const {
  absl::ReaderMutexLock lock(&mu_);
  return documents_;
}

double TermStatistics::Idf(const std::string& term) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = df_.find(term);
  int64_t df = it == df_.end() ? 0 : it->second;
  return std::log(static_cast<double>(documents_ + 1) / static_cast<double>(df + 1)) + 1.0;
}

TermVector MakeTermVector(const std::string& title, const std::string& body,
                          const TermStatistics& stats) {
  absl::flat_hash_map<std::string, double> tf;
  AddTokens(tf, title, kTitleWeight);
  AddTokens(tf, body, 1.0);
  TermVector v;
  double sum = 0;
  for (auto& [term, count] : tf) {
    double w = (1.0 + std::log(count)) * stats.Idf(term);
    v.weights.emplace(term, w);
    sum += w * w;
  }
  v.norm = std::sqrt(sum);
  return v;
}

double Cosine(const TermVector& a, const TermVector& b) {
  if (a.norm == 0 || b.norm == 0) return 0;
  const auto& small = a.weights.size() <= b.weights.size() ? a : b;
  const auto& large = &small == &a ? b : a;
  double dot = 0;
  for (const auto& [term, w] : small.weights) {
    auto it = large.weights.find(term);
    if (it != large.weights.end()) dot += w * it->second;
  }
  return std::min(1.0, dot / (a.norm * b.norm));
}

std::vector<std::string> DistinctIndexTerms(const std::string& title, const std::string& body) {
  absl::flat_hash_set<std::string> terms;
  for (auto& t : text::BigramTokens(title, text::TokenizeMode::kDocument)) terms.insert(t);
  for (auto& t : text::BigramTokens(body, text::TokenizeMode::kDocument)) terms.insert(t);
  return {terms.begin(), terms.end()};
}

std::string CandidateExpression(const TermVector& v, const TermStatistics& stats, int max_terms,
                                double max_df_ratio) {
  std::vector<std::pair<double, std::string>> ranked;
  // The cut-off is for speed on large indexes (a term in a fifth of 100,000 items has a long
  // posting list); below a few thousand items every term is cheap and may tell topics apart.
  const double max_df = std::max(1000.0, max_df_ratio * static_cast<double>(stats.documents()));
  for (const auto& [term, w] : v.weights) {
    int64_t df = stats.DocumentFrequency(term);
    if (df == 0 || static_cast<double>(df) > max_df) continue;
    ranked.emplace_back(w, term);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  if (ranked.size() > static_cast<size_t>(max_terms)) ranked.resize(max_terms);
  std::vector<std::string> phrases;
  // Terms are normalised letters, digits and CJK only: quoting them is enough.
  for (const auto& [w, term] : ranked) phrases.push_back(absl::StrCat("\"", term, "\""));
  return absl::StrJoin(phrases, " OR ");
}

std::vector<ScoredSeq> ScoreCandidates(SQLite::Database& conn, const TermVector& query,
                                       const TermStatistics& stats, int64_t exclude_seq,
                                       int max_candidates) {
  std::string expression = CandidateExpression(query, stats, /*max_terms=*/24,
                                                /*max_df_ratio=*/0.2);
  std::vector<ScoredSeq> out;
  if (expression.empty()) return out;
  for (int64_t seq : MatchSeqs(conn, expression, max_candidates)) {
    if (seq == exclude_seq) continue;
    auto text = IndexedText(conn, seq);
    if (!text) continue;
    out.push_back({seq, Cosine(query, MakeTermVector(text->title, text->body, stats))});
  }
  std::sort(out.begin(), out.end(), [](const ScoredSeq& a, const ScoredSeq& b) {
    return a.score != b.score ? a.score > b.score : a.seq < b.seq;
  });
  return out;
}

}  // namespace huiyin::intake

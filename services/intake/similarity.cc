#include "services/intake/similarity.h"

#include <algorithm>
#include <cmath>

#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_set.h"
#include "common/text/bigram_tokenizer.h"
#include "services/intake/store.h"

namespace huiyin::intake {
namespace {

constexpr double kTitleWeight = 2.0;
// Candidate selection reads at most this many postings (item ids) whatever the index size.
// Distinctive terms are rare, so similar items still share several of the terms it allows.
constexpr int64_t kPostingsBudget = 20000;
constexpr int kMaxCandidateTerms = 24;

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

std::vector<CandidateTerm> CandidateTerms(const TermVector& v, const TermStatistics& stats,
                                          int max_terms, int64_t postings_budget) {
  struct Ranked {
    double weight;
    int64_t df;
    const std::string* term;
  };
  std::vector<Ranked> ranked;
  for (const auto& [term, w] : v.weights) {
    int64_t df = stats.DocumentFrequency(term);
    if (df > 0) ranked.push_back({w, df, &term});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
    return x.weight != y.weight ? x.weight > y.weight : *x.term < *y.term;
  });
  std::vector<CandidateTerm> out;
  int64_t postings = 0;
  for (const auto& r : ranked) {
    if (static_cast<int>(out.size()) >= max_terms) break;
    if (postings + r.df > postings_budget) continue;
    postings += r.df;
    out.push_back({*r.term, r.weight * stats.Idf(*r.term)});
  }
  return out;
}

std::vector<ScoredSeq> ScoreCandidates(SQLite::Database& conn, const TermVector& query,
                                       const TermStatistics& stats, int64_t exclude_seq,
                                       int max_candidates) {
  absl::flat_hash_map<int64_t, double> shared;
  for (const auto& t : CandidateTerms(query, stats, kMaxCandidateTerms, kPostingsBudget)) {
    for (int64_t seq : TermSeqs(conn, t.term)) shared[seq] += t.weight;
  }
  shared.erase(exclude_seq);
  std::vector<std::pair<double, int64_t>> best;
  best.reserve(shared.size());
  for (const auto& [seq, weight] : shared) best.emplace_back(weight, seq);
  size_t keep = std::min(best.size(), static_cast<size_t>(max_candidates));
  std::partial_sort(best.begin(), best.begin() + keep, best.end(),
                    [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : x.second < y.second;
                    });
  best.resize(keep);

  std::vector<ScoredSeq> out;
  for (const auto& [weight, seq] : best) {
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

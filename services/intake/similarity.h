// Similar items ("年年提" and 并案 candidates): IDF-weighted cosine over character bigrams of the
// normalised title and body, with the title counted twice.
//
// Scale: the query's most distinctive bigrams are looked up in the FTS5 index (their posting lists
// only, within a fixed budget of postings); the items sharing the most weight with the query are
// scored exactly, so a query never scans every item nor ranks every match. Document frequencies
// live in memory (TermStatistics), loaded once from the index's fts5vocab table at start and kept
// current by the indexer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace huiyin::intake {

// Term → how many indexed items contain it.
class TermStatistics {
 public:
  // Loads from item_search_vocab; replaces what was there.
  void Load(SQLite::Database& conn);
  // Counts one more indexed document with these distinct terms.
  void AddDocument(const std::vector<std::string>& distinct_terms);
  // log((N + 1) / (df + 1)) + 1: rare terms weigh more.
  double Idf(const std::string& term) const;
  int64_t DocumentFrequency(const std::string& term) const;
  int64_t documents() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> df_ ABSL_GUARDED_BY(mu_);
  int64_t documents_ ABSL_GUARDED_BY(mu_) = 0;
};

// A text as a weighted term vector, ready for cosine.
struct TermVector {
  absl::flat_hash_map<std::string, double> weights;
  double norm = 0;
};

// Title and body already normalised. Single characters are left out (too common to tell topics).
TermVector MakeTermVector(const std::string& title, const std::string& body,
                          const TermStatistics& stats);
double Cosine(const TermVector& a, const TermVector& b);
// The distinct terms of a document as the index counts them (for AddDocument).
std::vector<std::string> DistinctIndexTerms(const std::string& title, const std::string& body);

// A term that selects candidates, with what sharing it adds to an approximate dot product
// (the query's weight times the term's idf: a document's weight for a term it has once).
struct CandidateTerm {
  std::string term;
  double weight = 0;
};

// The heaviest terms of `v` that appear in the index, at most `max_terms`, taken while their
// posting lists together stay within `postings_budget` (a term that alone would overflow it is
// passed over for lighter, rarer ones). The budget bounds a query's work whatever the index size.
std::vector<CandidateTerm> CandidateTerms(const TermVector& v, const TermStatistics& stats,
                                          int max_terms, int64_t postings_budget);

// Candidates scored exactly per FindSimilar.
inline constexpr int kSimilarCandidates = 120;

struct ScoredSeq {
  int64_t seq;
  double score;
};

// The `max_candidates` items sharing the most candidate-term weight with `query`, scored exactly,
// best first (ties by seq), excluding `exclude_seq`. Runs on a read connection.
std::vector<ScoredSeq> ScoreCandidates(SQLite::Database& conn, const TermVector& query,
                                       const TermStatistics& stats, int64_t exclude_seq,
                                       int max_candidates);

}  // namespace huiyin::intake

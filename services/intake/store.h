// Intake's SQL: items, proposers, unified numbers, request ids and the search index tables
// (migrations/). Every function runs on a connection handed in by common/store/Database: a write
// transaction for the mutating ones, a read snapshot for the others. SQLiteCpp throws; Database
// turns that into a status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/time/time.h"
#include "huiyin/intake/v1/intake.pb.h"

namespace huiyin::intake {

struct StoredItem {
  int64_t seq = 0;
  int64_t revision = 0;
  v1::Item item;
};

std::optional<StoredItem> LoadItem(SQLite::Database& conn, const std::string& id);
std::optional<StoredItem> LoadItemBySeq(SQLite::Database& conn, int64_t seq);
// Inserts a new item (revision 1); returns its seq.
int64_t InsertItem(SQLite::Database& tx, const std::string& id, const v1::Item& item);
// Saves a changed item (its revision already bumped) and its proposers.
void UpdateItem(SQLite::Database& tx, const StoredItem& stored);

// The next unified number for a kind and session (1, 2, 3 …); never given twice.
int NextUnifiedNumber(SQLite::Database& tx, v1::ItemKind kind, const std::string& session);

// Request ids: the item a (caller, method, request id) already produced, if any.
std::optional<std::string> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                             const std::string& method,
                                             const std::string& request_id);
void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& item_id, absl::Time now);

// Filters shared by listing and search. Empty / zero fields do not filter.
struct ItemFilter {
  std::string session;
  int year = 0;
  int kind = 0;
  int state = 0;
  std::string category;
  std::string proposer;        // items the person leads or co-signs
  bool only_accepted = false;  // permission: units and leading officials
};

// Items after `after_seq` in seq order, at most `limit`.
std::vector<StoredItem> ListItems(SQLite::Database& conn, const ItemFilter& filter,
                                  int64_t after_seq, int limit);
int64_t CountItems(SQLite::Database& conn, const ItemFilter& filter);

// Full-text search: items matching the FTS5 expression, best first.
std::vector<StoredItem> SearchItems(SQLite::Database& conn, const std::string& match,
                                    const ItemFilter& filter, int64_t offset, int limit);

// The search index is filled after the write is acknowledged, in seq order.
struct ItemText {
  int64_t seq = 0;
  std::string title;
  std::string body;
};
int64_t IndexedSeq(SQLite::Database& conn);
std::vector<ItemText> ItemsToIndex(SQLite::Database& conn, int64_t after_seq, int limit);
// Inserts normalised texts and moves the indexed position to `indexed_seq`.
void IndexItems(SQLite::Database& tx, const std::vector<ItemText>& normalized, int64_t indexed_seq);
// The normalised text stored in the index for an item, if indexed.
std::optional<ItemText> IndexedText(SQLite::Database& conn, int64_t seq);
// rowids of every indexed item containing `term` (one normalised bigram), in rowid order. Reads
// the term's posting list only: no ranking.
std::vector<int64_t> TermSeqs(SQLite::Database& conn, const std::string& term);

}  // namespace huiyin::intake

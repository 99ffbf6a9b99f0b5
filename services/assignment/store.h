// Assignment's SQL: units, the items copied from intake, assignments and their earlier versions,
// objections, extensions, the per-unit category history and request ids (migrations/). Every
// function runs on a connection handed in by common/store/Database: a write transaction for the
// mutating ones, a read snapshot for the others. SQLiteCpp throws; Database turns that into a
// status.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/time/time.h"
#include "huiyin/assignment/v1/assignment.pb.h"

namespace huiyin::assignment {

// --- units ---
struct StoredUnit {
  int64_t seq = 0;
  int64_t revision = 0;
  v1::Unit unit;
};
std::optional<StoredUnit> LoadUnit(SQLite::Database& conn, const std::string& id);
void InsertUnit(SQLite::Database& tx, const std::string& id, const v1::Unit& unit);
// Saves a changed unit (its revision already bumped), its categories and members.
void UpdateUnit(SQLite::Database& tx, const StoredUnit& stored);
struct UnitFilter {
  bool include_inactive = false;
  int kind = 0;
  std::string category;
};
std::vector<StoredUnit> ListUnits(SQLite::Database& conn, const UnitFilter& filter,
                                  int64_t after_seq, int limit);
// Active units listing `category` (职能领域).
std::vector<StoredUnit> UnitsWithCategory(SQLite::Database& conn, const std::string& category);

// --- items (the waiting list) ---
struct StoredItem {
  int64_t seq = 0;
  bool assigned = false;
  v1::ItemSummary item;
};
std::optional<StoredItem> LoadItem(SQLite::Database& conn, const std::string& id);
// Inserts a new item (waiting); returns its seq.
int64_t InsertItem(SQLite::Database& tx, const std::string& id, const v1::ItemSummary& item);
// Saves a changed summary (proposers, title) of a known item.
void UpdateItemSummary(SQLite::Database& tx, int64_t seq, const v1::ItemSummary& item);
void MarkAssigned(SQLite::Database& tx, int64_t seq);
struct ItemFilter {
  std::string session;
  int year = 0;
  int kind = 0;
};
std::vector<StoredItem> ListWaitingItems(SQLite::Database& conn, const ItemFilter& filter,
                                         int64_t after_seq, int limit);
int64_t CountWaitingItems(SQLite::Database& conn, const ItemFilter& filter);

// --- assignments ---
// The row of the current version. `assignment` holds neither item, objections, extensions nor
// history: the core assembles those from their own tables.
struct StoredAssignment {
  int64_t item_seq = 0;
  int64_t revision = 0;
  std::string first_assign_date;
  v1::Assignment assignment;
};
std::optional<StoredAssignment> LoadAssignment(SQLite::Database& conn, int64_t item_seq);
void InsertAssignment(SQLite::Database& tx, const StoredAssignment& stored);
// Saves the changed current version (revision already bumped) and its units.
void UpdateAssignment(SQLite::Database& tx, const StoredAssignment& stored);
// Keeps a version replaced by 改办.
void InsertVersion(SQLite::Database& tx, int64_t item_seq, const v1::Assignment& version);
// Earlier versions, oldest first.
std::vector<v1::Assignment> LoadVersions(SQLite::Database& conn, int64_t item_seq);

struct AssignmentFilter {
  std::string unit;              // naming this unit
  std::string proposer;          // items the person leads or co-signs
  std::string leading_official;  // key items this official leads
  int year = 0;
  std::string session;
  bool key_only = false;
  int state = 0;
};
// Current assignments after `after_seq` in item order, at most `limit`.
std::vector<StoredAssignment> ListAssignments(SQLite::Database& conn,
                                              const AssignmentFilter& filter, int64_t after_seq,
                                              int limit);
int64_t CountAssignments(SQLite::Database& conn, const AssignmentFilter& filter);
std::optional<StoredItem> LoadItemBySeq(SQLite::Database& conn, int64_t seq);

// --- objections and extensions (of one version) ---
void InsertObjection(SQLite::Database& tx, int64_t item_seq, int version, const std::string& id,
                     const v1::Objection& objection);
void UpdateObjection(SQLite::Database& tx, int64_t item_seq, const std::string& id,
                     const v1::Objection& objection);
std::vector<v1::Objection> LoadObjections(SQLite::Database& conn, int64_t item_seq, int version);
void InsertExtension(SQLite::Database& tx, int64_t item_seq, int version, const std::string& id,
                     const v1::Extension& extension);
void UpdateExtension(SQLite::Database& tx, int64_t item_seq, const std::string& id,
                     const v1::Extension& extension);
std::vector<v1::Extension> LoadExtensions(SQLite::Database& conn, int64_t item_seq, int version);
// One objection or extension by id, with the version it belongs to.
template <typename Message>
struct StoredChild {
  int version = 0;
  Message message;
};
std::optional<StoredChild<v1::Objection>> LoadObjection(SQLite::Database& conn, int64_t item_seq,
                                                        const std::string& id);
std::optional<StoredChild<v1::Extension>> LoadExtension(SQLite::Database& conn, int64_t item_seq,
                                                        const std::string& id);

// --- what units handled before, by category (SuggestUnits) ---
void AddHandled(SQLite::Database& tx, const std::string& unit, const std::string& category,
                int year, int delta);
std::map<std::string, int> HandledInCategory(SQLite::Database& conn, const std::string& category);

// --- request ids ---
struct ServedRequest {
  std::string resource;
  std::string response;  // serialized response, when the method keeps one
};
std::optional<ServedRequest> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                               const std::string& method,
                                               const std::string& request_id);
void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& resource,
                         const std::string& response, absl::Time now);

}  // namespace huiyin::assignment

// Disclosure's SQL (migrations/100_disclosure.sql): the copies of intake's items and workflow's
// tasks, the records with their public snapshots and versions, the public full-text index and the
// webhook deliveries. Every function runs on a connection handed in by common/store/Database;
// SQLiteCpp throws and Database turns that into a status.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::disclosure {

void UpsertItem(SQLite::Database& tx, const intake::v1::Item& item);
std::optional<intake::v1::Item> LoadItem(SQLite::Database& conn, const std::string& name);
void UpsertTask(SQLite::Database& tx, const workflow::v1::Task& task);
std::vector<workflow::v1::Task> TasksOfItem(SQLite::Database& conn, const std::string& item);

struct StoredRecord {
  int64_t seq = 0;                    // 0 until first saved
  v1::Disclosure data;                // as prepared (office view, without redactions)
  std::optional<v1::Disclosure> pub;  // as published, while public
  int64_t revision = 0;
  bool awaiting = false;
  std::string pending_answer;
  std::string due_date;
  std::string overdue_answer;
  std::string title_override;
  std::string body_override;
  int64_t publish_seq = 0;
};
std::optional<StoredRecord> LoadRecord(SQLite::Database& conn, const std::string& name);
// Inserts or updates by name; sets stored.seq on insert.
void SaveRecord(SQLite::Database& tx, StoredRecord& stored);
int64_t NextPublishSeq(SQLite::Database& tx);

// The public search index holds the normalised texts of public records under their publish_seq
// (unique among public records only: a withdrawn record's old publish_seq may be handed to
// another). IndexPublic adds a record just made public; UnindexPublic removes a record's entry
// before it is published again or withdrawn, and only while the record is still public, when
// that publish_seq is still its own.
void IndexPublic(SQLite::Database& tx, int64_t publish_seq, const std::string& title,
                 const std::string& body, const std::string& answers);
void UnindexPublic(SQLite::Database& tx, const StoredRecord& record);

void AppendVersion(SQLite::Database& tx, const std::string& record, const v1::DisclosureVersion& v);
std::vector<v1::DisclosureVersion> LoadVersions(SQLite::Database& conn, const std::string& record);

struct RecordFilter {
  int state = 0;
  std::string overdue_before;  // non-empty: awaiting and due_date < this date
  int year = 0;
  int kind = 0;
  std::string session;
  std::string unit;
  std::string category;
  int answer_class = 0;
};
// Office list: records after `after_seq`, in seq order, until `visit` returns false.
void ScanRecords(SQLite::Database& conn, const RecordFilter& filter, int64_t after_seq,
                 const std::function<bool(const StoredRecord&)>& visit);
int64_t CountRecords(SQLite::Database& conn, const RecordFilter& filter);

// A page of public records: (publish_seq, the published content), newest publication first.
using PublicRows = std::vector<std::pair<int64_t, v1::Disclosure>>;
// Public records with publish_seq below `before` (0: from the top).
PublicRows ListPublic(SQLite::Database& conn, const RecordFilter& filter, int64_t before,
                      int limit);
// Public records matching an FTS5 expression, in the same order and pages as ListPublic.
PublicRows SearchPublic(SQLite::Database& conn, const std::string& match,
                        const RecordFilter& filter, int64_t before, int limit);

// Records whose answer is not public by its due date and not reported overdue yet.
std::vector<StoredRecord> NewlyOverdue(SQLite::Database& conn, const std::string& today);
std::map<int, int64_t> CountByState(SQLite::Database& conn);
std::map<int, int64_t> WithheldByReason(SQLite::Database& conn);
int64_t CountOverdue(SQLite::Database& conn, const std::string& today);

struct Delivery {
  std::string id;
  std::string record;
  std::string event_type;
  std::string body;
  int64_t create_ms = 0;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::optional<int64_t> delivered_ms;
  int last_status = 0;
  std::string last_error;
};
void EnqueueDelivery(SQLite::Database& tx, const Delivery& d);
std::vector<Delivery> DueDeliveries(SQLite::Database& conn, int64_t now_ms, int limit);
void RecordAttempt(SQLite::Database& tx, const Delivery& d);
std::optional<Delivery> LoadDelivery(SQLite::Database& conn, const std::string& id);
// Deliveries not acknowledged yet, and the earliest next attempt among them (0 if none).
int64_t CountUndelivered(SQLite::Database& conn);
int64_t NextAttemptMs(SQLite::Database& conn);

}  // namespace huiyin::disclosure

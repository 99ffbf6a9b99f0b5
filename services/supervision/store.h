// Supervision's SQL (migrations/100_supervision.sql): the journal of applied events, workflow's
// task snapshots, the ledger entries and the figure counters. Every function runs on a connection
// handed in by common/store/Database; SQLiteCpp throws and Database turns that into a status.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "huiyin/events/v1/events.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::supervision {

void AppendJournal(SQLite::Database& tx, const events::v1::Event& event);
std::vector<events::v1::Event> LoadJournal(SQLite::Database& conn);
// Empties everything the journal rebuilds: tasks, entries, counters.
void ClearReadModel(SQLite::Database& tx);

std::optional<workflow::v1::Task> LoadTask(SQLite::Database& conn, const std::string& name);
std::vector<workflow::v1::Task> TasksOfItem(SQLite::Database& conn, const std::string& item);
void UpsertTask(SQLite::Database& tx, const workflow::v1::Task& task);

struct StoredEntry {
  int pre_stage = v1::STAGE_UNSPECIFIED;  // what intake and assignment events set
  v1::LedgerEntry entry;
};
std::optional<StoredEntry> LoadEntry(SQLite::Database& conn, const std::string& item);
void SaveEntry(SQLite::Database& tx, const StoredEntry& stored);
int64_t CountEntries(SQLite::Database& conn);

struct LedgerFilter {
  int year = 0;
  std::string session;
  int kind = 0;
  std::string unit;
  std::string category;
  std::string leading_official;
  int stage = 0;
  // A pre-filter for "overdue" (a superset; the caller confirms on the annotated entry): only
  // entries with a pending step `overdue_step` (huiyin.supervision.v1.Step) whose deadline is
  // before `overdue_before` ("YYYY-MM-DD"), of `overdue_unit` when set. Off when step is 0.
  int overdue_step = 0;
  std::string overdue_before;
  std::string overdue_unit;
};
// Visits the entries matching `filter` after `after_seq` in order until `visit` returns false.
void ScanEntries(SQLite::Database& conn, const LedgerFilter& filter, int64_t after_seq,
                 const std::function<bool(int64_t seq, v1::LedgerEntry entry)>& visit);

// The counters, in figure_counters' column order after the key.
inline constexpr std::array<const char*, 12> kCounterColumns = {"assigned",
                                                                "answered",
                                                                "answered_on_time",
                                                                "closed",
                                                                "class_a",
                                                                "class_a_closed",
                                                                "class_b_fulfilled",
                                                                "rated",
                                                                "satisfied",
                                                                "basically_satisfied",
                                                                "met",
                                                                "disclosed_on_time"};
using Counts = std::array<int64_t, kCounterColumns.size()>;

struct CounterKey {
  int year = 0;
  std::string session;
  int kind = 0;
  v1::GroupBy dimension = v1::GROUP_BY_NONE;
  std::string value;
};
void AddToCounters(SQLite::Database& tx, const CounterKey& key, const Counts& delta);
// Sums per value of `dimension` for a year, optionally one session, kind and value.
std::vector<std::pair<std::string, Counts>> SumCounters(SQLite::Database& conn, int year,
                                                        const std::string& session, int kind,
                                                        v1::GroupBy dimension,
                                                        const std::string& only_value);

}  // namespace huiyin::supervision

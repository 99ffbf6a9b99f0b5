// Workflow's SQL (migrations/100_workflow.sql): items and units copied from the feeds, tasks kept
// whole, request ids. Every function runs on a connection handed in by common/store/Database;
// SQLiteCpp throws and Database turns that into a status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"

namespace huiyin::workflow {

void UpsertItem(SQLite::Database& tx, const intake::v1::Item& item);
std::optional<intake::v1::Item> LoadItem(SQLite::Database& conn, const std::string& name);

void UpsertUnit(SQLite::Database& tx, const assignment::v1::Unit& unit);
std::optional<assignment::v1::Unit> LoadUnit(SQLite::Database& conn, const std::string& name);

struct StoredTask {
  int64_t seq = 0;
  int64_t revision = 0;
  v1::Task task;
};
std::optional<StoredTask> LoadTask(SQLite::Database& conn, const std::string& id);
// The tasks of an item, cancelled ones included, oldest first.
std::vector<StoredTask> TasksOfItem(SQLite::Database& conn, const std::string& item);
// Inserts a new task (revision 1); returns its seq.
int64_t InsertTask(SQLite::Database& tx, const std::string& id, const v1::Task& task);
// Saves a changed task whose revision was already bumped.
void UpdateTask(SQLite::Database& tx, const StoredTask& stored);

struct TaskFilter {
  std::string unit;
  std::string item;
  int state = 0;
  int year = 0;
};
std::vector<StoredTask> ListTasks(SQLite::Database& conn, const TaskFilter& filter,
                                  int64_t after_seq, int limit);
int64_t CountTasks(SQLite::Database& conn, const TaskFilter& filter);

std::optional<std::string> FindServedRequest(SQLite::Database& conn, const std::string& caller,
                                             const std::string& method,
                                             const std::string& request_id);
void RecordServedRequest(SQLite::Database& tx, const std::string& caller, const std::string& method,
                         const std::string& request_id, const std::string& resource);

}  // namespace huiyin::workflow

// The SQL behind step deadlines (migrations/101_notices.sql): the facts task snapshots do not
// carry (acknowledgement dates, disclosures), and step_deadlines, every step of every task as
// the ledger shows it, kept so the sweeper and the metrics find pending steps by deadline.
// Every function runs on a connection handed in by common/store/Database.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "google/protobuf/timestamp.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "services/supervision/steps.h"

namespace huiyin::supervision {

// Records the China date of `when` as the day `task` was acknowledged, if the snapshot is past
// WAITING_ACKNOWLEDGEMENT and none was recorded (the first event to show it wins).
void RecordAcknowledgement(SQLite::Database& tx, const workflow::v1::Task& task,
                           const google::protobuf::Timestamp& when);

// Records that `answer` of `task` was disclosed on `date` (`on_time`: within the disclosure
// service's deadline), or withheld (不予公开) that day; the earliest date recorded wins, and a
// publication on time is never undone by a later event.
void RecordDisclosure(SQLite::Database& tx, const std::string& answer, const std::string& task,
                      const std::string& date, bool on_time = false, bool withheld = false);
// The answers of `task` disclosed on time (for 公开率).
std::vector<std::string> AnswersDisclosedOnTime(SQLite::Database& conn, const std::string& task);

// Sets the steps of each unit of `entry` (matched by task) and each answer's disclosed date from
// the item's `tasks`, and replaces the item's rows of step_deadlines.
void DeriveStepDeadlines(SQLite::Database& tx, const std::vector<workflow::v1::Task>& tasks,
                         const StepOptions& options, const WorkingDayCalendar& calendar,
                         v1::LedgerEntry& entry);

// Empties what the journal rebuilds (acknowledgements, step_deadlines); disclosures stay.
void ClearStepModel(SQLite::Database& tx);

// A step the rules may act on.
struct RuledStep {
  std::string task;
  v1::Step step = v1::STEP_UNSPECIFIED;
  std::string subject;
  std::string deadline;
  int returned_count = 0;
};

// Pending ruled steps with a deadline on or before `horizon` and no notice yet under
// `stop_key_trigger` (the last colour they can reach), in task order.
std::vector<RuledStep> PendingStepsDueBy(SQLite::Database& conn, const std::string& horizon,
                                         int stop_key_trigger);
// Ruled answer steps of tasks returned at least `count` times and no notice yet under
// `key_trigger`.
std::vector<RuledStep> ReturnedAnswerSteps(SQLite::Database& conn, int count, int key_trigger);

// Pending steps past their deadline on `today`, by (unit, step).
std::map<std::pair<std::string, v1::Step>, int64_t> OverdueStepCounts(SQLite::Database& conn,
                                                                      const std::string& today);

// Answering tasks still open (ruled answer steps) whose answer deadline is before `today`, by
// unit; 0 for the other units that have tasks.
std::map<std::string, int64_t> OverdueAnswersByUnit(SQLite::Database& conn,
                                                    const std::string& today);

// The rule key of a notice: "task|step|subject|deadline|trigger" (the SQL above builds the same).
std::string RuleKey(const std::string& task, v1::Step step, const std::string& subject,
                    const std::string& deadline, int trigger);

}  // namespace huiyin::supervision

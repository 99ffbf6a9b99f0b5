// Reconciliation (核对): does the supervision ledger (台账) agree with the services that own the
// facts? huiyin-reconcile (reconcile_main.cc) reads every item, assignment, task and disclosure
// record from their owners and every ledger entry and figure from supervision, page by page, into
// a Snapshot of compact summaries; Reconcile compares them and says each disagreement in words.
//
//   Snapshot s;
//   for (const auto& item : page.items()) AddItem(s, item);   // … tasks, ledger entries, figures
//   for (const auto& d : Reconcile(s)) std::cout << d.text << "\n";
//
// The ledger is rebuilt from the owners' events, so a disagreement means an event was lost or
// applied twice (or the ledger lags: run it again, or let huiyin-reconcile re-check).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {

struct OwnedItem {  // intake
  std::string number_label;
  intake::v1::ItemState state = intake::v1::ITEM_STATE_UNSPECIFIED;
  int year = 0;
};

struct OwnedAnswer {  // an issued answer of a workflow task
  workflow::v1::Rating rating = workflow::v1::RATING_UNSPECIFIED;
};

struct OwnedTask {  // workflow
  std::string name;
  std::string unit;
  workflow::v1::TaskState state = workflow::v1::TASK_STATE_UNSPECIFIED;
  int returned_count = 0;
  std::map<std::string, OwnedAnswer> issued_answers;
  // The steps (签收, 答复) workflow's task shows done.
  std::map<v1::Step, bool> steps_done;
  workflow::v1::Task stage_view;  // only what StageOf reads: role and state
};

struct OwnedDisclosure {  // disclosure
  disclosure::v1::DisclosureState state = disclosure::v1::DISCLOSURE_STATE_UNSPECIFIED;
  int version = 0;
  std::set<std::string> answers;
};

struct LedgerUnitView {
  std::string unit;
  workflow::v1::TaskState task_state = workflow::v1::TASK_STATE_UNSPECIFIED;
  int returned_count = 0;
  std::map<v1::Step, bool> steps_done;  // of the steps in OwnedTask::steps_done it shows
};

struct LedgerAnswerView {
  workflow::v1::Rating rating = workflow::v1::RATING_UNSPECIFIED;
  bool disclosed = false;  // published or withheld by disclosure (公开 settled)
};

struct LedgerView {
  std::string number_label;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  std::map<std::string, LedgerUnitView> units;  // by task
  std::map<std::string, LedgerAnswerView> answers;
};

// Everything keyed by the item's name ("items/{item}").
struct Snapshot {
  std::map<std::string, OwnedItem> items;
  std::map<std::string, std::vector<std::string>> assigned_units;  // the current assignment
  std::map<std::string, std::vector<OwnedTask>> tasks;
  std::map<std::string, OwnedDisclosure> disclosures;
  std::map<std::string, LedgerView> ledger;
  std::map<int, Counts> owner_counts;   // recounted from workflow's tasks, by item year
  std::map<int, Counts> ledger_counts;  // supervision's figures (GROUP_BY_NONE), by year
};

void AddItem(Snapshot& s, const intake::v1::Item& item);
void AddAssignment(Snapshot& s, const assignment::v1::Assignment& assignment);
void AddTask(Snapshot& s, const workflow::v1::Task& task);
void AddDisclosure(Snapshot& s, const disclosure::v1::Disclosure& record);
void AddLedgerEntry(Snapshot& s, const v1::LedgerEntry& entry);
void AddLedgerFigures(Snapshot& s, int year, const v1::FigureCounts& counts);

// The years whose figures should be compared (of items and tasks).
std::set<int> YearsOf(const Snapshot& s);

struct Disagreement {
  std::string item;   // "items/{item}", or "figures/{year}"
  std::string check;  // a short key: "ledger-missing", "task-state", …
  std::string text;   // in plain words, with the item's number and what each side says
};
std::vector<Disagreement> Reconcile(const Snapshot& s);

}  // namespace huiyin::supervision

#include "services/supervision/reconcile.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/supervision/ledger_rules.h"

namespace huiyin::supervision {
namespace {

using workflow::v1::Task;

// disclosed_on_time needs disclosure's own judgement of "on time" (RecordPublished.on_time),
// which its records do not keep: that one counter is not recounted.
constexpr size_t kDisclosedOnTime = 11;

bool Cancelled(const OwnedTask& t) { return t.state == workflow::v1::TASK_STATE_CANCELLED; }

// What intake's and assignment's events make of the stage before any task (core.cc does the same
// from the events themselves).
v1::Stage PreStage(const OwnedItem* item, bool assigned) {
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  if (item != nullptr) {
    switch (item->state) {
      case intake::v1::ITEM_STATE_SUBMITTED:
        stage = v1::STAGE_SUBMITTED;
        break;
      case intake::v1::ITEM_STATE_ACCEPTED:
        stage = v1::STAGE_ACCEPTED;
        break;
      default:
        return v1::STAGE_ENDED;
    }
  }
  return assigned ? std::max(stage, v1::STAGE_ASSIGNED) : stage;
}

class Checker {
 public:
  Checker(const Snapshot& s, std::vector<Disagreement>& out) : s_(s), out_(out) {}

  void Item(const std::string& item) {
    item_ = item;
    owned_ = Find(s_.items, item);
    ledger_ = Find(s_.ledger, item);
    tasks_ = Find(s_.tasks, item);
    units_ = Find(s_.assigned_units, item);
    std::string number = owned_ != nullptr    ? owned_->number_label
                         : ledger_ != nullptr ? ledger_->number_label
                                              : "";
    who_ = number.empty() ? item : absl::StrCat(number, " (", item, ")");
    ItemAndEntry();
    TasksAgainstAssignment();
    if (ledger_ != nullptr) {
      LedgerUnits();
      LedgerAnswers();
    }
    Disclosure();
  }

  void Figures(int year) {
    const Counts zero{};
    const Counts* owner = Find(s_.owner_counts, year);
    const Counts* ledger = Find(s_.ledger_counts, year);
    if (owner == nullptr) owner = &zero;
    if (ledger == nullptr) ledger = &zero;
    for (size_t i = 0; i < kCounterColumns.size(); ++i) {
      if (i == kDisclosedOnTime || (*owner)[i] == (*ledger)[i]) continue;
      out_.push_back(
          {absl::StrCat("figures/", year), absl::StrCat("figure-", kCounterColumns[i]),
           absl::StrCat("figures of ", year, ": ", kCounterColumns[i], " is ", (*owner)[i],
                        " counted from workflow's tasks; supervision says ", (*ledger)[i])});
    }
  }

 private:
  template <typename Map, typename Key>
  static const typename Map::mapped_type* Find(const Map& m, const Key& key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  }

  void Say(const std::string& check, const std::string& text) {
    out_.push_back({item_, check, absl::StrCat(who_, ": ", text)});
  }

  void ItemAndEntry() {
    if (owned_ != nullptr && ledger_ == nullptr) {
      Say("ledger-missing",
          absl::StrCat("intake has the item (", intake::v1::ItemState_Name(owned_->state),
                       "); the ledger has no entry"));
      return;
    }
    if (owned_ == nullptr && ledger_ != nullptr) {
      Say("intake-missing", "the ledger has an entry; intake has no such item");
    }
    if (ledger_ == nullptr) return;
    std::vector<Task> stage_views;
    if (tasks_ != nullptr) {
      for (const auto& t : *tasks_) stage_views.push_back(t.stage_view);
    }
    v1::Stage expected = StageOf(PreStage(owned_, units_ != nullptr), stage_views);
    if (expected != ledger_->stage) {
      Say("stage", absl::StrCat("the owners say ", v1::Stage_Name(expected), " (intake ",
                                owned_ ? intake::v1::ItemState_Name(owned_->state) : "none", ", ",
                                units_ ? "assigned" : "not assigned", ", ", stage_views.size(),
                                " tasks); the ledger says ", v1::Stage_Name(ledger_->stage)));
    }
  }

  // Exactly one live task per unit the current assignment names, and none for another unit.
  void TasksAgainstAssignment() {
    std::map<std::string, int> live;
    if (tasks_ != nullptr) {
      for (const auto& t : *tasks_) {
        if (!Cancelled(t)) ++live[t.unit];
      }
    }
    if (units_ != nullptr) {
      for (const auto& unit : *units_) {
        int n = live.count(unit) ? live[unit] : 0;
        if (n == 0) {
          Say("task-missing",
              absl::StrCat("assignment names ", unit, "; workflow has no task for it"));
        } else if (n > 1) {
          Say("task-duplicate",
              absl::StrCat("workflow has ", n, " tasks for ", unit, " (one expected)"));
        }
      }
    }
    for (const auto& [unit, n] : live) {
      if (units_ == nullptr || std::find(units_->begin(), units_->end(), unit) == units_->end()) {
        Say("task-unassigned", absl::StrCat("workflow has ", n, " task(s) for ", unit,
                                            "; the assignment does not name that unit"));
      }
    }
  }

  void LedgerUnits() {
    std::set<std::string> seen;
    if (tasks_ != nullptr) {
      for (const auto& t : *tasks_) {
        if (Cancelled(t)) continue;
        seen.insert(t.name);
        auto it = ledger_->units.find(t.name);
        if (it == ledger_->units.end()) {
          Say("ledger-unit-missing", absl::StrCat("workflow has task ", t.name, " of ", t.unit,
                                                  "; the ledger has no line for it"));
          continue;
        }
        if (it->second.task_state != t.state) {
          Say("task-state",
              absl::StrCat("task ", t.name, " of ", t.unit, ": workflow says ",
                           workflow::v1::TaskState_Name(t.state), ", the ledger says ",
                           workflow::v1::TaskState_Name(it->second.task_state)));
        }
        Steps(t, it->second);
        if (it->second.returned_count != t.returned_count) {
          Say("returned-count",
              absl::StrCat("task ", t.name, ": workflow says returned ", t.returned_count,
                           " times, the ledger says ", it->second.returned_count));
        }
      }
    }
    for (const auto& [task, unit] : ledger_->units) {
      if (!seen.count(task)) {
        Say("ledger-unit-extra", absl::StrCat("the ledger has a line for task ", task, " of ",
                                              unit.unit, "; workflow has no such live task"));
      }
    }
  }

  void Steps(const OwnedTask& t, const LedgerUnitView& line) {
    for (const auto& [step, done] : t.steps_done) {
      auto shown = line.steps_done.find(step);
      if (shown == line.steps_done.end() || shown->second == done) continue;
      Say("step", absl::StrCat("task ", t.name, ", step ", v1::Step_Name(step), ": workflow says ",
                               done ? "done" : "not done", ", the ledger says ",
                               shown->second ? "done" : "not done"));
    }
  }

  void LedgerAnswers() {
    std::map<std::string, OwnedAnswer> issued;
    if (tasks_ != nullptr) {
      for (const auto& t : *tasks_) {
        if (!Cancelled(t)) issued.insert(t.issued_answers.begin(), t.issued_answers.end());
      }
    }
    for (const auto& [answer, owned] : issued) {
      auto it = ledger_->answers.find(answer);
      if (it == ledger_->answers.end()) {
        Say("ledger-answer-missing",
            absl::StrCat("workflow issued answer ", answer, "; the ledger does not show it"));
      } else if (it->second.rating != owned.rating) {
        Say("rating", absl::StrCat("answer ", answer, ": workflow says ",
                                   workflow::v1::Rating_Name(owned.rating), ", the ledger says ",
                                   workflow::v1::Rating_Name(it->second.rating)));
      }
    }
    for (const auto& [answer, view] : ledger_->answers) {
      if (!issued.count(answer)) {
        Say("ledger-answer-extra", absl::StrCat("the ledger shows answer ", answer,
                                                "; workflow has no such issued answer"));
      }
    }
  }

  // 公开: what disclosure did with the item's record, against the answers and the ledger.
  void Disclosure() {
    const OwnedDisclosure* record = Find(s_.disclosures, item_);
    bool ledger_disclosed = false;
    if (ledger_ != nullptr) {
      for (const auto& [answer, view] : ledger_->answers) ledger_disclosed |= view.disclosed;
    }
    if (record == nullptr) {
      if (ledger_disclosed) {
        Say("disclosure-missing", "the ledger shows an answer disclosed; disclosure has no record");
      }
      return;
    }
    if (owned_ == nullptr)
      Say("disclosure-orphan", "disclosure has a record; intake has no such item");
    for (const auto& answer : record->answers) {
      bool issued = false;
      if (tasks_ != nullptr) {
        for (const auto& t : *tasks_) issued |= t.issued_answers.count(answer) > 0;
      }
      if (!issued) {
        Say("disclosure-answer", absl::StrCat("disclosure's record shows answer ", answer,
                                              "; workflow has no such issued answer"));
      }
    }
    const bool settled =
        record->version > 0 || record->state == disclosure::v1::DISCLOSURE_STATE_WITHHELD;
    if (settled && !ledger_disclosed) {
      Say("disclosure-state",
          absl::StrCat("disclosure says ", disclosure::v1::DisclosureState_Name(record->state),
                       " (version ", record->version, "); the ledger shows no answer disclosed"));
    } else if (!settled && ledger_disclosed) {
      Say("disclosure-state",
          absl::StrCat("the ledger shows an answer disclosed; disclosure says ",
                       disclosure::v1::DisclosureState_Name(record->state), ", never published"));
    }
  }

  const Snapshot& s_;
  std::vector<Disagreement>& out_;
  std::string item_, who_;
  const OwnedItem* owned_ = nullptr;
  const LedgerView* ledger_ = nullptr;
  const std::vector<OwnedTask>* tasks_ = nullptr;
  const std::vector<std::string>* units_ = nullptr;
};

template <typename Map>
void AddKeys(const Map& m, std::set<std::string>& out) {
  for (const auto& [key, value] : m) out.insert(key);
}

}  // namespace

void AddItem(Snapshot& s, const intake::v1::Item& item) {
  s.items[item.name()] = {item.number_label(), item.state(), item.year()};
}

void AddAssignment(Snapshot& s, const assignment::v1::Assignment& assignment) {
  auto& units = s.assigned_units[assignment.item().item()];
  for (const auto& u : assignment.units()) units.push_back(u.unit());
}

void AddTask(Snapshot& s, const Task& task) {
  OwnedTask t;
  t.name = task.name();
  t.unit = task.unit();
  t.state = task.state();
  t.returned_count = task.returned_count();
  for (const auto& a : task.answers()) {
    if (IsIssued(a)) t.issued_answers[a.name()] = {a.evaluation().rating()};
  }
  t.steps_done[v1::STEP_ACKNOWLEDGEMENT] =
      task.state() != workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT;
  t.steps_done[v1::STEP_ANSWER] = !t.issued_answers.empty();
  t.stage_view.set_role(task.role());
  t.stage_view.set_state(task.state());
  s.tasks[task.item().item()].push_back(std::move(t));
  Counts c = ContributionOf(task, {});
  Counts& sum = s.owner_counts[task.item().year()];
  for (size_t i = 0; i < c.size(); ++i) sum[i] += c[i];
}

void AddDisclosure(Snapshot& s, const disclosure::v1::Disclosure& record) {
  OwnedDisclosure d{record.state(), record.version(), {}};
  for (const auto& a : record.answers()) d.answers.insert(a.answer());
  s.disclosures[record.item()] = std::move(d);
}

void AddLedgerEntry(Snapshot& s, const v1::LedgerEntry& entry) {
  LedgerView v;
  v.number_label = entry.item().number_label();
  v.stage = entry.stage();
  for (const auto& u : entry.units()) {
    LedgerUnitView& line = v.units[u.task()];
    line = {u.unit(), u.task_state(), u.returned_count(), {}};
    for (const auto& step : u.steps()) {
      if (step.step() != v1::STEP_ACKNOWLEDGEMENT && step.step() != v1::STEP_ANSWER) continue;
      line.steps_done[step.step()] =
          !step.done_date().empty() || step.state() == v1::DEADLINE_STATE_DONE;
    }
  }
  for (const auto& a : entry.answers()) {
    v.answers[a.answer()] = {a.rating(), !a.disclosed_date().empty() || a.disclosure_withheld()};
  }
  s.ledger[entry.item().item()] = std::move(v);
}

void AddLedgerFigures(Snapshot& s, int year, const v1::FigureCounts& f) {
  s.ledger_counts[year] = {f.assigned(),
                           f.answered(),
                           f.answered_on_time(),
                           f.closed(),
                           f.class_a(),
                           f.class_a_closed(),
                           f.class_b_fulfilled(),
                           f.rated(),
                           f.satisfied(),
                           f.basically_satisfied(),
                           f.met(),
                           f.disclosed_on_time()};
}

std::set<int> YearsOf(const Snapshot& s) {
  std::set<int> years;
  for (const auto& [name, item] : s.items) {
    if (item.year != 0) years.insert(item.year);
  }
  for (const auto& [year, counts] : s.owner_counts) years.insert(year);
  return years;
}

std::vector<Disagreement> Reconcile(const Snapshot& s) {
  std::vector<Disagreement> out;
  Checker check(s, out);
  std::set<std::string> items;
  AddKeys(s.items, items);
  AddKeys(s.ledger, items);
  AddKeys(s.tasks, items);
  AddKeys(s.assigned_units, items);
  AddKeys(s.disclosures, items);
  for (const auto& item : items) check.Item(item);
  std::set<int> years = YearsOf(s);
  for (const auto& [year, counts] : s.ledger_counts) years.insert(year);
  for (int year : years) check.Figures(year);
  return out;
}

}  // namespace huiyin::supervision

#include "services/supervision/ledger_rules.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/time/time.h"
#include "common/base/clock.h"

namespace huiyin::supervision {

using workflow::v1::Task;

bool IsIssued(const workflow::v1::Answer& a) {
  return a.state() == workflow::v1::ANSWER_STATE_ISSUED ||
         a.state() == workflow::v1::ANSWER_STATE_SUPERSEDED;
}

std::string ChinaDate(const google::protobuf::Timestamp& t) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), ChinaTimeZone()));
}

bool Answers(const Task& task) {
  return task.role() != assignment::v1::UNIT_ROLE_CO &&
         task.state() != workflow::v1::TASK_STATE_CANCELLED;
}

bool MetProposer(const Task& task) {
  return std::any_of(task.contacts().begin(), task.contacts().end(), [](const auto& c) {
    return c.mode() == workflow::v1::CONTACT_MODE_FACE_TO_FACE ||
           c.mode() == workflow::v1::CONTACT_MODE_SITE_VISIT ||
           c.mode() == workflow::v1::CONTACT_MODE_MEETING;
  });
}

Counts ContributionOf(const Task& task, const std::vector<std::string>& disclosed_on_time) {
  Counts c{};
  if (!Answers(task)) return c;
  const workflow::v1::Answer* first = nullptr;
  const workflow::v1::Answer* current = nullptr;
  for (const auto& a : task.answers()) {
    if (!IsIssued(a)) continue;
    if (first == nullptr) first = &a;
    if (a.state() == workflow::v1::ANSWER_STATE_ISSUED) current = &a;
  }
  const bool closed = task.state() == workflow::v1::TASK_STATE_CLOSED;
  c[0] = 1;
  c[1] = first != nullptr;
  c[2] = first != nullptr && !task.deadline().empty() &&
         ChinaDate(first->issue_time()) <= task.deadline();
  c[3] = closed;
  if (current != nullptr) {
    const bool a_class = current->answer_class() == workflow::v1::ANSWER_CLASS_A;
    c[4] = a_class;
    c[5] = a_class && closed;
    c[6] = current->answer_class() == workflow::v1::ANSWER_CLASS_B &&
           !current->commitments().empty() &&
           std::all_of(
               current->commitments().begin(), current->commitments().end(),
               [](const auto& m) { return m.state() == workflow::v1::COMMITMENT_STATE_FULFILLED; });
    const auto rating = current->evaluation().rating();
    c[7] = rating != workflow::v1::RATING_UNSPECIFIED;
    c[8] = rating == workflow::v1::RATING_SATISFIED;
    c[9] = rating == workflow::v1::RATING_BASICALLY_SATISFIED;
  }
  c[10] = MetProposer(task);
  c[11] = first != nullptr && absl::c_linear_search(disclosed_on_time, first->name());
  return c;
}

v1::Stage StageOf(v1::Stage pre_stage, const std::vector<Task>& item_tasks) {
  std::vector<const Task*> answering;
  for (const auto& t : item_tasks) {
    if (Answers(t)) answering.push_back(&t);
  }
  if (answering.empty() || pre_stage == v1::STAGE_ENDED) return pre_stage;
  auto all = [&](auto pred) { return std::all_of(answering.begin(), answering.end(), pred); };
  auto any = [&](auto pred) { return std::any_of(answering.begin(), answering.end(), pred); };
  using workflow::v1::TaskState;
  auto in = [](const Task* t, std::initializer_list<TaskState> states) {
    return std::find(states.begin(), states.end(), t->state()) != states.end();
  };
  if (all([&](const Task* t) { return in(t, {workflow::v1::TASK_STATE_CLOSED}); })) {
    return v1::STAGE_CLOSED;
  }
  if (all([&](const Task* t) {
        return in(t, {workflow::v1::TASK_STATE_ANSWERED, workflow::v1::TASK_STATE_CLOSED});
      })) {
    return v1::STAGE_ANSWERED;
  }
  if (any([&](const Task* t) { return !in(t, {workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT}); })) {
    return v1::STAGE_HANDLING;
  }
  return v1::STAGE_ASSIGNED;
}

}  // namespace huiyin::supervision

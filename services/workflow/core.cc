#include "services/workflow/core.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "google/protobuf/util/time_util.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/workflow/rules.h"

namespace huiyin::workflow {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Stamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

bool IsUnitRole(Role role) {
  return role == common::v1::ROLE_UNIT_CLERK || role == common::v1::ROLE_UNIT_DEPUTY_HEAD ||
         role == common::v1::ROLE_UNIT_HEAD;
}

bool IsOffice(Role role) {
  return role == common::v1::ROLE_CONGRESS_OFFICE || role == common::v1::ROLE_CPPCC_OFFICE ||
         role == common::v1::ROLE_GOVERNMENT_OFFICE || role == common::v1::ROLE_SUPERVISION_OFFICE;
}

bool Active(const v1::Task& t) { return t.state() != v1::TASK_STATE_CANCELLED; }

bool Issued(v1::AnswerState s) {
  return s == v1::ANSWER_STATE_ISSUED || s == v1::ANSWER_STATE_SUPERSEDED ||
         s == v1::ANSWER_STATE_RETURNED;
}

std::string Trim(const std::string& s) { return std::string(absl::StripAsciiWhitespace(s)); }

absl::Status CheckEtag(const std::string& given, const std::string& current,
                       const std::string& resource) {
  if (!given.empty() && given != current) return EtagMismatch(resource);
  return absl::OkStatus();
}

v1::Answer* FindAnswer(v1::Task& task, const std::string& name) {
  for (auto& a : *task.mutable_answers()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

v1::Opinion* FindOpinion(v1::Task& task, const std::string& name) {
  for (auto& o : *task.mutable_opinions()) {
    if (o.name() == name) return &o;
  }
  return nullptr;
}

// An answer being written (not yet issued) blocks a second draft.
bool HasAnswerInProgress(const v1::Task& task) {
  return std::any_of(task.answers().begin(), task.answers().end(), [](const v1::Answer& a) {
    return a.state() == v1::ANSWER_STATE_DRAFT || a.state() == v1::ANSWER_STATE_REVIEWED ||
           a.state() == v1::ANSWER_STATE_SIGNED;
  });
}

bool AllFulfilled(const v1::Answer& a) {
  return std::all_of(a.commitments().begin(), a.commitments().end(), [](const v1::Commitment& c) {
    return c.state() == v1::COMMITMENT_STATE_FULFILLED;
  });
}

const assignment::v1::UnitMember* Member(const assignment::v1::Unit& unit,
                                         const std::string& person) {
  for (const auto& m : unit.members()) {
    if (m.person() == person) return &m;
  }
  return nullptr;
}

template <typename Payload>
Payload TaskEvent(const v1::Task& task) {
  Payload p;
  *p.mutable_task() = task;
  return p;
}

template <typename Payload>
Payload AnswerEvent(const v1::Task& task, const v1::Answer& answer) {
  Payload p;
  *p.mutable_task() = task;
  *p.mutable_answer() = answer;
  return p;
}

// The reason given with a change of an answer, for the audit trail: a review's comment, the
// proposer's comment with a rating, the supervision office's comment with a return (退回重办).
template <typename Payload>
std::string AnswerReason(const v1::Answer&) {
  return "";
}
template <>
std::string AnswerReason<v1::AnswerReviewed>(const v1::Answer& a) {
  return a.review_comment();
}
template <>
std::string AnswerReason<v1::AnswerEvaluated>(const v1::Answer& a) {
  return a.evaluation().comment();
}
template <>
std::string AnswerReason<v1::AnswerReturned>(const v1::Answer& a) {
  return a.returns().empty() ? "" : a.returns(a.returns_size() - 1).comment();
}

}  // namespace

v1::Task ForCaller(const Caller& caller, v1::Task task) {
  if (caller.role() != common::v1::ROLE_PROPOSER) return task;
  auto* answers = task.mutable_answers();
  answers->erase(std::remove_if(answers->begin(), answers->end(),
                                [](const v1::Answer& a) { return !Issued(a.state()); }),
                 answers->end());
  return task;
}

WorkflowCore::WorkflowCore(Database& db, const Clock& clock, IdGenerator& ids,
                           const WorkingDayCalendar& calendar,
                           const text::TextNormalizer& normalizer, WorkflowOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      calendar_(calendar),
      normalizer_(normalizer),
      options_(std::move(options)) {}

// --- plumbing ---

absl::StatusOr<WorkflowCore::Target> WorkflowCore::LoadTarget(SQLite::Database& conn,
                                                              const Caller& caller,
                                                              const std::string& name,
                                                              const std::string& shape,
                                                              Access access) {
  // Who is refused whatever the task: before looking it up.
  switch (access) {
    case Access::kUnit:
      if (!IsUnitRole(caller.role()) || caller.unit().empty()) {
        return PermissionDenied("only the handling unit may do this");
      }
      break;
    case Access::kLeadProposer:
      if (caller.role() != common::v1::ROLE_PROPOSER) {
        return PermissionDenied("only the lead proposer may evaluate an answer (测评)");
      }
      break;
    case Access::kSupervision:
      if (caller.role() != common::v1::ROLE_SUPERVISION_OFFICE &&
          caller.role() != common::v1::ROLE_SYSTEM) {
        return PermissionDenied("only the supervision office may return an answer");
      }
      break;
    case Access::kUnitOrLeadingOfficial:
      if (!(IsUnitRole(caller.role()) && !caller.unit().empty()) &&
          caller.role() != common::v1::ROLE_LEADING_OFFICIAL) {
        return PermissionDenied("only the handling unit or the leading official may sign");
      }
      break;
  }
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  std::vector<std::string> expected = absl::StrSplit(shape, '/');
  bool shaped = parts.size() == expected.size();
  for (size_t i = 0; shaped && i < parts.size(); i += 2) {
    shaped = parts[i] == expected[i] && i + 1 < parts.size() && !parts[i + 1].empty();
  }
  if (!shaped) return InvalidField("name", absl::StrCat("expected ", shape));
  Target target;
  if (parts.size() >= 4) {
    target.answer_id = absl::StrCat("tasks/", parts[1], "/", parts[2], "/", parts[3]);
  }
  auto stored = LoadTask(conn, parts[1]);
  bool denied_if_missing = access != Access::kSupervision;
  if (!stored) {
    if (denied_if_missing) return PermissionDenied("not a task of yours");
    return NotFound(absl::StrCat("tasks/", parts[1]));
  }
  const v1::Task& t = stored->task;
  switch (access) {
    case Access::kUnit:
      if (t.unit() != caller.unit()) return PermissionDenied("not a task of your unit");
      break;
    case Access::kLeadProposer:
      if (LeadProposer(conn, t) != caller.principal()) {
        return PermissionDenied("only the lead proposer of the item may evaluate (被满意 不可)");
      }
      break;
    case Access::kUnitOrLeadingOfficial:
      if (caller.role() == common::v1::ROLE_LEADING_OFFICIAL) {
        if (!t.key() || t.leading_official() != caller.principal()) {
          return PermissionDenied("not a key item you lead");
        }
      } else if (t.unit() != caller.unit()) {
        return PermissionDenied("not a task of your unit");
      }
      break;
    case Access::kSupervision:
      break;
  }
  target.stored = *std::move(stored);
  if (!target.answer_id.empty() && FindAnswer(target.stored.task, target.answer_id) == nullptr) {
    return NotFound(target.answer_id);
  }
  return target;
}

absl::Status WorkflowCore::Mutate(const Caller& caller, const std::string& name,
                                  const std::string& shape, Access access, const Change& change) {
  return db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto target = LoadTarget(tx, caller, name, shape, access);
    if (!target.ok()) return target.status();
    return change(tx, *target);
  });
}

void WorkflowCore::Save(SQLite::Database& tx, StoredTask& stored) {
  ++stored.revision;
  stored.task.set_etag(absl::StrCat("r", stored.revision));
  *stored.task.mutable_update_time() = Stamp(clock_.Now());
  UpdateTask(tx, stored);
}

absl::Status WorkflowCore::Emit(SQLite::Database& tx, const Caller& caller,
                                const std::string& subject,
                                const google::protobuf::Message& payload,
                                const std::string& reason) {
  return outbox_.Append(tx, {subject, caller, clock_.Now(), reason, &payload}).status();
}

std::string WorkflowCore::LeadProposer(SQLite::Database& conn, const v1::Task& task) {
  if (auto item = LoadItem(conn, task.item().item())) return item->lead_proposer().person();
  // Assignment lists the lead proposer first.
  return task.item().proposers().empty() ? "" : task.item().proposers(0);
}

std::vector<v1::PrecheckFinding> WorkflowCore::RunPrecheck(SQLite::Database& conn,
                                                           const v1::Task& task,
                                                           const v1::Answer& answer) {
  PrecheckInput in;
  in.item_title = task.item().title();
  if (auto item = LoadItem(conn, task.item().item())) in.item_body = item->body();
  in.answer = answer;
  in.unit_display_name = task.unit_display_name();
  in.blocking = options_.blocking_findings;
  return Precheck(in, normalizer_);
}

absl::StatusOr<absl::CivilDay> WorkflowCore::OpinionDue(const v1::Task& co_task) const {
  auto assigned = ParseCivilDay(co_task.assign_date());
  if (!assigned) return absl::InternalError("task without assign date");
  auto due = calendar_.AddWorkingDays(*assigned, options_.co_opinion_working_days);
  if (!due.ok()) return due.status();
  return due->date;
}

// --- feeds ---

absl::Status WorkflowCore::ApplyIntakeEvent(SQLite::Database& tx, const events::v1::Event& event) {
  intake::v1::ItemAccepted accepted;
  intake::v1::ItemMerged merged;
  if (event.payload().UnpackTo(&accepted)) {
    UpsertItem(tx, accepted.item());
  } else if (event.payload().UnpackTo(&merged)) {
    UpsertItem(tx, merged.target());
  }
  return absl::OkStatus();
}

absl::Status WorkflowCore::CreateTask(SQLite::Database& tx, const events::v1::Event& event,
                                      const assignment::v1::Assignment& a,
                                      const assignment::v1::AssignedUnit& unit) {
  for (const auto& existing : TasksOfItem(tx, a.item().item())) {
    if (existing.task.unit() == unit.unit() && Active(existing.task)) return absl::OkStatus();
  }
  std::string id = ids_.NewId();
  v1::Task t;
  t.set_name(absl::StrCat("tasks/", id));
  *t.mutable_item() = a.item();
  t.set_assignment_version(a.version());
  t.set_unit(unit.unit());
  t.set_unit_display_name(unit.unit_display_name());
  if (t.unit_display_name().empty()) {
    if (auto u = LoadUnit(tx, unit.unit())) t.set_unit_display_name(u->display_name());
  }
  t.set_role(unit.role());
  t.set_part(unit.part());
  t.set_state(v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  t.set_assign_date(a.assign_date());
  t.set_deadline(a.current_deadline().date());
  t.set_key(a.key());
  t.set_leading_official(a.leading_official());
  t.set_round(1);
  *t.mutable_create_time() = Stamp(clock_.Now());
  *t.mutable_update_time() = t.create_time();
  t.set_etag("r1");
  InsertTask(tx, id, t);
  return Emit(tx, event.actor(), t.name(), TaskEvent<v1::TaskCreated>(t), event.reason());
}

absl::Status WorkflowCore::ApplyAssignmentEvent(SQLite::Database& tx,
                                                const events::v1::Event& event) {
  assignment::v1::ItemAssigned assigned;
  assignment::v1::ItemReassigned reassigned;
  assignment::v1::UnitCreated created;
  assignment::v1::UnitUpdated updated;
  if (event.payload().UnpackTo(&created)) {
    UpsertUnit(tx, created.unit());
  } else if (event.payload().UnpackTo(&updated)) {
    UpsertUnit(tx, updated.unit());
  } else if (event.payload().UnpackTo(&assigned)) {
    for (const auto& u : assigned.assignment().units()) {
      if (auto s = CreateTask(tx, event, assigned.assignment(), u); !s.ok()) return s;
    }
  } else if (event.payload().UnpackTo(&reassigned)) {
    const auto& a = reassigned.assignment();
    std::set<std::string> removed(reassigned.removed_units().begin(),
                                  reassigned.removed_units().end());
    for (auto& stored : TasksOfItem(tx, a.item().item())) {
      if (!Active(stored.task)) continue;
      if (removed.count(stored.task.unit())) {
        stored.task.set_state(v1::TASK_STATE_CANCELLED);
        Save(tx, stored);
        if (auto s = Emit(tx, event.actor(), stored.task.name(),
                          TaskEvent<v1::TaskCancelled>(stored.task), event.reason());
            !s.ok()) {
          return s;
        }
        continue;
      }
      for (const auto& u : a.units()) {
        if (u.unit() != stored.task.unit()) continue;
        stored.task.set_assignment_version(a.version());
        stored.task.set_role(u.role());
        stored.task.set_part(u.part());
        stored.task.set_deadline(a.current_deadline().date());
        stored.task.set_key(a.key());
        stored.task.set_leading_official(a.leading_official());
        Save(tx, stored);
      }
    }
    for (const auto& u : a.units()) {
      if (auto s = CreateTask(tx, event, a, u); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// --- reading ---

absl::StatusOr<v1::Task> WorkflowCore::GetTask(const Caller& caller,
                                               const v1::GetTaskRequest& request) {
  v1::Task out;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    std::vector<std::string> parts = absl::StrSplit(request.name(), '/');
    if (parts.size() != 2 || parts[0] != "tasks" || parts[1].empty()) {
      return InvalidField("name", "expected tasks/{task}");
    }
    auto stored = LoadTask(conn, parts[1]);
    if (IsOffice(caller.role())) {
      if (!stored) return NotFound(request.name());
      out = stored->task;
      return absl::OkStatus();
    }
    bool allowed = false;
    if (stored) {
      const v1::Task& t = stored->task;
      if (IsUnitRole(caller.role())) allowed = t.unit() == caller.unit();
      if (caller.role() == common::v1::ROLE_PROPOSER) {
        allowed = std::find(t.item().proposers().begin(), t.item().proposers().end(),
                            caller.principal()) != t.item().proposers().end();
      }
      if (caller.role() == common::v1::ROLE_LEADING_OFFICIAL) {
        allowed = t.key() && t.leading_official() == caller.principal();
      }
    }
    if (!allowed) return PermissionDenied("not a task you may see");
    out = ForCaller(caller, stored->task);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListTasksResponse> WorkflowCore::ListTasks(const Caller& caller,
                                                              const v1::ListTasksRequest& request) {
  TaskFilter filter{request.unit(), request.item(), request.state(), request.year()};
  if (IsUnitRole(caller.role())) {
    if (!filter.unit.empty() && filter.unit != caller.unit()) {
      return PermissionDenied("a unit lists its own tasks");
    }
    filter.unit = caller.unit();
  } else if (!IsOffice(caller.role()) && caller.role() != common::v1::ROLE_PROPOSER &&
             caller.role() != common::v1::ROLE_LEADING_OFFICIAL) {
    return PermissionDenied("tasks are not public");
  }
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  v1::ListTasksRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  bool filtered = caller.role() == common::v1::ROLE_PROPOSER ||
                  caller.role() == common::v1::ROLE_LEADING_OFFICIAL;
  v1::ListTasksResponse out;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    int64_t cursor = *after;
    int64_t last = 0;
    bool more = false;
    while (true) {
      auto rows = workflow::ListTasks(conn, filter, cursor, *size + 1);
      for (const auto& row : rows) {
        cursor = row.seq;
        const v1::Task& t = row.task;
        if (filtered) {
          bool mine = caller.role() == common::v1::ROLE_PROPOSER
                          ? std::count(t.item().proposers().begin(), t.item().proposers().end(),
                                       caller.principal()) > 0
                          : t.key() && t.leading_official() == caller.principal();
          if (!mine) continue;
        }
        if (out.tasks_size() == *size) {
          more = true;
          break;
        }
        *out.add_tasks() = ForCaller(caller, t);
        last = row.seq;
      }
      if (more || static_cast<int>(rows.size()) <= *size) break;
    }
    if (more) out.set_next_page_token(EncodePageToken(hash, last));
    if (!filtered) out.set_total_size(static_cast<int32_t>(CountTasks(conn, filter)));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

// --- handling ---

absl::StatusOr<v1::Task> WorkflowCore::AcknowledgeTask(const Caller& caller,
                                                       const v1::AcknowledgeTaskRequest& request) {
  v1::Task out;
  auto s =
      Mutate(caller, request.name(), "tasks/*", Access::kUnit,
             [&](SQLite::Database& tx, Target& target) -> absl::Status {
               v1::Task& t = target.stored.task;
               if (auto e = CheckEtag(request.etag(), t.etag(), t.name()); !e.ok()) return e;
               if (t.state() != v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT) {
                 return WrongState(t.name(), v1::TaskState_Name(t.state()),
                                   "only a waiting task is acknowledged");
               }
               auto unit = LoadUnit(tx, t.unit());
               if (!unit) {
                 return absl::FailedPreconditionError("the unit's members are not known yet");
               }
               v1::Responsible r = request.responsible();
               FieldViolations v;
               auto check = [&](const std::string& field, const std::string& person,
                                std::initializer_list<assignment::v1::MemberRole> roles,
                                std::string* name) {
                 const auto* m = Member(*unit, person);
                 if (person.empty()) {
                   v.Add("responsible." + field, "三级负责人须写明");
                 } else if (m == nullptr ||
                            std::find(roles.begin(), roles.end(), m->role()) == roles.end()) {
                   v.Add("responsible." + field,
                         absl::StrCat(person, " 不是", unit->display_name(), "相应职务的人员"));
                 } else if (name != nullptr) {
                   *name = m->name();
                 }
               };
               check("head", r.head(), {assignment::v1::MEMBER_ROLE_HEAD}, r.mutable_head_name());
               check("deputy_head", r.deputy_head(), {assignment::v1::MEMBER_ROLE_DEPUTY_HEAD},
                     r.mutable_deputy_head_name());
               check("clerk", r.clerk(),
                     {assignment::v1::MEMBER_ROLE_CLERK, assignment::v1::MEMBER_ROLE_ANSWER_CLERK},
                     r.mutable_clerk_name());
               std::set<std::string> sections;
               for (const auto& m : unit->members()) {
                 if (!m.section().empty()) sections.insert(m.section());
               }
               if (Trim(r.section()).empty()) {
                 v.Add("responsible.section", "承办科室须写明");
               } else if (!sections.empty() && sections.count(r.section()) == 0) {
                 v.Add("responsible.section",
                       absl::StrCat(r.section(), " 不是", unit->display_name(), "的科室"));
               }
               if (auto e = v.ToStatus(); !e.ok()) return e;
               *t.mutable_responsible() = r;
               t.set_state(v1::TASK_STATE_HANDLING);
               Save(tx, target.stored);
               out = t;
               return Emit(tx, caller, t.name(), TaskEvent<v1::TaskAcknowledged>(t));
             });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Task> WorkflowCore::SubmitPlan(const Caller& caller,
                                                  const v1::SubmitPlanRequest& request) {
  v1::Task out;
  auto s = Mutate(caller, request.name(), "tasks/*", Access::kUnit,
                  [&](SQLite::Database& tx, Target& target) -> absl::Status {
                    v1::Task& t = target.stored.task;
                    if (t.state() != v1::TASK_STATE_HANDLING) {
                      return WrongState(t.name(), v1::TaskState_Name(t.state()),
                                        "a plan is made while handling");
                    }
                    FieldViolations v;
                    if (Trim(request.text()).empty()) v.Add("text", "办理方案不能为空");
                    if (!ParseCivilDay(request.plan_date())) {
                      v.Add("plan_date", "日期格式应为 YYYY-MM-DD");
                    }
                    if (auto e = v.ToStatus(); !e.ok()) return e;
                    t.mutable_plan()->set_text(request.text());
                    t.mutable_plan()->set_plan_date(request.plan_date());
                    *t.mutable_plan()->mutable_submit_time() = Stamp(clock_.Now());
                    Save(tx, target.stored);
                    out = t;
                    return Emit(tx, caller, t.name(), TaskEvent<v1::PlanSubmitted>(t));
                  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Contact> WorkflowCore::RecordContact(const Caller& caller,
                                                        const v1::RecordContactRequest& request) {
  v1::Contact out;
  auto s = Mutate(
      caller, request.name(), "tasks/*", Access::kUnit,
      [&](SQLite::Database& tx, Target& target) -> absl::Status {
        v1::Task& t = target.stored.task;
        if (!request.request_id().empty()) {
          if (auto served = FindServedRequest(tx, caller.principal(), "RecordContact",
                                              request.request_id())) {
            for (const auto& c : t.contacts()) {
              if (c.name() == *served) out = c;
            }
            return absl::OkStatus();
          }
        }
        if (t.state() == v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT ||
            t.state() == v1::TASK_STATE_CANCELLED || t.state() == v1::TASK_STATE_CLOSED) {
          return WrongState(t.name(), v1::TaskState_Name(t.state()),
                            "contacts are recorded once acknowledged and before closing");
        }
        const v1::Contact& c = request.contact();
        FieldViolations v;
        if (c.stage() == v1::CONTACT_STAGE_UNSPECIFIED) {
          v.Add("contact.stage", "请选择办前、办中或办后");
        }
        if (c.mode() == v1::CONTACT_MODE_UNSPECIFIED) v.Add("contact.mode", "请选择沟通方式");
        auto day = ParseCivilDay(c.contact_date());
        if (!day) {
          v.Add("contact.contact_date", "日期格式应为 YYYY-MM-DD");
        } else if (c.contact_date() < t.assign_date()) {
          v.Add("contact.contact_date", absl::StrCat("见面日期早于交办日期 ", t.assign_date()));
        } else if (*day > clock_.Today()) {
          v.Add("contact.contact_date", "见面日期不能晚于今天");
        }
        if (c.participants().empty()) v.Add("contact.participants", "须写明参加人员");
        if (Trim(c.summary()).empty()) v.Add("contact.summary", "须写明沟通情况");
        if (auto e = v.ToStatus(); !e.ok()) return e;
        v1::Contact* added = t.add_contacts();
        *added = c;
        added->set_name(absl::StrCat(t.name(), "/contacts/", ids_.NewId()));
        *added->mutable_create_time() = Stamp(clock_.Now());
        out = *added;
        if (!request.request_id().empty()) {
          RecordServedRequest(tx, caller.principal(), "RecordContact", request.request_id(),
                              out.name());
        }
        Save(tx, target.stored);
        v1::ContactRecorded e;
        *e.mutable_task() = t;
        *e.mutable_contact() = out;
        return Emit(tx, caller, t.name(), e);
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Opinion> WorkflowCore::SendOpinion(const Caller& caller,
                                                      const v1::SendOpinionRequest& request) {
  v1::Opinion out;
  auto s =
      Mutate(caller, request.name(), "tasks/*", Access::kUnit,
             [&](SQLite::Database& tx, Target& target) -> absl::Status {
               v1::Task& t = target.stored.task;
               if (!request.request_id().empty()) {
                 if (auto served = FindServedRequest(tx, caller.principal(), "SendOpinion",
                                                     request.request_id())) {
                   if (auto* o = FindOpinion(t, *served)) out = *o;
                   return absl::OkStatus();
                 }
               }
               if (t.role() != assignment::v1::UNIT_ROLE_CO) {
                 return WrongState(t.name(), assignment::v1::UnitRole_Name(t.role()),
                                   "only a co-handling unit sends an opinion (协办意见)");
               }
               if (t.state() != v1::TASK_STATE_HANDLING) {
                 return WrongState(t.name(), v1::TaskState_Name(t.state()),
                                   "an opinion is sent while handling");
               }
               for (const auto& o : t.opinions()) {
                 if (o.state() == v1::OPINION_STATE_SENT) {
                   return WrongState(o.name(), "OPINION_STATE_SENT",
                                     "the lead unit has not reviewed it yet");
                 }
               }
               if (Trim(request.text()).empty()) {
                 return InvalidField("text", "协办意见不能为空");
               }
               std::optional<StoredTask> lead;
               for (auto& other : TasksOfItem(tx, t.item().item())) {
                 if (Active(other.task) && other.task.role() == assignment::v1::UNIT_ROLE_LEAD) {
                   lead = other;
                 }
               }
               if (!lead) return absl::FailedPreconditionError("the item has no lead unit");
               auto due = OpinionDue(t);
               if (!due.ok()) return due.status();
               v1::Opinion o;
               o.set_name(absl::StrCat(t.name(), "/opinions/", ids_.NewId()));
               o.set_from_unit(t.unit());
               o.set_lead_task(lead->task.name());
               o.set_text(request.text());
               o.set_state(v1::OPINION_STATE_SENT);
               o.set_due_date(Day(*due));
               *o.mutable_send_time() = Stamp(clock_.Now());
               *t.add_opinions() = o;
               *lead->task.add_opinions() = o;
               Save(tx, target.stored);
               Save(tx, *lead);
               if (!request.request_id().empty()) {
                 RecordServedRequest(tx, caller.principal(), "SendOpinion", request.request_id(),
                                     o.name());
               }
               out = o;
               v1::OpinionSent e;
               *e.mutable_task() = t;
               *e.mutable_opinion() = o;
               return Emit(tx, caller, t.name(), e);
             });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Opinion> WorkflowCore::ReviewOpinion(const Caller& caller,
                                                        const v1::ReviewOpinionRequest& request) {
  v1::Opinion out;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!IsUnitRole(caller.role())) return PermissionDenied("only the lead unit reviews opinions");
    std::vector<std::string> parts = absl::StrSplit(request.name(), '/');
    if (parts.size() != 4 || parts[0] != "tasks" || parts[2] != "opinions") {
      return InvalidField("name", "expected tasks/*/opinions/*");
    }
    auto co = LoadTask(tx, parts[1]);
    v1::Opinion* in_co = co ? FindOpinion(co->task, request.name()) : nullptr;
    std::optional<StoredTask> lead;
    if (in_co != nullptr) {
      std::vector<std::string> lead_parts = absl::StrSplit(in_co->lead_task(), '/');
      if (lead_parts.size() == 2) lead = LoadTask(tx, lead_parts[1]);
    }
    if (!lead || lead->task.unit() != caller.unit()) {
      return PermissionDenied("only the lead unit reviews this opinion");
    }
    if (in_co->state() != v1::OPINION_STATE_SENT) {
      return WrongState(request.name(), v1::OpinionState_Name(in_co->state()),
                        "only a sent opinion is reviewed");
    }
    if (!request.accept() && Trim(request.reason()).empty()) {
      return InvalidField("reason", "退回协办意见须说明理由");
    }
    in_co->set_state(request.accept() ? v1::OPINION_STATE_ACCEPTED : v1::OPINION_STATE_SENT_BACK);
    in_co->set_review_reason(request.reason());
    if (auto* in_lead = FindOpinion(lead->task, request.name())) *in_lead = *in_co;
    out = *in_co;
    if (request.accept()) co->task.set_state(v1::TASK_STATE_OPINION_SENT);
    Save(tx, *co);
    Save(tx, *lead);
    v1::OpinionReviewed e;
    *e.mutable_task() = co->task;
    *e.mutable_opinion() = out;
    return Emit(tx, caller, co->task.name(), e, request.reason());
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status WorkflowCore::SettleOpinions(SQLite::Database& tx, const Caller& caller,
                                          StoredTask& lead) {
  if (lead.task.role() != assignment::v1::UNIT_ROLE_LEAD) return absl::OkStatus();
  for (auto& co : TasksOfItem(tx, lead.task.item().item())) {
    if (!Active(co.task) || co.task.role() != assignment::v1::UNIT_ROLE_CO) continue;
    bool settled = false;
    bool waiting_review = false;
    for (const auto& o : co.task.opinions()) {
      settled |= o.state() == v1::OPINION_STATE_ACCEPTED || o.state() == v1::OPINION_STATE_MISSING;
      waiting_review |= o.state() == v1::OPINION_STATE_SENT;
    }
    if (settled) continue;
    if (waiting_review) {
      return absl::FailedPreconditionError(
          absl::StrCat(co.task.unit_display_name(), "的协办意见待主办单位审核，审核后方可审签"));
    }
    auto due = OpinionDue(co.task);
    if (!due.ok()) return due.status();
    if (clock_.Today() <= *due) {
      return absl::FailedPreconditionError(
          absl::StrCat(co.task.unit_display_name(), "的协办意见尚未送达，期限至", Day(*due)));
    }
    v1::Opinion missing;
    missing.set_name(absl::StrCat(co.task.name(), "/opinions/", ids_.NewId()));
    missing.set_from_unit(co.task.unit());
    missing.set_lead_task(lead.task.name());
    missing.set_state(v1::OPINION_STATE_MISSING);
    missing.set_due_date(Day(*due));
    *co.task.add_opinions() = missing;
    *lead.task.add_opinions() = missing;
    Save(tx, co);
    v1::OpinionMissing e;
    *e.mutable_task() = co.task;
    *e.mutable_opinion() = missing;
    if (auto s = Emit(tx, caller, co.task.name(), e); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// --- answers ---

void WorkflowCore::SetContent(const v1::Task& task, const v1::Answer& in, v1::Answer& answer) {
  answer.set_answer_class(in.answer_class());
  answer.set_text(in.text());
  answer.set_explanation(in.explanation());
  answer.set_contact_person(in.contact_person());
  answer.set_contact_phone(in.contact_phone());
  if (!in.answer_date().empty()) answer.set_answer_date(in.answer_date());
  answer.clear_commitments();
  for (int i = 0; i < in.commitments_size(); ++i) {
    v1::Commitment* c = answer.add_commitments();
    c->set_name(absl::StrCat(answer.name(), "/commitments/", i + 1));
    c->set_text(in.commitments(i).text());
    c->set_due_date(in.commitments(i).due_date());
    c->set_state(v1::COMMITMENT_STATE_OPEN);
    c->set_item(task.item().item());
    c->set_unit(task.unit());
    c->set_item_year(task.item().year());
  }
}

template <typename Payload>
absl::StatusOr<v1::Answer> WorkflowCore::ChangeAnswer(const Caller& caller, const std::string& name,
                                                      Access access, const AnswerChange& change,
                                                      const AfterChange& after) {
  v1::Answer out;
  auto s =
      Mutate(caller, name, "tasks/*/answers/*", access,
             [&](SQLite::Database& tx, Target& target) -> absl::Status {
               v1::Task& t = target.stored.task;
               auto changed = change(tx, target.stored, *FindAnswer(t, target.answer_id));
               if (!changed.ok()) return changed.status();
               v1::Answer* a = FindAnswer(t, target.answer_id);
               if (!*changed) {
                 out = *a;
                 return absl::OkStatus();
               }
               a->set_etag(absl::StrCat("r", target.stored.revision + 1));
               out = *a;
               Save(tx, target.stored);
               if (auto e = Emit(tx, caller, t.name(), AnswerEvent<Payload>(t, out),
                                 AnswerReason<Payload>(out));
                   !e.ok()) {
                 return e;
               }
               return after ? after(tx, t, out) : absl::OkStatus();
             });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Answer> WorkflowCore::DraftAnswer(const Caller& caller,
                                                     const v1::DraftAnswerRequest& request) {
  v1::Answer out;
  auto s = Mutate(
      caller, request.name(), "tasks/*", Access::kUnit,
      [&](SQLite::Database& tx, Target& target) -> absl::Status {
        v1::Task& t = target.stored.task;
        if (!request.request_id().empty()) {
          if (auto served =
                  FindServedRequest(tx, caller.principal(), "DraftAnswer", request.request_id())) {
            if (auto* a = FindAnswer(t, *served)) out = *a;
            return absl::OkStatus();
          }
        }
        if (t.role() == assignment::v1::UNIT_ROLE_CO) {
          return WrongState(t.name(), "UNIT_ROLE_CO",
                            "a co-handling unit sends its opinion to the lead unit, not an answer");
        }
        if (t.state() != v1::TASK_STATE_HANDLING) {
          return WrongState(t.name(), v1::TaskState_Name(t.state()),
                            "answers are drafted while handling");
        }
        if (HasAnswerInProgress(t)) {
          return absl::FailedPreconditionError(
              "an answer is already being written; update that draft");
        }
        if (auto e = ValidateDraft(request.answer(), options_.allow_class_d); !e.ok()) return e;
        v1::Answer a;
        a.set_name(absl::StrCat(t.name(), "/answers/", ids_.NewId()));
        a.set_round(t.round());
        a.set_state(v1::ANSWER_STATE_DRAFT);
        a.set_answer_date(Day(clock_.Today()));
        SetContent(t, request.answer(), a);
        a.set_drafted_by(caller.principal());
        for (auto& f : RunPrecheck(tx, t, a)) *a.add_findings() = std::move(f);
        a.set_etag(absl::StrCat("r", target.stored.revision + 1));
        *t.add_answers() = a;
        Save(tx, target.stored);
        if (!request.request_id().empty()) {
          RecordServedRequest(tx, caller.principal(), "DraftAnswer", request.request_id(),
                              a.name());
        }
        out = a;
        return Emit(tx, caller, t.name(), AnswerEvent<v1::AnswerDrafted>(t, a));
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Answer> WorkflowCore::UpdateDraft(const Caller& caller,
                                                     const v1::UpdateDraftRequest& request) {
  const v1::Answer& in = request.answer();
  return ChangeAnswer<v1::AnswerDrafted>(
      caller, in.name(), Access::kUnit,
      [&](SQLite::Database& tx, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        if (auto e = CheckEtag(in.etag(), a.etag(), a.name()); !e.ok()) return e;
        if (a.state() != v1::ANSWER_STATE_DRAFT) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()), "only a draft is changed");
        }
        if (auto e = ValidateDraft(in, options_.allow_class_d); !e.ok()) return e;
        SetContent(stored.task, in, a);
        a.clear_findings();
        for (auto& f : RunPrecheck(tx, stored.task, a)) *a.add_findings() = std::move(f);
        return true;
      });
}

absl::StatusOr<v1::PrecheckAnswerResponse> WorkflowCore::PrecheckAnswer(
    const Caller& caller, const v1::PrecheckAnswerRequest& request) {
  v1::PrecheckAnswerResponse out;
  auto s = Mutate(caller, request.name(), "tasks/*/answers/*", Access::kUnit,
                  [&](SQLite::Database& tx, Target& target) -> absl::Status {
                    v1::Task& t = target.stored.task;
                    v1::Answer* a = FindAnswer(t, target.answer_id);
                    std::vector<v1::PrecheckFinding> findings = RunPrecheck(tx, t, *a);
                    out.set_blocking(AnyBlocking(findings));
                    for (const auto& f : findings) *out.add_findings() = f;
                    if (a->state() != v1::ANSWER_STATE_DRAFT) return absl::OkStatus();
                    // Stored on the draft; findings are no change of state, so no event.
                    a->clear_findings();
                    for (auto& f : findings) *a->add_findings() = std::move(f);
                    a->set_etag(absl::StrCat("r", target.stored.revision + 1));
                    Save(tx, target.stored);
                    return absl::OkStatus();
                  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Answer> WorkflowCore::ReviewAnswer(const Caller& caller,
                                                      const v1::ReviewAnswerRequest& request) {
  return ChangeAnswer<v1::AnswerReviewed>(
      caller, request.name(), Access::kUnit,
      [&](SQLite::Database& tx, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        if (caller.principal() != stored.task.responsible().deputy_head()) {
          return PermissionDenied("only the deputy head named at acknowledgement reviews (审核)");
        }
        if (auto e = CheckEtag(request.etag(), a.etag(), a.name()); !e.ok()) return e;
        if (a.state() != v1::ANSWER_STATE_DRAFT) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()), "only a draft is reviewed");
        }
        if (request.approve()) {
          if (AnyBlocking(RunPrecheck(tx, stored.task, a))) {
            return WrongState(a.name(), "ANSWER_STATE_DRAFT",
                              "答复预审有须整改的问题，整改后方可审核");
          }
          a.set_state(v1::ANSWER_STATE_REVIEWED);
          a.set_reviewed_by(caller.principal());
        } else if (Trim(request.comment()).empty()) {
          return InvalidField("comment", "退回修改须写明意见");
        }
        a.set_review_comment(request.comment());
        return true;
      });
}

absl::StatusOr<v1::Answer> WorkflowCore::SignAnswer(const Caller& caller,
                                                    const v1::SignAnswerRequest& request) {
  return ChangeAnswer<v1::AnswerSigned>(
      caller, request.name(), Access::kUnitOrLeadingOfficial,
      [&](SQLite::Database& tx, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        bool official = caller.role() == common::v1::ROLE_LEADING_OFFICIAL;
        if (!official && caller.principal() != stored.task.responsible().head()) {
          return PermissionDenied("only the head named at acknowledgement signs (审签)");
        }
        if (auto e = CheckEtag(request.etag(), a.etag(), a.name()); !e.ok()) return e;
        if (a.state() != v1::ANSWER_STATE_REVIEWED) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()),
                            "an answer is signed after review");
        }
        if (official) {
          if (a.signed_by().empty()) {
            return WrongState(a.name(), "ANSWER_STATE_REVIEWED", "the unit's head signs first");
          }
          a.set_leading_official_signed_by(caller.principal());
          a.set_state(v1::ANSWER_STATE_SIGNED);
          return true;
        }
        if (!a.signed_by().empty()) {
          return WrongState(a.name(), "ANSWER_STATE_REVIEWED",
                            "signed by the head; the leading official signs next");
        }
        // Adds opinions to the task, never answers: `a` stays valid.
        if (auto e = SettleOpinions(tx, caller, stored); !e.ok()) return e;
        a.set_signed_by(caller.principal());
        if (!stored.task.key()) a.set_state(v1::ANSWER_STATE_SIGNED);
        return true;
      });
}

absl::StatusOr<v1::Answer> WorkflowCore::IssueAnswer(const Caller& caller,
                                                     const v1::IssueAnswerRequest& request) {
  return ChangeAnswer<v1::AnswerIssued>(
      caller, request.name(), Access::kUnit,
      [&](SQLite::Database&, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        if (auto e = CheckEtag(request.etag(), a.etag(), a.name()); !e.ok()) return e;
        if (a.state() != v1::ANSWER_STATE_SIGNED) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()),
                            "an answer is issued once every signature is on it");
        }
        for (auto& earlier : *stored.task.mutable_answers()) {
          if (earlier.state() == v1::ANSWER_STATE_ISSUED) {
            earlier.set_state(v1::ANSWER_STATE_SUPERSEDED);
          }
        }
        a.set_state(v1::ANSWER_STATE_ISSUED);
        *a.mutable_issue_time() = Stamp(clock_.Now());
        stored.task.set_state(v1::TASK_STATE_ANSWERED);
        return true;
      });
}

absl::StatusOr<v1::Answer> WorkflowCore::EvaluateAnswer(const Caller& caller,
                                                        const v1::EvaluateAnswerRequest& request) {
  bool unsatisfied = request.rating() == v1::RATING_UNSATISFIED;
  return ChangeAnswer<v1::AnswerEvaluated>(
      caller, request.name(), Access::kLeadProposer,
      [&](SQLite::Database&, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        if (request.rating() < v1::RATING_SATISFIED || request.rating() > v1::RATING_UNSATISFIED) {
          return InvalidField("rating", "请选择满意、基本满意或不满意");
        }
        if (a.state() != v1::ANSWER_STATE_ISSUED) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()),
                            "only an issued answer is evaluated");
        }
        if (a.has_evaluation()) {
          return WrongState(a.name(), "ANSWER_STATE_ISSUED", "this answer was already evaluated");
        }
        v1::Evaluation* e = a.mutable_evaluation();
        e->set_rating(request.rating());
        e->set_comment(request.comment());
        e->set_proposer(caller.principal());
        *e->mutable_evaluate_time() = Stamp(clock_.Now());
        v1::Task& t = stored.task;
        if (unsatisfied) {
          t.set_round(t.round() + 1);
          t.set_state(v1::TASK_STATE_HANDLING);
          auto due = calendar_.NextWorkingDayOnOrAfter(
              AddCalendarMonths(clock_.Today(), options_.second_handling_months));
          if (!due.ok()) return due.status();
          t.set_deadline(Day(*due));
        } else if (AllFulfilled(a)) {
          t.set_state(v1::TASK_STATE_CLOSED);
        }
        return true;
      },
      [&](SQLite::Database& tx, const v1::Task& t, const v1::Answer& a) -> absl::Status {
        if (unsatisfied) {
          return Emit(tx, caller, t.name(), AnswerEvent<v1::SecondHandlingStarted>(t, a));
        }
        if (t.state() == v1::TASK_STATE_CLOSED) {
          if (auto s = Emit(tx, caller, t.name(), TaskEvent<v1::TaskClosed>(t)); !s.ok()) return s;
          return CloseCoHandlers(tx, caller, t);
        }
        return absl::OkStatus();
      });
}

absl::Status WorkflowCore::CloseCoHandlers(SQLite::Database& tx, const Caller& caller,
                                           const v1::Task& lead) {
  if (lead.role() != assignment::v1::UNIT_ROLE_LEAD) return absl::OkStatus();
  for (StoredTask& stored : TasksOfItem(tx, lead.item().item())) {
    v1::Task& t = stored.task;
    if (t.role() != assignment::v1::UNIT_ROLE_CO ||
        t.assignment_version() != lead.assignment_version() ||
        t.state() == v1::TASK_STATE_CANCELLED || t.state() == v1::TASK_STATE_CLOSED) {
      continue;
    }
    t.set_state(v1::TASK_STATE_CLOSED);
    Save(tx, stored);
    if (auto s = Emit(tx, caller, t.name(), TaskEvent<v1::TaskClosed>(t)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Answer> WorkflowCore::ReturnAnswer(const Caller& caller,
                                                      const v1::ReturnAnswerRequest& request) {
  return ChangeAnswer<v1::AnswerReturned>(
      caller, request.name(), Access::kSupervision,
      [&](SQLite::Database& tx, StoredTask& stored, v1::Answer& a) -> absl::StatusOr<bool> {
        if (!request.request_id().empty() &&
            FindServedRequest(tx, caller.principal(), "ReturnAnswer", request.request_id())) {
          return false;  // a retry: the answer as it is
        }
        if (request.reasons().empty()) return InvalidField("reasons", "须选择退回理由");
        for (int i = 0; i < request.reasons_size(); ++i) {
          if (request.reasons(i) == v1::RETURN_REASON_UNSPECIFIED ||
              !v1::ReturnReason_IsValid(request.reasons(i))) {
            return InvalidField(absl::StrCat("reasons[", i, "]"), "未知的退回理由");
          }
        }
        // A rated answer is settled, unless a verification on site found it not done as
        // answered (与事实不符): then the closed task is re-opened.
        bool reopening = a.has_evaluation() &&
                         absl::c_linear_search(request.reasons(),
                                               v1::RETURN_REASON_CONTRADICTS_FACTS);
        if (a.state() != v1::ANSWER_STATE_ISSUED || (a.has_evaluation() && !reopening)) {
          return WrongState(a.name(), v1::AnswerState_Name(a.state()),
                            "only an issued answer not yet evaluated is returned, or a rated one "
                            "found contrary to the facts");
        }
        if (reopening && stored.task.state() != v1::TASK_STATE_CLOSED &&
            stored.task.state() != v1::TASK_STATE_ANSWERED) {
          return WrongState(stored.task.name(), v1::TaskState_Name(stored.task.state()),
                            "a rated answer is returned only while its task stands answered "
                            "or closed, not during a second handling");
        }
        v1::AnswerReturn* r = a.add_returns();
        *r->mutable_reasons() = request.reasons();
        r->set_comment(request.comment());
        r->set_returned_by(caller.principal());
        *r->mutable_return_time() = Stamp(clock_.Now());
        a.set_state(v1::ANSWER_STATE_RETURNED);
        v1::Task& t = stored.task;
        t.set_state(v1::TASK_STATE_HANDLING);
        t.set_returned_count(t.returned_count() + 1);
        t.set_round(t.round() + 1);
        if (!request.request_id().empty()) {
          RecordServedRequest(tx, caller.principal(), "ReturnAnswer", request.request_id(),
                              a.name());
        }
        return true;
      });
}

absl::StatusOr<v1::Commitment> WorkflowCore::FulfillCommitment(
    const Caller& caller, const v1::FulfillCommitmentRequest& request) {
  v1::Commitment out;
  auto s = Mutate(
      caller, request.name(), "tasks/*/answers/*/commitments/*", Access::kUnit,
      [&](SQLite::Database& tx, Target& target) -> absl::Status {
        v1::Task& t = target.stored.task;
        v1::Answer* a = FindAnswer(t, target.answer_id);
        v1::Commitment* c = nullptr;
        for (auto& each : *a->mutable_commitments()) {
          if (each.name() == request.name()) c = &each;
        }
        if (c == nullptr) return NotFound(request.name());
        if (a->state() != v1::ANSWER_STATE_ISSUED && a->state() != v1::ANSWER_STATE_SUPERSEDED) {
          return WrongState(a->name(), v1::AnswerState_Name(a->state()),
                            "commitments of an issued answer are fulfilled");
        }
        if (c->state() != v1::COMMITMENT_STATE_OPEN) {
          return WrongState(c->name(), v1::CommitmentState_Name(c->state()), "already fulfilled");
        }
        FieldViolations v;
        if (Trim(request.evidence()).empty()) {
          v.Add("evidence", "须写明落实情况（文号、照片说明等）");
        }
        std::string date =
            request.fulfil_date().empty() ? Day(clock_.Today()) : request.fulfil_date();
        auto day = ParseCivilDay(date);
        if (!day) {
          v.Add("fulfil_date", "日期格式应为 YYYY-MM-DD");
        } else if (*day > clock_.Today()) {
          v.Add("fulfil_date", "落实日期不能晚于今天");
        }
        if (auto e = v.ToStatus(); !e.ok()) return e;
        c->set_state(v1::COMMITMENT_STATE_FULFILLED);
        c->set_evidence(request.evidence());
        c->set_fulfil_date(date);
        c->set_age_days(0);
        out = *c;
        bool closes = t.state() == v1::TASK_STATE_ANSWERED && a->has_evaluation() &&
                      a->evaluation().rating() != v1::RATING_UNSATISFIED && AllFulfilled(*a);
        if (closes) t.set_state(v1::TASK_STATE_CLOSED);
        Save(tx, target.stored);
        v1::CommitmentFulfilled e;
        *e.mutable_task() = t;
        *e.mutable_commitment() = out;
        if (auto s2 = Emit(tx, caller, t.name(), e); !s2.ok()) return s2;
        if (!closes) return absl::OkStatus();
        if (auto s3 = Emit(tx, caller, t.name(), TaskEvent<v1::TaskClosed>(t)); !s3.ok()) return s3;
        return CloseCoHandlers(tx, caller, t);
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListOpenCommitmentsResponse> WorkflowCore::ListOpenCommitments(
    const Caller& caller, const v1::ListOpenCommitmentsRequest& request) {
  TaskFilter filter;
  filter.unit = request.unit();
  if (IsUnitRole(caller.role())) {
    if (!filter.unit.empty() && filter.unit != caller.unit()) {
      return PermissionDenied("a unit lists its own commitments");
    }
    filter.unit = caller.unit();
  } else if (!IsOffice(caller.role())) {
    return PermissionDenied("only the offices and the units follow commitments");
  }
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  v1::ListOpenCommitmentsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  absl::CivilDay today = clock_.Today();
  int up_to_year = request.up_to_year() != 0 ? request.up_to_year()
                                             : static_cast<int>(absl::CivilYear(today).year());
  std::vector<v1::Commitment> open;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    for (const auto& row : workflow::ListTasks(conn, filter, 0, 1 << 30)) {
      for (const auto& a : row.task.answers()) {
        if (a.state() != v1::ANSWER_STATE_ISSUED && a.state() != v1::ANSWER_STATE_SUPERSEDED) {
          continue;
        }
        absl::CivilDay issued = absl::ToCivilDay(
            absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(a.issue_time())),
            ChinaTimeZone());
        if (absl::CivilYear(issued).year() > up_to_year) continue;
        for (const auto& c : a.commitments()) {
          if (c.state() != v1::COMMITMENT_STATE_OPEN) continue;
          v1::Commitment with_age = c;
          with_age.set_age_days(static_cast<int32_t>(today - issued));
          open.push_back(std::move(with_age));
        }
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  v1::ListOpenCommitmentsResponse out;
  int64_t start = *after;
  int64_t end = std::min<int64_t>(start + *size, static_cast<int64_t>(open.size()));
  for (int64_t i = start; i < end; ++i) *out.add_commitments() = open[i];
  if (end < static_cast<int64_t>(open.size())) out.set_next_page_token(EncodePageToken(hash, end));
  return out;
}

}  // namespace huiyin::workflow

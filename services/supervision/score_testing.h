// For tests of scores and exports: a supervision database and core fed workflow's events by
// hand, numbered as workflow's feed numbers them, each event carrying the task as it stands.
//
//   class MyTest : public WorkflowFedTest {};
//   Task t = NewTask("h1", "housing", "县住建局");
//   Created(t, At(2026, 3, 20));
//   int64_t seq = Issue(t, workflow::v1::ANSWER_CLASS_A, At(2026, 7, 5));
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "common/identity/caller.h"
#include "common/store/testing/temp_database.h"
#include "gtest/gtest.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/huiyin_supervision_migrations.h"

namespace huiyin::supervision::testing {

inline absl::Time At(int year, int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), ChinaTimeZone());
}

inline google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

inline Caller Office(common::v1::Role role) {
  return MakeCaller("persons/office", role, "", "县政府督查室");
}
inline Caller UnitClerk(const std::string& unit) {
  return MakeCaller("persons/" + unit + "-clerk", common::v1::ROLE_UNIT_CLERK, "units/" + unit);
}

class WorkflowFedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                              SupervisionOptions{});
  }
  void TearDown() override {
    core_.reset();
  }

  static workflow::v1::Task NewTask(
      const std::string& item, const std::string& unit, const std::string& unit_name, int number,
      const std::string& title, assignment::v1::UnitRole role = assignment::v1::UNIT_ROLE_LEAD) {
    workflow::v1::Task t;
    t.set_name(absl::StrCat("tasks/", item, "-", unit));
    auto* s = t.mutable_item();
    s->set_item("items/" + item);
    s->set_kind(intake::v1::ITEM_KIND_SUGGESTION);
    s->set_session("县第十八届人民代表大会第五次会议");
    s->set_year(2026);
    s->set_title(title);
    s->set_number_label(absl::StrCat("建议第", number, "号"));
    s->set_category("城乡建设");
    t.set_unit("units/" + unit);
    t.set_unit_display_name(unit_name);
    t.set_role(role);
    t.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
    t.set_assign_date("2026-03-20");
    t.set_deadline("2026-06-30");
    return t;
  }

  // Applies `payload` as workflow's next event; returns its sequence.
  int64_t Emit(const google::protobuf::Message& payload, const std::string& subject,
               absl::Time when) {
    events::v1::Event e;
    e.set_sequence(++sequence_);
    e.set_event_id(absl::StrCat("workflow-", sequence_));
    e.set_source("workflow");
    e.set_subject(subject);
    *e.mutable_occur_time() = Stamp(when);
    *e.mutable_actor() = MakeCaller("persons/clerk", common::v1::ROLE_UNIT_CLERK);
    e.mutable_payload()->PackFrom(payload);
    EXPECT_TRUE(
        db_->Write([&](SQLite::Database& tx) { return core_->ApplyWorkflowEvent(tx, e); }).ok());
    return sequence_;
  }

  template <typename Payload>
  int64_t Snapshot(const workflow::v1::Task& t, absl::Time when) {
    Payload e;
    *e.mutable_task() = t;
    return Emit(e, t.name(), when);
  }

  int64_t Created(workflow::v1::Task& t, absl::Time when) {
    Snapshot<workflow::v1::TaskCreated>(t, when);
    t.set_state(workflow::v1::TASK_STATE_HANDLING);
    return Snapshot<workflow::v1::TaskAcknowledged>(t, when + absl::Hours(24));
  }

  int64_t Contact(workflow::v1::Task& t, workflow::v1::ContactMode mode, absl::Time when) {
    auto* c = t.add_contacts();
    c->set_name(absl::StrCat(t.name(), "/contacts/", t.contacts_size()));
    c->set_mode(mode);
    c->set_stage(workflow::v1::CONTACT_STAGE_BEFORE);
    workflow::v1::ContactRecorded e;
    *e.mutable_task() = t;
    *e.mutable_contact() = *c;
    return Emit(e, t.name(), when);
  }

  // Issues a new answer (superseding the one standing), with commitments {text, due date}.
  int64_t Issue(workflow::v1::Task& t, workflow::v1::AnswerClass answer_class, absl::Time when,
                const std::vector<std::pair<std::string, std::string>>& commitments = {}) {
    for (auto& earlier : *t.mutable_answers()) {
      if (earlier.state() == workflow::v1::ANSWER_STATE_ISSUED) {
        earlier.set_state(workflow::v1::ANSWER_STATE_SUPERSEDED);
      }
    }
    auto* a = t.add_answers();
    a->set_name(absl::StrCat(t.name(), "/answers/", t.answers_size()));
    a->set_state(workflow::v1::ANSWER_STATE_ISSUED);
    a->set_answer_class(answer_class);
    *a->mutable_issue_time() = Stamp(when);
    for (const auto& [text, due] : commitments) {
      auto* m = a->add_commitments();
      m->set_name(absl::StrCat(a->name(), "/commitments/", a->commitments_size()));
      m->set_text(text);
      m->set_due_date(due);
      m->set_state(workflow::v1::COMMITMENT_STATE_OPEN);
    }
    t.set_state(workflow::v1::TASK_STATE_ANSWERED);
    return AnswerEvent<workflow::v1::AnswerIssued>(t, when);
  }

  int64_t Return(workflow::v1::Task& t, std::vector<workflow::v1::ReturnReason> reasons,
                 absl::Time when) {
    auto* a = t.mutable_answers(t.answers_size() - 1);
    auto* r = a->add_returns();
    for (auto reason : reasons) r->add_reasons(reason);
    *r->mutable_return_time() = Stamp(when);
    a->set_state(workflow::v1::ANSWER_STATE_RETURNED);
    t.set_state(workflow::v1::TASK_STATE_HANDLING);
    t.set_returned_count(t.returned_count() + 1);
    return AnswerEvent<workflow::v1::AnswerReturned>(t, when);
  }

  // 不满意 opens a second handling due `second_deadline`.
  int64_t Evaluate(workflow::v1::Task& t, workflow::v1::Rating rating, absl::Time when,
                   const std::string& second_deadline = "") {
    auto* a = t.mutable_answers(t.answers_size() - 1);
    a->mutable_evaluation()->set_rating(rating);
    *a->mutable_evaluation()->mutable_evaluate_time() = Stamp(when);
    if (rating == workflow::v1::RATING_UNSATISFIED) {
      t.set_state(workflow::v1::TASK_STATE_HANDLING);
      t.set_round(t.round() + 1);
      t.set_deadline(second_deadline);
    }
    return AnswerEvent<workflow::v1::AnswerEvaluated>(t, when);
  }

  int64_t Fulfill(workflow::v1::Task& t, int commitment, const std::string& fulfil_date,
                  absl::Time when) {
    auto* m = t.mutable_answers(t.answers_size() - 1)->mutable_commitments(commitment);
    m->set_state(workflow::v1::COMMITMENT_STATE_FULFILLED);
    m->set_fulfil_date(fulfil_date);
    workflow::v1::CommitmentFulfilled e;
    *e.mutable_task() = t;
    *e.mutable_commitment() = *m;
    return Emit(e, t.name(), when);
  }

  // A co-handler's opinion: sent at `when`, or recorded missing then (sent = false).
  int64_t Opinion(workflow::v1::Task& co, const std::string& lead_task, const std::string& due,
                  bool sent, absl::Time when) {
    auto* o = co.add_opinions();
    o->set_name(absl::StrCat(co.name(), "/opinions/", co.opinions_size()));
    o->set_from_unit(co.unit());
    o->set_lead_task(lead_task);
    o->set_due_date(due);
    if (sent) {
      o->set_state(workflow::v1::OPINION_STATE_SENT);
      o->set_text("协办意见：同意主办单位的办理方案。");
      *o->mutable_send_time() = Stamp(when);
      workflow::v1::OpinionSent e;
      *e.mutable_task() = co;
      *e.mutable_opinion() = *o;
      return Emit(e, co.name(), when);
    }
    o->set_state(workflow::v1::OPINION_STATE_MISSING);
    workflow::v1::OpinionMissing e;
    *e.mutable_task() = co;
    *e.mutable_opinion() = *o;
    return Emit(e, co.name(), when);
  }

  std::vector<std::string> Dump(const std::string& sql) {
    std::vector<std::string> rows;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& conn) {
                     SQLite::Statement q(conn, sql);
                     while (q.executeStep()) {
                       std::string row;
                       for (int i = 0; i < q.getColumnCount(); ++i) {
                         row += q.getColumn(i).getString() + "|";
                       }
                       rows.push_back(row);
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    return rows;
  }

  FakeClock clock_{At(2026, 7, 15)};
  huiyin::testing::TempDatabase db_{"scores", kMigrations};
  std::unique_ptr<SupervisionCore> core_;
  int64_t sequence_ = 0;

 private:
  template <typename Payload>
  int64_t AnswerEvent(const workflow::v1::Task& t, absl::Time when) {
    Payload e;
    *e.mutable_task() = t;
    *e.mutable_answer() = t.answers(t.answers_size() - 1);
    return Emit(e, t.name(), when);
  }
};

}  // namespace huiyin::supervision::testing

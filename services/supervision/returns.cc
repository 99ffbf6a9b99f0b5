#include "services/supervision/returns.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/calendar/working_day_calendar.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "google/protobuf/util/time_util.h"
#include "huiyin/supervision/v1/supervision_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/readers.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {
namespace {

using workflow::v1::Answer;
using workflow::v1::Task;

constexpr size_t kMaxTextBytes = 4000;

// "tasks/{task}/answers/{answer}" → "tasks/{task}", or nullopt when not that shape.
std::optional<std::string> TaskOfAnswer(const std::string& answer) {
  std::vector<absl::string_view> parts = absl::StrSplit(answer, '/');
  if (parts.size() != 4 || parts[0] != "tasks" || parts[2] != "answers" || parts[1].empty() ||
      parts[3].empty()) {
    return std::nullopt;
  }
  return absl::StrCat("tasks/", parts[1]);
}

const Answer* FindAnswer(const Task& task, const std::string& name) {
  for (const auto& a : task.answers()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

bool Blank(const std::string& text) { return absl::StripAsciiWhitespace(text).empty(); }

void CheckReasons(const google::protobuf::RepeatedField<int>& reasons, FieldViolations& v) {
  if (reasons.empty()) v.Add("reasons", "至少选择一项退回理由 / at least one reason is required");
  for (int i = 0; i < reasons.size(); ++i) {
    if (reasons.Get(i) == workflow::v1::RETURN_REASON_UNSPECIFIED ||
        !workflow::v1::ReturnReason_IsValid(reasons.Get(i))) {
      v.Add(absl::StrCat("reasons[", i, "]"), "未知的退回理由 / unknown reason");
    }
  }
}

// A unit reads only what concerns it, and may only name itself in a filter.
absl::StatusOr<std::string> UnitFilter(const Caller& caller, const std::string& requested) {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  if (!IsUnit(caller)) return requested;
  if (!requested.empty() && requested != caller.unit()) {
    return PermissionDenied("a unit reads its own returns and verifications only");
  }
  return caller.unit();
}

template <typename Request>
absl::StatusOr<std::pair<uint64_t, int64_t>> PageStart(const Request& request) {
  Request query = request;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t hash = QueryHash(query);
  if (request.page_token().empty()) return std::make_pair(hash, int64_t{0});
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  return std::make_pair(hash, *after);
}

std::optional<v1::Verification> VerificationByRequest(SQLite::Database& conn,
                                                      const std::string& recorded_by,
                                                      const std::string& request_id) {
  SQLite::Statement q(conn,
                      "SELECT data FROM verifications WHERE recorded_by = ? AND request_id = ?");
  q.bind(1, recorded_by);
  q.bind(2, request_id);
  if (!q.executeStep()) return std::nullopt;
  v1::Verification v;
  v.ParseFromString(q.getColumn(0).getString());
  return v;
}

}  // namespace

ReturnDesk::ReturnDesk(Database& db, const Clock& clock, IdGenerator& ids,
                       AnswerReturner& workflow)
    : db_(db), clock_(clock), ids_(ids), workflow_(workflow) {}

absl::StatusOr<v1::ReturnAnswerResponse> ReturnDesk::ReturnAnswer(
    const Caller& caller, const v1::ReturnAnswerRequest& request) {
  if (caller.role() != common::v1::ROLE_SUPERVISION_OFFICE) {
    return PermissionDenied("only the supervision office returns an answer (退回重办)");
  }
  FieldViolations v;
  if (!TaskOfAnswer(request.answer())) v.Add("answer", "expected tasks/{task}/answers/{answer}");
  CheckReasons(request.reasons(), v);
  if (Blank(request.comment())) v.Add("comment", "须写明退回意见 / say what is wrong");
  if (request.comment().size() > kMaxTextBytes) v.Add("comment", "too long");
  if (request.request_id().size() > 128) v.Add("request_id", "at most 128 characters");
  if (auto s = v.ToStatus(); !s.ok()) return s;

  workflow::v1::ReturnAnswerRequest call;
  call.set_name(request.answer());
  *call.mutable_reasons() = request.reasons();
  call.set_comment(request.comment());
  // Without the caller's own id, one of ours still makes the client's retries safe.
  call.set_request_id(request.request_id().empty() ? ids_.NewId() : request.request_id());
  auto answer = workflow_.ReturnAnswer(caller, call);
  if (!answer.ok()) return answer.status();
  v1::ReturnAnswerResponse out;
  *out.mutable_answer() = *std::move(answer);
  return out;
}

absl::StatusOr<v1::ListReturnsResponse> ReturnDesk::ListReturns(
    const Caller& caller, const v1::ListReturnsRequest& request) const {
  auto unit = UnitFilter(caller, request.unit());
  if (!unit.ok()) return unit.status();
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  auto start = PageStart(request);
  if (!start.ok()) return start.status();
  // Plain variables: a lambda may capture a structured binding only from C++20 on (clang).
  const uint64_t hash = start->first;
  int64_t after = start->second;
  v1::ListReturnsResponse out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn,
                        "SELECT seq, data FROM answer_returns WHERE seq > ?1 "
                        "AND (?2 = '' OR unit = ?2) AND (?3 = '' OR item = ?3) "
                        "AND (?4 = 0 OR year = ?4) ORDER BY seq LIMIT ?5");
    q.bind(1, static_cast<int64_t>(after));
    q.bind(2, *unit);
    q.bind(3, request.item());
    q.bind(4, request.year());
    q.bind(5, *size + 1);
    while (q.executeStep()) {
      if (out.returns_size() == *size) {
        out.set_next_page_token(EncodePageToken(hash, after));
        break;
      }
      after = q.getColumn(0).getInt64();
      out.add_returns()->ParseFromString(q.getColumn(1).getString());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Verification> ReturnDesk::VerifyResult(const Caller& caller,
                                                          const v1::VerifyResultRequest& request) {
  if (caller.role() != common::v1::ROLE_SUPERVISION_OFFICE) {
    return PermissionDenied("only the supervision office records a verification (实地核查)");
  }
  const v1::Verification& given = request.verification();
  FieldViolations v;
  auto task_name = TaskOfAnswer(given.answer());
  if (!task_name) v.Add("verification.answer", "expected tasks/{task}/answers/{answer}");
  if (given.result() == v1::VERIFICATION_RESULT_UNSPECIFIED ||
      !v1::VerificationResult_IsValid(given.result())) {
    v.Add("verification.result", "VERIFIED or NOT_AS_ANSWERED");
  }
  if (Blank(given.findings())) v.Add("verification.findings", "须写明核查情况 / required");
  if (given.findings().size() > kMaxTextBytes) v.Add("verification.findings", "too long");
  auto visit = ParseCivilDay(given.visit_date());
  if (!visit) {
    v.Add("verification.visit_date", "expected YYYY-MM-DD");
  } else if (*visit > clock_.Today()) {
    v.Add("verification.visit_date", "核查日期不能晚于今天 / not in the future");
  }
  if (given.inspectors().empty()) v.Add("verification.inspectors", "至少一名核查人 / required");
  for (int i = 0; i < given.inspectors_size(); ++i) {
    if (Blank(given.inspectors(i))) v.Add(absl::StrCat("verification.inspectors[", i, "]"), "empty");
  }
  if (request.request_id().size() > 128) v.Add("request_id", "at most 128 characters");
  if (auto s = v.ToStatus(); !s.ok()) return s;

  // What the ledger knows of the answer: it must be an A-class answer still standing.
  std::optional<Task> task;
  std::optional<v1::Verification> earlier;
  auto read = db_.Read([&](SQLite::Database& conn) {
    if (!request.request_id().empty()) {
      earlier = VerificationByRequest(conn, caller.principal(), request.request_id());
    }
    task = LoadTask(conn, *task_name);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (earlier) return *earlier;  // a retry
  const Answer* answer = task ? FindAnswer(*task, given.answer()) : nullptr;
  if (answer == nullptr) return NotFound(given.answer());
  if (answer->answer_class() != workflow::v1::ANSWER_CLASS_A) {
    return WrongState(given.answer(), workflow::v1::AnswerClass_Name(answer->answer_class()),
                      "only an A-class answer (已解决) is verified on site");
  }
  if (answer->state() != workflow::v1::ANSWER_STATE_ISSUED) {
    return WrongState(given.answer(), workflow::v1::AnswerState_Name(answer->state()),
                      "only an issued answer is verified");
  }

  const std::string request_id = request.request_id().empty() ? ids_.NewId() : request.request_id();
  if (given.result() == v1::VERIFICATION_RESULT_NOT_AS_ANSWERED) {
    workflow::v1::ReturnAnswerRequest call;
    call.set_name(given.answer());
    call.add_reasons(workflow::v1::RETURN_REASON_CONTRADICTS_FACTS);
    call.set_comment(absl::StrCat("实地核查与答复不符：", given.findings()));
    call.set_request_id(absl::StrCat("verification:", request_id));
    if (auto returned = workflow_.ReturnAnswer(caller, call); !returned.ok()) {
      return returned.status();
    }
  }

  v1::Verification out = given;
  out.set_name(absl::StrCat("verifications/", ids_.NewId()));
  out.set_task(task->name());
  out.set_item(task->item().item());
  out.set_unit(task->unit());
  out.set_recorded_by(caller.principal());
  *out.mutable_create_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(clock_.Now()));
  auto write = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!request.request_id().empty()) {
      if (auto again = VerificationByRequest(tx, caller.principal(), request.request_id())) {
        out = *again;  // a concurrent retry won
        return absl::OkStatus();
      }
    }
    SQLite::Statement insert(
        tx,
        "INSERT INTO verifications (name, answer, item, unit, result, recorded_by, request_id, "
        "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, out.name());
    insert.bind(2, out.answer());
    insert.bind(3, out.item());
    insert.bind(4, out.unit());
    insert.bind(5, static_cast<int>(out.result()));
    insert.bind(6, out.recorded_by());
    insert.bind(7, request.request_id());
    const std::string data = out.SerializeAsString();
    insert.bind(8, data.data(), static_cast<int>(data.size()));
    insert.exec();
    v1::ResultVerified payload;
    *payload.mutable_verification() = out;
    auto event = outbox_.Append(tx, {.subject = out.name(),
                                     .actor = caller,
                                     .time = clock_.Now(),
                                     .reason = out.findings(),
                                     .payload = &payload});
    return event.status();
  });
  if (!write.ok()) return write;
  return out;
}

absl::StatusOr<v1::ListVerificationsResponse> ReturnDesk::ListVerifications(
    const Caller& caller, const v1::ListVerificationsRequest& request) const {
  auto unit = UnitFilter(caller, request.unit());
  if (!unit.ok()) return unit.status();
  if (!v1::VerificationResult_IsValid(request.result())) {
    return InvalidField("result", "unknown verification result");
  }
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  auto start = PageStart(request);
  if (!start.ok()) return start.status();
  // Plain variables: a lambda may capture a structured binding only from C++20 on (clang).
  const uint64_t hash = start->first;
  int64_t after = start->second;
  v1::ListVerificationsResponse out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn,
                        "SELECT seq, data FROM verifications WHERE seq > ?1 "
                        "AND (?2 = '' OR unit = ?2) AND (?3 = '' OR item = ?3) "
                        "AND (?4 = 0 OR result = ?4) ORDER BY seq LIMIT ?5");
    q.bind(1, static_cast<int64_t>(after));
    q.bind(2, *unit);
    q.bind(3, request.item());
    q.bind(4, static_cast<int>(request.result()));
    q.bind(5, *size + 1);
    while (q.executeStep()) {
      if (out.verifications_size() == *size) {
        out.set_next_page_token(EncodePageToken(hash, after));
        break;
      }
      after = q.getColumn(0).getInt64();
      out.add_verifications()->ParseFromString(q.getColumn(1).getString());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

void RecordAnswerReturned(SQLite::Database& tx, const events::v1::Event& event) {
  if (event.payload().type_url() != "type.googleapis.com/huiyin.workflow.v1.AnswerReturned") return;
  workflow::v1::AnswerReturned e;
  if (!e.ParseFromString(event.payload().value()) || e.answer().returns().empty()) return;
  const workflow::v1::AnswerReturn& last = *e.answer().returns().rbegin();
  v1::AnswerReturnRecord r;
  r.set_answer(e.answer().name());
  r.set_task(e.task().name());
  r.set_item(e.task().item().item());
  r.set_unit(e.task().unit());
  r.set_unit_display_name(e.task().unit_display_name());
  *r.mutable_reasons() = last.reasons();
  r.set_comment(last.comment());
  r.set_returned_by(last.returned_by());
  *r.mutable_return_time() = last.return_time();
  r.set_round(e.task().round());
  SQLite::Statement insert(
      tx, "INSERT INTO answer_returns (answer, item, unit, year, data) VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, r.answer());
  insert.bind(2, r.item());
  insert.bind(3, r.unit());
  insert.bind(4, e.task().item().year());
  const std::string data = r.SerializeAsString();
  insert.bind(5, data.data(), static_cast<int>(data.size()));
  insert.exec();
}

void ClearAnswerReturns(SQLite::Database& tx) { tx.exec("DELETE FROM answer_returns"); }

}  // namespace huiyin::supervision

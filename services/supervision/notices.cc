#include "services/supervision/notices.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "huiyin/supervision/v1/supervision_events.pb.h"
#include "services/supervision/notice_rules.h"
#include "services/supervision/readers.h"
#include "services/supervision/step_store.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {
namespace {

google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

std::optional<v1::Notice> NoticeOf(SQLite::Statement& q, int column) {
  if (!q.executeStep()) return std::nullopt;
  v1::Notice n;
  n.ParseFromString(q.getColumn(column).getString());
  return n;
}

std::optional<v1::Notice> LoadNotice(SQLite::Database& conn, const std::string& name) {
  SQLite::Statement q(conn, "SELECT data FROM notices WHERE name = ?");
  q.bind(1, name);
  return NoticeOf(q, 0);
}

std::optional<v1::Notice> NoticeOfRequest(SQLite::Database& conn, const std::string& issued_by,
                                          const std::string& request_id) {
  SQLite::Statement q(conn,
                      "SELECT data FROM notices WHERE issued_by = ? AND request_id = ? AND "
                      "request_id != ''");
  q.bind(1, issued_by);
  q.bind(2, request_id);
  return NoticeOf(q, 0);
}

bool RuleKeyIssued(SQLite::Database& conn, const std::string& key) {
  SQLite::Statement q(conn, "SELECT 1 FROM notices WHERE rule_key = ?");
  q.bind(1, key);
  return q.executeStep();
}

void InsertNotice(SQLite::Database& tx, const v1::Notice& n, const std::string& rule_key,
                  const std::string& request_id) {
  SQLite::Statement q(tx,
                      "INSERT INTO notices (name, task, unit, year, colour, state, escalated_to, "
                      "rule_key, issued_by, request_id, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, n.name());
  q.bind(2, n.task());
  q.bind(3, n.unit());
  q.bind(4, n.year());
  q.bind(5, static_cast<int>(n.colour()));
  q.bind(6, static_cast<int>(n.state()));
  q.bind(7, n.escalated_to());
  if (rule_key.empty()) {
    q.bind(8);  // NULL: hand-written notices are never deduplicated by rule
  } else {
    q.bind(8, rule_key);
  }
  q.bind(9, n.issued_by());
  q.bind(10, request_id);
  const std::string data = n.SerializeAsString();
  q.bind(11, data.data(), static_cast<int>(data.size()));
  q.exec();
}

void UpdateNotice(SQLite::Database& tx, const v1::Notice& n) {
  SQLite::Statement q(tx, "UPDATE notices SET state = ?, data = ? WHERE name = ?");
  q.bind(1, static_cast<int>(n.state()));
  const std::string data = n.SerializeAsString();
  q.bind(2, data.data(), static_cast<int>(data.size()));
  q.bind(3, n.name());
  q.exec();
}

void SetFromTask(const workflow::v1::Task& t, v1::Notice& n) {
  n.set_task(t.name());
  n.set_item(t.item().item());
  n.set_item_title(t.item().title());
  n.set_year(t.item().year());
  n.set_unit(t.unit());
  n.set_unit_display_name(t.unit_display_name());
  n.set_returned_count(t.returned_count());
}

bool KeyItem(const workflow::v1::Task& t) { return t.key() && !t.leading_official().empty(); }

bool ValidName(const std::string& name) {
  return absl::StartsWith(name, "notices/") && name.size() > 8 &&
         name.find('/', 8) == std::string::npos;
}

// The steps of `task`'s ledger line that are `step` (and `subject`, when given).
std::vector<v1::StepDeadline> StepsOfTask(SQLite::Database& conn, const workflow::v1::Task& task,
                                          v1::Step step, const std::string& subject) {
  std::vector<v1::StepDeadline> out;
  const auto stored = LoadEntry(conn, task.item().item());
  if (!stored.has_value()) return out;
  for (const auto& u : stored->entry.units()) {
    if (u.task() != task.name()) continue;
    for (const auto& s : u.steps()) {
      if (s.step() == step && (subject.empty() || s.subject() == subject)) out.push_back(s);
    }
  }
  return out;
}

}  // namespace

NoticeDesk::NoticeDesk(Database& db, const Clock& clock, IdGenerator& ids,
                       const WorkingDayCalendar& calendar, SupervisionOptions supervision,
                       NoticeOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      calendar_(calendar),
      supervision_(supervision),
      options_(options),
      self_(MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "督查服务")) {}

int NoticeDesk::DueSoon(v1::Step step) const {
  return DueSoonWorkingDays(step, supervision_.due_soon_working_days, supervision_.steps);
}

absl::Status NoticeDesk::Issue(SQLite::Database& tx, const Caller& issuer,
                               const std::string& rule_key, const std::string& request_id,
                               v1::Notice& notice) {
  notice.set_name("notices/" + ids_.NewId());
  notice.set_state(v1::NOTICE_STATE_ISSUED);
  notice.set_issued_by(issuer.principal());
  notice.set_issued_by_name(issuer.display_name());
  *notice.mutable_issue_time() = Stamp(clock_.Now());
  InsertNotice(tx, notice, rule_key, request_id);
  v1::NoticeIssued event;
  *event.mutable_notice() = notice;
  return outbox_.Append(tx, {notice.name(), issuer, clock_.Now(), notice.reason(), &event})
      .status();
}

absl::StatusOr<bool> NoticeDesk::IssueByRule(SQLite::Database& tx, const std::string& task,
                                             v1::Step step, const std::string& subject,
                                             const std::string& deadline, v1::NoticeTrigger trigger,
                                             int64_t working_days) {
  const std::string key = RuleKey(task, step, subject, deadline, trigger);
  if (RuleKeyIssued(tx, key)) return false;
  const auto t = LoadTask(tx, task);
  if (!t.has_value()) return false;
  v1::Notice n;
  SetFromTask(*t, n);
  n.set_colour(ColourOf(trigger));
  n.set_trigger(trigger);
  n.set_step(step);
  n.set_subject(subject);
  n.set_deadline(deadline);
  n.set_reason(
      RuleReason(trigger, step, deadline, working_days, options_.red_overdue_working_days));
  if (Escalates(n.colour(), KeyItem(*t), false)) n.set_escalated_to(t->leading_official());
  if (auto s = Issue(tx, self_, key, "", n); !s.ok()) return s;
  return true;
}

absl::StatusOr<int> NoticeDesk::SweepDeadlines() {
  const absl::CivilDay today = clock_.Today();
  // Deadlines up to `horizon` have at most `lead` working days left.
  const int lead =
      std::max(supervision_.due_soon_working_days, supervision_.steps.step_due_soon_working_days);
  absl::CivilDay horizon = today + (3 * lead + 30);
  if (auto next = calendar_.AddWorkingDays(today, lead + 1); next.ok()) horizon = next->date - 1;
  int issued = 0;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    for (const RuledStep& r :
         PendingStepsDueBy(tx, absl::FormatCivilTime(horizon), v1::NOTICE_TRIGGER_LONG_OVERDUE)) {
      v1::StepDeadline step;
      step.set_step(r.step);
      step.set_deadline(r.deadline);
      const auto trigger =
          RuleTriggerOn(step, today, DueSoon(r.step), options_.red_overdue_working_days, calendar_);
      if (!trigger.has_value()) continue;
      const absl::CivilDay deadline = *ParseCivilDay(r.deadline);
      int64_t days = WorkingDaysLate(deadline, today, calendar_);
      if (*trigger == v1::NOTICE_TRIGGER_DUE_SOON) {
        auto left = calendar_.CountWorkingDays(today, deadline);
        days = left.ok() ? *left : (deadline - today);
      }
      auto done = IssueByRule(tx, r.task, r.step, r.subject, r.deadline, *trigger, days);
      if (!done.ok()) return done.status();
      issued += *done ? 1 : 0;
    }
    for (const RuledStep& r :
         ReturnedAnswerSteps(tx, options_.red_returned_count, v1::NOTICE_TRIGGER_RETURNED)) {
      auto done = IssueByRule(tx, r.task, r.step, r.subject, "", v1::NOTICE_TRIGGER_RETURNED,
                              r.returned_count);
      if (!done.ok()) return done.status();
      issued += *done ? 1 : 0;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return issued;
}

absl::StatusOr<v1::Notice> NoticeDesk::CreateNotice(const Caller& caller,
                                                    const v1::CreateNoticeRequest& request) {
  if (caller.role() != common::v1::ROLE_SUPERVISION_OFFICE) {
    return PermissionDenied("only the supervision office issues notices");
  }
  if (auto s = ValidateNoticeRequest(request); !s.ok()) return s;
  const v1::Notice& in = request.notice();
  v1::Notice out;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!request.request_id().empty()) {
      if (auto served = NoticeOfRequest(tx, caller.principal(), request.request_id())) {
        out = *served;
        return absl::OkStatus();
      }
    }
    const auto t = LoadTask(tx, in.task());
    if (!t.has_value()) return NotFound(in.task());
    if (t->state() == workflow::v1::TASK_STATE_CANCELLED) {
      return WrongState(in.task(), "TASK_STATE_CANCELLED", "该单位已改办，不再向其下发督办单");
    }
    if (request.escalate() && t->leading_official().empty()) {
      return InvalidField("escalate", "该件没有领衔领导，无法提级督办");
    }
    SetFromTask(*t, out);
    out.set_colour(in.colour());
    out.set_trigger(v1::NOTICE_TRIGGER_BY_HAND);
    out.set_reason(std::string(absl::StripAsciiWhitespace(in.reason())));
    if (in.step() != v1::STEP_UNSPECIFIED) {
      const auto steps = StepsOfTask(tx, *t, in.step(), in.subject());
      if (steps.empty()) return InvalidField("notice.step", "该任务没有这一办理环节");
      if (steps.size() > 1) {
        return InvalidField("notice.subject", "该环节有多项（多份答复或多项承诺），须指明 subject");
      }
      out.set_step(in.step());
      out.set_subject(steps.front().subject());
      out.set_deadline(steps.front().deadline());
    }
    if (Escalates(out.colour(), KeyItem(*t), request.escalate())) {
      out.set_escalated_to(t->leading_official());
    }
    return Issue(tx, caller, "", request.request_id(), out);
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Notice> NoticeDesk::GetNotice(const Caller& caller,
                                                 const v1::GetNoticeRequest& request) const {
  const NoticeReader reader = ReaderOf(caller);
  if (reader == NoticeReader::kNone) {
    return PermissionDenied(
        "only the offices, the units concerned and leading officials read "
        "notices");
  }
  if (!ValidName(request.name())) return InvalidField("name", "must look like notices/{notice}");
  std::optional<v1::Notice> found;
  auto s = db_.Read([&](SQLite::Database& conn) {
    found = LoadNotice(conn, request.name());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  switch (reader) {
    case NoticeReader::kAll:
      if (!found.has_value()) return NotFound(request.name());
      break;
    case NoticeReader::kUnit:
      if (!found.has_value() || found->unit() != caller.unit()) {
        return PermissionDenied("a unit reads the notices addressed to it only");
      }
      break;
    default:
      if (!found.has_value() || found->escalated_to() != caller.principal()) {
        return PermissionDenied("a leading official reads the notices escalated to them only");
      }
  }
  return *found;
}

absl::StatusOr<v1::ListNoticesResponse> NoticeDesk::ListNotices(
    const Caller& caller, const v1::ListNoticesRequest& request) const {
  const NoticeReader reader = ReaderOf(caller);
  if (reader == NoticeReader::kNone) {
    return PermissionDenied(
        "only the offices, the units concerned and leading officials read "
        "notices");
  }
  std::string unit = request.unit();
  std::string escalated_to;
  if (reader == NoticeReader::kUnit) {
    if (!unit.empty() && unit != caller.unit()) {
      return PermissionDenied("a unit lists the notices addressed to it only");
    }
    unit = caller.unit();
  } else if (reader == NoticeReader::kEscalated) {
    escalated_to = caller.principal();
  }
  if (request.year() < 0) return InvalidField("year", "must not be negative");
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  v1::ListNoticesRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t hash = QueryHash(query);
  auto before = DecodePageToken(request.page_token(), hash);
  if (!before.ok()) return before.status();
  v1::ListNoticesResponse out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn,
                        "SELECT seq, data FROM notices WHERE (?1 = 0 OR seq < ?1) AND "
                        "(?2 = '' OR unit = ?2) AND (?3 = 0 OR colour = ?3) AND "
                        "(?4 = 0 OR state = ?4) AND (?5 = 0 OR year = ?5) AND "
                        "(?6 = '' OR escalated_to = ?6) ORDER BY seq DESC LIMIT ?7");
    q.bind(1, *before);
    q.bind(2, unit);
    q.bind(3, static_cast<int>(request.colour()));
    q.bind(4, static_cast<int>(request.state()));
    q.bind(5, request.year());
    q.bind(6, escalated_to);
    q.bind(7, *size + 1);
    int64_t last = 0;
    while (q.executeStep()) {
      if (out.notices_size() == *size) {
        out.set_next_page_token(EncodePageToken(hash, last));
        break;
      }
      last = q.getColumn(0).getInt64();
      out.add_notices()->ParseFromString(q.getColumn(1).getString());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Notice> NoticeDesk::AcknowledgeNotice(
    const Caller& caller, const v1::AcknowledgeNoticeRequest& request) {
  if (!IsUnit(caller)) {
    return PermissionDenied("only the unit a notice is addressed to acknowledges it");
  }
  FieldViolations v;
  if (!ValidName(request.name())) v.Add("name", "must look like notices/{notice}");
  const std::string response(absl::StripAsciiWhitespace(request.response()));
  if (response.empty()) {
    v.Add("response", "须填写反馈内容");
  } else if (response.size() > 4000) {
    v.Add("response", "反馈过长（至多4000字节）");
  }
  if (auto bad = v.ToStatus(); !bad.ok()) return bad;
  v1::Notice out;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto found = LoadNotice(tx, request.name());
    if (!found.has_value() || found->unit() != caller.unit()) {
      return PermissionDenied("a unit acknowledges the notices addressed to it only");
    }
    if (found->state() != v1::NOTICE_STATE_ISSUED) {
      return WrongState(request.name(), v1::NoticeState_Name(found->state()),
                        "该督办单已反馈，不能再次反馈");
    }
    found->set_state(v1::NOTICE_STATE_ACKNOWLEDGED);
    found->set_response(response);
    found->set_acknowledged_by(caller.principal());
    *found->mutable_acknowledge_time() = Stamp(clock_.Now());
    UpdateNotice(tx, *found);
    out = *found;
    v1::NoticeAcknowledged event;
    *event.mutable_notice() = out;
    return outbox_.Append(tx, {out.name(), caller, clock_.Now(), response, &event}).status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::pair<v1::NoticeColour, v1::NoticeState>, int64_t>>
NoticeDesk::CountNotices() const {
  std::map<std::pair<v1::NoticeColour, v1::NoticeState>, int64_t> out;
  for (auto colour : {v1::NOTICE_COLOUR_GREEN, v1::NOTICE_COLOUR_YELLOW, v1::NOTICE_COLOUR_RED}) {
    for (auto state : {v1::NOTICE_STATE_ISSUED, v1::NOTICE_STATE_ACKNOWLEDGED}) {
      out[{colour, state}] = 0;
    }
  }
  auto s = db_.Read([&](SQLite::Database& conn) {
    SQLite::Statement q(conn, "SELECT colour, state, count(*) FROM notices GROUP BY colour, state");
    while (q.executeStep()) {
      out[{static_cast<v1::NoticeColour>(q.getColumn(0).getInt()),
           static_cast<v1::NoticeState>(q.getColumn(1).getInt())}] = q.getColumn(2).getInt64();
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::pair<std::string, v1::Step>, int64_t>> NoticeDesk::OverdueSteps()
    const {
  std::map<std::pair<std::string, v1::Step>, int64_t> out;
  const std::string today = absl::FormatCivilTime(clock_.Today());
  auto s = db_.Read([&](SQLite::Database& conn) {
    out = OverdueStepCounts(conn, today);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

void NoticeSweeper::Start() {
  absl::MutexLock lock(&mu_);
  thread_ = std::thread([this] {
    do {
      auto issued = desk_.SweepDeadlines();
      if (!issued.ok()) {
        LogWarn("notice sweep failed", {{"error", issued.status().ToString()}});
      } else if (*issued > 0) {
        LogInfo("notices issued by rule", {{"count", *issued}});
      }
    } while (!stop_.WaitForNotificationWithTimeout(interval_));
  });
}

void NoticeSweeper::Stop() {
  absl::MutexLock lock(&mu_);
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace huiyin::supervision

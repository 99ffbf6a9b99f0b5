#include "services/disclosure/core.h"

#include <openssl/sha.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/log.h"
#include "common/identity/caller.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "common/text/search_query.h"
#include "common/validation/field_checks.h"
#include "google/protobuf/util/json_util.h"
#include "huiyin/disclosure/v1/disclosure_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "nlohmann/json.hpp"
#include "services/disclosure/rules.h"

namespace huiyin::disclosure {
namespace {

using common::v1::Caller;

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";
constexpr int kDefaultPublicPage = 20;
constexpr int kMaxPublicPage = 100;
constexpr int kFeedEntries = 50;

std::string TypeOf(const events::v1::Event& event) {
  absl::string_view url = event.payload().type_url();
  if (absl::StartsWith(url, kTypePrefix)) url.remove_prefix(kTypePrefix.size());
  return {url.data(), url.size()};
}

google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

Caller Self() { return MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "公开服务"); }

std::vector<v1::Marking> MarkingsOf(const v1::Disclosure& d) {
  return {d.markings().begin(), d.markings().end()};
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out.substr(0, 32);
}

// Has the proposer's rating of any public answer changed in the prepared record?
bool RatingsChanged(const v1::Disclosure& published, const v1::Disclosure& prepared) {
  for (const auto& p : prepared.answers()) {
    for (const auto& q : published.answers()) {
      if (p.answer() == q.answer() && p.rating() != q.rating()) return true;
    }
  }
  return false;
}

bool IsPublicAnswer(const v1::Disclosure& published, const std::string& answer) {
  return std::any_of(published.answers().begin(), published.answers().end(),
                     [&](const auto& a) { return a.answer() == answer; });
}

std::string AnswersText(const v1::Disclosure& d) {
  std::vector<std::string> texts;
  for (const auto& a : d.answers()) texts.push_back(a.text() + "\n" + a.explanation());
  return absl::StrJoin(texts, "\n");
}

void CheckEnum(FieldViolations& v, const std::string& field, int value, bool (*valid)(int)) {
  if (!valid(value)) v.Add(field, "unknown value");
}

}  // namespace

DisclosureCore::DisclosureCore(Database& db, const Clock& clock, IdGenerator& ids,
                               const WorkingDayCalendar& calendar,
                               const text::TextNormalizer& normalizer, DisclosureOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      calendar_(calendar),
      normalizer_(normalizer),
      options_(std::move(options)) {}

// ---- feeds ----

absl::Status DisclosureCore::ApplyIntakeEvent(SQLite::Database& tx,
                                              const events::v1::Event& event) {
  const std::string type = TypeOf(event);
  if (type == "huiyin.intake.v1.ItemMerged") {
    intake::v1::ItemMerged e;
    if (!e.ParseFromString(event.payload().value())) {
      return absl::InvalidArgumentError("bad payload");
    }
    UpsertItem(tx, e.item());
    UpsertItem(tx, e.target());
    return Refresh(tx, e.target().name(), Cause::kItem);
  }
  if (type != "huiyin.intake.v1.ItemSubmitted" && type != "huiyin.intake.v1.ItemAccepted" &&
      type != "huiyin.intake.v1.ItemRejected" && type != "huiyin.intake.v1.ItemWithdrawn") {
    return absl::OkStatus();
  }
  // Each carries the whole item as field 1.
  intake::v1::ItemSubmitted e;
  if (!e.ParseFromString(event.payload().value())) return absl::InvalidArgumentError("bad payload");
  UpsertItem(tx, e.item());
  return Refresh(tx, e.item().name(), Cause::kItem);
}

absl::Status DisclosureCore::ApplyWorkflowEvent(SQLite::Database& tx,
                                                const events::v1::Event& event) {
  const std::string type = TypeOf(event);
  if (!absl::StartsWith(type, "huiyin.workflow.v1.") ||
      workflow::v1::TaskCreated::descriptor()->file()->FindMessageTypeByName(
          type.substr(sizeof("huiyin.workflow.v1.") - 1)) == nullptr) {
    return absl::OkStatus();
  }
  // Every workflow event carries the whole task as field 1.
  workflow::v1::TaskCreated e;
  if (!e.ParseFromString(event.payload().value())) return absl::InvalidArgumentError("bad payload");
  UpsertTask(tx, e.task());
  if (type == "huiyin.workflow.v1.AnswerIssued") {
    return Refresh(tx, e.task().item().item(), Cause::kAnswer);
  }
  if (type == "huiyin.workflow.v1.AnswerEvaluated" || type == "huiyin.workflow.v1.TaskClosed" ||
      type == "huiyin.workflow.v1.TaskCancelled") {
    return Refresh(tx, e.task().item().item(), Cause::kRating);
  }
  return absl::OkStatus();
}

std::string DisclosureCore::DueDate(const std::string& issue_date) const {
  const auto day = ParseCivilDay(issue_date);
  if (!day.has_value()) return "";
  auto due = calendar_.AddWorkingDays(*day, options_.disclosure_working_days);
  if (!due.ok()) {
    // The calendar refuses years it does not know; the due date stays unknown, never guessed.
    LogWarn("no disclosure due date",
            {{"issue_date", issue_date}, {"error", due.status().ToString()}});
    return "";
  }
  return absl::FormatCivilTime(due->date);
}

absl::Status DisclosureCore::Refresh(SQLite::Database& tx, const std::string& item, Cause cause) {
  const std::optional<intake::v1::Item> known = LoadItem(tx, item);
  auto prepared = PrepareRecord(known, TasksOfItem(tx, item));
  if (!prepared.has_value()) return absl::OkStatus();
  StoredRecord r;
  if (auto existing = LoadRecord(tx, prepared->name()); existing.has_value()) {
    r = *std::move(existing);
  } else {
    r.data.set_state(v1::DISCLOSURE_STATE_PENDING_REVIEW);
  }
  // The prepared content replaces the old; what offices decided stays.
  v1::Disclosure merged = *std::move(prepared);
  const v1::Disclosure& old = r.data;
  merged.set_state(old.state());
  merged.set_answer_issue_date(old.answer_issue_date());
  merged.set_due_date(old.due_date());
  merged.set_version(old.version());
  if (old.has_first_publish_time()) *merged.mutable_first_publish_time() = old.first_publish_time();
  if (old.has_update_time()) *merged.mutable_update_time() = old.update_time();
  merged.set_withhold_reason(old.withhold_reason());
  merged.set_reason_text(old.reason_text());
  *merged.mutable_markings() = old.markings();
  merged.set_changes_pending(old.changes_pending());
  *merged.mutable_history() = old.history();
  r.data = std::move(merged);

  const v1::PublicAnswer* newest = NewestAnswer(r.data);
  const bool new_answer = newest != nullptr && newest->answer() != r.pending_answer &&
                          !(r.pub.has_value() && IsPublicAnswer(*r.pub, newest->answer()));
  if (new_answer) {
    r.pending_answer = newest->answer();
    r.data.set_answer_issue_date(newest->answer_date());
    r.due_date = DueDate(newest->answer_date());
    r.data.set_due_date(r.due_date);
  }
  const auto state = r.data.state();
  const bool decided_off =
      state == v1::DISCLOSURE_STATE_WITHHELD || state == v1::DISCLOSURE_STATE_RETRACTED;
  if (new_answer && decided_off) {
    // An office kept this record off the public side: the new answer waits for its decision.
    r.data.set_changes_pending(true);
  } else if (new_answer) {
    r.awaiting = true;
  }
  const bool rating_update = cause == Cause::kRating && state == v1::DISCLOSURE_STATE_PUBLISHED &&
                             r.pub.has_value() && RatingsChanged(*r.pub, r.data) &&
                             !r.data.changes_pending() && !r.awaiting;
  // The feeds are followed independently: an answer may arrive before intake's copy of the item
  // (a fresh start replaying both). Nothing is published without the item's text and proposers;
  // the record is published when the item arrives.
  if (!options_.review_before_publish && r.awaiting && known.has_value()) {
    return Publish(tx, r, Self(), "PUBLISHED",
                   newest != nullptr && newest->round() > 1 ? "公开二次办理答复" : "公开办理答复");
  }
  if (rating_update) return Publish(tx, r, Self(), "UPDATED", "更新代表委员测评结果");
  if (new_answer && !decided_off) {
    if (state == v1::DISCLOSURE_STATE_PUBLISHED) r.data.set_changes_pending(true);
    ++r.revision;
    SaveRecord(tx, r);
    v1::RecordPrepared e;
    *e.mutable_record() =
        MakePublicView(r.data, {r.title_override, r.body_override}, MarkingsOf(r.data)).content;
    e.set_item(r.data.item());
    e.set_answer(r.pending_answer);
    e.set_answer_issue_date(r.data.answer_issue_date());
    e.set_due_date(r.due_date);
    return Emit(tx, r.data.name(), Self(), "", e);
  }
  ++r.revision;
  SaveRecord(tx, r);
  return absl::OkStatus();
}

absl::Status DisclosureCore::Emit(SQLite::Database& tx, const std::string& subject,
                                  const Caller& actor, const std::string& reason,
                                  const google::protobuf::Message& payload) {
  return outbox_.Append(tx, {subject, actor, clock_.Now(), reason, &payload}).status();
}

void DisclosureCore::Deliver(SQLite::Database& tx, const StoredRecord& r,
                             const std::string& event_type, const std::string& note) {
  if (r.data.kind() != intake::v1::ITEM_KIND_PROPOSAL) return;  // 提案 only: the CPPCC system
  const absl::Time now = clock_.Now();
  Delivery d;
  d.id = "dlv-" + ids_.NewId();
  d.record = r.data.name();
  d.event_type = event_type;
  d.create_ms = absl::ToUnixMillis(now);
  d.next_attempt_ms = d.create_ms;
  nlohmann::json body = {
      {"deliveryId", d.id},
      {"event", event_type},
      {"occurTime", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())},
      {"item", r.data.item()},
      {"numberLabel", r.data.number_label()},
      {"note", note},
      {"url", options_.site.base_url + "/v1/public/pages/" + r.data.name()}};
  if (r.pub.has_value()) {
    std::string json;
    google::protobuf::util::JsonPrintOptions print;
    (void)google::protobuf::util::MessageToJsonString(*r.pub, &json, print);
    body["disclosure"] = nlohmann::json::parse(json, nullptr, false);
  }
  d.body = body.dump();
  EnqueueDelivery(tx, d);
}

absl::Status DisclosureCore::Publish(SQLite::Database& tx, StoredRecord& r, const Caller& actor,
                                     const std::string& kind, const std::string& note) {
  const absl::Time now = clock_.Now();
  const bool was_public = r.data.state() == v1::DISCLOSURE_STATE_PUBLISHED && r.pub.has_value();
  const bool publishes_answer = r.awaiting || !was_public;
  const std::string answer = r.pending_answer;
  const int version = r.data.version() + 1;
  r.data.set_version(version);
  r.data.set_state(v1::DISCLOSURE_STATE_PUBLISHED);
  if (!r.data.has_first_publish_time()) *r.data.mutable_first_publish_time() = Stamp(now);
  *r.data.mutable_update_time() = Stamp(now);
  r.data.clear_changes_pending();
  r.data.clear_withhold_reason();
  r.data.clear_reason_text();
  auto* h = r.data.add_history();
  h->set_version(version);
  h->set_kind(kind);
  h->set_note(note);
  *h->mutable_time() = Stamp(now);

  v1::Disclosure content =
      MakePublicView(r.data, {r.title_override, r.body_override}, MarkingsOf(r.data)).content;
  const bool on_time = r.due_date.empty() || absl::FormatCivilTime(clock_.Today()) <= r.due_date;
  UnindexPublic(tx, r);  // the version this one replaces
  r.pub = content;
  r.awaiting = false;
  r.publish_seq = NextPublishSeq(tx);
  ++r.revision;
  SaveRecord(tx, r);
  IndexPublic(tx, r.publish_seq, normalizer_.Normalize(content.title()),
              normalizer_.Normalize(content.body()), normalizer_.Normalize(AnswersText(content)));
  v1::DisclosureVersion v;
  v.set_version(version);
  v.set_kind(kind);
  v.set_note(note);
  v.set_actor(actor.principal());
  *v.mutable_time() = Stamp(now);
  *v.mutable_content() = content;
  AppendVersion(tx, r.data.name(), v);

  const std::string newest_name =
      NewestAnswer(content) == nullptr ? std::string() : NewestAnswer(content)->answer();
  if (kind == "CORRECTED") {
    v1::RecordCorrected e;
    *e.mutable_record() = content;
    e.set_item(content.item());
    e.set_answer(newest_name);
    e.set_version(version);
    e.set_note(note);
    Deliver(tx, r, "disclosure.corrected", note);
    return Emit(tx, content.name(), actor, note, e);
  }
  if (publishes_answer) {
    v1::RecordPublished e;
    *e.mutable_record() = content;
    e.set_item(content.item());
    e.set_answer(answer.empty() ? newest_name : answer);
    e.set_answer_issue_date(r.data.answer_issue_date());
    e.set_due_date(r.due_date);
    e.set_on_time(on_time);
    e.set_version(version);
    Deliver(tx, r, "disclosure.published", note);
    return Emit(tx, content.name(), actor, note, e);
  }
  v1::RecordUpdated e;
  *e.mutable_record() = content;
  e.set_item(content.item());
  e.set_answer(newest_name);
  e.set_version(version);
  Deliver(tx, r, "disclosure.updated", note);
  return Emit(tx, content.name(), actor, note, e);
}

void DisclosureCore::Unpublish(SQLite::Database& tx, StoredRecord& r, const Caller& actor,
                               const std::string& kind, const std::string& note) {
  const absl::Time now = clock_.Now();
  auto* h = r.data.add_history();
  h->set_version(r.data.version());
  h->set_kind(kind);
  h->set_note(note);
  *h->mutable_time() = Stamp(now);
  *r.data.mutable_update_time() = Stamp(now);
  v1::DisclosureVersion v;
  v.set_version(r.data.version());
  v.set_kind(kind);
  v.set_note(note);
  v.set_actor(actor.principal());
  *v.mutable_time() = Stamp(now);
  if (r.pub.has_value()) *v.mutable_content() = *r.pub;
  AppendVersion(tx, r.data.name(), v);
  UnindexPublic(tx, r);
  r.pub.reset();
  r.awaiting = false;
  ++r.revision;
  SaveRecord(tx, r);
}

// ---- offices ----

v1::Disclosure DisclosureCore::OfficeView(const StoredRecord& r) const {
  v1::Disclosure d = r.data;
  for (auto& red :
       MakePublicView(r.data, {r.title_override, r.body_override}, MarkingsOf(r.data)).redactions) {
    *d.add_redactions() = std::move(red);
  }
  if (!r.title_override.empty()) d.set_title(r.title_override);
  if (!r.body_override.empty()) d.set_body(r.body_override);
  d.set_overdue(r.awaiting && !r.due_date.empty() &&
                absl::FormatCivilTime(clock_.Today()) > r.due_date);
  d.set_etag(absl::StrCat(r.revision));
  return d;
}

absl::StatusOr<v1::Disclosure> DisclosureCore::GetDisclosure(
    const Caller& caller, const v1::GetDisclosureRequest& request) const {
  if (!IsOfficeReader(caller)) {
    return PermissionDenied("only the offices read records as prepared");
  }
  if (ItemOfName(request.name()).empty()) return InvalidField("name", "must be disclosures/{id}");
  std::optional<StoredRecord> found;
  auto s = db_.Read([&](SQLite::Database& conn) {
    found = LoadRecord(conn, request.name());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found.has_value()) return NotFound(request.name());
  return OfficeView(*found);
}

absl::StatusOr<v1::ListDisclosuresResponse> DisclosureCore::ListDisclosures(
    const Caller& caller, const v1::ListDisclosuresRequest& request) const {
  if (!IsOfficeReader(caller)) return PermissionDenied("only the offices list records");
  FieldViolations v;
  CheckEnum(v, "state", request.state(), v1::DisclosureState_IsValid);
  CheckEnum(v, "kind", request.kind(), intake::v1::ItemKind_IsValid);
  if (request.year() < 0) v.Add("year", "must not be negative");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  auto size = EffectivePageSize(request.page_size(), 50, 500);
  if (!size.ok()) return size.status();
  v1::ListDisclosuresRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  RecordFilter filter;
  filter.state = request.state();
  if (request.overdue_only()) filter.overdue_before = absl::FormatCivilTime(clock_.Today());
  filter.year = request.year();
  filter.kind = request.kind();
  filter.session = request.session();
  filter.unit = request.unit();
  v1::ListDisclosuresResponse out;
  int64_t last = *after;
  auto s = db_.Read([&](SQLite::Database& conn) {
    out.set_total_size(static_cast<int32_t>(CountRecords(conn, filter)));
    ScanRecords(conn, filter, *after, [&](const StoredRecord& r) {
      if (out.disclosures_size() == *size) {
        out.set_next_page_token(EncodePageToken(hash, last));
        return false;
      }
      last = r.seq;
      *out.add_disclosures() = OfficeView(r);
      return true;
    });
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Disclosure> DisclosureCore::Review(
    const Caller& caller, const std::string& name, const std::string& etag,
    const std::function<absl::Status(SQLite::Database&, StoredRecord&)>& change) {
  std::optional<StoredRecord> result;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto r = LoadRecord(tx, name);
    if (!r.has_value()) return NotFound(name);
    if (auto s = CheckReviewerOf(caller, r->data.kind()); !s.ok()) return s;
    if (!etag.empty() && etag != absl::StrCat(r->revision)) return EtagMismatch(name);
    if (auto s = change(tx, *r); !s.ok()) return s;
    result = std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return OfficeView(*result);
}

absl::StatusOr<v1::Disclosure> DisclosureCore::MarkRedactions(
    const Caller& caller, const v1::MarkRedactionsRequest& request) {
  if (!IsReviewer(caller)) return PermissionDenied("only the reviewing offices mark redactions");
  FieldViolations v;
  if (ItemOfName(request.name()).empty()) v.Add("name", "must be disclosures/{id}");
  CheckMarkings(v, "markings", request.markings());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  return Review(caller, request.name(), request.etag(), [&](SQLite::Database& tx, StoredRecord& r) {
    *r.data.mutable_markings() = request.markings();
    // On a public record the new masks show once it is published again.
    if (r.data.state() == v1::DISCLOSURE_STATE_PUBLISHED) {
      r.data.set_changes_pending(true);
    }
    ++r.revision;
    SaveRecord(tx, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Disclosure> DisclosureCore::PublishDisclosure(
    const Caller& caller, const v1::PublishDisclosureRequest& request) {
  if (!IsReviewer(caller)) return PermissionDenied("only the reviewing offices publish");
  if (ItemOfName(request.name()).empty()) return InvalidField("name", "must be disclosures/{id}");
  return Review(
      caller, request.name(), request.etag(),
      [&](SQLite::Database& tx, StoredRecord& r) -> absl::Status {
        const auto state = r.data.state();
        if (state == v1::DISCLOSURE_STATE_PUBLISHED && !r.data.changes_pending()) {
          return WrongState(request.name(), v1::DisclosureState_Name(state),
                            "already published with nothing pending");
        }
        if (r.data.proposers().empty()) {
          return WrongState(request.name(), v1::DisclosureState_Name(state),
                            "the item's text has not arrived from intake yet");
        }
        const bool reconsidered =
            state == v1::DISCLOSURE_STATE_WITHHELD || state == v1::DISCLOSURE_STATE_RETRACTED;
        return Publish(tx, r, caller, "PUBLISHED", reconsidered ? "经复核后公开" : "经审核后公开");
      });
}

absl::StatusOr<v1::Disclosure> DisclosureCore::WithholdDisclosure(
    const Caller& caller, const v1::WithholdDisclosureRequest& request) {
  if (!IsReviewer(caller)) return PermissionDenied("only the reviewing offices withhold");
  FieldViolations v;
  if (ItemOfName(request.name()).empty()) v.Add("name", "must be disclosures/{id}");
  if (request.reason() == v1::WITHHOLD_REASON_UNSPECIFIED ||
      !v1::WithholdReason_IsValid(request.reason())) {
    v.Add("reason", "state why: a WithholdReason");
  }
  CheckText(v, "reason_text", request.reason_text(), 1, 1000, true);
  if (auto s = v.ToStatus(); !s.ok()) return s;
  return Review(caller, request.name(), request.etag(), [&](SQLite::Database& tx, StoredRecord& r) {
    if (r.data.state() == v1::DISCLOSURE_STATE_WITHHELD) {
      return WrongState(request.name(), "DISCLOSURE_STATE_WITHHELD", "already withheld");
    }
    const bool was_public = r.pub.has_value();
    const std::string answer = NewestAnswer(r.data) ? NewestAnswer(r.data)->answer() : "";
    r.data.set_state(v1::DISCLOSURE_STATE_WITHHELD);
    r.data.set_withhold_reason(request.reason());
    r.data.set_reason_text(request.reason_text());
    r.data.clear_changes_pending();
    Unpublish(tx, r, caller, "WITHHELD", "不予公开");
    if (was_public) Deliver(tx, r, "disclosure.withheld", "不予公开");
    v1::RecordWithheld e;
    e.mutable_record()->set_name(r.data.name());
    e.mutable_record()->set_item(r.data.item());
    e.mutable_record()->set_kind(r.data.kind());
    e.mutable_record()->set_state(r.data.state());
    e.set_item(r.data.item());
    e.set_answer(answer);
    e.set_reason(request.reason());
    e.set_reason_text(request.reason_text());
    return Emit(tx, r.data.name(), caller, request.reason_text(), e);
  });
}

absl::StatusOr<v1::Disclosure> DisclosureCore::CorrectDisclosure(
    const Caller& caller, const v1::CorrectDisclosureRequest& request) {
  if (!IsReviewer(caller)) return PermissionDenied("only the reviewing offices correct");
  FieldViolations v;
  if (ItemOfName(request.name()).empty()) v.Add("name", "must be disclosures/{id}");
  CheckText(v, "note", request.note(), 1, 1000, true);
  CheckText(v, "title", request.title(), 0, 200, false);
  CheckText(v, "body", request.body(), 0, 20000, true);
  CheckMarkings(v, "markings", request.markings());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  return Review(caller, request.name(), request.etag(),
                [&](SQLite::Database& tx, StoredRecord& r) -> absl::Status {
                  if (r.data.state() != v1::DISCLOSURE_STATE_PUBLISHED) {
                    return WrongState(request.name(), v1::DisclosureState_Name(r.data.state()),
                                      "only a published record is corrected");
                  }
                  if (!request.title().empty()) r.title_override = request.title();
                  if (!request.body().empty()) r.body_override = request.body();
                  for (const auto& m : request.markings()) *r.data.add_markings() = m;
                  return Publish(tx, r, caller, "CORRECTED", request.note());
                });
}

absl::StatusOr<v1::Disclosure> DisclosureCore::RetractDisclosure(
    const Caller& caller, const v1::RetractDisclosureRequest& request) {
  if (!IsReviewer(caller)) return PermissionDenied("only the reviewing offices retract");
  FieldViolations v;
  if (ItemOfName(request.name()).empty()) v.Add("name", "must be disclosures/{id}");
  CheckText(v, "reason", request.reason(), 1, 1000, true);
  if (auto s = v.ToStatus(); !s.ok()) return s;
  return Review(caller, request.name(), request.etag(),
                [&](SQLite::Database& tx, StoredRecord& r) -> absl::Status {
                  if (r.data.state() != v1::DISCLOSURE_STATE_PUBLISHED) {
                    return WrongState(request.name(), v1::DisclosureState_Name(r.data.state()),
                                      "only a published record is retracted");
                  }
                  const std::string answer =
                      NewestAnswer(r.data) ? NewestAnswer(r.data)->answer() : "";
                  r.data.set_state(v1::DISCLOSURE_STATE_RETRACTED);
                  r.data.set_reason_text(request.reason());
                  Unpublish(tx, r, caller, "RETRACTED", request.reason());
                  Deliver(tx, r, "disclosure.retracted", request.reason());
                  v1::RecordRetracted e;
                  e.mutable_record()->set_name(r.data.name());
                  e.mutable_record()->set_item(r.data.item());
                  e.mutable_record()->set_kind(r.data.kind());
                  e.mutable_record()->set_state(r.data.state());
                  e.set_item(r.data.item());
                  e.set_answer(answer);
                  e.set_reason(request.reason());
                  return Emit(tx, r.data.name(), caller, request.reason(), e);
                });
}

absl::StatusOr<v1::ListDisclosureVersionsResponse> DisclosureCore::ListDisclosureVersions(
    const Caller& caller, const v1::ListDisclosureVersionsRequest& request) const {
  if (!IsOfficeReader(caller)) return PermissionDenied("only the offices read the versions");
  if (ItemOfName(request.name()).empty()) return InvalidField("name", "must be disclosures/{id}");
  v1::ListDisclosureVersionsResponse out;
  bool exists = false;
  auto s = db_.Read([&](SQLite::Database& conn) {
    exists = LoadRecord(conn, request.name()).has_value();
    for (auto& v : LoadVersions(conn, request.name())) *out.add_versions() = std::move(v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!exists) return NotFound(request.name());
  return out;
}

absl::StatusOr<int> DisclosureCore::SweepOverdue() {
  int emitted = 0;
  auto s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    emitted = 0;
    for (StoredRecord& r : NewlyOverdue(tx, absl::FormatCivilTime(clock_.Today()))) {
      v1::DisclosureOverdue e;
      e.set_item(r.data.item());
      e.set_answer(r.pending_answer);
      e.set_answer_issue_date(r.data.answer_issue_date());
      e.set_due_date(r.due_date);
      e.set_state(r.data.state());
      r.overdue_answer = r.pending_answer;
      SaveRecord(tx, r);
      if (auto s = Emit(tx, r.data.name(), Self(), "", e); !s.ok()) return s;
      ++emitted;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return emitted;
}

// ---- the public ----

absl::StatusOr<std::vector<v1::Disclosure>> DisclosureCore::PublicPage(
    const v1::ListPublicDisclosuresRequest& request, std::string* next_page_token) const {
  FieldViolations v;
  CheckEnum(v, "kind", request.kind(), intake::v1::ItemKind_IsValid);
  CheckEnum(v, "answer_class", request.answer_class(), workflow::v1::AnswerClass_IsValid);
  if (request.year() < 0) v.Add("year", "must not be negative");
  if (request.query().size() > 200) v.Add("query", "must have at most 200 bytes");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  auto size = EffectivePageSize(request.page_size(), kDefaultPublicPage, kMaxPublicPage);
  if (!size.ok()) return size.status();
  std::string match;
  if (!request.query().empty()) {
    auto m = text::BuildMatchExpression(normalizer_.Normalize(request.query()));
    if (!m.ok()) return InvalidField("query", std::string(m.status().message()));
    match = *m;
  }
  v1::ListPublicDisclosuresRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  const uint64_t hash = QueryHash(query);
  auto key = DecodePageToken(request.page_token(), hash);
  if (!key.ok()) return key.status();
  RecordFilter filter;
  filter.year = request.year();
  filter.kind = request.kind();
  filter.session = request.session();
  filter.unit = request.unit();
  filter.category = request.category();
  filter.answer_class = request.answer_class();
  std::vector<v1::Disclosure> out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    auto rows = match.empty() ? ListPublic(conn, filter, *key, *size + 1)
                              : SearchPublic(conn, match, filter, *key, *size + 1);
    if (rows.size() > static_cast<size_t>(*size)) {
      rows.pop_back();
      *next_page_token = EncodePageToken(hash, rows.back().first);
    }
    for (auto& [seq, d] : rows) out.push_back(std::move(d));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListPublicDisclosuresResponse> DisclosureCore::ListPublicDisclosures(
    const Caller& /*caller*/, const v1::ListPublicDisclosuresRequest& request) const {
  std::string next;
  auto page = PublicPage(request, &next);
  if (!page.ok()) return page.status();
  v1::ListPublicDisclosuresResponse out;
  for (auto& d : *page) *out.add_disclosures() = std::move(d);
  out.set_next_page_token(next);
  return out;
}

absl::StatusOr<v1::Disclosure> DisclosureCore::GetPublicDisclosure(
    const Caller& /*caller*/, const v1::GetPublicDisclosureRequest& request) const {
  if (ItemOfName(request.name()).empty()) return InvalidField("name", "must be disclosures/{id}");
  std::optional<v1::Disclosure> found;
  auto s = db_.Read([&](SQLite::Database& conn) {
    if (auto r = LoadRecord(conn, request.name()); r.has_value()) found = r->pub;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  // Withheld, retracted or not yet published: the public cannot tell it from no record at all.
  if (!found.has_value()) return NotFound(request.name());
  return *found;
}

common::v1::HttpBody DisclosureCore::Body(std::string content_type, std::string data,
                                          absl::Time modified, std::string filename) const {
  common::v1::HttpBody body;
  body.set_content_type(std::move(content_type));
  body.set_etag(Sha256Hex(data));
  body.set_data(std::move(data));
  if (modified > absl::UnixEpoch()) *body.mutable_last_modified() = Stamp(modified);
  body.set_cache_control(options_.public_cache_control);
  body.set_filename(std::move(filename));
  return body;
}

namespace {
absl::Time NewestUpdate(const std::vector<v1::Disclosure>& records) {
  int64_t newest = 0;
  for (const auto& d : records) newest = std::max<int64_t>(newest, d.update_time().seconds());
  return absl::FromUnixSeconds(newest);
}
}  // namespace

absl::StatusOr<common::v1::HttpBody> DisclosureCore::RenderListPage(
    const Caller& /*caller*/, const v1::RenderListPageRequest& request) const {
  v1::ListPublicDisclosuresRequest list;
  std::string message;
  FieldViolations v;
  if (!request.year().empty()) {
    int year = 0;
    if (!absl::SimpleAtoi(request.year(), &year) || year < 1949 || year > 2100) {
      v.Add("year", "must be a year such as 2025");
    }
    list.set_year(year);
  }
  if (request.kind() == "SUGGESTION") {
    list.set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  } else if (request.kind() == "PROPOSAL") {
    list.set_kind(intake::v1::ITEM_KIND_PROPOSAL);
  } else if (!request.kind().empty()) {
    v.Add("kind", "must be SUGGESTION or PROPOSAL");
  }
  static const std::map<std::string, workflow::v1::AnswerClass> kClasses = {
      {"A", workflow::v1::ANSWER_CLASS_A},
      {"B", workflow::v1::ANSWER_CLASS_B},
      {"C", workflow::v1::ANSWER_CLASS_C},
      {"D", workflow::v1::ANSWER_CLASS_D}};
  if (auto it = kClasses.find(request.answer_class()); it != kClasses.end()) {
    list.set_answer_class(it->second);
  } else if (!request.answer_class().empty()) {
    v.Add("answer_class", "must be A, B, C or D");
  }
  list.set_category(request.category());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  // What a person typed that holds nothing to search for is said on the page, not an error.
  if (!request.q().empty() && text::BuildMatchExpression(normalizer_.Normalize(request.q())).ok()) {
    list.set_query(request.q());
  } else if (!request.q().empty()) {
    message = "检索词中没有可检索的文字，已显示全部公开内容。";
  }
  list.set_page_token(request.page_token());
  std::string next;
  auto page = PublicPage(list, &next);
  if (!page.ok()) return page.status();
  return Body("text/html; charset=utf-8",
              RenderListHtml(options_.site, request, *page, message, next), NewestUpdate(*page));
}

absl::StatusOr<common::v1::HttpBody> DisclosureCore::RenderDetailPage(
    const Caller& caller, const v1::RenderDetailPageRequest& request) const {
  v1::GetPublicDisclosureRequest get;
  get.set_name(request.name());
  auto d = GetPublicDisclosure(caller, get);
  if (!d.ok()) return d.status();
  return Body("text/html; charset=utf-8", RenderDetailHtml(options_.site, *d),
              absl::FromUnixSeconds(d->update_time().seconds()));
}

absl::StatusOr<common::v1::HttpBody> DisclosureCore::RenderFeed(
    const Caller& /*caller*/, const v1::RenderFeedRequest& /*request*/) const {
  std::vector<v1::Disclosure> records;
  auto s = db_.Read([&](SQLite::Database& conn) {
    for (auto& [seq, d] : ListPublic(conn, {}, 0, kFeedEntries)) records.push_back(std::move(d));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const absl::Time updated = NewestUpdate(records);
  return Body("application/atom+xml; charset=utf-8", RenderAtom(options_.site, records, updated),
              updated);
}

absl::StatusOr<common::v1::HttpBody> DisclosureCore::ExportOpenData(
    const Caller& /*caller*/, const v1::ExportOpenDataRequest& request) const {
  if (request.year() < 0) return InvalidField("year", "must not be negative");
  std::vector<v1::Disclosure> records;
  auto s = db_.Read([&](SQLite::Database& conn) {
    RecordFilter filter;
    filter.year = request.year();
    int64_t before = 0;
    while (true) {
      auto rows = ListPublic(conn, filter, before, 1000);
      for (auto& [seq, d] : rows) {
        before = seq;
        records.push_back(std::move(d));
      }
      if (rows.size() < 1000) break;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const std::string filename =
      request.year() > 0 ? absl::StrCat("disclosures-", request.year(), ".csv") : "disclosures.csv";
  return Body("text/csv; charset=utf-8", RenderCsv(records), NewestUpdate(records), filename);
}

absl::StatusOr<DisclosureCore::Counts> DisclosureCore::CountsNow() const {
  Counts out;
  auto s = db_.Read([&](SQLite::Database& conn) {
    out.by_state = CountByState(conn);
    out.withheld_by_reason = WithheldByReason(conn);
    out.overdue = CountOverdue(conn, absl::FormatCivilTime(clock_.Today()));
    out.undelivered = CountUndelivered(conn);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace huiyin::disclosure

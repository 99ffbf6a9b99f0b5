#include "services/intake/core.h"

#include <algorithm>
#include <set>
#include <utility>

#include "common/base/log.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "common/text/search_query.h"
#include "google/protobuf/util/time_util.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/intake/rules.h"

namespace huiyin::intake {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultListPage = 50;
constexpr int kMaxListPage = 500;
constexpr int kDefaultSearchPage = 20;
constexpr int kMaxSearchPage = 100;
constexpr int kMaxSimilarLimit = 50;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

bool Clears(int value, bool (*is_valid)(int)) { return value == 0 || is_valid(value); }

ItemFilter FilterFor(const Caller& caller) {
  ItemFilter f;
  f.only_accepted = SeesOnlyAccepted(caller);
  if (caller.role() == common::v1::ROLE_PROPOSER) f.proposer = caller.principal();
  return f;
}

v1::SimilarItem ToSimilar(const v1::Item& item, double score) {
  v1::SimilarItem s;
  s.set_name(item.name());
  s.set_title(item.title());
  s.set_kind(item.kind());
  s.set_session(item.session());
  s.set_year(item.year());
  s.set_state(item.state());
  s.set_number_label(item.number_label());
  s.set_lead_proposer_name(item.lead_proposer().name());
  s.set_score(score);
  return s;
}

}  // namespace

v1::Item ForCaller(const Caller& caller, v1::Item item) {
  if (SeesAllItems(caller)) return item;
  auto redact = [&](v1::Proposer& p) {
    if (p.person() != caller.principal()) p.clear_phone();
  };
  redact(*item.mutable_lead_proposer());
  for (auto& p : *item.mutable_co_proposers()) redact(p);
  return item;
}

IntakeCore::IntakeCore(Database& db, const Clock& clock, IdGenerator& ids,
                       const text::TextNormalizer& normalizer, IntakeOptions options)
    : db_(db), clock_(clock), ids_(ids), normalizer_(normalizer), options_(options) {}

IntakeCore::~IntakeCore() { Stop(); }

absl::Status IntakeCore::Start() {
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    terms_.Load(conn);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  commit_listener_ = db_.AddCommitListener([this] {
    absl::MutexLock lock(&wake_mu_);
    wake_ = true;
  });
  indexer_ = std::thread([this] { IndexerLoop(); });
  return absl::OkStatus();
}

void IntakeCore::Stop() {
  if (commit_listener_ != 0) db_.RemoveCommitListener(std::exchange(commit_listener_, 0));
  {
    absl::MutexLock lock(&wake_mu_);
    stopping_ = true;
  }
  if (indexer_.joinable()) indexer_.join();
}

void IntakeCore::IndexerLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&wake_mu_);
      wake_mu_.AwaitWithTimeout(absl::Condition(
                                    +[](IntakeCore* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                      return c->wake_ || c->stopping_;
                                    },
                                    this),
                                absl::Seconds(1));
      if (stopping_) return;
      wake_ = false;
    }
    if (auto s = IndexPending(); !s.ok() && s.code() != absl::StatusCode::kUnavailable) {
      LogError("search indexing failed", {{"error", s.ToString()}});
    }
  }
}

absl::Status IntakeCore::IndexPending() {
  absl::MutexLock lock(&index_mu_);
  for (;;) {
    int64_t indexed = 0;
    std::vector<ItemText> docs;
    absl::Status s = db_.Read([&](SQLite::Database& conn) {
      indexed = IndexedSeq(conn);
      docs = ItemsToIndex(conn, indexed, std::max(1, options_.index_batch));
      return absl::OkStatus();
    });
    if (!s.ok() || docs.empty()) return s;
    // Normalising (OpenCC) happens here, outside the writer's transaction.
    for (auto& d : docs) {
      d.title = normalizer_.Normalize(d.title);
      d.body = normalizer_.Normalize(d.body);
    }
    s = db_.Write([&](SQLite::Database& tx) {
      if (IndexedSeq(tx) != indexed) return absl::AbortedError("index moved underneath");
      IndexItems(tx, docs, docs.back().seq);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    for (const auto& d : docs) terms_.AddDocument(DistinctIndexTerms(d.title, d.body));
  }
}

int64_t IntakeCore::IndexLag() {
  int64_t lag = 0;
  (void)db_.Read([&](SQLite::Database& conn) {
    lag = conn.execAndGet("SELECT count(*) FROM items WHERE seq > "
                          "(SELECT indexed_seq FROM search_index_state)")
              .getInt64();
    return absl::OkStatus();
  });
  return lag;
}

absl::Status IntakeCore::AppendEvent(SQLite::Database& tx, const Caller& caller,
                                     const std::string& subject, const std::string& reason,
                                     const google::protobuf::Message& payload) {
  return outbox_.Append(tx, {subject, caller, clock_.Now(), reason, &payload}).status();
}

void IntakeCore::Touch(StoredItem& stored) {
  ++stored.revision;
  stored.item.set_etag(std::to_string(stored.revision));
  *stored.item.mutable_update_time() = ToTimestamp(clock_.Now());
}

absl::StatusOr<v1::Item> IntakeCore::SubmitItem(const Caller& caller,
                                                const v1::SubmitItemRequest& request) {
  if (auto s = ValidateSubmission(request, absl::CivilYear(clock_.Today().year())); !s.ok()) {
    return s;
  }
  if (auto s = CheckMaySubmit(caller, request.item()); !s.ok()) return s;
  v1::Item result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!request.request_id().empty()) {
      if (auto served = FindServedRequest(tx, caller.principal(), "SubmitItem", request.request_id())) {
        result = LoadItem(tx, *served)->item;
        return absl::OkStatus();
      }
    }
    std::string id = ids_.NewId();
    v1::Item item = request.item();
    item.set_name(ItemName(id));
    item.set_state(v1::ITEM_STATE_SUBMITTED);
    item.clear_number();
    item.clear_number_label();
    item.clear_state_reason();
    item.clear_merged_into();
    item.clear_merged_items();
    for (auto& p : *item.mutable_co_proposers()) p.clear_joined_from_item();
    item.mutable_lead_proposer()->clear_joined_from_item();
    *item.mutable_submit_time() = ToTimestamp(clock_.Now());
    *item.mutable_update_time() = item.submit_time();
    item.set_etag("1");
    InsertItem(tx, id, item);
    v1::ItemSubmitted event;
    *event.mutable_item() = item;
    if (auto e = AppendEvent(tx, caller, item.name(), "", event); !e.ok()) return e;
    if (!request.request_id().empty()) {
      RecordServedRequest(tx, caller.principal(), "SubmitItem", request.request_id(), id,
                          clock_.Now());
    }
    result = std::move(item);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ForCaller(caller, std::move(result));
}

absl::StatusOr<StoredItem> IntakeCore::LoadReadable(SQLite::Database& conn, const Caller& caller,
                                                    const std::string& name) {
  auto id = ParseItemName(name, "name");
  if (!id.ok()) return id.status();
  auto stored = LoadItem(conn, *id);
  // Callers who may not see every item learn nothing about items they may not see.
  if (!stored) return SeesAllItems(caller) ? NotFound(name) : PermissionDenied("not your item");
  if (!MayReadItem(caller, stored->item)) return PermissionDenied("not your item");
  return *stored;
}

absl::StatusOr<v1::Item> IntakeCore::GetItem(const Caller& caller,
                                             const v1::GetItemRequest& request) {
  if (auto s = CheckMayRead(caller); !s.ok()) return s;
  v1::Item result;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    auto stored = LoadReadable(conn, caller, request.name());
    if (!stored.ok()) return stored.status();
    result = std::move(stored->item);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ForCaller(caller, std::move(result));
}

absl::StatusOr<v1::ListItemsResponse> IntakeCore::ListItems(const Caller& caller,
                                                            const v1::ListItemsRequest& request) {
  if (auto s = CheckMayRead(caller); !s.ok()) return s;
  FieldViolations v;
  if (!Clears(request.kind(), v1::ItemKind_IsValid)) v.Add("kind", "unknown kind");
  if (!Clears(request.state(), v1::ItemState_IsValid)) v.Add("state", "unknown state");
  if (request.year() < 0) v.Add("year", "must not be negative");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  auto page_size = EffectivePageSize(request.page_size(), kDefaultListPage, kMaxListPage);
  if (!page_size.ok()) return page_size.status();
  v1::ListItemsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();

  ItemFilter filter = FilterFor(caller);
  if (!request.proposer().empty() && !filter.proposer.empty() &&
      request.proposer() != filter.proposer) {
    return PermissionDenied("a proposer lists only their own items");
  }
  if (filter.proposer.empty()) filter.proposer = request.proposer();
  filter.session = request.session();
  filter.year = request.year();
  filter.kind = request.kind();
  filter.state = request.state();
  filter.category = request.category();

  v1::ListItemsResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    auto rows = intake::ListItems(conn, filter, *after, *page_size + 1);
    bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (auto& row : rows) *response.add_items() = ForCaller(caller, std::move(row.item));
    if (more) response.set_next_page_token(EncodePageToken(hash, rows.back().seq));
    response.set_total_size(static_cast<int32_t>(CountItems(conn, filter)));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<IntakeCore::Loaded> IntakeCore::LoadForChange(
    SQLite::Database& tx, const Caller& caller, const std::string& method, const std::string& id,
    const std::string& request_id, const std::string& etag) {
  if (!request_id.empty()) {
    if (auto served = FindServedRequest(tx, caller.principal(), method, request_id)) {
      return Loaded{*LoadItem(tx, *served), true};
    }
  }
  auto stored = LoadItem(tx, id);
  if (!stored) return NotFound(ItemName(id));
  if (!etag.empty() && etag != stored->item.etag()) return EtagMismatch(stored->item.name());
  return Loaded{*std::move(stored), false};
}

absl::StatusOr<v1::Item> IntakeCore::ChangeItem(const Caller& caller, const std::string& method,
                                                const std::string& name,
                                                const std::string& request_id,
                                                const std::string& etag, const Change& change) {
  auto id = ParseItemName(name, "name");
  if (!id.ok()) return id.status();
  if (auto s = ValidateRequestId(request_id); !s.ok()) return s;
  v1::Item result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto loaded = LoadForChange(tx, caller, method, *id, request_id, etag);
    if (!loaded.ok()) return loaded.status();
    if (!loaded->replay) {
      if (auto c = change(tx, loaded->stored); !c.ok()) return c;
      if (!request_id.empty()) {
        RecordServedRequest(tx, caller.principal(), method, request_id, *id, clock_.Now());
      }
    }
    result = std::move(loaded->stored.item);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ForCaller(caller, std::move(result));
}

absl::StatusOr<v1::Item> IntakeCore::AcceptItem(const Caller& caller,
                                                const v1::AcceptItemRequest& request) {
  if (auto s = CheckMayScreenAny(caller); !s.ok()) return s;
  return ChangeItem(caller, "AcceptItem", request.name(), request.request_id(), request.etag(),
                    [&](SQLite::Database& tx, StoredItem& stored) -> absl::Status {
                      v1::Item& item = stored.item;
                      if (auto s = CheckMayScreen(caller, item.kind()); !s.ok()) return s;
                      if (auto s = CheckCanScreen(item); !s.ok()) return s;
                      int number = NextUnifiedNumber(tx, item.kind(), item.session());
                      item.set_state(v1::ITEM_STATE_ACCEPTED);
                      item.set_number(number);
                      item.set_number_label(NumberLabel(item.kind(), number));
                      Touch(stored);
                      UpdateItem(tx, stored);
                      v1::ItemAccepted event;
                      *event.mutable_item() = item;
                      return AppendEvent(tx, caller, item.name(), "", event);
                    });
}

absl::StatusOr<v1::Item> IntakeCore::RejectItem(const Caller& caller,
                                                const v1::RejectItemRequest& request) {
  if (auto s = CheckMayScreenAny(caller); !s.ok()) return s;
  if (auto s = ValidateReason(request.reason(), /*required=*/true); !s.ok()) return s;
  return ChangeItem(caller, "RejectItem", request.name(), request.request_id(), request.etag(),
                    [&](SQLite::Database& tx, StoredItem& stored) -> absl::Status {
                      v1::Item& item = stored.item;
                      if (auto s = CheckMayScreen(caller, item.kind()); !s.ok()) return s;
                      if (auto s = CheckCanScreen(item); !s.ok()) return s;
                      item.set_state(v1::ITEM_STATE_NOT_ACCEPTED);
                      item.set_state_reason(request.reason());
                      Touch(stored);
                      UpdateItem(tx, stored);
                      v1::ItemRejected event;
                      *event.mutable_item() = item;
                      return AppendEvent(tx, caller, item.name(), request.reason(), event);
                    });
}

absl::StatusOr<v1::Item> IntakeCore::WithdrawItem(const Caller& caller,
                                                  const v1::WithdrawItemRequest& request) {
  if (caller.role() != common::v1::ROLE_PROPOSER) {
    return PermissionDenied("only the lead proposer withdraws an item");
  }
  if (auto s = ValidateReason(request.reason(), /*required=*/false); !s.ok()) return s;
  auto result = ChangeItem(
      caller, "WithdrawItem", request.name(), request.request_id(), request.etag(),
      [&](SQLite::Database& tx, StoredItem& stored) -> absl::Status {
        v1::Item& item = stored.item;
        if (item.lead_proposer().person() != caller.principal()) {
          return PermissionDenied("only the lead proposer withdraws an item");
        }
        if (auto s = CheckCanScreen(item); !s.ok()) {
          return WrongState(item.name(), StateName(item.state()),
                            "an item can be withdrawn only before it is accepted");
        }
        item.set_state(v1::ITEM_STATE_WITHDRAWN);
        item.set_state_reason(request.reason());
        Touch(stored);
        UpdateItem(tx, stored);
        v1::ItemWithdrawn event;
        *event.mutable_item() = item;
        return AppendEvent(tx, caller, item.name(), request.reason(), event);
      });
  // A proposer learns nothing about items that are not theirs, existing or not.
  if (!result.ok() && result.status().code() == absl::StatusCode::kNotFound) {
    return PermissionDenied("only the lead proposer withdraws an item");
  }
  return result;
}

absl::StatusOr<v1::MergeItemResponse> IntakeCore::MergeItem(const Caller& caller,
                                                            const v1::MergeItemRequest& request) {
  if (auto s = CheckMayScreenAny(caller); !s.ok()) return s;
  FieldViolations v;
  auto id = ParseItemName(request.name(), "name");
  if (!id.ok()) v.Add("name", "must look like items/{item}");
  auto target_id = ParseItemName(request.target(), "target");
  if (!target_id.ok()) v.Add("target", "must look like items/{item}");
  if (id.ok() && target_id.ok() && *id == *target_id) v.Add("target", "cannot merge an item into itself");
  if (!ValidateReason(request.reason(), false).ok()) v.Add("reason", "at most 2000 characters");
  if (!ValidateRequestId(request.request_id()).ok()) v.Add("request_id", "malformed");
  if (auto s = v.ToStatus(); !s.ok()) return s;

  v1::MergeItemResponse response;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto loaded = LoadForChange(tx, caller, "MergeItem", *id, request.request_id(), request.etag());
    if (!loaded.ok()) return loaded.status();
    if (loaded->replay) {
      *response.mutable_merged() = loaded->stored.item;
      *response.mutable_target() = LoadItem(tx, *target_id)->item;
      return absl::OkStatus();
    }
    StoredItem& merged = loaded->stored;
    auto target = LoadItem(tx, *target_id);
    if (!target) return NotFound(request.target());
    if (auto c = CheckMayScreen(caller, merged.item.kind()); !c.ok()) return c;
    if (auto c = CheckCanScreen(merged.item); !c.ok()) return c;
    if (auto c = CheckCanReceiveMerge(target->item); !c.ok()) return c;
    if (target->item.kind() != merged.item.kind() || target->item.session() != merged.item.session()) {
      return InvalidField("target", "must be an item of the same kind and session");
    }
    // The merged item's proposers join the target as co-proposers (each once).
    std::set<std::string> present = {target->item.lead_proposer().person()};
    for (const auto& p : target->item.co_proposers()) present.insert(p.person());
    auto join = [&](v1::Proposer p) {
      if (!present.insert(p.person()).second) return;
      p.set_joined_from_item(merged.item.name());
      *target->item.add_co_proposers() = std::move(p);
    };
    join(merged.item.lead_proposer());
    for (const auto& p : merged.item.co_proposers()) join(p);
    target->item.add_merged_items(merged.item.name());
    merged.item.set_state(v1::ITEM_STATE_MERGED);
    merged.item.set_merged_into(target->item.name());
    merged.item.set_state_reason(request.reason());
    Touch(merged);
    Touch(*target);
    UpdateItem(tx, merged);
    UpdateItem(tx, *target);
    v1::ItemMerged event;
    *event.mutable_item() = merged.item;
    *event.mutable_target() = target->item;
    if (auto e = AppendEvent(tx, caller, merged.item.name(), request.reason(), event); !e.ok()) {
      return e;
    }
    if (!request.request_id().empty()) {
      RecordServedRequest(tx, caller.principal(), "MergeItem", request.request_id(), *id,
                          clock_.Now());
    }
    *response.mutable_merged() = merged.item;
    *response.mutable_target() = target->item;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<v1::FindSimilarResponse> IntakeCore::FindSimilar(
    const Caller& caller, const v1::FindSimilarRequest& request) {
  if (auto s = CheckMayRead(caller); !s.ok()) return s;
  if (request.limit() < 0) return InvalidField("limit", "must not be negative");
  int limit = request.limit() == 0 ? options_.similar_limit
                                   : std::min(request.limit(), kMaxSimilarLimit);
  v1::FindSimilarResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    v1::Item query;
    int64_t self_seq = 0;
    if (request.has_draft()) {
      const auto& d = request.draft();
      if (d.title().empty() && d.body().empty()) {
        return InvalidField("draft.title", "a draft needs a title or a body");
      }
      query.set_kind(d.kind());
      query.set_session(d.session());
      query.set_year(d.year());
      query.set_title(d.title());
      query.set_body(d.body());
    } else {
      if (request.name().empty()) return InvalidField("name", "give an item name or a draft");
      auto stored = LoadReadable(conn, caller, request.name());
      if (!stored.ok()) return stored.status();
      query = stored->item;
      self_seq = stored->seq;
    }
    TermVector vector = MakeTermVector(normalizer_.Normalize(query.title()),
                                       normalizer_.Normalize(query.body()), terms_);
    for (const auto& scored : ScoreCandidates(conn, vector, terms_, self_seq, kSimilarCandidates)) {
      if (scored.score < options_.similar_min_score) break;
      if (response.merge_candidates_size() >= limit && response.recurring_size() >= limit) break;
      auto other = LoadItemBySeq(conn, scored.seq);
      if (!other || !MayReadItem(caller, other->item)) continue;
      if (caller.role() == common::v1::ROLE_PROPOSER &&
          other->item.state() != v1::ITEM_STATE_ACCEPTED && !IsProposerOf(caller, other->item)) {
        continue;  // proposers see others' items only once accepted
      }
      const v1::Item& o = other->item;
      bool open = o.state() == v1::ITEM_STATE_SUBMITTED || o.state() == v1::ITEM_STATE_ACCEPTED;
      if (o.session() == query.session() && o.kind() == query.kind() && open) {
        if (response.merge_candidates_size() < limit) {
          *response.add_merge_candidates() = ToSimilar(o, scored.score);
        }
      } else if (query.year() > 0 && o.year() < query.year() &&
                 o.year() >= query.year() - options_.recurring_years &&
                 o.state() != v1::ITEM_STATE_WITHDRAWN) {
        if (response.recurring_size() < limit) *response.add_recurring() = ToSimilar(o, scored.score);
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<v1::SearchItemsResponse> IntakeCore::SearchItems(
    const Caller& caller, const v1::SearchItemsRequest& request) {
  if (auto s = CheckMayRead(caller); !s.ok()) return s;
  FieldViolations v;
  if (!Clears(request.kind(), v1::ItemKind_IsValid)) v.Add("kind", "unknown kind");
  if (!Clears(request.state(), v1::ItemState_IsValid)) v.Add("state", "unknown state");
  if (request.query().size() > 1000) v.Add("query", "must have at most 1000 bytes");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  auto match = text::BuildMatchExpression(normalizer_.Normalize(request.query()));
  if (!match.ok()) return InvalidField("query", std::string(match.status().message()));
  auto page_size = EffectivePageSize(request.page_size(), kDefaultSearchPage, kMaxSearchPage);
  if (!page_size.ok()) return page_size.status();
  v1::SearchItemsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto offset = DecodePageToken(request.page_token(), hash);
  if (!offset.ok()) return offset.status();

  ItemFilter filter = FilterFor(caller);
  filter.session = request.session();
  filter.year = request.year();
  filter.kind = request.kind();
  filter.state = request.state();
  v1::SearchItemsResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    auto rows = intake::SearchItems(conn, *match, filter, *offset, *page_size + 1);
    bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (auto& row : rows) *response.add_items() = ForCaller(caller, std::move(row.item));
    if (more) response.set_next_page_token(EncodePageToken(hash, *offset + *page_size));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

}  // namespace huiyin::intake

#include "services/assignment/core.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/pagination/page_token.h"
#include "common/status/errors.h"
#include "google/protobuf/util/time_util.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/assignment/deadlines.h"
#include "services/assignment/rules.h"

namespace huiyin::assignment {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
constexpr int kDefaultSuggestions = 5;
constexpr int kMaxSuggestions = 20;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

bool Clears(int value, bool (*is_valid)(int)) { return value == 0 || is_valid(value); }

std::string StateName(const v1::Assignment& a) { return v1::AssignmentState_Name(a.state()); }

std::string FirstField(const absl::Status& status) {
  auto violations = FieldViolationsOf(status);
  return violations.empty() ? "" : violations.front().first;
}

// The deadline field a limit refers to: the rule the plan gave, or the default.
std::string RuleField(const v1::AssignmentPlan& plan, const std::string& prefix) {
  switch (plan.deadline().rule_case()) {
    case v1::DeadlineRule::kFixedDate:
      return prefix + ".deadline.fixed_date";
    case v1::DeadlineRule::kWorkingDays:
      return prefix + ".deadline.working_days";
    case v1::DeadlineRule::kMonths:
      return prefix + ".deadline.months";
    case v1::DeadlineRule::RULE_NOT_SET:
      break;
  }
  return prefix + ".deadline";
}

std::set<std::string> UnitsOf(const v1::Assignment& a) {
  std::set<std::string> out;
  for (const auto& u : a.units()) out.insert(u.unit());
  return out;
}

template <typename Message>
void ReplaceByName(google::protobuf::RepeatedPtrField<Message>& list, const Message& changed) {
  for (auto& m : list) {
    if (m.name() == changed.name()) m = changed;
  }
}

}  // namespace

v1::Unit ForCaller(const Caller& caller, v1::Unit unit) {
  if (SeesUnitContacts(caller, unit.name())) return unit;
  for (auto& m : *unit.mutable_members()) m.clear_phone();
  return unit;
}

v1::Assignment ForCaller(const Caller& caller, v1::Assignment assignment) {
  if (caller.role() != common::v1::ROLE_PROPOSER) return assignment;
  auto redact = [](v1::Assignment& a) {
    a.clear_note();
    a.clear_objections();
    a.clear_extensions();
  };
  redact(assignment);
  for (auto& version : *assignment.mutable_history()) redact(version);
  return assignment;
}

AssignmentCore::AssignmentCore(Database& db, const Clock& clock, IdGenerator& ids,
                               const WorkingDayCalendar& calendar, SimilarItemsSource& similar,
                               AssignmentOptions options)
    : db_(db),
      clock_(clock),
      ids_(ids),
      calendar_(calendar),
      similar_(similar),
      options_(std::move(options)) {}

absl::Status AssignmentCore::AppendEvent(SQLite::Database& tx, const Caller& caller,
                                         const std::string& subject, const std::string& reason,
                                         const google::protobuf::Message& payload) {
  return outbox_.Append(tx, {subject, caller, clock_.Now(), reason, &payload}).status();
}

v1::DeadlineRule AssignmentCore::DefaultRule() const {
  v1::DeadlineRule rule;
  rule.set_months(options_.default_deadline_months);
  return rule;
}

// --- units ---

absl::StatusOr<v1::Unit> AssignmentCore::CreateUnit(const Caller& caller,
                                                    const v1::CreateUnitRequest& request) {
  if (auto s = CheckMayManageUnits(caller); !s.ok()) return s;
  if (auto s = ValidateUnitId(request.unit_id(), "unit_id"); !s.ok()) return s;
  if (!request.has_unit()) return InvalidField("unit", "is required");
  if (auto s = ValidateUnit(request.unit()); !s.ok()) return s;
  v1::Unit unit = request.unit();
  unit.set_name(UnitName(request.unit_id()));
  *unit.mutable_create_time() = ToTimestamp(clock_.Now());
  *unit.mutable_update_time() = unit.create_time();
  unit.set_etag("1");
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (LoadUnit(tx, request.unit_id())) {
      return AlreadyExists(unit.name(), unit.name() + " already exists");
    }
    InsertUnit(tx, request.unit_id(), unit);
    v1::UnitCreated event;
    *event.mutable_unit() = unit;
    return AppendEvent(tx, caller, unit.name(), "", event);
  });
  if (!s.ok()) return s;
  return unit;
}

absl::StatusOr<v1::Unit> AssignmentCore::GetUnit(const Caller& caller,
                                                 const v1::GetUnitRequest& request) {
  if (auto s = CheckMayReadUnits(caller); !s.ok()) return s;
  auto id = ParseUnitName(request.name(), "name");
  if (!id.ok()) return id.status();
  v1::Unit unit;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    auto stored = LoadUnit(conn, *id);
    if (!stored) return NotFound(request.name());
    unit = std::move(stored->unit);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ForCaller(caller, std::move(unit));
}

absl::StatusOr<v1::ListUnitsResponse> AssignmentCore::ListUnits(
    const Caller& caller, const v1::ListUnitsRequest& request) {
  if (auto s = CheckMayReadUnits(caller); !s.ok()) return s;
  if (!Clears(request.kind(), v1::UnitKind_IsValid)) return InvalidField("kind", "unknown kind");
  auto page_size = EffectivePageSize(request.page_size(), kDefaultPage, kMaxPage);
  if (!page_size.ok()) return page_size.status();
  v1::ListUnitsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  UnitFilter filter{request.include_inactive(), request.kind(), request.category()};
  v1::ListUnitsResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    auto rows = assignment::ListUnits(conn, filter, *after, *page_size + 1);
    bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (auto& row : rows) *response.add_units() = ForCaller(caller, std::move(row.unit));
    if (more) response.set_next_page_token(EncodePageToken(hash, rows.back().seq));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<v1::Unit> AssignmentCore::UpdateUnit(const Caller& caller,
                                                    const v1::UpdateUnitRequest& request) {
  if (auto s = CheckMayManageUnits(caller); !s.ok()) return s;
  if (!request.has_unit()) return InvalidField("unit", "is required");
  auto id = ParseUnitName(request.unit().name(), "unit.name");
  if (!id.ok()) return id.status();
  if (auto s = ValidateUnit(request.unit()); !s.ok()) return s;
  v1::Unit result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto stored = LoadUnit(tx, *id);
    if (!stored) return NotFound(request.unit().name());
    if (!request.unit().etag().empty() && request.unit().etag() != stored->unit.etag()) {
      return EtagMismatch(stored->unit.name());
    }
    v1::Unit& unit = stored->unit;
    const v1::Unit& change = request.unit();
    unit.set_display_name(change.display_name());
    unit.set_kind(change.kind());
    unit.set_active(change.active());
    *unit.mutable_members() = change.members();
    *unit.mutable_categories() = change.categories();
    ++stored->revision;
    unit.set_etag(std::to_string(stored->revision));
    *unit.mutable_update_time() = ToTimestamp(clock_.Now());
    assignment::UpdateUnit(tx, *stored);
    v1::UnitUpdated event;
    *event.mutable_unit() = unit;
    result = unit;
    return AppendEvent(tx, caller, unit.name(), "", event);
  });
  if (!s.ok()) return s;
  return result;
}

// --- the waiting list, fed by intake ---

absl::Status AssignmentCore::ApplyIntakeEvent(SQLite::Database& tx,
                                              const events::v1::Event& event) {
  if (event.payload().Is<intake::v1::ItemAccepted>()) {
    intake::v1::ItemAccepted accepted;
    if (!event.payload().UnpackTo(&accepted)) return absl::DataLossError("bad ItemAccepted");
    auto id = ParseItemName(accepted.item().name(), "item.name");
    if (!id.ok()) return absl::DataLossError("ItemAccepted without a valid item name");
    v1::ItemSummary summary = SummaryOf(accepted.item());
    if (auto known = LoadItem(tx, *id)) {
      UpdateItemSummary(tx, known->seq, summary);
      return absl::OkStatus();
    }
    InsertItem(tx, *id, summary);
    v1::ItemAwaitingAssignment awaiting;
    *awaiting.mutable_item() = summary;
    return AppendEvent(tx, event.actor(), summary.item(), "", awaiting);
  }
  if (event.payload().Is<intake::v1::ItemMerged>()) {
    intake::v1::ItemMerged merged;
    if (!event.payload().UnpackTo(&merged)) return absl::DataLossError("bad ItemMerged");
    auto id = ParseItemName(merged.target().name(), "target.name");
    if (!id.ok()) return absl::OkStatus();
    // A target not accepted yet arrives later, with its proposers, in its ItemAccepted.
    if (auto known = LoadItem(tx, *id)) {
      v1::ItemSummary summary = SummaryOf(merged.target());
      *summary.mutable_accept_time() = known->item.accept_time();
      UpdateItemSummary(tx, known->seq, summary);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListWaitingItemsResponse> AssignmentCore::ListWaitingItems(
    const Caller& caller, const v1::ListWaitingItemsRequest& request) {
  if (auto s = CheckMayListWaiting(caller); !s.ok()) return s;
  FieldViolations v;
  if (!Clears(request.kind(), intake::v1::ItemKind_IsValid)) v.Add("kind", "unknown kind");
  if (request.year() < 0) v.Add("year", "must not be negative");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  auto page_size = EffectivePageSize(request.page_size(), kDefaultPage, kMaxPage);
  if (!page_size.ok()) return page_size.status();
  v1::ListWaitingItemsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  ItemFilter filter{request.session(), request.year(), request.kind()};
  v1::ListWaitingItemsResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    auto rows = assignment::ListWaitingItems(conn, filter, *after, *page_size + 1);
    bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (auto& row : rows) *response.add_items() = std::move(row.item);
    if (more) response.set_next_page_token(EncodePageToken(hash, rows.back().seq));
    response.set_total_size(static_cast<int32_t>(CountWaitingItems(conn, filter)));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

// --- reading assignments ---

v1::Assignment AssignmentCore::Assemble(SQLite::Database& conn, const StoredItem& item,
                                        const StoredAssignment& stored) {
  auto with_children = [&](v1::Assignment a) {
    *a.mutable_item() = item.item;
    for (auto& o : LoadObjections(conn, item.seq, a.version())) *a.add_objections() = std::move(o);
    for (auto& e : LoadExtensions(conn, item.seq, a.version())) *a.add_extensions() = std::move(e);
    return a;
  };
  v1::Assignment a = with_children(stored.assignment);
  a.set_etag(std::to_string(stored.revision));
  for (auto& version : LoadVersions(conn, item.seq)) {
    *a.add_history() = with_children(std::move(version));
  }
  return a;
}

absl::StatusOr<AssignmentCore::Loaded> AssignmentCore::Load(SQLite::Database& conn,
                                                            const std::string& item_id) {
  auto item = LoadItem(conn, item_id);
  if (!item) return NotFound(AssignmentName(item_id));
  auto stored = assignment::LoadAssignment(conn, item->seq);
  if (!stored) return NotFound(AssignmentName(item_id));
  v1::Assignment a = Assemble(conn, *item, *stored);
  return Loaded{*std::move(item), *std::move(stored), std::move(a)};
}

absl::StatusOr<AssignmentCore::Loaded> AssignmentCore::LoadReadable(SQLite::Database& conn,
                                                                    const Caller& caller,
                                                                    const std::string& name) {
  auto id = ParseAssignmentName(name, "name");
  if (!id.ok()) return id.status();
  auto loaded = Load(conn, *id);
  // Callers who may not see every assignment learn nothing about ones they may not see.
  if (!loaded.ok()) {
    return SeesAllAssignments(caller) ? loaded.status() : PermissionDenied("not your assignment");
  }
  if (!MayReadAssignment(caller, loaded->assignment)) {
    return PermissionDenied("not your assignment");
  }
  return loaded;
}

absl::StatusOr<AssignmentCore::Loaded> AssignmentCore::LoadForUnit(SQLite::Database& tx,
                                                                   const std::string& name,
                                                                   const std::string& unit) {
  auto id = ParseAssignmentName(name, "name");
  if (!id.ok()) return id.status();
  auto loaded = Load(tx, *id);
  if (!loaded.ok() || !NamesUnit(loaded->assignment, unit)) {
    return PermissionDenied(absl::StrCat(unit, " is not named in ", name));
  }
  return loaded;
}

void AssignmentCore::Save(SQLite::Database& tx, Loaded& loaded) {
  v1::Assignment& a = loaded.assignment;
  a.set_state(StateOf(a));
  ++loaded.stored.revision;
  a.set_etag(std::to_string(loaded.stored.revision));
  loaded.stored.assignment = a;
  assignment::UpdateAssignment(tx, loaded.stored);
}

absl::StatusOr<v1::Assignment> AssignmentCore::GetAssignment(
    const Caller& caller, const v1::GetAssignmentRequest& request) {
  if (auto s = CheckMayReadAssignments(caller); !s.ok()) return s;
  v1::Assignment result;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    auto loaded = LoadReadable(conn, caller, request.name());
    if (!loaded.ok()) return loaded.status();
    result = std::move(loaded->assignment);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ForCaller(caller, std::move(result));
}

absl::StatusOr<v1::ListAssignmentsResponse> AssignmentCore::ListAssignments(
    const Caller& caller, const v1::ListAssignmentsRequest& request) {
  if (auto s = CheckMayReadAssignments(caller); !s.ok()) return s;
  FieldViolations v;
  if (!request.unit().empty() && !ParseUnitName(request.unit(), "unit").ok()) {
    v.Add("unit", "must look like units/{unit}");
  }
  if (!Clears(request.state(), v1::AssignmentState_IsValid)) v.Add("state", "unknown state");
  if (request.year() < 0) v.Add("year", "must not be negative");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  AssignmentFilter filter{
      request.unit(), "", "", request.year(), request.session(), request.key_only(),
      request.state()};
  if (IsUnitRole(caller)) {
    if (!request.unit().empty() && request.unit() != caller.unit()) {
      return PermissionDenied("a unit lists only its own assignments");
    }
    filter.unit = caller.unit();
  } else if (caller.role() == common::v1::ROLE_PROPOSER) {
    filter.proposer = caller.principal();
  } else if (caller.role() == common::v1::ROLE_LEADING_OFFICIAL) {
    filter.leading_official = caller.principal();
  }
  auto page_size = EffectivePageSize(request.page_size(), kDefaultPage, kMaxPage);
  if (!page_size.ok()) return page_size.status();
  v1::ListAssignmentsRequest query = request;
  query.clear_page_size();
  query.clear_page_token();
  uint64_t hash = QueryHash(query);
  auto after = DecodePageToken(request.page_token(), hash);
  if (!after.ok()) return after.status();
  v1::ListAssignmentsResponse response;
  absl::Status s = db_.Read([&](SQLite::Database& conn) {
    auto rows = assignment::ListAssignments(conn, filter, *after, *page_size + 1);
    bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    for (const auto& row : rows) {
      auto item = LoadItemBySeq(conn, row.item_seq);
      if (item) *response.add_assignments() = ForCaller(caller, Assemble(conn, *item, row));
    }
    if (more) response.set_next_page_token(EncodePageToken(hash, rows.back().item_seq));
    response.set_total_size(static_cast<int32_t>(CountAssignments(conn, filter)));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

// --- assigning ---

absl::StatusOr<v1::Assignment> AssignmentCore::BuildVersion(
    SQLite::Database& tx, const Caller& caller, const v1::AssignmentPlan& plan,
    const std::string& prefix, const StoredItem& item, absl::CivilDay first_assign_day, int version,
    std::string* blamed_field) {
  const absl::CivilDay today = clock_.Today();
  v1::Assignment a;
  a.set_name(AssignmentName(ItemId(item.item)));
  a.set_version(version);
  a.set_mode(plan.mode());
  FieldViolations v;
  for (int i = 0; i < plan.units_size(); ++i) {
    const v1::AssignedUnit& planned = plan.units(i);
    const std::string field = absl::StrCat(prefix, ".units[", i, "].unit");
    auto unit = LoadUnit(tx, *ParseUnitName(planned.unit(), field));
    if (!unit) {
      v.Add(field, absl::StrCat("no such unit: ", planned.unit()));
    } else if (!unit->unit.active()) {
      v.Add(field, absl::StrCat(planned.unit(), " (", unit->unit.display_name(),
                                ") is inactive (已停用) and cannot be assigned"));
    } else {
      v1::AssignedUnit* u = a.add_units();
      *u = planned;
      u->set_unit_display_name(unit->unit.display_name());
    }
  }
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::DeadlineRule rule = plan.deadline().rule_case() == v1::DeadlineRule::RULE_NOT_SET
                              ? DefaultRule()
                              : plan.deadline();
  auto deadline = DeadlineFromRule(calendar_, rule, today, prefix + ".deadline");
  if (!deadline.ok()) {
    *blamed_field = prefix + ".deadline";
    return deadline.status();
  }
  if (auto s = CheckDeadlineLimit(calendar_, *ParseCivilDay(deadline->date()), first_assign_day,
                                  options_.max_deadline_months, RuleField(plan, prefix));
      !s.ok()) {
    *blamed_field = prefix + ".deadline";
    return s;
  }
  *a.mutable_original_deadline() = *deadline;
  *a.mutable_current_deadline() = *deadline;
  a.set_key(plan.key());
  a.set_leading_official(plan.leading_official());
  a.set_leading_official_name(plan.leading_official_name());
  a.set_state(v1::ASSIGNMENT_STATE_ASSIGNED);
  a.set_assign_date(FormatDate(today));
  *a.mutable_assign_time() = ToTimestamp(clock_.Now());
  a.set_assigned_by(caller.principal());
  a.set_note(plan.note());
  *a.mutable_item() = item.item;
  return a;
}

absl::StatusOr<v1::Assignment> AssignmentCore::AssignOne(SQLite::Database& tx, const Caller& caller,
                                                         const v1::AssignmentPlan& plan,
                                                         const std::string& prefix,
                                                         std::string* blamed_field) {
  auto id = ParseItemName(plan.item(), prefix + ".item");
  if (!id.ok()) return id.status();
  auto item = LoadItem(tx, *id);
  if (!item) {
    *blamed_field = prefix + ".item";
    return NotFound(plan.item());
  }
  if (item->assigned) {
    *blamed_field = prefix + ".item";
    return WrongState(
        AssignmentName(*id), "ASSIGNED",
        "the item is assigned already; a unit's objection leads to re-assignment (改办)");
  }
  auto a = BuildVersion(tx, caller, plan, prefix, *item, clock_.Today(), 1, blamed_field);
  if (!a.ok()) return a.status();
  a->set_etag("1");
  StoredAssignment stored{item->seq, 1, FormatDate(clock_.Today()), *a};
  InsertAssignment(tx, stored);
  MarkAssigned(tx, item->seq);
  for (const auto& u : a->units()) {
    AddHandled(tx, u.unit(), item->item.category(), item->item.year(), 1);
  }
  v1::ItemAssigned event;
  *event.mutable_assignment() = *a;
  if (auto s = AppendEvent(tx, caller, a->name(), "", event); !s.ok()) return s;
  return a;
}

absl::StatusOr<v1::Assignment> AssignmentCore::AssignItem(const Caller& caller,
                                                          const v1::AssignItemRequest& request) {
  if (auto s = CheckMayAssign(caller); !s.ok()) return s;
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (!request.has_plan()) return InvalidField("plan", "is required");
  if (auto s = ValidatePlan(request.plan(), "plan", clock_.Today(), options_.max_deadline_months);
      !s.ok()) {
    return s;
  }
  v1::Assignment result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!request.request_id().empty()) {
      if (auto served =
              FindServedRequest(tx, caller.principal(), "AssignItem", request.request_id())) {
        auto loaded = Load(tx, served->resource);
        if (!loaded.ok()) return loaded.status();
        result = std::move(loaded->assignment);
        return absl::OkStatus();
      }
    }
    std::string blamed;
    auto a = AssignOne(tx, caller, request.plan(), "plan", &blamed);
    if (!a.ok()) return a.status();
    if (!request.request_id().empty()) {
      RecordServedRequest(tx, caller.principal(), "AssignItem", request.request_id(),
                          *ParseItemName(request.plan().item(), "plan.item"), "", clock_.Now());
    }
    result = *std::move(a);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<v1::AssignItemsResponse> AssignmentCore::AssignItems(
    const Caller& caller, const v1::AssignItemsRequest& request) {
  if (auto s = CheckMayAssign(caller); !s.ok()) return s;
  if (auto s = ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (request.plans().empty()) return InvalidField("plans", "give at least one plan");
  if (request.plans_size() > kMaxPlans) {
    return InvalidField("plans", absl::StrCat("at most ", kMaxPlans, " plans per call"));
  }
  // What needs neither store nor calendar is checked before the writer is taken.
  const absl::CivilDay today = clock_.Today();
  std::vector<absl::Status> checked(request.plans_size());
  std::map<std::string, int> first_of_item;
  for (int i = 0; i < request.plans_size(); ++i) {
    const std::string prefix = absl::StrCat("plans[", i, "]");
    checked[i] = ValidatePlan(request.plans(i), prefix, today, options_.max_deadline_months);
    auto [it, fresh] = first_of_item.emplace(request.plans(i).item(), i);
    if (checked[i].ok() && !fresh) {
      checked[i] = InvalidField(prefix + ".item",
                                absl::StrCat("the same item is in plans[", it->second, "]"));
    }
  }
  v1::AssignItemsResponse response;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    response.Clear();
    if (!request.request_id().empty()) {
      if (auto served =
              FindServedRequest(tx, caller.principal(), "AssignItems", request.request_id())) {
        if (!response.ParseFromString(served->response)) return absl::DataLossError("bad response");
        return absl::OkStatus();
      }
    }
    for (int i = 0; i < request.plans_size(); ++i) {
      v1::AssignItemResult* result = response.add_results();
      result->set_item(request.plans(i).item());
      std::string blamed;
      absl::StatusOr<v1::Assignment> a = absl::UnknownError("not assigned");
      if (!checked[i].ok()) {
        a = checked[i];
      } else {
        // Each plan in its own savepoint: a refused plan leaves no trace, the others stand.
        tx.exec("SAVEPOINT assign_plan");
        try {
          a = AssignOne(tx, caller, request.plans(i), absl::StrCat("plans[", i, "]"), &blamed);
        } catch (...) {
          a = StatusFromCurrentException();
        }
        if (!a.ok()) tx.exec("ROLLBACK TO assign_plan");
        tx.exec("RELEASE assign_plan");
      }
      if (a.ok()) {
        *result->mutable_assignment() = *std::move(a);
        response.set_assigned(response.assigned() + 1);
        continue;
      }
      const absl::Status& error = a.status();
      result->set_error_code(static_cast<int>(error.code()));
      // As ToGrpcStatus does: no internals in what a client reads.
      std::string message(error.message());
      result->set_error_message(error.code() == absl::StatusCode::kInternal ? "internal error"
                                                                            : message);
      std::string field = FirstField(error);
      result->set_error_field(field.empty() ? blamed : field);
      response.set_refused(response.refused() + 1);
    }
    if (!request.request_id().empty()) {
      RecordServedRequest(tx, caller.principal(), "AssignItems", request.request_id(), "",
                          response.SerializeAsString(), clock_.Now());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

// --- objections (异议) ---

absl::Status AssignmentCore::FileForUnit(const Caller& caller, const std::string& method,
                                         const std::string& name, const std::string& unit,
                                         const std::string& request_id, const Filing& file,
                                         const Replay& replay) {
  return db_.Write([&](SQLite::Database& tx) -> absl::Status {
    if (!request_id.empty()) {
      if (auto served = FindServedRequest(tx, caller.principal(), method, request_id)) {
        return replay(tx, served->resource);
      }
    }
    auto loaded = LoadForUnit(tx, name, unit);
    if (!loaded.ok()) return loaded.status();
    auto filed = file(tx, *loaded);
    if (!filed.ok()) return filed.status();
    if (!request_id.empty()) {
      RecordServedRequest(tx, caller.principal(), method, request_id, *filed, "", clock_.Now());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Objection> AssignmentCore::ObjectToAssignment(
    const Caller& caller, const v1::ObjectToAssignmentRequest& request) {
  const std::string unit = request.unit().empty() ? caller.unit() : request.unit();
  if (auto s = CheckMayActForUnit(caller, unit); !s.ok()) return s;
  FieldViolations v;
  if (!ParseAssignmentName(request.name(), "name").ok()) {
    v.Add("name", "must look like items/{item}/assignment");
  }
  CheckFreeText(v, request.reason(), "reason", /*required=*/true);
  if (!request.suggested_unit().empty()) {
    if (!ParseUnitName(request.suggested_unit(), "suggested_unit").ok()) {
      v.Add("suggested_unit", "must look like units/{unit}");
    } else if (request.suggested_unit() == unit) {
      v.Add("suggested_unit", "is the objecting unit itself");
    }
  }
  if (!ValidateRequestId(request.request_id()).ok()) v.Add("request_id", "malformed");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::Objection result;
  auto file = [&](SQLite::Database& tx, Loaded& loaded) -> absl::StatusOr<std::string> {
    v1::Assignment& a = loaded.assignment;
    if (!request.suggested_unit().empty() &&
        !LoadUnit(tx, *ParseUnitName(request.suggested_unit(), "suggested_unit"))) {
      return InvalidField("suggested_unit", "no such unit: " + request.suggested_unit());
    }
    auto window =
        calendar_.AddWorkingDays(*ParseCivilDay(a.assign_date()), options_.objection_working_days);
    if (!window.ok()) return window.status();
    if (auto c = CheckObjectionWindow(a, clock_.Today(), window->date); !c.ok()) return c;
    if (auto c = CheckNoPendingObjection(a, unit); !c.ok()) return c;
    const std::string id = ids_.NewId();
    v1::Objection& o = result;
    o.set_name(ObjectionName(ItemId(loaded.item.item), id));
    o.set_unit(unit);
    o.set_reason(request.reason());
    o.set_suggested_unit(request.suggested_unit());
    o.set_state(v1::OBJECTION_STATE_PENDING);
    *o.mutable_create_time() = ToTimestamp(clock_.Now());
    o.set_window_end(FormatDate(window->date));
    InsertObjection(tx, loaded.item.seq, a.version(), id, o);
    *a.add_objections() = o;
    Save(tx, loaded);
    v1::ObjectionRaised event;
    *event.mutable_assignment() = a;
    *event.mutable_objection() = o;
    if (auto e = AppendEvent(tx, caller, a.name(), request.reason(), event); !e.ok()) return e;
    return o.name();
  };
  auto replay = [&](SQLite::Database& tx, const std::string& served) -> absl::Status {
    auto name = ParseChildName(served, "objections", "name");
    auto item = name.ok() ? LoadItem(tx, name->item_id) : std::nullopt;
    auto objection = item ? LoadObjection(tx, item->seq, name->child_id) : std::nullopt;
    if (!objection) return absl::DataLossError("the objection of a served request is gone");
    result = std::move(objection->message);
    return absl::OkStatus();
  };
  absl::Status s = FileForUnit(caller, "ObjectToAssignment", request.name(), unit,
                               request.request_id(), file, replay);
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<v1::Assignment> AssignmentCore::ResolveObjection(
    const Caller& caller, const v1::ResolveObjectionRequest& request) {
  if (auto s = CheckMayAssign(caller); !s.ok()) return s;
  auto name = ParseChildName(request.name(), "objections", "name");
  if (!name.ok()) return name.status();
  FieldViolations v;
  CheckFreeText(v, request.resolution(), "resolution", /*required=*/true);
  switch (request.outcome_case()) {
    case v1::ResolveObjectionRequest::kUphold:
      if (!request.uphold()) v.Add("uphold", "must be true (or give reassign)");
      break;
    case v1::ResolveObjectionRequest::kReassign:
      if (request.reassign().item() != ItemName(name->item_id)) {
        v.Add("reassign.item", "must be " + ItemName(name->item_id) + ", the item objected to");
      }
      break;
    case v1::ResolveObjectionRequest::OUTCOME_NOT_SET:
      v.Add("outcome", "give uphold: true, or reassign with the new plan (改办)");
      break;
  }
  if (auto s = v.ToStatus(); !s.ok()) return s;
  if (request.has_reassign()) {
    if (auto s = ValidatePlan(request.reassign(), "reassign", clock_.Today(),
                              options_.max_deadline_months);
        !s.ok()) {
      return s;
    }
  }
  v1::Assignment result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto loaded = Load(tx, name->item_id);
    if (!loaded.ok()) return NotFound(request.name());
    auto objection = LoadObjection(tx, loaded->item.seq, name->child_id);
    if (!objection) return NotFound(request.name());
    if (!request.etag().empty() && request.etag() != loaded->assignment.etag()) {
      return EtagMismatch(loaded->assignment.name());
    }
    if (auto c = CheckCanResolve(objection->message); !c.ok()) return c;
    auto a = request.has_reassign()
                 ? Reassign(tx, caller, *loaded, request.reassign(), request.resolution())
                 : Uphold(tx, caller, *loaded, objection->message, request.resolution());
    if (!a.ok()) return a.status();
    result = *std::move(a);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<v1::Assignment> AssignmentCore::Uphold(SQLite::Database& tx, const Caller& caller,
                                                      Loaded& loaded, v1::Objection objection,
                                                      const std::string& resolution) {
  objection.set_state(v1::OBJECTION_STATE_UPHELD);
  objection.set_resolution(resolution);
  *objection.mutable_resolve_time() = ToTimestamp(clock_.Now());
  const std::string id = objection.name().substr(objection.name().rfind('/') + 1);
  UpdateObjection(tx, loaded.item.seq, id, objection);
  ReplaceByName(*loaded.assignment.mutable_objections(), objection);
  Save(tx, loaded);
  v1::ObjectionUpheld event;
  *event.mutable_assignment() = loaded.assignment;
  *event.mutable_objection() = objection;
  auto appended = AppendEvent(tx, caller, loaded.assignment.name(), resolution, event);
  if (!appended.ok()) return appended;
  return loaded.assignment;
}

absl::StatusOr<v1::Assignment> AssignmentCore::Reassign(SQLite::Database& tx, const Caller& caller,
                                                        Loaded& loaded,
                                                        const v1::AssignmentPlan& plan,
                                                        const std::string& resolution) {
  const v1::Assignment old = loaded.assignment;
  const auto now = ToTimestamp(clock_.Now());
  // The old version's open business ends with it.
  for (v1::Objection o : old.objections()) {
    if (o.state() != v1::OBJECTION_STATE_PENDING) continue;
    o.set_state(v1::OBJECTION_STATE_REASSIGNED);
    o.set_resolution(resolution);
    *o.mutable_resolve_time() = now;
    UpdateObjection(tx, loaded.item.seq, o.name().substr(o.name().rfind('/') + 1), o);
  }
  for (v1::Extension e : old.extensions()) {
    if (e.state() != v1::EXTENSION_STATE_PENDING) continue;
    e.set_state(v1::EXTENSION_STATE_REFUSED);
    e.set_decision_reason("已改办，原交办下的延期申请随之失效");
    *e.mutable_decide_time() = now;
    UpdateExtension(tx, loaded.item.seq, e.name().substr(e.name().rfind('/') + 1), e);
  }
  InsertVersion(tx, loaded.item.seq, old);
  std::string blamed;
  auto next =
      BuildVersion(tx, caller, plan, "reassign", loaded.item,
                   *ParseCivilDay(loaded.stored.first_assign_date), old.version() + 1, &blamed);
  if (!next.ok()) return next.status();
  loaded.stored.assignment = *next;
  ++loaded.stored.revision;
  assignment::UpdateAssignment(tx, loaded.stored);

  v1::ItemReassigned event;
  const std::set<std::string> before = UnitsOf(old), after = UnitsOf(*next);
  const v1::ItemSummary& item = loaded.item.item;
  for (const auto& unit : before) {
    if (after.count(unit)) continue;
    event.add_removed_units(unit);
    AddHandled(tx, unit, item.category(), item.year(), -1);
  }
  for (const auto& unit : after) {
    if (before.count(unit)) continue;
    event.add_added_units(unit);
    AddHandled(tx, unit, item.category(), item.year(), 1);
  }
  v1::Assignment result = Assemble(tx, loaded.item, loaded.stored);
  *event.mutable_assignment() = result;
  if (auto e = AppendEvent(tx, caller, result.name(), resolution, event); !e.ok()) return e;
  return result;
}

// --- extensions (延期) ---

absl::Status AssignmentCore::CheckExtensionsAllowed(const v1::Assignment& a) {
  const int year = ParseCivilDay(a.current_deadline().date())->year();
  if (options_.extensions_forbidden_years.count(year) == 0) return absl::OkStatus();
  return WrongState(a.name(), StateName(a),
                    absl::StrCat("no extensions are granted for deadlines in ", year,
                                 " (今年对办理工作不再延期)"));
}

absl::StatusOr<v1::Extension> AssignmentCore::RequestExtension(
    const Caller& caller, const v1::RequestExtensionRequest& request) {
  const std::string unit = request.unit().empty() ? caller.unit() : request.unit();
  if (auto s = CheckMayActForUnit(caller, unit); !s.ok()) return s;
  FieldViolations v;
  if (!ParseAssignmentName(request.name(), "name").ok()) {
    v.Add("name", "must look like items/{item}/assignment");
  }
  auto requested = ParseDate(request.requested_date(), "requested_date");
  if (!requested.ok()) v.Add("requested_date", "must be a date YYYY-MM-DD");
  CheckFreeText(v, request.reason(), "reason", /*required=*/true);
  if (!ValidateRequestId(request.request_id()).ok()) v.Add("request_id", "malformed");
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::Extension result;
  auto file = [&](SQLite::Database& tx, Loaded& loaded) -> absl::StatusOr<std::string> {
    v1::Assignment& a = loaded.assignment;
    const absl::CivilDay current = *ParseCivilDay(a.current_deadline().date());
    if (clock_.Today() > current) {
      return WrongState(a.name(), StateName(a),
                        absl::StrCat("the deadline ", a.current_deadline().date(),
                                     " has passed: an extension is asked for before the deadline"));
    }
    if (auto c = CheckExtensionsAllowed(a); !c.ok()) return c;
    if (*requested <= current) {
      return InvalidField("requested_date",
                          "must be later than the current deadline " + a.current_deadline().date());
    }
    if (auto c = CheckDeadlineLimit(calendar_, *requested,
                                    *ParseCivilDay(loaded.stored.first_assign_date),
                                    options_.max_deadline_months, "requested_date");
        !c.ok()) {
      return c;
    }
    if (auto c = CheckNoPendingExtension(a, unit); !c.ok()) return c;
    const std::string id = ids_.NewId();
    v1::Extension& e = result;
    e.set_name(ExtensionName(ItemId(loaded.item.item), id));
    e.set_unit(unit);
    e.set_requested_date(request.requested_date());
    e.set_reason(request.reason());
    e.set_state(v1::EXTENSION_STATE_PENDING);
    *e.mutable_create_time() = ToTimestamp(clock_.Now());
    InsertExtension(tx, loaded.item.seq, a.version(), id, e);
    *a.add_extensions() = e;
    Save(tx, loaded);
    v1::ExtensionRequested event;
    *event.mutable_assignment() = a;
    *event.mutable_extension() = e;
    if (auto c = AppendEvent(tx, caller, a.name(), request.reason(), event); !c.ok()) return c;
    return e.name();
  };
  auto replay = [&](SQLite::Database& tx, const std::string& served) -> absl::Status {
    auto name = ParseChildName(served, "extensions", "name");
    auto item = name.ok() ? LoadItem(tx, name->item_id) : std::nullopt;
    auto extension = item ? LoadExtension(tx, item->seq, name->child_id) : std::nullopt;
    if (!extension) return absl::DataLossError("the extension of a served request is gone");
    result = std::move(extension->message);
    return absl::OkStatus();
  };
  absl::Status s = FileForUnit(caller, "RequestExtension", request.name(), unit,
                               request.request_id(), file, replay);
  if (!s.ok()) return s;
  return result;
}

absl::StatusOr<v1::Assignment> AssignmentCore::DecideExtension(
    const Caller& caller, const v1::DecideExtensionRequest& request) {
  if (auto s = CheckMayAssign(caller); !s.ok()) return s;
  auto name = ParseChildName(request.name(), "extensions", "name");
  if (!name.ok()) return name.status();
  FieldViolations v;
  // Refusing needs a reason (the unit is told why); granting may give one.
  CheckFreeText(v, request.reason(), "reason", /*required=*/!request.grant());
  absl::StatusOr<absl::CivilDay> granted = absl::CivilDay();
  if (!request.granted_date().empty()) {
    granted = ParseDate(request.granted_date(), "granted_date");
    if (!granted.ok()) v.Add("granted_date", "must be a date YYYY-MM-DD");
    if (!request.grant()) v.Add("granted_date", "only a granted extension has a date");
  }
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::Assignment result;
  absl::Status s = db_.Write([&](SQLite::Database& tx) -> absl::Status {
    auto loaded = Load(tx, name->item_id);
    if (!loaded.ok()) return NotFound(request.name());
    auto stored = LoadExtension(tx, loaded->item.seq, name->child_id);
    if (!stored) return NotFound(request.name());
    v1::Extension& e = stored->message;
    if (auto c = CheckCanDecide(e); !c.ok()) return c;
    v1::Assignment& a = loaded->assignment;
    if (request.grant()) {
      if (auto c = CheckExtensionsAllowed(a); !c.ok()) return c;
      const bool asked = request.granted_date().empty();
      const absl::CivilDay date = asked ? *ParseCivilDay(e.requested_date()) : *granted;
      if (date <= *ParseCivilDay(a.current_deadline().date())) {
        return InvalidField(
            "granted_date",
            absl::StrCat(asked ? "the date asked for" : FormatDate(date),
                         " is not later than the current deadline ", a.current_deadline().date()));
      }
      if (auto c =
              CheckDeadlineLimit(calendar_, date, *ParseCivilDay(loaded->stored.first_assign_date),
                                 options_.max_deadline_months, "granted_date");
          !c.ok()) {
        return c;
      }
      auto extended = ExtendedDeadline(calendar_, a.current_deadline(), date, e.name());
      if (!extended.ok()) return extended.status();
      *a.mutable_current_deadline() = *std::move(extended);
    }
    e.set_state(request.grant() ? v1::EXTENSION_STATE_GRANTED : v1::EXTENSION_STATE_REFUSED);
    e.set_decision_reason(request.reason());
    *e.mutable_decide_time() = ToTimestamp(clock_.Now());
    UpdateExtension(tx, loaded->item.seq, name->child_id, e);
    ReplaceByName(*a.mutable_extensions(), e);
    Save(tx, *loaded);
    v1::ExtensionDecided event;
    *event.mutable_assignment() = a;
    *event.mutable_extension() = e;
    if (auto c = AppendEvent(tx, caller, a.name(), request.reason(), event); !c.ok()) return c;
    result = a;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

// --- suggestions ---

absl::StatusOr<v1::SuggestUnitsResponse> AssignmentCore::SuggestUnits(
    const Caller& caller, const v1::SuggestUnitsRequest& request, absl::Time deadline) {
  if (auto s = CheckMayAssign(caller); !s.ok()) return s;
  auto id = ParseItemName(request.item(), "item");
  if (!id.ok()) return id.status();
  if (request.limit() < 0) return InvalidField("limit", "must not be negative");
  const int limit =
      request.limit() == 0 ? kDefaultSuggestions : std::min(request.limit(), kMaxSuggestions);
  v1::ItemSummary item;
  absl::Status s = db_.Read([&](SQLite::Database& conn) -> absl::Status {
    auto stored = LoadItem(conn, *id);
    if (!stored) return NotFound(request.item());
    item = std::move(stored->item);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  // Outside any transaction: a slow intake must not hold a read snapshot.
  auto similar = similar_.FindSimilar(request.item(), deadline);
  if (!similar.ok()) {
    LogWarn("similar items unavailable; suggesting from categories and history",
            {{"error", similar.status().ToString()}});
  }
  std::vector<UnitEvidence> evidence;
  s = db_.Read([&](SQLite::Database& conn) {
    std::map<std::string, UnitEvidence> by_unit;
    if (similar.ok()) {
      for (const auto* group : {&similar->merge_candidates(), &similar->recurring()}) {
        for (const auto& found : *group) {
          auto other_id = ParseItemName(found.name(), "");
          auto other = other_id.ok() && found.name() != request.item() ? LoadItem(conn, *other_id)
                                                                       : std::nullopt;
          auto stored = other ? assignment::LoadAssignment(conn, other->seq) : std::nullopt;
          if (!stored) continue;
          for (const auto& u : stored->assignment.units()) {
            by_unit[u.unit()].similar.push_back(
                {found.number_label(), found.title(), found.year(), found.score(), u.role()});
          }
        }
      }
    }
    for (const auto& unit : UnitsWithCategory(conn, item.category())) {
      by_unit[unit.unit.name()].category_listed = true;
    }
    for (const auto& [unit, handled] : HandledInCategory(conn, item.category())) {
      by_unit[unit].handled_in_category = handled;
    }
    for (auto& [name, e] : by_unit) {
      auto unit_id = ParseUnitName(name, "unit");
      auto unit = unit_id.ok() ? LoadUnit(conn, *unit_id) : std::nullopt;
      if (!unit || !unit->unit.active()) continue;  // only units that can be assigned
      e.unit = name;
      e.display_name = unit->unit.display_name();
      evidence.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  v1::SuggestUnitsResponse response;
  for (auto& suggestion : RankUnits(evidence, item.category(), item.year(), limit)) {
    *response.add_suggestions() = std::move(suggestion);
  }
  return response;
}

}  // namespace huiyin::assignment

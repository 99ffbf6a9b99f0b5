// 异议 and 改办: the objection window counted in working days, one pending objection per unit,
// upholding, and re-assignment with its history and the event that tells the old units.
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/assignment/core.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AssignmentFixture;
using testing::Clerk;
using ::testing::ElementsAre;
using testing::GovernmentOffice;
using ::testing::HasSubstr;
using testing::Head;
using testing::LeadAndCo;
using testing::Proposer;
using testing::Sole;

class ObjectionTest : public AssignmentFixture {
 protected:
  absl::StatusOr<v1::Objection> Object(const Caller& caller, const std::string& unit = "",
                                       const std::string& request_id = "") {
    v1::ObjectToAssignmentRequest r;
    r.set_name("items/a1/assignment");
    r.set_unit(unit);
    r.set_reason("该事项属于镇级农贸市场管理，不属于本单位职能");
    r.set_request_id(request_id);
    return core_->ObjectToAssignment(caller, r);
  }
  v1::Objection MustObject(const Caller& caller) {
    auto o = Object(caller);
    EXPECT_TRUE(o.ok()) << o.status();
    return o.ok() ? *o : v1::Objection();
  }
  v1::ResolveObjectionRequest Uphold(const std::string& objection) {
    v1::ResolveObjectionRequest r;
    r.set_name(objection);
    r.set_resolution("经研究，该事项由你单位主办，请按时办理");
    r.set_uphold(true);
    return r;
  }
  v1::Assignment Current() {
    v1::GetAssignmentRequest r;
    r.set_name("items/a1/assignment");
    auto a = core_->GetAssignment(GovernmentOffice(), r);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : v1::Assignment();
  }
};

TEST_F(ObjectionTest, TheWindowRunsFiveWorkingDaysPastNationalDay) {
  // Assigned Monday 2025-09-29: 09-30 (1), 国庆中秋 10-01..10-08, 10-09 (2), 10-10 (3),
  // Saturday 10-11 is a make-up working day (4), Sunday 10-12, Monday 10-13 (5).
  SetToday(2025, 9, 29);
  Arrive("a1", "关于规范城关农贸市场周边占道经营的建议", "市场监管");
  Assign(LeadAndCo("items/a1", "units/market", {"units/chengguan"}));
  SetToday(2025, 10, 13);
  v1::Objection o = MustObject(Clerk("units/market"));
  EXPECT_EQ(o.window_end(), "2025-10-13");
  EXPECT_EQ(o.state(), v1::OBJECTION_STATE_PENDING);
  EXPECT_EQ(o.name(), "items/a1/assignment/objections/id-1");
  SetToday(2025, 10, 14);
  auto late = Object(Clerk("units/chengguan"));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("2025-10-13"));
}

TEST_F(ObjectionTest, InsideTheHolidayTheWindowIsStillOpen) {
  SetToday(2025, 9, 29);
  Arrive("a1");
  Assign(Sole("items/a1", "units/housing"));
  SetToday(2025, 10, 7);  // eight calendar days later, one working day counted
  EXPECT_TRUE(Object(Clerk("units/housing")).ok());
}

TEST_F(ObjectionTest, OnlyAUnitNamedInTheAssignmentObjectsAndOnlyForItself) {
  Arrive("a1");
  Assign(LeadAndCo("items/a1", "units/housing", {"units/chengguan"}));
  EXPECT_EQ(Object(Clerk("units/market")).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Object(Clerk("units/housing"), "units/chengguan").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Object(GovernmentOffice(), "units/housing").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Object(Proposer("persons/wang"), "units/housing").status().code(),
            absl::StatusCode::kPermissionDenied);
  // A unit learns nothing about assignments that may or may not exist.
  v1::ObjectToAssignmentRequest unknown;
  unknown.set_name("items/nothing/assignment");
  unknown.set_reason("不属于本单位职能");
  EXPECT_EQ(core_->ObjectToAssignment(Clerk("units/housing"), unknown).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The unit defaults to the caller's own; a head objects as well as a clerk.
  auto o = Object(Head("units/chengguan"));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->unit(), "units/chengguan");
}

TEST_F(ObjectionTest, AnObjectionNeedsAReasonAndAKnownSuggestedUnit) {
  Arrive("a1");
  Assign(Sole("items/a1", "units/housing"));
  v1::ObjectToAssignmentRequest r;
  r.set_name("items/a1/assignment");
  EXPECT_EQ(
      FieldViolationsOf(core_->ObjectToAssignment(Clerk("units/housing"), r).status())[0].first,
      "reason");
  r.set_reason("应由城关镇办理");
  r.set_suggested_unit("units/no-such");
  EXPECT_EQ(
      FieldViolationsOf(core_->ObjectToAssignment(Clerk("units/housing"), r).status())[0].first,
      "suggested_unit");
  r.set_suggested_unit("units/chengguan");
  auto o = core_->ObjectToAssignment(Clerk("units/housing"), r);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->suggested_unit(), "units/chengguan");
}

TEST_F(ObjectionTest, OnePendingObjectionPerUnitAndUpholdingEndsIt) {
  Arrive("a1");
  Assign(Sole("items/a1", "units/housing"));
  v1::Objection o = MustObject(Clerk("units/housing"));
  EXPECT_EQ(Current().state(), v1::ASSIGNMENT_STATE_OBJECTED);
  EXPECT_EQ(Object(Clerk("units/housing")).status().code(), absl::StatusCode::kFailedPrecondition);
  auto stale = Uphold(o.name());
  stale.set_etag("1");
  EXPECT_EQ(core_->ResolveObjection(GovernmentOffice(), stale).status().code(),
            absl::StatusCode::kAborted);
  auto no_reason = Uphold(o.name());
  no_reason.clear_resolution();
  EXPECT_EQ(
      FieldViolationsOf(core_->ResolveObjection(GovernmentOffice(), no_reason).status())[0].first,
      "resolution");
  EXPECT_EQ(core_->ResolveObjection(Head("units/housing"), Uphold(o.name())).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto upheld_request = Uphold(o.name());
  upheld_request.set_etag(Current().etag());
  auto upheld = core_->ResolveObjection(GovernmentOffice(), upheld_request);
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  EXPECT_EQ(upheld->state(), v1::ASSIGNMENT_STATE_ASSIGNED);
  EXPECT_EQ(upheld->version(), 1);
  ASSERT_EQ(upheld->objections_size(), 1);
  EXPECT_EQ(upheld->objections(0).state(), v1::OBJECTION_STATE_UPHELD);
  EXPECT_EQ(upheld->objections(0).resolution(), "经研究，该事项由你单位主办，请按时办理");
  auto events = EventsOf<v1::ObjectionUpheld>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].objection().state(), v1::OBJECTION_STATE_UPHELD);
  EXPECT_EQ(Events().back().reason(), "经研究，该事项由你单位主办，请按时办理");
  EXPECT_EQ(core_->ResolveObjection(GovernmentOffice(), Uphold(o.name())).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ResolveObjectionRequest missing = Uphold("items/a1/assignment/objections/nope");
  EXPECT_EQ(core_->ResolveObjection(GovernmentOffice(), missing).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ObjectionTest, ReassignmentKeepsTheHistoryAndTellsTheOldUnits) {
  Arrive("a1", "关于规范城关农贸市场周边占道经营的建议", "市场监管");
  Assign(LeadAndCo("items/a1", "units/housing", {"units/chengguan"}));
  auto raised = Object(Clerk("units/housing"));
  ASSERT_TRUE(raised.ok()) << raised.status();
  SetToday(2025, 3, 12);
  v1::ResolveObjectionRequest r;
  r.set_name(raised->name());
  r.set_resolution("改由县市场监管局主办，城关镇协办");
  *r.mutable_reassign() = LeadAndCo("items/a1", "units/market", {"units/chengguan"});
  r.mutable_reassign()->mutable_deadline()->set_fixed_date("2025-06-30");
  auto a = core_->ResolveObjection(GovernmentOffice(), r);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->version(), 2);
  EXPECT_EQ(a->state(), v1::ASSIGNMENT_STATE_ASSIGNED);
  EXPECT_EQ(a->assign_date(), "2025-03-12");
  EXPECT_EQ(a->units(0).unit(), "units/market");
  EXPECT_EQ(a->current_deadline().date(), "2025-06-30");
  EXPECT_TRUE(a->objections().empty());  // a new version starts with none
  ASSERT_EQ(a->history_size(), 1);
  const v1::Assignment& old = a->history(0);
  EXPECT_EQ(old.version(), 1);
  EXPECT_EQ(old.units(0).unit(), "units/housing");
  EXPECT_EQ(old.assign_date(), "2025-03-10");
  ASSERT_EQ(old.objections_size(), 1);
  EXPECT_EQ(old.objections(0).state(), v1::OBJECTION_STATE_REASSIGNED);
  EXPECT_EQ(old.objections(0).resolution(), "改由县市场监管局主办，城关镇协办");

  auto events = EventsOf<v1::ItemReassigned>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0].removed_units(), ElementsAre("units/housing"));
  EXPECT_THAT(events[0].added_units(), ElementsAre("units/market"));
  EXPECT_EQ(events[0].assignment().version(), 2);
  EXPECT_EQ(events[0].assignment().history_size(), 1);
  EXPECT_EQ(Events().back().reason(), "改由县市场监管局主办，城关镇协办");

  // The old unit no longer sees it; the new one does, and may object in its own window.
  v1::GetAssignmentRequest get;
  get.set_name("items/a1/assignment");
  EXPECT_EQ(core_->GetAssignment(Clerk("units/housing"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(core_->GetAssignment(Clerk("units/market"), get).ok());
  auto again = Object(Clerk("units/market"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->window_end(), "2025-03-19");  // five working days from 03-12
}

TEST_F(ObjectionTest, AReassignmentPlanIsCheckedLikeAnyOther) {
  Arrive("a1");
  Assign(Sole("items/a1", "units/housing"));
  v1::Objection o = MustObject(Clerk("units/housing"));
  v1::ResolveObjectionRequest r;
  r.set_name(o.name());
  r.set_resolution("改办");
  *r.mutable_reassign() = Sole("items/a2", "units/chengguan");
  EXPECT_EQ(FieldViolationsOf(core_->ResolveObjection(GovernmentOffice(), r).status())[0].first,
            "reassign.item");
  *r.mutable_reassign() = LeadAndCo("items/a1", "units/water", {"units/grain"});
  EXPECT_EQ(FieldViolationsOf(core_->ResolveObjection(GovernmentOffice(), r).status())[0].first,
            "reassign.units[1].unit");
  r.clear_reassign();
  EXPECT_EQ(FieldViolationsOf(core_->ResolveObjection(GovernmentOffice(), r).status())[0].first,
            "outcome");
  // Nothing changed.
  EXPECT_EQ(Current().version(), 1);
  EXPECT_EQ(Current().objections(0).state(), v1::OBJECTION_STATE_PENDING);
  EXPECT_TRUE(EventsOf<v1::ItemReassigned>().empty());
}

TEST_F(ObjectionTest, ARetriedObjectionReturnsTheFirst) {
  Arrive("a1");
  Assign(Sole("items/a1", "units/housing"));
  auto first = Object(Clerk("units/housing"), "", "oa-2025-0311-7");
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Object(Clerk("units/housing"), "", "oa-2025-0311-7");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  EXPECT_EQ(EventsOf<v1::ObjectionRaised>().size(), 1u);
}

}  // namespace
}  // namespace huiyin::assignment

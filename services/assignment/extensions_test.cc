// 延期: a unit asks before its deadline, the office grants or refuses; a year may allow none.
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/assignment/core.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AssignmentFixture;
using testing::Clerk;
using testing::GovernmentOffice;
using ::testing::HasSubstr;
using testing::LeadAndCo;
using testing::Sole;
using ::testing::StartsWith;

class ExtensionTest : public AssignmentFixture {
 protected:
  // Assigned 2025-03-10 with the default deadline, 2025-06-10.
  void AssignTheItem() {
    Arrive("a1", "关于加快推进老旧小区加装电梯的建议", "城乡建设");
    Assign(LeadAndCo("items/a1", "units/housing", {"units/chengguan"}));
  }
  absl::StatusOr<v1::Extension> Ask(const Caller& caller, const std::string& date,
                                    const std::string& request_id = "") {
    v1::RequestExtensionRequest r;
    r.set_name("items/a1/assignment");
    r.set_requested_date(date);
    r.set_reason("涉及12个小区居民意见征集，需延长办理时间");
    r.set_request_id(request_id);
    return core_->RequestExtension(caller, r);
  }
  absl::StatusOr<v1::Assignment> Decide(const std::string& name, bool grant,
                                        const std::string& reason,
                                        const std::string& granted_date = "") {
    v1::DecideExtensionRequest r;
    r.set_name(name);
    r.set_grant(grant);
    r.set_reason(reason);
    r.set_granted_date(granted_date);
    return core_->DecideExtension(GovernmentOffice(), r);
  }
};

TEST_F(ExtensionTest, AGrantedExtensionKeepsTheOriginalDeadlineAndSaysHowTheNewOneCame) {
  AssignTheItem();
  SetToday(2025, 6, 3);
  auto e = Ask(Clerk("units/housing"), "2025-07-10");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state(), v1::EXTENSION_STATE_PENDING);
  EXPECT_EQ(e->unit(), "units/housing");
  ASSERT_EQ(EventsOf<v1::ExtensionRequested>().size(), 1u);
  auto a = Decide(e->name(), true, "同意延期");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->original_deadline().date(), "2025-06-10");
  const v1::Deadline& d = a->current_deadline();
  EXPECT_EQ(d.date(), "2025-07-10");
  EXPECT_EQ(d.counted_from(), "2025-06-10");
  EXPECT_EQ(d.extension(), e->name());
  EXPECT_EQ(d.working_days(), 22);
  EXPECT_THAT(d.explanation(), StartsWith("经批准延期：原办结时限2025-06-10，延至2025-07-10。"));
  ASSERT_EQ(a->extensions_size(), 1);
  EXPECT_EQ(a->extensions(0).state(), v1::EXTENSION_STATE_GRANTED);
  EXPECT_EQ(a->extensions(0).decision_reason(), "同意延期");
  auto decided = EventsOf<v1::ExtensionDecided>();
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0].assignment().current_deadline().date(), "2025-07-10");
  EXPECT_EQ(Decide(e->name(), true, "").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ExtensionTest, TheOfficeMayGrantAnotherDate) {
  AssignTheItem();
  auto e = Ask(Clerk("units/housing"), "2025-08-29");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(FieldViolationsOf(Decide(e->name(), true, "", "2025-06-10").status())[0].first,
            "granted_date");  // not later than the current deadline
  EXPECT_EQ(FieldViolationsOf(Decide(e->name(), true, "", "2025-09-11").status())[0].first,
            "granted_date");  // past six months from the assignment
  auto a = Decide(e->name(), true, "同意延期至6月30日", "2025-06-30");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->current_deadline().date(), "2025-06-30");
}

TEST_F(ExtensionTest, RefusedInAYearThatAllowsNone) {
  options_.extensions_forbidden_years = {2025};  // seed 000: 今年对办理工作不再延期
  MakeCore();
  AssignTheItem();
  auto e = Ask(Clerk("units/housing"), "2025-07-10");
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(e.status().message(), HasSubstr("2025"));
  EXPECT_TRUE(EventsOf<v1::ExtensionRequested>().empty());
}

TEST_F(ExtensionTest, TheOfficeRefusesWithAReason) {
  AssignTheItem();
  auto e = Ask(Clerk("units/chengguan"), "2025-07-10");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(FieldViolationsOf(Decide(e->name(), false, "").status())[0].first, "reason");
  auto a = Decide(e->name(), false, "该事项群众反映强烈，请按原时限办结");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->extensions(0).state(), v1::EXTENSION_STATE_REFUSED);
  EXPECT_EQ(a->current_deadline().date(), "2025-06-10");
}

TEST_F(ExtensionTest, AskedBeforeTheDeadlineForALaterDateWithinTheLimit) {
  AssignTheItem();
  EXPECT_EQ(FieldViolationsOf(Ask(Clerk("units/housing"), "2025-06-10").status())[0].first,
            "requested_date");
  EXPECT_EQ(FieldViolationsOf(Ask(Clerk("units/housing"), "2025-09-11").status())[0].first,
            "requested_date");
  EXPECT_EQ(FieldViolationsOf(Ask(Clerk("units/housing"), "7月10日").status())[0].first,
            "requested_date");
  SetToday(2025, 6, 10);  // the deadline day itself is still in time
  auto e = Ask(Clerk("units/housing"), "2025-09-10");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(Ask(Clerk("units/housing"), "2025-07-10").status().code(),
            absl::StatusCode::kFailedPrecondition);  // one pending request per unit
  SetToday(2025, 6, 11);
  auto late = Ask(Clerk("units/chengguan"), "2025-07-10");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("has passed"));
}

TEST_F(ExtensionTest, OnlyTheUnitsAskAndOnlyTheOfficeDecides) {
  AssignTheItem();
  EXPECT_EQ(Ask(Clerk("units/market"), "2025-07-10").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Ask(GovernmentOffice(), "2025-07-10").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto e = Ask(Clerk("units/housing"), "2025-07-10", "oa-ext-1");
  ASSERT_TRUE(e.ok()) << e.status();
  auto retry = Ask(Clerk("units/housing"), "2025-07-10", "oa-ext-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), e->name());
  v1::DecideExtensionRequest r;
  r.set_name(e->name());
  r.set_grant(true);
  EXPECT_EQ(core_->DecideExtension(Clerk("units/housing"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_name("items/a1/assignment/extensions/nope");
  EXPECT_EQ(core_->DecideExtension(GovernmentOffice(), r).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ExtensionTest, AReassignmentRefusesPendingRequests) {
  AssignTheItem();
  auto e = Ask(Clerk("units/housing"), "2025-07-10");
  ASSERT_TRUE(e.ok());
  v1::ObjectToAssignmentRequest object;
  object.set_name("items/a1/assignment");
  object.set_reason("加装电梯属于城关镇社区事务");
  auto o = core_->ObjectToAssignment(Clerk("units/housing"), object);
  ASSERT_TRUE(o.ok()) << o.status();
  v1::ResolveObjectionRequest r;
  r.set_name(o->name());
  r.set_resolution("改由城关镇单独办理");
  *r.mutable_reassign() = Sole("items/a1", "units/chengguan");
  auto a = core_->ResolveObjection(GovernmentOffice(), r);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->extensions().empty());
  ASSERT_EQ(a->history(0).extensions_size(), 1);
  EXPECT_EQ(a->history(0).extensions(0).state(), v1::EXTENSION_STATE_REFUSED);
  EXPECT_EQ(Decide(e->name(), true, "").status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace huiyin::assignment

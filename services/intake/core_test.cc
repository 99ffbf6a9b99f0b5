#include "services/intake/core.h"

#include <set>
#include <thread>

#include "common/events/testing/fake_feed.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "services/intake/testing.h"

namespace huiyin::intake {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Key;
using testing::CongressOffice;
using testing::CppccOffice;
using testing::IntakeFixture;
using testing::Proposal;
using testing::Proposer;
using testing::Suggestion;

class IntakeCoreTest : public IntakeFixture {
 protected:
  std::vector<events::v1::Event> Events() { return ::huiyin::testing::AllEvents(*db_); }
  v1::Item Property() { return Submit(Suggestion(testing::kPropertyTitle, testing::kPropertyBody)); }
};

MATCHER_P(HasViolationOn, field, "") {
  for (const auto& [f, d] : FieldViolationsOf(arg)) {
    if (f == field) return true;
  }
  return false;
}

TEST_F(IntakeCoreTest, SubmitStoresTheItemAndWritesAnEvent) {
  v1::Item item = Property();
  EXPECT_EQ(item.name(), "items/item-1");
  EXPECT_EQ(item.state(), v1::ITEM_STATE_SUBMITTED);
  EXPECT_EQ(item.etag(), "1");
  EXPECT_EQ(item.number(), 0);
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  v1::ItemSubmitted submitted;
  ASSERT_TRUE(events[0].payload().UnpackTo(&submitted));
  EXPECT_EQ(submitted.item().title(), testing::kPropertyTitle);
  EXPECT_EQ(events[0].actor().role(), common::v1::ROLE_CONGRESS_OFFICE);
  EXPECT_EQ(events[0].subject(), "items/item-1");
}

TEST_F(IntakeCoreTest, RetryWithTheSameRequestIdReturnsTheFirstItem) {
  auto request = Suggestion(testing::kPropertyTitle, testing::kPropertyBody);
  request.set_request_id("cppcc-online-20250120-0001");
  v1::Item first = Submit(request);
  request.mutable_item()->set_title("改了标题的重试");
  v1::Item retry = Submit(request);
  EXPECT_EQ(retry.name(), first.name());
  EXPECT_EQ(retry.title(), testing::kPropertyTitle);
  EXPECT_EQ(Events().size(), 1u);
  // Another caller's request id is its own.
  v1::Item other = Submit(request, MakeCaller("systems/congress", common::v1::ROLE_SYSTEM));
  EXPECT_NE(other.name(), first.name());
}

TEST_F(IntakeCoreTest, RefusesAnInvalidSubmissionNamingEveryField) {
  v1::SubmitItemRequest request = Suggestion("", "太短");
  request.mutable_item()->set_kind(v1::ITEM_KIND_UNSPECIFIED);
  request.mutable_item()->set_year(1999);
  request.mutable_item()->mutable_lead_proposer()->set_name("");
  request.mutable_item()->mutable_lead_proposer()->set_phone("call me");
  request.mutable_item()->mutable_co_proposers(0)->set_person("persons/wang");  // the lead again
  request.mutable_item()->set_channel(v1::CHANNEL_UNSPECIFIED);
  request.set_request_id("has spaces");
  auto result = core_->SubmitItem(CongressOffice(), request);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"item.kind", "item.year", "item.title", "item.body",
                            "item.lead_proposer.name", "item.lead_proposer.phone",
                            "item.co_proposers[0].person", "item.channel", "request_id"}) {
    EXPECT_THAT(result.status(), HasViolationOn(std::string(field))) << field;
  }
  EXPECT_TRUE(Events().empty());
}

TEST_F(IntakeCoreTest, FromMotionOnlyForSuggestions) {
  auto request = Proposal("关于扶持小微企业发展的提案", "小微企业融资难融资贵问题突出，建议设立担保基金。");
  request.mutable_item()->set_from_motion(true);
  EXPECT_THAT(core_->SubmitItem(CppccOffice(), request).status(), HasViolationOn(std::string("item.from_motion")));
}

TEST_F(IntakeCoreTest, WhoMaySubmit) {
  auto suggestion = Suggestion(testing::kPropertyTitle, testing::kPropertyBody, "persons/wang");
  EXPECT_TRUE(core_->SubmitItem(Proposer("persons/wang"), suggestion).ok());
  EXPECT_EQ(core_->SubmitItem(Proposer("persons/someone-else"), suggestion).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->SubmitItem(CppccOffice(), suggestion).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->SubmitItem(testing::UnitClerk(), suggestion).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->SubmitItem(testing::Public(), suggestion).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IntakeCoreTest, AcceptGivesTheNextUnifiedNumberAndLabel) {
  v1::Item a = Property();
  v1::Item b = Submit(Suggestion(testing::kUnrelated[0].title, testing::kUnrelated[0].body));
  v1::Item p = Submit(Proposal("关于扶持小微企业发展的提案", "小微企业融资难融资贵问题突出，建议设立担保基金。"),
                      CppccOffice());
  EXPECT_EQ(Accept(b.name()).number_label(), "建议第1号");
  v1::Item accepted = Accept(a.name());
  EXPECT_EQ(accepted.number(), 2);
  EXPECT_EQ(accepted.number_label(), "建议第2号");
  EXPECT_EQ(accepted.state(), v1::ITEM_STATE_ACCEPTED);
  EXPECT_EQ(accepted.etag(), "2");
  // Proposals are numbered on their own, by the CPPCC office.
  EXPECT_EQ(Accept(p.name(), CppccOffice()).number_label(), "提案第1号");
}

TEST_F(IntakeCoreTest, EachOfficeScreensOnlyItsOwnKind) {
  v1::Item a = Property();
  v1::AcceptItemRequest r;
  r.set_name(a.name());
  EXPECT_EQ(core_->AcceptItem(CppccOffice(), r).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(core_->AcceptItem(Proposer("persons/wang"), r).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IntakeCoreTest, AcceptingTwiceIsAWrongStateButARetriedRequestIsNot) {
  v1::Item a = Property();
  v1::AcceptItemRequest r;
  r.set_name(a.name());
  r.set_request_id("accept-1");
  ASSERT_TRUE(core_->AcceptItem(CongressOffice(), r).ok());
  auto retried = core_->AcceptItem(CongressOffice(), r);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->number(), 1);
  r.clear_request_id();
  auto again = core_->AcceptItem(CongressOffice(), r);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(again.status()), "WRONG_STATE");
}

TEST_F(IntakeCoreTest, StaleEtagIsAborted) {
  v1::Item a = Property();
  v1::RejectItemRequest r;
  r.set_name(a.name());
  r.set_reason("属于工作意见，转有关部门参考");
  r.set_etag("7");
  EXPECT_EQ(core_->RejectItem(CongressOffice(), r).status().code(), absl::StatusCode::kAborted);
  r.set_etag(a.etag());
  EXPECT_TRUE(core_->RejectItem(CongressOffice(), r).ok());
}

TEST_F(IntakeCoreTest, RejectNeedsAReasonAndRecordsIt) {
  v1::Item a = Property();
  v1::RejectItemRequest r;
  r.set_name(a.name());
  EXPECT_THAT(core_->RejectItem(CongressOffice(), r).status(), HasViolationOn(std::string("reason")));
  r.set_reason("内容涉及个人诉求，转信访部门处理");
  auto rejected = core_->RejectItem(CongressOffice(), r);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->state(), v1::ITEM_STATE_NOT_ACCEPTED);
  EXPECT_EQ(rejected->state_reason(), "内容涉及个人诉求，转信访部门处理");
  EXPECT_EQ(Events().back().reason(), "内容涉及个人诉求，转信访部门处理");
  // Rejected is final for screening.
  v1::AcceptItemRequest accept;
  accept.set_name(a.name());
  EXPECT_EQ(core_->AcceptItem(CongressOffice(), accept).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IntakeCoreTest, UnknownAndMalformedNames) {
  v1::AcceptItemRequest r;
  r.set_name("items/no-such-item");
  EXPECT_EQ(core_->AcceptItem(CongressOffice(), r).status().code(), absl::StatusCode::kNotFound);
  r.set_name("units/42");
  EXPECT_THAT(core_->AcceptItem(CongressOffice(), r).status(), HasViolationOn(std::string("name")));
  v1::GetItemRequest get;
  get.set_name("items/no-such-item");
  EXPECT_EQ(core_->GetItem(CongressOffice(), get).status().code(), absl::StatusCode::kNotFound);
  // A proposer learns nothing about items that may or may not exist.
  EXPECT_EQ(core_->GetItem(Proposer("persons/wang"), get).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IntakeCoreTest, MergeMovesProposersToTheTargetOnce) {
  v1::Item target = Property();
  auto second = Suggestion(testing::kPropertyRewordedTitle, testing::kPropertyReworded, "persons/chen");
  *second.mutable_item()->mutable_lead_proposer() = testing::Person("persons/chen", "陈志强", "城南镇代表团");
  *second.mutable_item()->mutable_co_proposers(0) = testing::Person("persons/li", "李秀英", "城关镇代表团");
  *second.mutable_item()->add_co_proposers() = testing::Person("persons/zhou", "周丽", "城南镇代表团");
  v1::Item merged = Submit(second);
  v1::MergeItemRequest r;
  r.set_name(merged.name());
  r.set_target(target.name());
  r.set_reason("同一事项，并案办理");
  auto result = core_->MergeItem(CongressOffice(), r);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->merged().state(), v1::ITEM_STATE_MERGED);
  EXPECT_EQ(result->merged().merged_into(), target.name());
  EXPECT_THAT(result->target().merged_items(), ElementsAre(merged.name()));
  std::vector<std::string> co;
  for (const auto& p : result->target().co_proposers()) co.push_back(p.person());
  // 李秀英 co-signed both: she appears once.
  EXPECT_THAT(co, ElementsAre("persons/li", "persons/chen", "persons/zhou"));
  EXPECT_EQ(result->target().co_proposers(1).joined_from_item(), merged.name());
  // The proposers of the merged item now find the target among their items.
  v1::ListItemsRequest mine;
  mine.set_proposer("persons/zhou");
  auto list = core_->ListItems(Proposer("persons/zhou"), mine);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->items_size(), 2);
}

TEST_F(IntakeCoreTest, MergeRefusals) {
  v1::Item a = Property();
  v1::Item other_session = Submit(Suggestion(testing::kUnrelated[0].title, testing::kUnrelated[0].body,
                                             "persons/wang", 2024, "县第十八届人民代表大会第三次会议"));
  v1::MergeItemRequest r;
  r.set_name(a.name());
  r.set_target(a.name());
  EXPECT_THAT(core_->MergeItem(CongressOffice(), r).status(), HasViolationOn(std::string("target")));
  r.set_target(other_session.name());
  EXPECT_THAT(core_->MergeItem(CongressOffice(), r).status(), HasViolationOn(std::string("target")));
  r.set_target("items/missing");
  EXPECT_EQ(core_->MergeItem(CongressOffice(), r).status().code(), absl::StatusCode::kNotFound);
  v1::Item b = Submit(Suggestion(testing::kUnrelated[1].title, testing::kUnrelated[1].body));
  v1::RejectItemRequest reject;
  reject.set_name(b.name());
  reject.set_reason("不属于本级政府职权范围");
  ASSERT_TRUE(core_->RejectItem(CongressOffice(), reject).ok());
  r.set_target(b.name());
  EXPECT_EQ(core_->MergeItem(CongressOffice(), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IntakeCoreTest, OnlyTheLeadProposerWithdrawsAndOnlyBeforeAcceptance) {
  v1::Item a = Submit(Suggestion(testing::kPropertyTitle, testing::kPropertyBody, "persons/wang"),
                      Proposer("persons/wang"));
  v1::WithdrawItemRequest r;
  r.set_name(a.name());
  EXPECT_EQ(core_->WithdrawItem(Proposer("persons/li"), r).status().code(),
            absl::StatusCode::kPermissionDenied);  // a co-signer is not the lead
  EXPECT_EQ(core_->WithdrawItem(CongressOffice(), r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_reason("已通过其他渠道解决");
  auto withdrawn = core_->WithdrawItem(Proposer("persons/wang"), r);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state(), v1::ITEM_STATE_WITHDRAWN);

  v1::Item b = Submit(Suggestion(testing::kUnrelated[2].title, testing::kUnrelated[2].body, "persons/wang"));
  Accept(b.name());
  r.set_name(b.name());
  EXPECT_EQ(core_->WithdrawItem(Proposer("persons/wang"), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(IntakeCoreTest, EveryTransitionWritesItsEvent) {
  v1::Item a = Property();
  v1::Item b = Submit(Suggestion(testing::kPropertyRewordedTitle, testing::kPropertyReworded));
  v1::Item c = Submit(Suggestion(testing::kUnrelated[0].title, testing::kUnrelated[0].body));
  v1::Item d = Submit(Suggestion(testing::kUnrelated[1].title, testing::kUnrelated[1].body, "persons/wang"),
                      Proposer("persons/wang"));
  Accept(a.name());
  v1::MergeItemRequest merge;
  merge.set_name(b.name());
  merge.set_target(a.name());
  ASSERT_TRUE(core_->MergeItem(CongressOffice(), merge).ok());
  v1::RejectItemRequest reject;
  reject.set_name(c.name());
  reject.set_reason("转为来信处理");
  ASSERT_TRUE(core_->RejectItem(CongressOffice(), reject).ok());
  v1::WithdrawItemRequest withdraw;
  withdraw.set_name(d.name());
  ASSERT_TRUE(core_->WithdrawItem(Proposer("persons/wang"), withdraw).ok());
  std::vector<std::string> types;
  for (const auto& e : Events()) types.push_back(e.payload().type_url());
  EXPECT_THAT(types, ElementsAre("type.googleapis.com/huiyin.intake.v1.ItemSubmitted",
                                 "type.googleapis.com/huiyin.intake.v1.ItemSubmitted",
                                 "type.googleapis.com/huiyin.intake.v1.ItemSubmitted",
                                 "type.googleapis.com/huiyin.intake.v1.ItemSubmitted",
                                 "type.googleapis.com/huiyin.intake.v1.ItemAccepted",
                                 "type.googleapis.com/huiyin.intake.v1.ItemMerged",
                                 "type.googleapis.com/huiyin.intake.v1.ItemRejected",
                                 "type.googleapis.com/huiyin.intake.v1.ItemWithdrawn"));
}

TEST_F(IntakeCoreTest, UnifiedNumbersUnderConcurrentAcceptsAreExactlyOneToN) {
  constexpr int kItems = 200, kThreads = 8;
  std::vector<std::string> names;
  for (int i = 0; i < kItems; ++i) {
    names.push_back(Submit(Suggestion(testing::kUnrelated[i % 5].title, testing::kUnrelated[i % 5].body)).name());
  }
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<int> numbers;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread tries every item; exactly one accept per item wins.
      for (int i = 0; i < kItems; ++i) {
        v1::AcceptItemRequest r;
        r.set_name(names[(i + t * 25) % kItems]);
        auto item = core_->AcceptItem(CongressOffice(), r);
        if (item.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          numbers.push_back(item->number());
        } else {
          EXPECT_EQ(item.status().code(), absl::StatusCode::kFailedPrecondition);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(numbers.begin(), numbers.end());
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i) EXPECT_EQ(numbers[i], i + 1);
}

TEST_F(IntakeCoreTest, ListFiltersAndPagesInSubmissionOrder) {
  for (int i = 0; i < 7; ++i) {
    Submit(Suggestion(testing::kUnrelated[i % 5].title, testing::kUnrelated[i % 5].body));
  }
  Submit(Proposal("关于扶持小微企业发展的提案", "小微企业融资难融资贵问题突出，建议设立担保基金。"), CppccOffice());
  v1::ListItemsRequest r;
  r.set_kind(v1::ITEM_KIND_SUGGESTION);
  r.set_page_size(3);
  std::vector<std::string> seen;
  for (;;) {
    auto page = core_->ListItems(CongressOffice(), r);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size(), 7);
    for (const auto& item : page->items()) seen.push_back(item.name());
    if (page->next_page_token().empty()) break;
    r.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("items/item-1", "items/item-2", "items/item-3", "items/item-4",
                                "items/item-5", "items/item-6", "items/item-7"));
  // A token from one query does not fit another.
  r.set_kind(v1::ITEM_KIND_PROPOSAL);
  EXPECT_THAT(core_->ListItems(CongressOffice(), r).status(), HasViolationOn(std::string("page_token")));
}

TEST_F(IntakeCoreTest, UnitsSeeOnlyAcceptedItemsAndNoPhoneNumbers) {
  v1::Item a = Property();
  v1::Item b = Submit(Suggestion(testing::kUnrelated[0].title, testing::kUnrelated[0].body));
  Accept(a.name());
  auto list = core_->ListItems(testing::UnitClerk(), v1::ListItemsRequest());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items_size(), 1);
  EXPECT_EQ(list->items(0).name(), a.name());
  EXPECT_EQ(list->items(0).lead_proposer().phone(), "");
  v1::GetItemRequest get;
  get.set_name(b.name());
  EXPECT_EQ(core_->GetItem(testing::UnitClerk(), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The office sees the phone number.
  get.set_name(a.name());
  EXPECT_EQ(core_->GetItem(CongressOffice(), get)->lead_proposer().phone(), "13812345678");
  EXPECT_EQ(core_->ListItems(testing::Public(), v1::ListItemsRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IntakeCoreTest, SearchFindsTwoCharacterWordsAndTraditionalQueries) {
  v1::Item property = Property();
  for (const auto& topic : testing::kUnrelated) Submit(Suggestion(topic.title, topic.body));
  ASSERT_TRUE(core_->IndexPending().ok());
  auto search = [&](const std::string& q) {
    v1::SearchItemsRequest r;
    r.set_query(q);
    auto result = core_->SearchItems(CongressOffice(), r);
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::string> titles;
    for (const auto& item : result->items()) titles.push_back(item.title());
    return titles;
  };
  EXPECT_THAT(search("物业"), ElementsAre(testing::kPropertyTitle));
  EXPECT_THAT(search("物業管理"), ElementsAre(testing::kPropertyTitle));  // traditional query
  EXPECT_THAT(search("农贸市场"), ElementsAre("关于改造提升城区农贸市场的建议"));
  EXPECT_THAT(search("教师 编制"), ElementsAre("关于缓解义务教育阶段教师结构性短缺的建议"));
  EXPECT_EQ(search("停车").size(), 1u);
  EXPECT_TRUE(search("地铁").empty());
  v1::SearchItemsRequest empty;
  empty.set_query("，。！");
  EXPECT_THAT(core_->SearchItems(CongressOffice(), empty).status(), HasViolationOn(std::string("query")));
}

}  // namespace
}  // namespace huiyin::intake

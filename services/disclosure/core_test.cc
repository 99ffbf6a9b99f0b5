// Disclosure's core over crafted feed events: publication (at once, or after review) redacted and
// without contact details, the publish deadline across the 2025 National Day holiday, withholding
// (counted), correction and retraction history, ratings and second answers, public search, the
// pages, and the webhook delivery written with a proposal's publication.
#include "services/disclosure/core.h"

#include <string>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/disclosure/testing.h"

namespace huiyin::disclosure {
namespace {

using testing::At;
using ::testing::Contains;
using testing::DisclosureTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;

using huiyin::testing::AllEvents;
using huiyin::testing::PayloadsOf;

std::vector<std::string> FieldsOf(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, _] : FieldViolationsOf(s)) out.push_back(field);
  return out;
}

class DisclosureCoreTest : public DisclosureTest {
 protected:
  v1::Disclosure Public(const std::string& id) {
    v1::GetPublicDisclosureRequest r;
    r.set_name("disclosures/" + id);
    auto d = core_->GetPublicDisclosure(testing::Public(), r);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : v1::Disclosure{};
  }
  absl::Status PublicStatus(const std::string& id) {
    v1::GetPublicDisclosureRequest r;
    r.set_name("disclosures/" + id);
    return core_->GetPublicDisclosure(testing::Public(), r).status();
  }
  v1::Disclosure Office(const std::string& id) {
    v1::GetDisclosureRequest r;
    r.set_name("disclosures/" + id);
    auto d = core_->GetDisclosure(testing::GovernmentOffice(), r);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : v1::Disclosure{};
  }
  std::vector<std::string> Search(const std::string& q) {
    v1::ListPublicDisclosuresRequest r;
    r.set_query(q);
    auto page = core_->ListPublicDisclosures(testing::Public(), r);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& d : page->disclosures()) out.push_back(d.name());
    }
    return out;
  }
  // The government office retracts a public record (撤回), or corrects its body (更正).
  void Retract(const std::string& id) {
    v1::RetractDisclosureRequest r;
    r.set_name("disclosures/" + id);
    r.set_reason("经核实答复内容有误，重新办理");
    auto done = core_->RetractDisclosure(testing::GovernmentOffice(), r);
    ASSERT_TRUE(done.ok()) << done.status();
  }
  void Correct(const std::string& id, const std::string& body) {
    v1::CorrectDisclosureRequest r;
    r.set_name("disclosures/" + id);
    r.set_note("更正原文中的小区数量");
    r.set_body(body);
    auto done = core_->CorrectDisclosure(testing::GovernmentOffice(), r);
    ASSERT_TRUE(done.ok()) << done.status();
  }
  int64_t Deliveries() {
    int64_t n = 0;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& c) {
                     n = c.execAndGet("SELECT count(*) FROM deliveries").getInt64();
                     return absl::OkStatus();
                   })
                    .ok());
    return n;
  }
  void UseReview() {
    DisclosureOptions options;
    options.review_before_publish = true;
    Open(options);
  }
};

TEST_F(DisclosureCoreTest, AnsweredItemIsPublishedRedactedWithProposersPublicNamesOnly) {
  Answered("a1", At(2025, 6, 20, 16));
  const v1::Disclosure d = Public("a1");
  EXPECT_EQ(d.state(), v1::DISCLOSURE_STATE_PUBLISHED);
  EXPECT_EQ(d.version(), 1);
  EXPECT_EQ(d.number_label(), "建议第15号");
  EXPECT_EQ(d.session(), testing::kSession);
  EXPECT_EQ(d.title(), testing::kTitle);
  EXPECT_THAT(d.body(), HasSubstr("手机138********。"));
  ASSERT_THAT(d.proposers(), SizeIs(2));
  EXPECT_EQ(d.proposers(0).name(), "王建国");
  EXPECT_TRUE(d.proposers(0).lead());
  EXPECT_EQ(d.proposers(1).group(), "城关镇代表团");
  ASSERT_THAT(d.units(), SizeIs(1));
  EXPECT_EQ(d.units(0).head_name(), "赵国强");
  EXPECT_EQ(d.units(0).deadline(), "2025-06-20");
  ASSERT_THAT(d.answers(), SizeIs(1));
  EXPECT_EQ(d.answers(0).answer_class(), workflow::v1::ANSWER_CLASS_A);
  EXPECT_EQ(d.answers(0).answer_date(), "2025-06-20");
  EXPECT_THAT(d.answers(0).text(), HasSubstr("电话：0571-********"));
  // No contact detail anywhere in what the public gets, nor any office field.
  const std::string bytes = d.SerializeAsString();
  EXPECT_THAT(bytes, Not(HasSubstr("13807463375")));
  EXPECT_THAT(bytes, Not(HasSubstr("13905118702")));
  EXPECT_THAT(bytes, Not(HasSubstr("88005678")));
  EXPECT_THAT(d.redactions(), IsEmpty());

  const auto published = PayloadsOf<v1::RecordPublished>(AllEvents(*db_));
  ASSERT_THAT(published, SizeIs(1));
  EXPECT_EQ(published[0].item(), "items/a1");
  EXPECT_EQ(published[0].answer(), "tasks/a1-housing/answers/1");
  EXPECT_EQ(published[0].answer_issue_date(), "2025-06-20");
  EXPECT_TRUE(published[0].on_time());
}

TEST_F(DisclosureCoreTest, AnAnswerArrivingBeforeTheItemIsPublishedOnceTheItemArrives) {
  // The two feeds are independent: on a fresh start workflow's may be applied first.
  const auto item = testing::MakeItem("o1");
  auto task = testing::MakeTask(item);
  clock_.Set(At(2025, 6, 20, 16));
  testing::IssueAnswer(task, clock_.Now());
  ApplyWorkflow<workflow::v1::AnswerIssued>(task);
  EXPECT_TRUE(absl::IsNotFound(PublicStatus("o1")));
  EXPECT_EQ(Office("o1").state(), v1::DISCLOSURE_STATE_PENDING_REVIEW);

  intake::v1::ItemAccepted accepted;
  *accepted.mutable_item() = item;
  ApplyIntake(accepted, item.name());
  const v1::Disclosure d = Public("o1");
  EXPECT_THAT(d.body(), HasSubstr("雨污分流"));
  ASSERT_THAT(d.proposers(), SizeIs(2));
  EXPECT_THAT(PayloadsOf<v1::RecordPublished>(AllEvents(*db_)), SizeIs(1));
}

TEST_F(DisclosureCoreTest, ReviewModeWaitsForTheOfficeWhoSeesWhatWasMaskedAndMarksMore) {
  UseReview();
  Answered("r1", At(2025, 6, 20, 16));
  EXPECT_TRUE(absl::IsNotFound(PublicStatus("r1")));
  EXPECT_THAT(PayloadsOf<v1::RecordPrepared>(AllEvents(*db_)), SizeIs(1));

  v1::Disclosure office = Office("r1");
  EXPECT_EQ(office.state(), v1::DISCLOSURE_STATE_PENDING_REVIEW);
  std::vector<std::pair<v1::RedactionKind, std::string>> masked;
  for (const auto& r : office.redactions()) masked.emplace_back(r.kind(), r.original());
  EXPECT_THAT(masked, ElementsAre(Pair(v1::REDACTION_KIND_MOBILE_PHONE, "13807463375"),
                                  Pair(v1::REDACTION_KIND_LANDLINE, "0571-88005678")));

  v1::MarkRedactionsRequest mark;
  mark.set_name("disclosures/r1");
  auto* m = mark.add_markings();
  m->set_field("body");
  m->set_text("城关镇城区");
  m->set_note("地名可识别提出人住址");
  mark.set_etag(office.etag());
  auto marked = core_->MarkRedactions(testing::CongressOffice(), mark);
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_THAT(marked->redactions(), SizeIs(3));
  // A stale etag is refused; the CPPCC office does not review suggestions.
  EXPECT_TRUE(absl::IsAborted(core_->MarkRedactions(testing::CongressOffice(), mark).status()));
  v1::PublishDisclosureRequest publish;
  publish.set_name("disclosures/r1");
  EXPECT_TRUE(
      absl::IsPermissionDenied(core_->PublishDisclosure(testing::CppccOffice(), publish).status()));
  auto published = core_->PublishDisclosure(testing::CongressOffice(), publish);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_THAT(Public("r1").body(), HasSubstr("[已隐去]现有老旧小区42个"));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      core_->PublishDisclosure(testing::CongressOffice(), publish).status()));
}

TEST_F(DisclosureCoreTest, PublishDeadlineCountsWorkingDaysAcrossTheNationalDayHoliday) {
  UseReview();
  // Issued Friday 2025-09-26. 20 working days: 28 Sep (make-up Sunday), 29, 30 Sep; 1–8 Oct off;
  // 9, 10, 11 (make-up Saturday), 13–17, 20–24, 27–30 Oct → due 2025-10-30.
  Answered("d1", At(2025, 9, 26, 16));
  v1::Disclosure d = Office("d1");
  EXPECT_EQ(d.answer_issue_date(), "2025-09-26");
  EXPECT_EQ(d.due_date(), "2025-10-30");
  EXPECT_FALSE(d.overdue());

  clock_.Set(At(2025, 10, 30, 23));
  EXPECT_FALSE(Office("d1").overdue());
  EXPECT_EQ(*core_->SweepOverdue(), 0);

  clock_.Set(At(2025, 10, 31, 9));
  EXPECT_TRUE(Office("d1").overdue());
  v1::ListDisclosuresRequest list;
  list.set_overdue_only(true);
  auto overdue = core_->ListDisclosures(testing::SupervisionOffice(), list);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(overdue->total_size(), 1);
  EXPECT_EQ(*core_->SweepOverdue(), 1);
  EXPECT_EQ(*core_->SweepOverdue(), 0);  // once per answer
  const auto late = PayloadsOf<v1::DisclosureOverdue>(AllEvents(*db_));
  ASSERT_THAT(late, SizeIs(1));
  EXPECT_EQ(late[0].due_date(), "2025-10-30");
  EXPECT_EQ(late[0].answer(), "tasks/d1-housing/answers/1");
  auto counts = core_->CountsNow();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->overdue, 1);

  v1::PublishDisclosureRequest publish;
  publish.set_name("disclosures/d1");
  ASSERT_TRUE(core_->PublishDisclosure(testing::GovernmentOffice(), publish).ok());
  const auto published = PayloadsOf<v1::RecordPublished>(AllEvents(*db_));
  ASSERT_THAT(published, SizeIs(1));
  EXPECT_FALSE(published[0].on_time());
  EXPECT_EQ(published[0].due_date(), "2025-10-30");
  EXPECT_FALSE(Office("d1").overdue());
}

TEST_F(DisclosureCoreTest, WithholdingNeedsAReasonTakesTheRecordOffThePublicSideAndIsCounted) {
  auto task = Answered("w1", At(2025, 6, 20, 16));
  ASSERT_THAT(Search("老旧小区"), ElementsAre("disclosures/w1"));

  v1::WithholdDisclosureRequest withhold;
  withhold.set_name("disclosures/w1");
  auto bad = core_->WithholdDisclosure(testing::GovernmentOffice(), withhold);
  EXPECT_THAT(FieldsOf(bad.status()), ElementsAre("reason", "reason_text"));
  withhold.set_reason(v1::WITHHOLD_REASON_PRIVACY);
  withhold.set_reason_text("答复涉及提出人家庭住址和病情");
  EXPECT_TRUE(absl::IsPermissionDenied(
      core_->WithholdDisclosure(testing::SupervisionOffice(), withhold).status()));
  auto withheld = core_->WithholdDisclosure(testing::GovernmentOffice(), withhold);
  ASSERT_TRUE(withheld.ok()) << withheld.status();
  EXPECT_EQ(withheld->state(), v1::DISCLOSURE_STATE_WITHHELD);

  EXPECT_TRUE(absl::IsNotFound(PublicStatus("w1")));
  EXPECT_THAT(Search("老旧小区"), IsEmpty());
  v1::ListDisclosuresRequest list;
  list.set_state(v1::DISCLOSURE_STATE_WITHHELD);
  auto listed = core_->ListDisclosures(testing::SupervisionOffice(), list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total_size(), 1);
  auto counts = core_->CountsNow();
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(counts->withheld_by_reason, Contains(Pair(v1::WITHHOLD_REASON_PRIVACY, 1)));
  const auto events = PayloadsOf<v1::RecordWithheld>(AllEvents(*db_));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].reason(), v1::WITHHOLD_REASON_PRIVACY);
  EXPECT_EQ(events[0].answer(), "tasks/w1-housing/answers/1");

  // A second answer does not undo the office's decision.
  clock_.Set(At(2025, 8, 1));
  testing::IssueAnswer(task, clock_.Now(), "二次办理答复：已完成改造方案。");
  ApplyWorkflow<workflow::v1::AnswerIssued>(task);
  EXPECT_TRUE(absl::IsNotFound(PublicStatus("w1")));
  EXPECT_TRUE(Office("w1").changes_pending());
  EXPECT_EQ(Office("w1").state(), v1::DISCLOSURE_STATE_WITHHELD);
}

TEST_F(DisclosureCoreTest, CorrectionAndRetractionKeepEveryVersion) {
  Answered("c1", At(2025, 6, 20, 16));
  clock_.Set(At(2025, 6, 25));
  v1::CorrectDisclosureRequest correct;
  correct.set_name("disclosures/c1");
  EXPECT_THAT(FieldsOf(core_->CorrectDisclosure(testing::GovernmentOffice(), correct).status()),
              ElementsAre("note"));
  correct.set_note("更正原文中的小区数量");
  correct.set_body("城关镇城区现有老旧小区45个，普遍存在管网老化等问题。");
  auto* m = correct.add_markings();
  m->set_text("城关镇");
  auto corrected = core_->CorrectDisclosure(testing::GovernmentOffice(), correct);
  ASSERT_TRUE(corrected.ok()) << corrected.status();

  const v1::Disclosure d = Public("c1");
  EXPECT_EQ(d.version(), 2);
  EXPECT_EQ(d.body(), "[已隐去]城区现有老旧小区45个，普遍存在管网老化等问题。");
  ASSERT_THAT(d.history(), SizeIs(2));
  EXPECT_EQ(d.history(1).kind(), "CORRECTED");
  EXPECT_EQ(d.history(1).note(), "更正原文中的小区数量");

  v1::RetractDisclosureRequest retract;
  retract.set_name("disclosures/c1");
  retract.set_reason("经核实答复内容有误，重新办理");
  ASSERT_TRUE(core_->RetractDisclosure(testing::GovernmentOffice(), retract).ok());
  EXPECT_TRUE(absl::IsNotFound(PublicStatus("c1")));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      core_->CorrectDisclosure(testing::GovernmentOffice(), correct).status()));

  v1::ListDisclosureVersionsRequest versions;
  versions.set_name("disclosures/c1");
  auto history = core_->ListDisclosureVersions(testing::SupervisionOffice(), versions);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_THAT(history->versions(), SizeIs(3));
  EXPECT_EQ(history->versions(0).kind(), "PUBLISHED");
  EXPECT_THAT(history->versions(0).content().body(), HasSubstr("现有老旧小区42个"));
  EXPECT_EQ(history->versions(1).kind(), "CORRECTED");
  EXPECT_EQ(history->versions(1).actor(), "persons/gov-1");
  EXPECT_THAT(history->versions(1).content().body(), HasSubstr("45个"));
  EXPECT_EQ(history->versions(2).kind(), "RETRACTED");
  EXPECT_EQ(history->versions(2).note(), "经核实答复内容有误，重新办理");
  EXPECT_THAT(PayloadsOf<v1::RecordCorrected>(AllEvents(*db_)), SizeIs(1));
  EXPECT_THAT(PayloadsOf<v1::RecordRetracted>(AllEvents(*db_)), SizeIs(1));

  // Reconsidered: published again as a new version, history intact.
  v1::PublishDisclosureRequest publish;
  publish.set_name("disclosures/c1");
  ASSERT_TRUE(core_->PublishDisclosure(testing::GovernmentOffice(), publish).ok());
  EXPECT_EQ(Public("c1").version(), 3);
  EXPECT_THAT(Public("c1").history(), SizeIs(4));
}

// The next publication's place in the list comes from the public records only: one published
// after the newest was retracted still comes first, and a correction moves a record to the top.
TEST_F(DisclosureCoreTest, PublicListShowsTheNewestPublicationFirstAfterARetraction) {
  Answered("n1", At(2025, 6, 20, 16));
  Answered("n2", At(2025, 6, 21, 16));
  Retract("n2");
  Answered("n3", At(2025, 6, 22, 16));
  auto names = [&] {
    auto page = core_->ListPublicDisclosures(testing::Public(), {});
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& d : page->disclosures()) out.push_back(d.name());
    }
    return out;
  };
  EXPECT_THAT(names(), ElementsAre("disclosures/n3", "disclosures/n1"));
  Correct("n1", "城关镇城区现有老旧小区45个。");
  EXPECT_THAT(names(), ElementsAre("disclosures/n1", "disclosures/n3"));
}

TEST_F(DisclosureCoreTest, RatingAndSecondAnswerUpdateThePublicRecord) {
  auto task = Answered("s1", At(2025, 6, 20, 16));
  task.mutable_answers(0)->mutable_evaluation()->set_rating(workflow::v1::RATING_UNSATISFIED);
  clock_.Set(At(2025, 6, 28));
  ApplyWorkflow<workflow::v1::AnswerEvaluated>(task);
  v1::Disclosure d = Public("s1");
  EXPECT_EQ(d.version(), 2);
  EXPECT_EQ(d.answers(0).rating(), workflow::v1::RATING_UNSATISFIED);
  EXPECT_THAT(PayloadsOf<v1::RecordUpdated>(AllEvents(*db_)), SizeIs(1));

  clock_.Set(At(2025, 8, 15, 15));
  testing::IssueAnswer(task, clock_.Now(), "二次办理答复：雨污分流工程已于8月开工，10月底完工。");
  ApplyWorkflow<workflow::v1::AnswerIssued>(task);
  d = Public("s1");
  EXPECT_EQ(d.version(), 3);
  ASSERT_THAT(d.answers(), SizeIs(2));
  EXPECT_TRUE(d.answers(0).superseded());
  EXPECT_EQ(d.answers(1).round(), 2);
  const auto published = PayloadsOf<v1::RecordPublished>(AllEvents(*db_));
  ASSERT_THAT(published, SizeIs(2));
  EXPECT_EQ(published[1].answer(), "tasks/s1-housing/answers/2");
  EXPECT_EQ(published[1].answer_issue_date(), "2025-08-15");
}

TEST_F(DisclosureCoreTest, PublicSearchFindsTwoAndFourCharacterWordsWithFilters) {
  Answered("p1", At(2025, 6, 20, 16));
  auto item = testing::MakeItem("p2", intake::v1::ITEM_KIND_PROPOSAL);
  item.set_title("关于加强住宅小区物业管理的提案");
  item.set_body("部分小区物业服务不到位，收费不透明。");
  intake::v1::ItemAccepted accepted;
  *accepted.mutable_item() = item;
  ApplyIntake(accepted, item.name());
  auto task = testing::MakeTask(item);
  testing::IssueAnswer(task, At(2025, 6, 21, 16), "已开展物业服务质量专项整治。",
                       workflow::v1::ANSWER_CLASS_B);
  ApplyWorkflow<workflow::v1::AnswerIssued>(task);

  EXPECT_THAT(Search("物业"), ElementsAre("disclosures/p2"));
  EXPECT_THAT(Search("物業管理"), ElementsAre("disclosures/p2"));  // traditional folded
  EXPECT_THAT(Search("老旧小区"), ElementsAre("disclosures/p1"));
  EXPECT_THAT(Search("小区"), SizeIs(2));
  v1::ListPublicDisclosuresRequest r;
  r.set_answer_class(workflow::v1::ANSWER_CLASS_B);
  auto b = core_->ListPublicDisclosures(testing::Public(), r);
  ASSERT_TRUE(b.ok());
  ASSERT_THAT(b->disclosures(), SizeIs(1));
  EXPECT_EQ(b->disclosures(0).name(), "disclosures/p2");
  r.Clear();
  r.set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  r.set_year(2025);
  r.set_unit("units/housing");
  auto s = core_->ListPublicDisclosures(testing::Public(), r);
  ASSERT_TRUE(s.ok());
  ASSERT_THAT(s->disclosures(), SizeIs(1));
  EXPECT_EQ(s->disclosures(0).name(), "disclosures/p1");
  // Newest publication first, one per page.
  r.Clear();
  r.set_page_size(1);
  auto first = core_->ListPublicDisclosures(testing::Public(), r);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->disclosures(0).name(), "disclosures/p2");
  r.set_page_token(first->next_page_token());
  auto second = core_->ListPublicDisclosures(testing::Public(), r);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->disclosures(0).name(), "disclosures/p1");
  EXPECT_TRUE(second->next_page_token().empty());
  r.Clear();
  r.set_query("\"*");
  EXPECT_THAT(FieldsOf(core_->ListPublicDisclosures(testing::Public(), r).status()),
              ElementsAre("query"));
}

// Search reads its matches newest publication first from the index, like the list. A record's
// index entry is keyed by its publication: after a retraction another record may take the
// retracted one's place in the order, and publishing the retracted one again must not remove it.
TEST_F(DisclosureCoreTest, PublicSearchFollowsPublicationOrderAcrossRetractionAndCorrection) {
  Answered("n1", At(2025, 6, 20, 16));
  Answered("n2", At(2025, 6, 21, 16));
  Retract("n2");
  EXPECT_THAT(Search("老旧小区"), ElementsAre("disclosures/n1"));
  Answered("n3", At(2025, 6, 22, 16));  // takes n2's place in the order
  v1::PublishDisclosureRequest publish;
  publish.set_name("disclosures/n2");
  ASSERT_TRUE(core_->PublishDisclosure(testing::GovernmentOffice(), publish).ok());
  EXPECT_THAT(Search("老旧小区"),
              ElementsAre("disclosures/n2", "disclosures/n3", "disclosures/n1"));

  Correct("n1", "城关镇城区现有老旧小区45个，加装电梯需求集中。");
  EXPECT_THAT(Search("老旧小区"),
              ElementsAre("disclosures/n1", "disclosures/n2", "disclosures/n3"));
  EXPECT_THAT(Search("加装电梯"), ElementsAre("disclosures/n1"));    // the corrected text only
  EXPECT_THAT(Search("雨污混流"), Not(Contains("disclosures/n1")));  // only in the text replaced

  // Page by page: every match once, in the same order.
  v1::ListPublicDisclosuresRequest r;
  r.set_query("老旧小区");
  r.set_page_size(2);
  std::vector<std::string> paged;
  for (int page = 0; page < 3; ++page) {
    auto p = core_->ListPublicDisclosures(testing::Public(), r);
    ASSERT_TRUE(p.ok()) << p.status();
    for (const auto& d : p->disclosures()) paged.push_back(d.name());
    if (p->next_page_token().empty()) break;
    r.set_page_token(p->next_page_token());
  }
  EXPECT_THAT(paged, ElementsAre("disclosures/n1", "disclosures/n2", "disclosures/n3"));
}

// Migration 101 re-keys the search index of a store written before it by publication order.
TEST_F(DisclosureCoreTest, AStoreIndexedBeforeMigration101IsSearchedNewestPublicationFirst) {
  Answered("m1", At(2025, 6, 20, 16));
  Answered("m2", At(2025, 6, 21, 16));
  Answered("m3", At(2025, 6, 22, 16));
  Retract("m3");
  Correct("m1", "城关镇城区现有老旧小区45个。");
  // Back to the layout before 101: the index under records.seq, the migration not applied.
  ASSERT_TRUE(db_->Write([](SQLite::Database& tx) {
                   tx.exec(
                       "CREATE VIRTUAL TABLE record_search USING fts5(title, body, answers, "
                       "tokenize = 'huiyin_bigram', prefix = '1')");
                   tx.exec(
                       "INSERT INTO record_search (rowid, title, body, answers) "
                       "SELECT r.seq, s.title, s.body, s.answers FROM public_search s "
                       "JOIN records r ON r.publish_seq = s.rowid AND r.public IS NOT NULL");
                   tx.exec("DROP TABLE public_search");
                   tx.exec("DELETE FROM schema_migrations WHERE version = 101");
                   tx.exec("PRAGMA user_version = 100");
                   return absl::OkStatus();
                 })
                  .ok());
  Open(DisclosureOptions{});
  EXPECT_EQ(db_->schema_version(), 101);
  EXPECT_THAT(Search("老旧小区"), ElementsAre("disclosures/m1", "disclosures/m2"));
  EXPECT_THAT(Search("45个"), ElementsAre("disclosures/m1"));
}

TEST_F(DisclosureCoreTest, PermissionIsDecidedBeforeExistence) {
  v1::GetDisclosureRequest get;
  get.set_name("disclosures/zz-none");
  EXPECT_TRUE(absl::IsPermissionDenied(core_->GetDisclosure(testing::Clerk(), get).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(core_->GetDisclosure(testing::Public(), get).status()));
  EXPECT_TRUE(absl::IsNotFound(core_->GetDisclosure(testing::SupervisionOffice(), get).status()));
  v1::PublishDisclosureRequest publish;
  publish.set_name("disclosures/zz-none");
  EXPECT_TRUE(absl::IsPermissionDenied(
      core_->PublishDisclosure(testing::SupervisionOffice(), publish).status()));
  EXPECT_TRUE(
      absl::IsNotFound(core_->PublishDisclosure(testing::GovernmentOffice(), publish).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(
      core_->ListDisclosures(testing::Public(), v1::ListDisclosuresRequest{}).status()));
  get.set_name("items/x");
  EXPECT_THAT(FieldsOf(core_->GetDisclosure(testing::GovernmentOffice(), get).status()),
              ElementsAre("name"));
}

TEST_F(DisclosureCoreTest, OnlyProposalsWriteADeliveryForTheCppccSystem) {
  Answered("sg", At(2025, 6, 20, 16));
  EXPECT_EQ(Deliveries(), 0);
  Answered("pp", At(2025, 6, 21, 16), intake::v1::ITEM_KIND_PROPOSAL);
  EXPECT_EQ(Deliveries(), 1);
  std::string body;
  ASSERT_TRUE(db_->Read([&](SQLite::Database& c) {
                   SQLite::Statement q(c, "SELECT event_type, body FROM deliveries");
                   q.executeStep();
                   EXPECT_EQ(q.getColumn(0).getString(), "disclosure.published");
                   body = q.getColumn(1).getString();
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_THAT(body, HasSubstr("\"item\":\"items/pp\""));
  EXPECT_THAT(body, HasSubstr("提案第15号"));
  EXPECT_THAT(body, Not(HasSubstr("13807463375")));
}

TEST_F(DisclosureCoreTest, PagesFeedAndOpenDataShowOnlyPublishedRecords) {
  Answered("h1", At(2025, 6, 20, 16));
  UseReview();
  Answered("h2", At(2025, 6, 21, 16));  // waits for review: never shown

  v1::RenderListPageRequest form;
  form.set_q("老旧");
  form.set_year("2025");
  auto list = core_->RenderListPage(testing::Public(), form);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->content_type(), "text/html; charset=utf-8");
  EXPECT_THAT(list->data(), HasSubstr("href=\"disclosures/h1\""));
  EXPECT_THAT(list->data(), Not(HasSubstr("disclosures/h2")));
  EXPECT_THAT(list->data(), HasSubstr("value=\"老旧\""));
  EXPECT_FALSE(list->etag().empty());
  form.set_year("二〇二五");
  EXPECT_THAT(FieldsOf(core_->RenderListPage(testing::Public(), form).status()),
              ElementsAre("year"));

  v1::RenderDetailPageRequest detail;
  detail.set_name("disclosures/h1");
  auto page = core_->RenderDetailPage(testing::Public(), detail);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->data(), HasSubstr("138********"));
  EXPECT_THAT(page->data(), Not(HasSubstr("13807463375")));
  detail.set_name("disclosures/h2");
  EXPECT_TRUE(absl::IsNotFound(core_->RenderDetailPage(testing::Public(), detail).status()));

  auto feed = core_->RenderFeed(testing::Public(), {});
  ASSERT_TRUE(feed.ok());
  EXPECT_THAT(feed->data(), HasSubstr("<entry>"));
  EXPECT_THAT(feed->data(), HasSubstr("/v1/public/pages/disclosures/h1"));
  EXPECT_THAT(feed->data(), Not(HasSubstr("disclosures/h2")));

  auto csv = core_->ExportOpenData(testing::Public(), {});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->data().substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv->filename(), "disclosures.csv");
  EXPECT_THAT(csv->data(), HasSubstr("\r\n建议第15号,建议,2025,"));
  EXPECT_THAT(csv->data(), Not(HasSubstr("disclosures/h2")));
}

}  // namespace
}  // namespace huiyin::disclosure

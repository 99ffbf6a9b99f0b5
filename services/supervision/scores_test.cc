// Unit scores (倒扣分) from crafted workflow events: a hand-computed scenario checking every
// deduction and the event it points to, the ranking, a change of the rules, the rebuild by replay,
// the year a deduction counts in, and who may read what.
#include "services/supervision/scores.h"

#include <string>
#include <tuple>
#include <vector>

#include "common/config/config.h"
#include "common/status/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/supervision/score_testing.h"

namespace huiyin::supervision {
namespace {

using testing::At;
using testing::Office;
using testing::UnitClerk;
using workflow::v1::Task;

constexpr auto kFace = workflow::v1::CONTACT_MODE_FACE_TO_FACE;
constexpr auto kPhone = workflow::v1::CONTACT_MODE_PHONE;
constexpr auto kSite = workflow::v1::CONTACT_MODE_SITE_VISIT;
constexpr auto kMeeting = workflow::v1::CONTACT_MODE_MEETING;

// The rules of the scenario: points each / cap per unit and year.
ScoreOptions ScenarioRules() {
  ScoreOptions o;
  o.base = 100;
  o.rules = {
      {v1::DEDUCTION_KIND_ANSWER_LATE, 1, 10},      {v1::DEDUCTION_KIND_ANSWER_RETURNED, 2, 10},
      {v1::DEDUCTION_KIND_UNSATISFIED, 2, 3},       {v1::DEDUCTION_KIND_NOT_MET, 0.5, 5},
      {v1::DEDUCTION_KIND_CO_OPINION_LATE, 0.5, 5}, {v1::DEDUCTION_KIND_COMMITMENT_OVERDUE, 1, 10}};
  return o;
}

// One expected deduction: unit, kind, subject, the sequence and type of the proving event.
using Expected = std::tuple<std::string, v1::DeductionKind, std::string, int64_t, std::string>;

class ScoresTest : public testing::WorkflowFedTest {
 protected:
  // Every answer deadline is 2026-06-30 unless said. (seq) is the proving event's sequence.
  //   h1 住建局  met face to face, A issued 06-20, 满意                          → nothing
  //   h2 住建局  phone only; B issued 07-05 (late) with commitments due 09-30 and 12-20
  //             → 逾期答复 + 未见面 (the AnswerIssued); 基本满意; commitment 1 fulfilled
  //             2026-10-15 → 承诺未兑现 (the CommitmentFulfilled); a contact on 2027-01-10
  //             finds commitment 2 open past 12-20 → 承诺未兑现 in 2027 (the ContactRecorded)
  //   h3 住建局  site visit; C issued 06-25 (on time), returned 06-28 → 退回重办; C re-issued
  //             07-03 → 逾期答复; rated 不满意 07-06 (second deadline 10-09) → 不满意;
  //             A issued 09-20 (on time against 10-09), 满意
  //   t1 交通局  meeting; A issued 06-10, 不满意 → 不满意; A issued 09-10 (on time against
  //             09-15), 不满意 again → 不满意
  //   c1 城管局  no contact; A issued 07-02 → 逾期答复 + 未见面; returned 07-03 → 退回重办;
  //             re-issued 07-10, late against the same deadline → nothing more
  //   c1 交通局  co-handler: opinion due 05-05 sent 05-08 → 协办意见未按期 (the OpinionSent)
  //   c2 城管局  met; B issued 06-16 with a commitment due 07-31; contacts on 08-10 and 08-20
  //             find it open → 承诺未兑现 once (the 08-10 ContactRecorded)
  //   c2 住建局  co-handler: recorded missing 06-15 → 协办意见未按期 (the OpinionMissing)
  //
  // 2026, rules 逾期答复 1/10, 退回重办 2/10, 不满意 2/cap 3, 未见面 0.5/5, 协办意见 0.5/5,
  // 承诺未兑现 1/10, base 100:
  //   unit    逾期  退回  不满意      未见面  协办   承诺   deducted  score  rank
  //   住建局  2×1   1×2   1×2         1×0.5   1×0.5  1×1    8         92     3
  //   交通局  -     -     2×2=4→3     -       1×0.5  -      3.5       96.5   1
  //   城管局  1×1   1×2   -           1×0.5   -      1×1    4.5       95.5   2
  // 2027: 住建局 承诺未兑现 1 → 99, the only unit of 2027.
  //
  // Changed rules: 逾期答复 3 points capped at 5, 未见面 off, base 90:
  //   住建局  min(6,5) + 2 + 2 + 0.5 + 1 = 10.5 → 79.5   (rank 3)
  //   交通局  3 + 0.5                     = 3.5  → 86.5   (rank 1)
  //   城管局  3 + 2 + 1                   = 6    → 84     (rank 2)
  void PlayScenario() {
    Task h1 = NewTask("h1", "housing", "县住建局", 1, "关于老旧小区加装电梯的建议");
    Created(h1, At(2026, 3, 20));
    Contact(h1, kFace, At(2026, 4, 8));
    Issue(h1, workflow::v1::ANSWER_CLASS_A, At(2026, 6, 20));
    Evaluate(h1, workflow::v1::RATING_SATISFIED, At(2026, 6, 25));

    Task h2 = NewTask("h2", "housing", "县住建局", 2, "关于农贸市场提升改造的建议");
    Created(h2, At(2026, 3, 20));
    Contact(h2, kPhone, At(2026, 4, 10));
    h2_issued_ = Issue(h2, workflow::v1::ANSWER_CLASS_B, At(2026, 7, 5, 16),
                       {{"完成农贸市场改造", "2026-09-30"}, {"增设停车位", "2026-12-20"}});
    Evaluate(h2, workflow::v1::RATING_BASICALLY_SATISFIED, At(2026, 7, 8));
    h2_fulfilled_ = Fulfill(h2, 0, "2026-10-15", At(2026, 10, 16));
    h2_contact_2027_ = Contact(h2, kFace, At(2027, 1, 10));

    Task h3 = NewTask("h3", "housing", "县住建局", 3, "关于城区停车难问题的建议");
    Created(h3, At(2026, 3, 20));
    Contact(h3, kSite, At(2026, 4, 9));
    Issue(h3, workflow::v1::ANSWER_CLASS_C, At(2026, 6, 25));
    h3_returned_ =
        Return(h3, {workflow::v1::RETURN_REASON_FORMAT, workflow::v1::RETURN_REASON_NOT_EXPLAINED},
               At(2026, 6, 28));
    h3_reissued_ = Issue(h3, workflow::v1::ANSWER_CLASS_C, At(2026, 7, 3));
    h3_unsatisfied_ = Evaluate(h3, workflow::v1::RATING_UNSATISFIED, At(2026, 7, 6), "2026-10-09");
    Issue(h3, workflow::v1::ANSWER_CLASS_A, At(2026, 9, 20));
    Evaluate(h3, workflow::v1::RATING_SATISFIED, At(2026, 9, 25));

    Task t1 = NewTask("t1", "transport", "县交通局", 4, "关于开通城乡公交的建议");
    Created(t1, At(2026, 3, 20));
    Contact(t1, kMeeting, At(2026, 4, 12));
    Issue(t1, workflow::v1::ANSWER_CLASS_A, At(2026, 6, 10));
    t1_unsatisfied_ = Evaluate(t1, workflow::v1::RATING_UNSATISFIED, At(2026, 6, 15), "2026-09-15");
    Issue(t1, workflow::v1::ANSWER_CLASS_A, At(2026, 9, 10));
    t1_unsatisfied_again_ =
        Evaluate(t1, workflow::v1::RATING_UNSATISFIED, At(2026, 9, 12), "2026-12-14");

    Task c1 = NewTask("c1", "chengguan", "县城管局", 6, "关于规范占道经营的建议");
    Task c1_co = NewTask("c1", "transport", "县交通局", 6, "关于规范占道经营的建议",
                         assignment::v1::UNIT_ROLE_CO);
    Created(c1, At(2026, 3, 20));
    Created(c1_co, At(2026, 3, 20));
    c1_opinion_ = Opinion(c1_co, c1.name(), "2026-05-05", /*sent=*/true, At(2026, 5, 8));
    c1_issued_ = Issue(c1, workflow::v1::ANSWER_CLASS_A, At(2026, 7, 2));
    c1_returned_ = Return(c1, {workflow::v1::RETURN_REASON_AMBIGUOUS}, At(2026, 7, 3));
    Issue(c1, workflow::v1::ANSWER_CLASS_A, At(2026, 7, 10));

    Task c2 = NewTask("c2", "chengguan", "县城管局", 7, "关于老城区排水改造的建议");
    Task c2_co = NewTask("c2", "housing", "县住建局", 7, "关于老城区排水改造的建议",
                         assignment::v1::UNIT_ROLE_CO);
    Created(c2, At(2026, 3, 20));
    Created(c2_co, At(2026, 3, 20));
    Contact(c2, kFace, At(2026, 4, 20));
    c2_opinion_missing_ = Opinion(c2_co, c2.name(), "2026-05-05", /*sent=*/false, At(2026, 6, 15));
    Issue(c2, workflow::v1::ANSWER_CLASS_B, At(2026, 6, 16), {{"修缮排水管网", "2026-07-31"}});
    c2_contact_ = Contact(c2, kFace, At(2026, 8, 10));
    Contact(c2, kFace, At(2026, 8, 20));
  }

  std::vector<Expected> Expected2026() const {
    const std::string type = "huiyin.workflow.v1.";
    return {
        {"units/chengguan", v1::DEDUCTION_KIND_ANSWER_LATE, "tasks/c1-chengguan@2026-06-30",
         c1_issued_, type + "AnswerIssued"},
        {"units/chengguan", v1::DEDUCTION_KIND_ANSWER_RETURNED, "tasks/c1-chengguan/answers/1",
         c1_returned_, type + "AnswerReturned"},
        {"units/chengguan", v1::DEDUCTION_KIND_NOT_MET, "tasks/c1-chengguan", c1_issued_,
         type + "AnswerIssued"},
        {"units/chengguan", v1::DEDUCTION_KIND_COMMITMENT_OVERDUE,
         "tasks/c2-chengguan/answers/1/commitments/1", c2_contact_, type + "ContactRecorded"},
        {"units/housing", v1::DEDUCTION_KIND_ANSWER_LATE, "tasks/h2-housing@2026-06-30", h2_issued_,
         type + "AnswerIssued"},
        {"units/housing", v1::DEDUCTION_KIND_ANSWER_LATE, "tasks/h3-housing@2026-06-30",
         h3_reissued_, type + "AnswerIssued"},
        {"units/housing", v1::DEDUCTION_KIND_ANSWER_RETURNED, "tasks/h3-housing/answers/1",
         h3_returned_, type + "AnswerReturned"},
        {"units/housing", v1::DEDUCTION_KIND_UNSATISFIED, "tasks/h3-housing/answers/2",
         h3_unsatisfied_, type + "AnswerEvaluated"},
        {"units/housing", v1::DEDUCTION_KIND_NOT_MET, "tasks/h2-housing", h2_issued_,
         type + "AnswerIssued"},
        {"units/housing", v1::DEDUCTION_KIND_CO_OPINION_LATE, "tasks/c2-housing",
         c2_opinion_missing_, type + "OpinionMissing"},
        {"units/housing", v1::DEDUCTION_KIND_COMMITMENT_OVERDUE,
         "tasks/h2-housing/answers/1/commitments/1", h2_fulfilled_, type + "CommitmentFulfilled"},
        {"units/transport", v1::DEDUCTION_KIND_UNSATISFIED, "tasks/t1-transport/answers/1",
         t1_unsatisfied_, type + "AnswerEvaluated"},
        {"units/transport", v1::DEDUCTION_KIND_UNSATISFIED, "tasks/t1-transport/answers/2",
         t1_unsatisfied_again_, type + "AnswerEvaluated"},
        {"units/transport", v1::DEDUCTION_KIND_CO_OPINION_LATE, "tasks/c1-transport", c1_opinion_,
         type + "OpinionSent"},
    };
  }

  // Every deduction of the year, unit by unit, as the offices read them.
  std::vector<Expected> Read(const ScoreCore& scores, int year) {
    std::vector<Expected> out;
    const Caller office = Office(common::v1::ROLE_SUPERVISION_OFFICE);
    v1::ListUnitScoresRequest list;
    list.set_year(year);
    auto ranking = scores.ListUnitScores(office, list);
    EXPECT_TRUE(ranking.ok()) << ranking.status();
    std::vector<std::string> units;
    for (const auto& s : ranking->scores()) units.push_back(s.unit());
    std::sort(units.begin(), units.end());
    for (const auto& unit : units) {
      v1::GetUnitScoreRequest get;
      get.set_unit(unit);
      get.set_year(year);
      auto report = scores.GetUnitScore(office, get);
      EXPECT_TRUE(report.ok()) << report.status();
      for (const auto& g : report->groups()) {
        for (const auto& d : g.deductions()) {
          EXPECT_EQ(d.unit(), unit);
          EXPECT_EQ(d.kind(), g.kind());
          EXPECT_EQ(d.event().source(), "workflow");
          EXPECT_EQ(d.event().event_id(), absl::StrCat("workflow-", d.event().sequence()));
          out.emplace_back(d.unit(), d.kind(), d.subject(), d.event().sequence(), d.event().type());
        }
      }
    }
    return out;
  }

  static std::vector<std::tuple<std::string, int, double, double>> Ranks(
      const v1::ListUnitScoresResponse& r) {
    std::vector<std::tuple<std::string, int, double, double>> out;
    for (const auto& s : r.scores()) out.emplace_back(s.unit(), s.rank(), s.deducted(), s.score());
    return out;
  }

  int64_t h2_issued_ = 0, h2_fulfilled_ = 0, h2_contact_2027_ = 0, h3_returned_ = 0,
          h3_reissued_ = 0, h3_unsatisfied_ = 0, t1_unsatisfied_ = 0, t1_unsatisfied_again_ = 0,
          c1_opinion_ = 0, c1_issued_ = 0, c1_returned_ = 0, c2_opinion_missing_ = 0,
          c2_contact_ = 0;
};

TEST_F(ScoresTest, EveryDeductionOfTheScenarioPointsToItsEvent) {
  PlayScenario();
  ScoreCore scores(*db_, ScenarioRules());
  EXPECT_THAT(Read(scores, 2026), ::testing::ElementsAreArray(Expected2026()));
  EXPECT_THAT(Read(scores, 2027), ::testing::ElementsAre(Expected{
                                      "units/housing", v1::DEDUCTION_KIND_COMMITMENT_OVERDUE,
                                      "tasks/h2-housing/answers/1/commitments/2", h2_contact_2027_,
                                      "huiyin.workflow.v1.ContactRecorded"}));
}

TEST_F(ScoresTest, ReportOfAUnitGroupsDeductionsByRule) {
  PlayScenario();
  ScoreCore scores(*db_, ScenarioRules());
  v1::GetUnitScoreRequest get;
  get.set_unit("units/housing");
  get.set_year(2026);
  auto housing = scores.GetUnitScore(UnitClerk("housing"), get);
  ASSERT_TRUE(housing.ok()) << housing.status();
  EXPECT_EQ(housing->name(), "units/housing/scores/2026");
  EXPECT_EQ(housing->unit_display_name(), "县住建局");
  EXPECT_DOUBLE_EQ(housing->base(), 100);
  EXPECT_DOUBLE_EQ(housing->deducted(), 8);
  EXPECT_DOUBLE_EQ(housing->score(), 92);
  EXPECT_EQ(housing->rank(), 3);
  std::vector<std::tuple<std::string, int, double>> groups;
  for (const auto& g : housing->groups()) groups.emplace_back(g.label(), g.count(), g.points());
  EXPECT_EQ(groups, (std::vector<std::tuple<std::string, int, double>>{{"逾期答复", 2, 2},
                                                                       {"退回重办", 1, 2},
                                                                       {"不满意", 1, 2},
                                                                       {"未见面", 1, 0.5},
                                                                       {"协办意见未按期", 1, 0.5},
                                                                       {"承诺未兑现", 1, 1}}));
  const v1::Deduction& late = housing->groups(0).deductions(0);
  EXPECT_EQ(late.item(), "items/h2");
  EXPECT_EQ(late.number_label(), "建议第2号");
  EXPECT_EQ(late.title(), "关于农贸市场提升改造的建议");
  EXPECT_EQ(late.task(), "tasks/h2-housing");
  EXPECT_EQ(late.detail(), "答复期限2026-06-30，2026-07-05答复");
  EXPECT_DOUBLE_EQ(late.points(), 1);
  EXPECT_EQ(late.event().occur_time().seconds(), absl::ToUnixSeconds(At(2026, 7, 5, 16)));
  EXPECT_EQ(housing->groups(1).deductions(0).detail(), "退回理由：格式不规范、未作解释说明");

  v1::GetUnitScoreRequest transport;
  transport.set_unit("units/transport");
  transport.set_year(2026);
  auto t = scores.GetUnitScore(Office(common::v1::ROLE_CPPCC_OFFICE), transport);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->groups_size(), 2);
  EXPECT_EQ(t->groups(0).count(), 2);
  EXPECT_DOUBLE_EQ(t->groups(0).points_each(), 2);
  EXPECT_DOUBLE_EQ(t->groups(0).cap(), 3);
  EXPECT_DOUBLE_EQ(t->groups(0).points(), 3);  // 2 × 2 capped at 3
  EXPECT_DOUBLE_EQ(t->score(), 96.5);
}

TEST_F(ScoresTest, RankingAndChangedRules) {
  PlayScenario();
  v1::ListUnitScoresRequest list;
  list.set_year(2026);
  const Caller office = Office(common::v1::ROLE_GOVERNMENT_OFFICE);
  auto ranking = ScoreCore(*db_, ScenarioRules()).ListUnitScores(office, list);
  ASSERT_TRUE(ranking.ok()) << ranking.status();
  using Row = std::tuple<std::string, int, double, double>;
  EXPECT_EQ(Ranks(*ranking), (std::vector<Row>{{"units/transport", 1, 3.5, 96.5},
                                               {"units/chengguan", 2, 4.5, 95.5},
                                               {"units/housing", 3, 8, 92}}));
  ASSERT_EQ(ranking->scores(0).groups_size(), 2);
  EXPECT_EQ(ranking->scores(0).groups(0).deductions_size(), 0);  // counts only in the ranking

  ScoreOptions changed = ScenarioRules();
  changed.base = 90;
  changed.rules[0] = {v1::DEDUCTION_KIND_ANSWER_LATE, 3, 5};
  changed.rules[3] = {v1::DEDUCTION_KIND_NOT_MET, 0, 5};
  auto rescored = ScoreCore(*db_, changed).ListUnitScores(office, list);
  ASSERT_TRUE(rescored.ok()) << rescored.status();
  EXPECT_EQ(Ranks(*rescored), (std::vector<Row>{{"units/transport", 1, 3.5, 86.5},
                                                {"units/chengguan", 2, 6, 84},
                                                {"units/housing", 3, 10.5, 79.5}}));

  list.set_year(2027);
  auto next_year = ScoreCore(*db_, ScenarioRules()).ListUnitScores(office, list);
  ASSERT_TRUE(next_year.ok());
  EXPECT_EQ(Ranks(*next_year), (std::vector<Row>{{"units/housing", 1, 1, 99}}));
}

TEST_F(ScoresTest, RebuildByReplayDerivesTheSameDeductions) {
  PlayScenario();
  const std::vector<std::string> tables = {
      "SELECT kind, subject, year, unit, hex(data) FROM score_deductions ORDER BY kind, subject",
      "SELECT * FROM score_counts ORDER BY year, unit, kind",
      "SELECT * FROM score_units ORDER BY year, unit"};
  std::vector<std::vector<std::string>> before;
  for (const auto& sql : tables) before.push_back(Dump(sql));
  ASSERT_EQ(before[0].size(), 15u);
  ScoreCore scores(*db_, ScenarioRules());
  const auto read_before = Read(scores, 2026);
  auto rebuilt = core_->RebuildLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), {});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->events_replayed(), sequence_);
  for (size_t i = 0; i < tables.size(); ++i) EXPECT_EQ(Dump(tables[i]), before[i]) << tables[i];
  EXPECT_EQ(Read(scores, 2026), read_before);
}

TEST_F(ScoresTest, UnitsReadOnlyTheirOwnScore) {
  PlayScenario();
  ScoreCore scores(*db_, ScenarioRules());
  v1::GetUnitScoreRequest get;
  get.set_unit("units/transport");
  get.set_year(2026);
  EXPECT_TRUE(absl::IsPermissionDenied(scores.GetUnitScore(UnitClerk("housing"), get).status()));
  get.set_unit("units/nowhere");  // refused before anyone learns it does not exist
  EXPECT_TRUE(absl::IsPermissionDenied(scores.GetUnitScore(UnitClerk("housing"), get).status()));
  EXPECT_TRUE(absl::IsNotFound(
      scores.GetUnitScore(Office(common::v1::ROLE_CONGRESS_OFFICE), get).status()));
  for (const auto& stranger : {MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER),
                               MakeCaller("persons/leader", common::v1::ROLE_LEADING_OFFICIAL),
                               MakeCaller("", common::v1::ROLE_PUBLIC)}) {
    get.set_unit("units/housing");
    EXPECT_TRUE(absl::IsPermissionDenied(scores.GetUnitScore(stranger, get).status()));
    v1::ListUnitScoresRequest list;
    list.set_year(2026);
    EXPECT_TRUE(absl::IsPermissionDenied(scores.ListUnitScores(stranger, list).status()));
  }
  v1::ListUnitScoresRequest list;
  list.set_year(2026);
  auto own = scores.ListUnitScores(UnitClerk("chengguan"), list);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->scores_size(), 1);
  EXPECT_EQ(own->scores(0).unit(), "units/chengguan");
  EXPECT_EQ(own->scores(0).rank(), 2);

  get.set_unit("housing");
  get.set_year(26);
  auto bad = scores.GetUnitScore(Office(common::v1::ROLE_SUPERVISION_OFFICE), get);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_EQ(FieldViolationsOf(bad.status()).size(), 2u);
}

TEST(ScoreOptionsTest, ConfiguredRulesReplaceDefaultsKindByKind) {
  config::v1::SupervisionConfig config = DefaultConfig("supervision", 7104).supervision();
  auto defaults = ScoreOptionsFromConfig(config);
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_DOUBLE_EQ(defaults->base, 100);
  EXPECT_EQ(defaults->rules.size(), 6u);
  auto* late = config.add_deduction_rules();  // as a config file's rule comes after the defaults
  late->set_kind("DEDUCTION_KIND_ANSWER_LATE");
  late->set_points(2.5);
  auto changed = ScoreOptionsFromConfig(config);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->rules.size(), 6u);
  EXPECT_EQ(changed->rules[0].kind, v1::DEDUCTION_KIND_ANSWER_LATE);
  EXPECT_DOUBLE_EQ(changed->rules[0].points, 2.5);
  EXPECT_DOUBLE_EQ(changed->rules[0].cap, 0);
  config.mutable_deduction_rules(0)->set_kind("LATE");
  config.mutable_deduction_rules(1)->set_points(-1);
  auto bad = ScoreOptionsFromConfig(config);
  EXPECT_THAT(FieldViolationsOf(bad.status()),
              ::testing::ElementsAre(
                  ::testing::Pair("supervision.deduction_rules[0].kind", ::testing::_),
                  ::testing::Pair("supervision.deduction_rules[1].points", ::testing::_)));
}

}  // namespace
}  // namespace huiyin::supervision

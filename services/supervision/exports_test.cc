// Exports: CSV byte for byte (BOM, RFC 4180 quoting, CRLF, formula guard), workbooks opened as the
// zip files they must be, the permissions of the data exported and the row cap.
#include "services/supervision/exports.h"

#include <stdio.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/status/errors.h"
#include "common/table/testing/unzip.h"
#include "gtest/gtest.h"
#include "services/supervision/score_testing.h"

namespace huiyin::supervision {
namespace {

using testing::At;
using testing::Office;
using testing::UnitClerk;
using huiyin::testing::Unzip;


class ExportsTest : public testing::WorkflowFedTest {
 protected:
  // e1 住建局: met, B answer issued 2026-07-05 (after the 06-30 deadline) with one open
  //            commitment, 基本满意.
  // e2 交通局 leads, 住建局 co-handles; acknowledged, no answer: overdue on 2026-07-15.
  void SetUp() override {
    WorkflowFedTest::SetUp();
    auto e1 = NewTask("e1", "housing", "县住建局", 15, "关于\"菜篮子\"工程,农贸市场改造的建议");
    Created(e1, At(2026, 3, 20));
    Contact(e1, workflow::v1::CONTACT_MODE_FACE_TO_FACE, At(2026, 4, 8));
    Issue(e1, workflow::v1::ANSWER_CLASS_B, At(2026, 7, 5), {{"完成改造", "2026-12-31"}});
    Evaluate(e1, workflow::v1::RATING_BASICALLY_SATISFIED, At(2026, 7, 8));
    auto e2 = NewTask("e2", "transport", "县交通局", 16, "关于开通城乡公交的建议");
    auto e2_co = NewTask("e2", "housing", "县住建局", 16, "关于开通城乡公交的建议",
                         assignment::v1::UNIT_ROLE_CO);
    Created(e2, At(2026, 3, 20));
    Created(e2_co, At(2026, 3, 20));
    ScoreOptions rules;
    rules.rules = {{v1::DEDUCTION_KIND_ANSWER_LATE, 1, 10}, {v1::DEDUCTION_KIND_NOT_MET, 0.5, 5}};
    scores_ = std::make_unique<ScoreCore>(*db_, rules);
  }
  void TearDown() override {
    scores_.reset();
    WorkflowFedTest::TearDown();
  }
  ExportCore Exports(int max_rows = 100) const { return ExportCore(*core_, *scores_, {max_rows}); }

  std::unique_ptr<ScoreCore> scores_;
};

constexpr char kLedgerHeader[] =
    "\xEF\xBB\xBF"
    "统一编号,标题,类型,届次,类别,领衔领导,主办单位,协办单位,阶段,答复期限,是否逾期,答复日期,"
    "答复类别,满意度,是否见面,退回次数,未兑现承诺\r\n";
constexpr char kE1Row[] =
    "建议第15号,\"关于\"\"菜篮子\"\"工程,农贸市场改造的建议\",建议,"
    "县第十八届人民代表大会第五次会议,"
    "城乡建设,,县住建局,,已答复,2026-06-30,否,2026-07-05,B类（列入计划逐步解决）,基本满意,"
    "是,0,1\r\n";
constexpr char kE2Row[] =
    "建议第16号,关于开通城乡公交的建议,建议,县第十八届人民代表大会第五次会议,城乡建设,,县交通局,"
    "县住建局,办理中,2026-06-30,是,,,,否,0,0\r\n";

TEST_F(ExportsTest, LedgerAsCsv) {
  v1::ExportLedgerRequest request;
  request.set_year(2026);
  auto file = Exports().ExportLedger(Office(common::v1::ROLE_CONGRESS_OFFICE), request);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(file->filename(), "台账-2026.csv");
  EXPECT_EQ(file->data(), std::string(kLedgerHeader) + kE1Row + kE2Row);

  // A unit exports the items it is assigned to (协办 included), and no one else's.
  auto transport = Exports().ExportLedger(UnitClerk("transport"), request);
  ASSERT_TRUE(transport.ok()) << transport.status();
  EXPECT_EQ(transport->data(), std::string(kLedgerHeader) + kE2Row);
  request.set_unit("units/housing");
  EXPECT_TRUE(
      absl::IsPermissionDenied(Exports().ExportLedger(UnitClerk("transport"), request).status()));
}

TEST_F(ExportsTest, LedgerAsXlsx) {
  v1::ExportLedgerRequest request;
  request.set_year(2026);
  request.set_format(v1::EXPORT_FORMAT_XLSX);
  auto file = Exports().ExportLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), request);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->filename(), "台账-2026.xlsx");
  EXPECT_EQ(file->content_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const std::string strings = Unzip(file->data(), "xl/sharedStrings.xml");
  for (const char* s : {"统一编号", "答复期限", "满意度", "建议第15号", "菜篮子", "县交通局",
                        "关于开通城乡公交的建议", "基本满意", "办理中"}) {
    EXPECT_NE(strings.find(s), std::string::npos) << s;
  }
  EXPECT_NE(Unzip(file->data(), "xl/workbook.xml").find("name=\"台账\""), std::string::npos);
}

TEST_F(ExportsTest, FiguresByUnitAsCsv) {
  v1::ExportFiguresRequest request;
  request.set_year(2026);
  request.set_group_by(v1::GROUP_BY_UNIT);
  auto file = Exports().ExportFigures(Office(common::v1::ROLE_CPPCC_OFFICE), request);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->filename(), "办理指标-2026.csv");
  // Answering tasks only: e1 for 住建局 (answered late, rated 基本满意, met), e2 for 交通局.
  EXPECT_EQ(
      file->data(),
      "\xEF\xBB\xBF"
      "单位,交办件数,已答复,按期答复,已办结,A类件,A类已办结,B类已兑现,已测评,满意,基本满意,"
      "已见面,按期公开,办复率,按期办复率,办结率,A类件办结率,满意率,满意率（仅满意）,见面率,"
      "问题解决率,公开率\r\n"
      "县住建局,1,1,0,0,0,0,0,1,0,1,1,0,100.00%,0.00%,0.00%,0.00%,100.00%,0.00%,100.00%,0.00%,"
      "0.00%\r\n"
      "县交通局,1,0,0,0,0,0,0,0,0,0,0,0,0.00%,0.00%,0.00%,0.00%,0.00%,0.00%,0.00%,0.00%,0.00%"
      "\r\n");
  auto own = Exports().ExportFigures(UnitClerk("transport"), request);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->data().find("县住建局"), std::string::npos);
  EXPECT_NE(own->data().find("县交通局"), std::string::npos);
}

TEST_F(ExportsTest, UnitScoresAsCsvAndXlsx) {
  v1::ExportUnitScoresRequest request;
  request.set_year(2026);
  auto csv = Exports().ExportUnitScores(Office(common::v1::ROLE_SUPERVISION_OFFICE), request);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->data(),
            "\xEF\xBB\xBF"
            "排名,单位,基础分,逾期答复扣分,未见面扣分,扣分合计,得分\r\n"
            "1,县交通局,100,0,0,0,100\r\n"
            "2,县住建局,100,1,0,1,99\r\n");
  request.set_format(v1::EXPORT_FORMAT_XLSX);
  auto xlsx = Exports().ExportUnitScores(Office(common::v1::ROLE_SUPERVISION_OFFICE), request);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::string workbook = Unzip(xlsx->data(), "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"得分排名\""), std::string::npos);
  EXPECT_NE(workbook.find("name=\"扣分明细\""), std::string::npos);
  const std::string strings = Unzip(xlsx->data(), "xl/sharedStrings.xml");
  for (const char* s : {"逾期答复", "答复期限2026-06-30，2026-07-05答复", "workflow-",
                        "huiyin.workflow.v1.AnswerIssued"}) {
    EXPECT_NE(strings.find(s), std::string::npos) << s;
  }
}

TEST_F(ExportsTest, TooManyRowsAsksToNarrowTheFilter) {
  v1::ExportLedgerRequest request;
  request.set_year(2026);
  auto all =
      Exports(/*max_rows=*/1).ExportLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), request);
  EXPECT_TRUE(absl::IsFailedPrecondition(all.status())) << all.status();
  EXPECT_NE(all.status().message().find("缩小筛选范围"), std::string::npos);
  request.set_unit("units/transport");
  EXPECT_TRUE(Exports(1).ExportLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), request).ok());
}

TEST_F(ExportsTest, RefusesStrangersAndBadRequests) {
  v1::ExportLedgerRequest ledger;
  ledger.set_year(2026);
  v1::ExportFiguresRequest figures;
  figures.set_year(2026);
  v1::ExportUnitScoresRequest scores;
  scores.set_year(2026);
  for (const auto& stranger : {MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER),
                               MakeCaller("", common::v1::ROLE_PUBLIC)}) {
    EXPECT_TRUE(absl::IsPermissionDenied(Exports().ExportLedger(stranger, ledger).status()));
    EXPECT_TRUE(absl::IsPermissionDenied(Exports().ExportFigures(stranger, figures).status()));
    EXPECT_TRUE(absl::IsPermissionDenied(Exports().ExportUnitScores(stranger, scores).status()));
  }
  ledger.set_year(0);
  ledger.set_format(static_cast<v1::ExportFormat>(7));
  auto bad = Exports().ExportLedger(Office(common::v1::ROLE_SUPERVISION_OFFICE), ledger);
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_EQ(FieldViolationsOf(bad.status()).size(), 2u);
}

}  // namespace
}  // namespace huiyin::supervision

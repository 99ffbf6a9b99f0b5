// CSV and Excel as offices and open-data users open them.
#include "common/table/table.h"

#include <string>

#include "common/table/testing/unzip.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

using testing::Unzip;

TEST(TableTest, CsvQuotesAsRfc4180WithBomAndCrlf) {
  Sheet sheet{"台账", {"统一编号", "标题", "办复率"}, {}};
  sheet.rows.push_back({Cell::Text("建议第15号"),
                        Cell::Text("关于\"菜篮子\"工程,农贸市场改造的建议"), Cell::Percent(0.75)});
  sheet.rows.push_back(
      {Cell::Text("提案第3号"), Cell::Text("=HYPERLINK(\"x\")"), Cell::Number(2.5)});
  sheet.rows.push_back({Cell::Text("多行\r\n标题"), Cell::Text(""), Cell::Number(100)});
  EXPECT_EQ(ToCsv(sheet),
            "\xEF\xBB\xBF"
            "统一编号,标题,办复率\r\n"
            "建议第15号,\"关于\"\"菜篮子\"\"工程,农贸市场改造的建议\",75.00%\r\n"
            "提案第3号,\"'=HYPERLINK(\"\"x\"\")\",2.5\r\n"
            "\"多行\r\n标题\",,100\r\n");
}

TEST(TableTest, XlsxIsAZipWithTheCellsAndSheets) {
  Sheet first{"台账", {"统一编号", "标题"}, {}};
  first.rows.push_back(
      {Cell::Text("建议第15号"), Cell::Text("关于老旧小区加装电梯,增设停车位的建议")});
  Sheet second{"办理指标", {"办复率"}, {{Cell::Percent(0.5)}}};
  auto xlsx = ToXlsx({first, second});
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  ASSERT_GT(xlsx->size(), 4u);
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
  const std::string strings = Unzip(*xlsx, "xl/sharedStrings.xml");
  for (const char* s :
       {"统一编号", "标题", "建议第15号", "关于老旧小区加装电梯,增设停车位的建议", "办复率"}) {
    EXPECT_NE(strings.find(s), std::string::npos) << s;
  }
  const std::string workbook = Unzip(*xlsx, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"台账\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("name=\"办理指标\""), std::string::npos) << workbook;
  EXPECT_NE(Unzip(*xlsx, "xl/worksheets/sheet2.xml").find("<v>0.5</v>"), std::string::npos);
}

}  // namespace
}  // namespace huiyin

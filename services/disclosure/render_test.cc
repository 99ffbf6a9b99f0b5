// The public formats: escaping of everything a proposer or clerk typed, the search form that
// works without JavaScript, Atom well-formedness basics and CSV that Excel reads.
#include "services/disclosure/render.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::disclosure {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Site kSite{"某县建议提案办理结果公开", "https://www.example.gov.cn"};

v1::Disclosure Hostile() {
  v1::Disclosure d;
  d.set_name("disclosures/x1");
  d.set_item("items/x1");
  d.set_kind(intake::v1::ITEM_KIND_PROPOSAL);
  d.set_year(2025);
  d.set_number_label("提案第7号");
  d.set_title("关于<script>alert(1)</script>\"整治\"的提案");
  d.set_body("第一行 & 第二行\n<img src=x onerror=alert(2)>");
  d.set_category("=cmd|' /C calc'!A0");
  auto* u = d.add_units();
  u->set_display_name("县市场监管局");
  u->set_role(assignment::v1::UNIT_ROLE_LEAD);
  u->set_head_name("李明");
  auto* a = d.add_answers();
  a->set_answer("tasks/t/answers/1");
  a->set_unit_display_name("县市场监管局");
  a->set_answer_class(workflow::v1::ANSWER_CLASS_A);
  a->set_answer_date("2025-06-20");
  a->set_text("已整治，\"成效\"明显 <b>。");
  a->set_rating(workflow::v1::RATING_SATISFIED);
  d.mutable_update_time()->set_seconds(1750400000);
  d.mutable_first_publish_time()->set_seconds(1750400000);
  d.set_version(1);
  return d;
}

TEST(RenderTest, EscapesEveryTextOnTheDetailPage) {
  const std::string html = RenderDetailHtml(kSite, Hostile());
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("关于&lt;script&gt;alert(1)&lt;/script&gt;&quot;整治&quot;的提案"));
  EXPECT_THAT(html, HasSubstr("第一行 &amp; 第二行<br>"));
  EXPECT_THAT(html, HasSubstr("<html lang=\"zh-CN\">"));
  EXPECT_THAT(html, HasSubstr("name=\"viewport\""));
  EXPECT_THAT(html, HasSubstr("满意"));
  EXPECT_THAT(html, HasSubstr("李明"));
  EXPECT_THAT(html, HasSubstr("href=\"../disclosures\""));
}

TEST(RenderTest, ListPageHasAPlainGetSearchFormKeepingWhatWasTyped) {
  v1::RenderListPageRequest form;
  form.set_q("\"><script>");
  form.set_kind("PROPOSAL");
  const std::string html = RenderListHtml(kSite, form, {Hostile()}, "", "tok-1");
  EXPECT_THAT(html, HasSubstr("<form method=\"get\" action=\"\" role=\"search\">"));
  EXPECT_THAT(html, HasSubstr("<label for=\"q\">"));
  EXPECT_THAT(html, HasSubstr("value=\"&quot;&gt;&lt;script&gt;\""));
  EXPECT_THAT(html, HasSubstr("<option value=\"PROPOSAL\" selected>"));
  EXPECT_THAT(html, HasSubstr("href=\"disclosures/x1\""));
  EXPECT_THAT(html, HasSubstr("page_token=tok-1"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST(RenderTest, AtomFeedIsEscapedWithAbsoluteLinks) {
  const std::string atom = RenderAtom(kSite, {Hostile()}, absl::FromUnixSeconds(1750400000));
  EXPECT_THAT(atom, HasSubstr("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
  EXPECT_THAT(
      atom,
      HasSubstr("<link href=\"https://www.example.gov.cn/v1/public/pages/disclosures/x1\"/>"));
  EXPECT_THAT(atom, HasSubstr("<updated>2025-06-20T06:13:20Z</updated>"));
  EXPECT_THAT(atom, Not(HasSubstr("<script>")));
}

TEST(RenderTest, CsvHasABomQuotesWhatNeedsItAndDisarmsFormulas) {
  const std::string csv = RenderCsv({Hostile()});
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(csv, HasSubstr("编号,类别,年度"));
  EXPECT_THAT(csv, HasSubstr("\"已整治，\"\"成效\"\"明显 <b>。\""));
  EXPECT_THAT(csv, HasSubstr("'=cmd|' /C calc'!A0"));
  EXPECT_THAT(csv, HasSubstr("\r\n"));
}

}  // namespace
}  // namespace huiyin::disclosure

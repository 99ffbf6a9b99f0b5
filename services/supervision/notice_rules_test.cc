// The pure rules of notices: the colour a step has reached, what a hand-written notice needs,
// who reads notices.
#include "services/supervision/notice_rules.h"

#include "common/status/errors.h"
#include "gtest/gtest.h"

namespace huiyin::supervision {
namespace {

const WorkingDayCalendar& Calendar() { return WorkingDayCalendar::ChinaMainland(); }

// 签收 due Wednesday 2026-05-06, just after 劳动节; lead time 2, RED after 3 working days late.
//   04-28: 3 left, nothing;  04-29: 2 left (across the holiday), GREEN;
//   05-07..05-10: 1..3 late (05-09 is a make-up working day), YELLOW;  05-11: 4 late, RED.
TEST(NoticeRulesTest, ColourReachedAsTheDaysGoBy) {
  v1::StepDeadline s;
  s.set_step(v1::STEP_ACKNOWLEDGEMENT);
  s.set_deadline("2026-05-06");
  auto on = [&](int month, int day) {
    return RuleTriggerOn(s, absl::CivilDay(2026, month, day), 2, 3, Calendar());
  };
  EXPECT_FALSE(on(4, 28).has_value());
  EXPECT_EQ(on(4, 29), v1::NOTICE_TRIGGER_DUE_SOON);
  EXPECT_EQ(on(5, 7), v1::NOTICE_TRIGGER_OVERDUE);
  EXPECT_EQ(on(5, 10), v1::NOTICE_TRIGGER_OVERDUE);
  EXPECT_EQ(on(5, 11), v1::NOTICE_TRIGGER_LONG_OVERDUE);
  s.set_done_date("2026-05-08");
  EXPECT_FALSE(on(5, 11).has_value());
  EXPECT_EQ(ColourOf(v1::NOTICE_TRIGGER_DUE_SOON), v1::NOTICE_COLOUR_GREEN);
  EXPECT_EQ(ColourOf(v1::NOTICE_TRIGGER_OVERDUE), v1::NOTICE_COLOUR_YELLOW);
  EXPECT_EQ(ColourOf(v1::NOTICE_TRIGGER_LONG_OVERDUE), v1::NOTICE_COLOUR_RED);
  EXPECT_EQ(ColourOf(v1::NOTICE_TRIGGER_RETURNED), v1::NOTICE_COLOUR_RED);
}

TEST(NoticeRulesTest, ReasonsSayWhatAndHowLate) {
  EXPECT_EQ(RuleReason(v1::NOTICE_TRIGGER_LONG_OVERDUE, v1::STEP_ANSWER, "2026-06-30", 7, 5),
            "答复已逾期7个工作日（期限2026-06-30），超过5个工作日，予以红色督办");
  EXPECT_EQ(RuleReason(v1::NOTICE_TRIGGER_DUE_SOON, v1::STEP_PLAN, "2026-04-20", 2, 5),
            "办理方案期限为2026-04-20，尚余2个工作日，请抓紧办理（催办）");
  EXPECT_EQ(RuleReason(v1::NOTICE_TRIGGER_RETURNED, v1::STEP_ANSWER, "", 2, 5),
            "答复已被退回重办2次，予以红色督办");
}

TEST(NoticeRulesTest, HandWrittenNoticeNeedsTaskColourAndReason) {
  v1::CreateNoticeRequest request;
  request.mutable_notice()->set_reason("  ");
  auto s = ValidateNoticeRequest(request);
  ASSERT_TRUE(absl::IsInvalidArgument(s));
  std::vector<std::string> fields;
  for (const auto& [field, _] : FieldViolationsOf(s)) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"notice.task", "notice.colour", "notice.reason"}));
  request.mutable_notice()->set_task("tasks/t1");
  request.mutable_notice()->set_colour(v1::NOTICE_COLOUR_GREEN);
  request.mutable_notice()->set_reason("请于本周内报送办理方案");
  EXPECT_TRUE(ValidateNoticeRequest(request).ok());
  request.mutable_notice()->set_step(static_cast<v1::Step>(42));
  EXPECT_EQ(FieldViolationsOf(ValidateNoticeRequest(request)).at(0).first, "notice.step");
}

TEST(NoticeRulesTest, ReadersAndEscalation) {
  EXPECT_EQ(ReaderOf(MakeCaller("persons/s", common::v1::ROLE_SUPERVISION_OFFICE)),
            NoticeReader::kAll);
  EXPECT_EQ(ReaderOf(MakeCaller("persons/c", common::v1::ROLE_CPPCC_OFFICE)), NoticeReader::kAll);
  EXPECT_EQ(ReaderOf(MakeCaller("persons/u", common::v1::ROLE_UNIT_HEAD, "units/housing")),
            NoticeReader::kUnit);
  EXPECT_EQ(ReaderOf(MakeCaller("persons/u", common::v1::ROLE_UNIT_HEAD)), NoticeReader::kNone);
  EXPECT_EQ(ReaderOf(MakeCaller("persons/li", common::v1::ROLE_LEADING_OFFICIAL)),
            NoticeReader::kEscalated);
  EXPECT_EQ(ReaderOf(MakeCaller("persons/p", common::v1::ROLE_PROPOSER)), NoticeReader::kNone);
  EXPECT_EQ(ReaderOf(MakeCaller("", common::v1::ROLE_PUBLIC)), NoticeReader::kNone);
  EXPECT_TRUE(Escalates(v1::NOTICE_COLOUR_RED, true, false));
  EXPECT_FALSE(Escalates(v1::NOTICE_COLOUR_RED, false, false));
  EXPECT_FALSE(Escalates(v1::NOTICE_COLOUR_YELLOW, true, false));
  EXPECT_TRUE(Escalates(v1::NOTICE_COLOUR_GREEN, false, true));
}

}  // namespace
}  // namespace huiyin::supervision

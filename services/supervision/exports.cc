#include "services/supervision/exports.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/status/errors.h"
#include "services/supervision/readers.h"
#include "common/table/table.h"
#include "common/text/label.h"

namespace huiyin::supervision {
namespace {

using common::v1::Caller;

constexpr char kCsvType[] = "text/csv; charset=utf-8";
constexpr char kXlsxType[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

void CheckFormat(FieldViolations& v, v1::ExportFormat format) {
  if (!v1::ExportFormat_IsValid(format))
    v.Add("format", "须为 EXPORT_FORMAT_CSV 或 EXPORT_FORMAT_XLSX");
}

void CheckYear(FieldViolations& v, int year) {
  if (year < 2000 || year > 2999) v.Add("year", "须为年份，如 2026");
}

absl::StatusOr<common::v1::HttpBody> Body(const std::vector<Sheet>& sheets, v1::ExportFormat format,
                                          const std::string& basename) {
  common::v1::HttpBody body;
  if (format == v1::EXPORT_FORMAT_XLSX) {
    auto xlsx = ToXlsx(sheets);
    if (!xlsx.ok()) return xlsx.status();
    body.set_content_type(kXlsxType);
    body.set_data(*std::move(xlsx));
    body.set_filename(basename + ".xlsx");
  } else {
    body.set_content_type(kCsvType);
    body.set_data(ToCsv(sheets.front()));
    body.set_filename(basename + ".csv");
  }
  return body;
}

const char* StageLabel(v1::Stage stage) {
  switch (stage) {
    case v1::STAGE_SUBMITTED:
      return "已提交";
    case v1::STAGE_ACCEPTED:
      return "已立案";
    case v1::STAGE_ASSIGNED:
      return "已交办";
    case v1::STAGE_HANDLING:
      return "办理中";
    case v1::STAGE_ANSWERED:
      return "已答复";
    case v1::STAGE_CLOSED:
      return "已办结";
    case v1::STAGE_ENDED:
      return "未立案或已并案、撤回";
    default:
      return "";
  }
}

// Distinct values in order, joined with 、.
std::string JoinDistinct(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return absl::StrJoin(out, "、");
}

std::vector<Cell> LedgerRow(const v1::LedgerEntry& e) {
  std::vector<std::string> leads, cos, deadlines, dates, classes, ratings;
  bool all_met = true;
  int returned = 0, open = 0;
  for (const auto& u : e.units()) {
    const std::string name = u.unit_display_name().empty() ? u.unit() : u.unit_display_name();
    if (u.role() == assignment::v1::UNIT_ROLE_CO) {
      cos.push_back(name);
      continue;
    }
    leads.push_back(name);
    deadlines.push_back(u.answer_deadline());
    all_met = all_met && u.met_proposer();
    returned += u.returned_count();
    open += u.open_commitments();
    const v1::LedgerAnswer* latest = nullptr;
    for (const auto& a : e.answers()) {
      if (a.unit() == u.unit()) latest = &a;
    }
    if (latest != nullptr) {
      dates.push_back(latest->issue_date());
      classes.push_back(Label(latest->answer_class()));
      ratings.push_back(Label(latest->rating()));
    }
  }
  const auto& item = e.item();
  return {Cell::Text(item.number_label()),
          Cell::Text(item.title()),
          Cell::Text(Label(item.kind())),
          Cell::Text(item.session()),
          Cell::Text(item.category()),
          Cell::Text(e.leading_official()),
          Cell::Text(JoinDistinct(leads)),
          Cell::Text(JoinDistinct(cos)),
          Cell::Text(StageLabel(e.stage())),
          Cell::Text(JoinDistinct(deadlines)),
          Cell::Text(e.overdue() ? "是" : "否"),
          Cell::Text(JoinDistinct(dates)),
          Cell::Text(JoinDistinct(classes)),
          Cell::Text(JoinDistinct(ratings)),
          Cell::Text(leads.empty() ? "" : (all_met ? "是" : "否")),
          Cell::Number(returned),
          Cell::Number(open)};
}

const char* GroupHeader(v1::GroupBy g) {
  switch (g) {
    case v1::GROUP_BY_UNIT:
      return "单位";
    case v1::GROUP_BY_CATEGORY:
      return "类别";
    case v1::GROUP_BY_LEADING_OFFICIAL:
      return "领衔领导";
    case v1::GROUP_BY_KIND:
      return "类型";
    case v1::GROUP_BY_SESSION:
      return "届次";
    default:
      return "范围";
  }
}

std::string FormatTime(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()), ChinaTimeZone());
}

}  // namespace

absl::Status ExportCore::CheckRows(size_t rows) const {
  if (rows <= static_cast<size_t>(options_.max_rows)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("导出超过", options_.max_rows,
                   "行，请缩小筛选范围（届次、类型、单位、类别、阶段…）后分批导出"));
}

absl::StatusOr<common::v1::HttpBody> ExportCore::ExportLedger(
    const Caller& caller, const v1::ExportLedgerRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  FieldViolations v;
  CheckYear(v, request.year());
  CheckFormat(v, request.format());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::ListLedgerRequest list;
  list.set_year(request.year());
  list.set_session(request.session());
  list.set_kind(request.kind());
  list.set_unit(request.unit());
  list.set_category(request.category());
  list.set_leading_official(request.leading_official());
  list.set_stage(request.stage());
  list.set_overdue_only(request.overdue_only());
  list.set_page_size(500);
  Sheet sheet{"台账",
              {"统一编号", "标题", "类型", "届次", "类别", "领衔领导", "主办单位", "协办单位",
               "阶段", "答复期限", "是否逾期", "答复日期", "答复类别", "满意度", "是否见面",
               "退回次数", "未兑现承诺"},
              {}};
  do {
    auto page = ledger_.ListLedger(caller, list);
    if (!page.ok()) return page.status();
    for (const auto& e : page->entries()) sheet.rows.push_back(LedgerRow(e));
    if (auto s = CheckRows(sheet.rows.size()); !s.ok()) return s;
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  return Body({sheet}, request.format(), absl::StrCat("台账-", request.year()));
}

absl::StatusOr<common::v1::HttpBody> ExportCore::ExportFigures(
    const Caller& caller, const v1::ExportFiguresRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  FieldViolations v;
  CheckYear(v, request.year());
  CheckFormat(v, request.format());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::GetFiguresRequest get;
  get.set_year(request.year());
  get.set_session(request.session());
  get.set_kind(request.kind());
  get.set_group_by(request.group_by());
  auto figures = ledger_.GetFigures(caller, get);
  if (!figures.ok()) return figures.status();
  if (auto s = CheckRows(figures->rows_size()); !s.ok()) return s;
  auto names = scores_.UnitNames(request.year());
  if (!names.ok()) return names.status();
  // A unit reading its figures gets its own row, grouped by unit.
  const v1::GroupBy group_by = IsUnit(caller) ? v1::GROUP_BY_UNIT : request.group_by();
  Sheet sheet{"办理指标",
              {GroupHeader(group_by),
               "交办件数",
               "已答复",
               "按期答复",
               "已办结",
               "A类件",
               "A类已办结",
               "B类已兑现",
               "已测评",
               "满意",
               "基本满意",
               "已见面",
               "按期公开",
               "办复率",
               "按期办复率",
               "办结率",
               "A类件办结率",
               "满意率",
               "满意率（仅满意）",
               "见面率",
               "问题解决率",
               "公开率"},
              {}};
  for (const auto& row : figures->rows()) {
    std::string group = row.group();
    if (group_by == v1::GROUP_BY_UNIT && names->count(group) > 0) group = names->at(group);
    if (group_by == v1::GROUP_BY_KIND) {
      intake::v1::ItemKind kind;
      if (intake::v1::ItemKind_Parse(group, &kind)) group = Label(kind);
    }
    if (group.empty()) group = "全部";
    const auto& c = row.counts();
    const auto& f = row.figures();
    std::vector<Cell> cells = {Cell::Text(group)};
    for (int64_t n : {c.assigned(), c.answered(), c.answered_on_time(), c.closed(), c.class_a(),
                      c.class_a_closed(), c.class_b_fulfilled(), c.rated(), c.satisfied(),
                      c.basically_satisfied(), c.met(), c.disclosed_on_time()}) {
      cells.push_back(Cell::Number(static_cast<double>(n)));
    }
    for (double r : {f.answer_rate(), f.on_time_answer_rate(), f.close_rate(),
                     f.class_a_close_rate(), f.satisfaction_rate(), f.strict_satisfaction_rate(),
                     f.meeting_rate(), f.resolution_rate(), f.disclosure_rate()}) {
      cells.push_back(Cell::Percent(r));
    }
    sheet.rows.push_back(std::move(cells));
  }
  return Body({sheet}, request.format(), absl::StrCat("办理指标-", request.year()));
}

absl::StatusOr<common::v1::HttpBody> ExportCore::ExportUnitScores(
    const Caller& caller, const v1::ExportUnitScoresRequest& request) const {
  if (auto s = CheckReader(caller); !s.ok()) return s;
  FieldViolations v;
  CheckYear(v, request.year());
  CheckFormat(v, request.format());
  if (auto s = v.ToStatus(); !s.ok()) return s;
  v1::ListUnitScoresRequest list;
  list.set_year(request.year());
  auto ranking = scores_.ListUnitScores(caller, list);
  if (!ranking.ok()) return ranking.status();
  std::vector<v1::DeductionKind> kinds;
  Sheet scores{"得分排名", {"排名", "单位", "基础分"}, {}};
  for (const auto& rule : scores_.options().rules) {
    if (rule.points <= 0) continue;
    kinds.push_back(rule.kind);
    scores.headers.push_back(absl::StrCat(DeductionLabel(rule.kind), "扣分"));
  }
  scores.headers.push_back("扣分合计");
  scores.headers.push_back("得分");
  Sheet details{"扣分明细",
                {"单位", "扣分项", "扣分", "统一编号", "标题", "说明", "事件来源", "事件序号",
                 "事件编号", "事件类型", "发生时间"},
                {}};
  for (const auto& s : ranking->scores()) {
    std::vector<Cell> row = {Cell::Number(s.rank()), Cell::Text(s.unit_display_name()),
                             Cell::Number(s.base())};
    for (auto kind : kinds) {
      double points = 0;
      for (const auto& g : s.groups()) points += g.kind() == kind ? g.points() : 0;
      row.push_back(Cell::Number(points));
    }
    row.push_back(Cell::Number(s.deducted()));
    row.push_back(Cell::Number(s.score()));
    scores.rows.push_back(std::move(row));
    if (request.format() != v1::EXPORT_FORMAT_XLSX) continue;
    v1::GetUnitScoreRequest get;
    get.set_unit(s.unit());
    get.set_year(request.year());
    auto report = scores_.GetUnitScore(caller, get);
    if (!report.ok()) return report.status();
    for (const auto& g : report->groups()) {
      for (const auto& d : g.deductions()) {
        details.rows.push_back({Cell::Text(s.unit_display_name()), Cell::Text(g.label()),
                                Cell::Number(d.points()), Cell::Text(d.number_label()),
                                Cell::Text(d.title()), Cell::Text(d.detail()),
                                Cell::Text(d.event().source()),
                                Cell::Number(static_cast<double>(d.event().sequence())),
                                Cell::Text(d.event().event_id()), Cell::Text(d.event().type()),
                                Cell::Text(FormatTime(d.event().occur_time()))});
      }
    }
    if (auto st = CheckRows(scores.rows.size() + details.rows.size()); !st.ok()) return st;
  }
  if (auto st = CheckRows(scores.rows.size()); !st.ok()) return st;
  return Body({scores, details}, request.format(), absl::StrCat("单位得分-", request.year()));
}

}  // namespace huiyin::supervision

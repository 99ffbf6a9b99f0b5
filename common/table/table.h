// A table of text, numbers and percentages written as CSV or as an Excel workbook — the two
// forms in which records leave the system for offices (supervision's exports) and the public
// (disclosure's open data).
//
//   Sheet sheet{"台账", {"统一编号", "标题"}, {}};
//   sheet.rows.push_back({Cell::Text("建议第15号"), Cell::Text("关于\"菜篮子\"工程，的建议")});
//   std::string csv = ToCsv(sheet);            // UTF-8 BOM, RFC 4180, CRLF
//   auto xlsx = ToXlsx({sheet});               // libxlsxwriter, through a temporary file
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace huiyin {

struct Cell {
  enum class Kind { kText, kNumber, kPercent };  // percent: a number 0..1 shown as 75.00%
  Kind kind = Kind::kText;
  std::string text;
  double number = 0;

  static Cell Text(std::string text) { return {Kind::kText, std::move(text), 0}; }
  static Cell Number(double n) { return {Kind::kNumber, "", n}; }
  static Cell Percent(double n) { return {Kind::kPercent, "", n}; }
};

struct Sheet {
  std::string name;  // the worksheet's name (at most 31 characters, none of []:*?/\)
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
};

// UTF-8 with a byte order mark (so Excel reads the Chinese), every line ending in CRLF, a field
// quoted when it holds a comma, a quote, CR or LF, quotes doubled (RFC 4180). A text cell that
// begins with = + - @ gets a leading apostrophe so that Excel does not run it as a formula.
std::string ToCsv(const Sheet& sheet);

// An .xlsx workbook with one worksheet per sheet: bold frozen headers, text written as text,
// percentages formatted 0.00%. INTERNAL if libxlsxwriter fails (e.g. no temporary directory).
absl::StatusOr<std::string> ToXlsx(const std::vector<Sheet>& sheets);

}  // namespace huiyin

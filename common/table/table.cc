#include "common/table/table.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "xlsxwriter.h"

namespace huiyin {
namespace {

std::string CsvText(const std::string& text) {
  std::string value = text;
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(0, "'");
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvCell(const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kNumber:
      return absl::StrCat(cell.number);
    case Cell::Kind::kPercent:
      return absl::StrFormat("%.2f%%", cell.number * 100);
    case Cell::Kind::kText:
      break;
  }
  return CsvText(cell.text);
}

void CsvLine(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += fields[i];
  }
  out += "\r\n";
}

// A temporary file's name, removed when it goes.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "huiyin-export-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

absl::Status WriteSheet(lxw_workbook* book, const Sheet& sheet, lxw_format* header,
                        lxw_format* percent) {
  lxw_worksheet* ws = workbook_add_worksheet(book, sheet.name.c_str());
  if (ws == nullptr) return absl::InternalError(absl::StrCat("bad worksheet name ", sheet.name));
  for (size_t c = 0; c < sheet.headers.size(); ++c) {
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.headers[c].c_str(), header);
    // Chinese characters are about two columns wide.
    size_t widest = sheet.headers[c].size() / 3 * 2 + 2;
    for (const auto& row : sheet.rows) {
      if (c < row.size() && row[c].kind == Cell::Kind::kText) {
        widest = std::max(widest, row[c].text.size() / 3 * 2 + 2);
      }
    }
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         static_cast<double>(std::min<size_t>(widest, 60)), nullptr);
  }
  worksheet_freeze_panes(ws, 1, 0);
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto row_index = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
      const Cell& cell = sheet.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      lxw_error e = LXW_NO_ERROR;
      if (cell.kind == Cell::Kind::kText) {
        if (!cell.text.empty())
          e = worksheet_write_string(ws, row_index, col, cell.text.c_str(), nullptr);
      } else {
        e = worksheet_write_number(ws, row_index, col, cell.number,
                                   cell.kind == Cell::Kind::kPercent ? percent : nullptr);
      }
      if (e != LXW_NO_ERROR) {
        return absl::InternalError(absl::StrCat("xlsx cell: ", lxw_strerror(e)));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string ToCsv(const Sheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  std::vector<std::string> fields;
  for (const auto& h : sheet.headers) fields.push_back(CsvText(h));
  CsvLine(out, fields);
  for (const auto& row : sheet.rows) {
    fields.clear();
    for (const auto& cell : row) fields.push_back(CsvCell(cell));
    CsvLine(out, fields);
  }
  return out;
}

absl::StatusOr<std::string> ToXlsx(const std::vector<Sheet>& sheets) {
  // libxlsxwriter 1.1.4 (Debian 12) writes only to a file.
  TempFile file;
  if (file.path().empty()) return absl::InternalError("cannot create a temporary file");
  lxw_workbook* book = workbook_new(file.path().c_str());
  if (book == nullptr) return absl::InternalError("cannot start a workbook");
  lxw_format* header = workbook_add_format(book);
  format_set_bold(header);
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.00%");
  absl::Status written = absl::OkStatus();
  for (const auto& sheet : sheets) {
    written = WriteSheet(book, sheet, header, percent);
    if (!written.ok()) break;
  }
  const lxw_error closed = workbook_close(book);  // frees the workbook in every case
  if (!written.ok()) return written;
  if (closed != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(closed)));
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) return absl::InternalError("cannot read the workbook back");
  return bytes.str();
}

}  // namespace huiyin

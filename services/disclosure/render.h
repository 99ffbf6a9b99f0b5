// The public formats of published records, pure: HTML pages (list with a plain GET search form,
// detail), the Atom feed and CSV open data. Every text is escaped for where it goes.
//
//   std::string html = RenderListHtml(site, form, records, message, next_page_token);
//
// The pages are plain HTML with a small inline stylesheet: no script, no external resource,
// readable on a phone (viewport meta, one column), accessible (lang="zh-CN", landmarks, labels on
// every form field, a table caption). Links between them are relative, so they work behind any
// prefix a government website proxies them under.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"

namespace huiyin::disclosure {

struct Site {
  std::string title;     // e.g. "建议提案办理结果公开"
  std::string base_url;  // e.g. "https://www.example.gov.cn" (Atom links are absolute)
};

std::string HtmlEscape(std::string_view text);
// Escaped, with line breaks kept as <br>.
std::string HtmlText(std::string_view text);

std::string RenderListHtml(const Site& site, const v1::RenderListPageRequest& form,
                           const std::vector<v1::Disclosure>& records, const std::string& message,
                           const std::string& next_page_token);
std::string RenderDetailHtml(const Site& site, const v1::Disclosure& record);
// RFC 4287; `updated`: the newest change among the entries.
std::string RenderAtom(const Site& site, const std::vector<v1::Disclosure>& records,
                       absl::Time updated);
// RFC 4180 with a UTF-8 byte order mark; one row per record (answers joined).
std::string RenderCsv(const std::vector<v1::Disclosure>& records);

}  // namespace huiyin::disclosure

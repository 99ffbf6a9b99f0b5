#include "services/disclosure/render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/table/table.h"
#include "common/text/label.h"
#include "services/disclosure/rules.h"

namespace huiyin::disclosure {
namespace {

constexpr char kStyle[] =
    "body{font-family:system-ui,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0;"
    "line-height:1.7;color:#1a1a1a;background:#fff}"
    "header,main,footer{max-width:52rem;margin:0 auto;padding:0 1rem}"
    "header{border-bottom:3px solid #b40000}h1{font-size:1.4rem;color:#b40000}"
    "h2{font-size:1.15rem}a{color:#0b4f9c}"
    "form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:1rem 0}"
    "label{display:flex;flex-direction:column;font-size:.9rem}"
    "input,select,button{font-size:1rem;padding:.3rem}"
    "ol.records{list-style:none;padding:0}ol.records li{border-bottom:1px solid #ddd;"
    "padding:.6rem 0}.meta{color:#555;font-size:.9rem}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem;"
    "text-align:left;vertical-align:top}"
    ".answer{background:#f7f7f2;padding:.8rem;border-left:4px solid #b40000}";

std::string Page(const Site& site, const std::string& title, const std::string& body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>",
      HtmlEscape(title), "</title><style>", kStyle, "</style></head><body>\n<header><p>",
      HtmlEscape(site.title), "</p></header>\n<main>\n", body,
      "</main>\n<footer><p class=\"meta\">公开内容已隐去个人联系方式、身份证号码等个人信息。"
      "</p></footer>\n</body></html>\n");
}

std::string Selected(bool on) { return on ? " selected" : ""; }

std::string Option(const std::string& value, const std::string& label, const std::string& now) {
  return absl::StrCat("<option value=\"", HtmlEscape(value), "\"", Selected(value == now), ">",
                      HtmlEscape(label), "</option>");
}

std::string UnitNames(const v1::Disclosure& d) {
  std::vector<std::string> names;
  for (const auto& u : d.units()) {
    names.push_back(absl::StrCat(u.display_name(), "（", Label(u.role()), "）"));
  }
  return absl::StrJoin(names, "、");
}

std::string ProposerNames(const v1::Disclosure& d) {
  std::vector<std::string> names;
  for (const auto& p : d.proposers()) names.push_back(p.name());
  return absl::StrJoin(names, "、");
}

std::string Id(const v1::Disclosure& d) { return d.name().substr(d.name().find('/') + 1); }

std::string XmlTime(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HtmlText(std::string_view text) {
  std::string escaped = HtmlEscape(text);
  std::string out;
  for (char c : escaped) {
    if (c == '\n') {
      out += "<br>\n";
    } else if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

std::string RenderListHtml(const Site& site, const v1::RenderListPageRequest& form,
                           const std::vector<v1::Disclosure>& records, const std::string& message,
                           const std::string& next_page_token) {
  std::string body = absl::StrCat("<h1>", HtmlEscape(site.title), "</h1>\n");
  absl::StrAppend(
      &body, "<form method=\"get\" action=\"\" role=\"search\">",
      "<label for=\"q\">关键词<input id=\"q\" name=\"q\" type=\"search\" value=\"",
      HtmlEscape(form.q()), "\" placeholder=\"如：物业、停车难\"></label>",
      "<label for=\"year\">年度<input id=\"year\" name=\"year\" inputmode=\"numeric\" "
      "size=\"6\" value=\"",
      HtmlEscape(form.year()), "\"></label>",
      "<label for=\"kind\">类别<select id=\"kind\" name=\"kind\">", Option("", "全部", form.kind()),
      Option("SUGGESTION", "人大代表建议", form.kind()),
      Option("PROPOSAL", "政协委员提案", form.kind()), "</select></label>",
      "<label for=\"answer_class\">答复类别<select id=\"answer_class\" name=\"answer_class\">",
      Option("", "全部", form.answer_class()), Option("A", "A类", form.answer_class()),
      Option("B", "B类", form.answer_class()), Option("C", "C类", form.answer_class()),
      "</select></label>", "<button type=\"submit\">检索</button></form>\n");
  if (!message.empty()) {
    absl::StrAppend(&body, "<p role=\"status\">", HtmlEscape(message), "</p>\n");
  }
  if (records.empty()) {
    absl::StrAppend(&body, "<p role=\"status\">没有找到符合条件的公开内容。</p>\n");
  }
  absl::StrAppend(&body, "<ol class=\"records\">\n");
  for (const auto& d : records) {
    const v1::PublicAnswer* answer = NewestAnswer(d);
    absl::StrAppend(&body, "<li><a href=\"disclosures/", HtmlEscape(UrlEncode(Id(d))), "\">",
                    HtmlEscape(d.title()), "</a><div class=\"meta\">",
                    HtmlEscape(absl::StrCat(d.year(), "年 · ", Label(d.kind()), " ",
                                            d.number_label(), " · ", UnitNames(d))));
    if (answer != nullptr) {
      absl::StrAppend(&body, HtmlEscape(absl::StrCat(" · 答复日期 ", answer->answer_date(), " · ",
                                                     Label(answer->answer_class()))));
    }
    absl::StrAppend(&body, "</div></li>\n");
  }
  absl::StrAppend(&body, "</ol>\n");
  if (!next_page_token.empty()) {
    absl::StrAppend(&body, "<p><a rel=\"next\" href=\"?q=", UrlEncode(form.q()),
                    "&amp;year=", UrlEncode(form.year()), "&amp;kind=", UrlEncode(form.kind()),
                    "&amp;answer_class=", UrlEncode(form.answer_class()),
                    "&amp;page_token=", UrlEncode(next_page_token), "\">下一页</a></p>\n");
  }
  return Page(site, site.title, body);
}

std::string RenderDetailHtml(const Site& site, const v1::Disclosure& d) {
  std::string body = absl::StrCat("<p><a href=\"../disclosures\">返回列表</a></p>\n<article>\n<h1>",
                                  HtmlEscape(d.title()), "</h1>\n");
  absl::StrAppend(&body, "<table><caption>基本信息</caption>");
  auto row = [&](const std::string& label, const std::string& value) {
    absl::StrAppend(&body, "<tr><th scope=\"row\">", HtmlEscape(label), "</th><td>",
                    HtmlEscape(value), "</td></tr>");
  };
  row("编号", absl::StrCat(Label(d.kind()), " ", d.number_label()));
  row("会次", d.session());
  row("领域", d.category());
  row("提出人", ProposerNames(d));
  for (const auto& u : d.units()) {
    row(absl::StrCat("承办单位（", Label(u.role()), "）"),
        absl::StrCat(u.display_name(), u.part().empty() ? "" : "：" + u.part(),
                     u.head_name().empty() ? "" : "，负责人 " + u.head_name(),
                     u.deadline().empty() ? "" : "，办理时限 " + u.deadline()));
  }
  absl::StrAppend(&body, "</table>\n<section><h2>原文</h2><p>", HtmlText(d.body()),
                  "</p></section>\n");
  for (const auto& a : d.answers()) {
    absl::StrAppend(
        &body, "<section class=\"answer\"><h2>",
        HtmlEscape(absl::StrCat(a.unit_display_name(), " 答复", a.round() > 1 ? "（二次办理）" : "",
                                a.superseded() ? "（已被后续答复替代）" : "")),
        "</h2><p class=\"meta\">",
        HtmlEscape(absl::StrCat("答复日期 ", a.answer_date(), " · ", Label(a.answer_class()),
                                " · 代表委员评价：", Label(a.rating()))),
        "</p><p>", HtmlText(a.text()), "</p>");
    if (!a.explanation().empty()) {
      absl::StrAppend(&body, "<p>说明：", HtmlText(a.explanation()), "</p>");
    }
    absl::StrAppend(&body, "</section>\n");
  }
  if (d.history_size() > 1) {
    absl::StrAppend(&body, "<section><h2>公开记录</h2><ul>");
    for (const auto& h : d.history()) {
      absl::StrAppend(&body, "<li>",
                      HtmlEscape(absl::StrCat(
                          "第", h.version(), "版 ",
                          absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(h.time().seconds()),
                                           absl::FixedTimeZone(8 * 3600)),
                          " ", h.note())),
                      "</li>");
    }
    absl::StrAppend(&body, "</ul></section>\n");
  }
  absl::StrAppend(&body, "</article>\n");
  return Page(site, d.title(), body);
}

std::string RenderAtom(const Site& site, const std::vector<v1::Disclosure>& records,
                       absl::Time updated) {
  const std::string feed_url = site.base_url + "/v1/public/feeds/disclosures.atom";
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xml:lang=\"zh-CN\">\n<title>",
      HtmlEscape(site.title), "</title>\n<id>", HtmlEscape(feed_url),
      "</id>\n<link rel=\"self\" href=\"", HtmlEscape(feed_url),
      "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"",
      HtmlEscape(site.base_url + "/v1/public/pages/disclosures"), "\"/>\n<updated>",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", updated, absl::UTCTimeZone()), "</updated>\n");
  for (const auto& d : records) {
    const v1::PublicAnswer* answer = NewestAnswer(d);
    const std::string page = site.base_url + "/v1/public/pages/" + d.name();
    absl::StrAppend(
        &out, "<entry>\n<title>", HtmlEscape(d.title()), "</title>\n<id>",
        HtmlEscape(absl::StrCat(page, "#v", d.version())), "</id>\n<link href=\"", HtmlEscape(page),
        "\"/>\n<updated>", XmlTime(d.update_time()), "</updated>\n<published>",
        XmlTime(d.first_publish_time()), "</published>\n<author><name>", HtmlEscape(UnitNames(d)),
        "</name></author>\n<summary type=\"text\">",
        HtmlEscape(absl::StrCat(Label(d.kind()), " ", d.number_label(), " ",
                                answer == nullptr ? "" : Label(answer->answer_class()), " ",
                                answer == nullptr ? "" : answer->answer_date())),
        "</summary>\n<content type=\"text\">", HtmlEscape(answer == nullptr ? "" : answer->text()),
        "</content>\n</entry>\n");
  }
  absl::StrAppend(&out, "</feed>\n");
  return out;
}

std::string RenderCsv(const std::vector<v1::Disclosure>& records) {
  Sheet sheet{"公开", {"编号", "类别", "年度", "会次", "标题", "领域", "提出人", "承办单位",
                       "负责人", "办理时限", "答复类别", "答复日期", "满意度", "答复内容", "链接"},
              {}};
  for (const auto& d : records) {
    std::vector<std::string> heads, deadlines;
    for (const auto& u : d.units()) {
      if (!u.head_name().empty()) heads.push_back(u.head_name());
      if (!u.deadline().empty()) deadlines.push_back(u.deadline());
    }
    std::vector<std::string> classes, dates, ratings, texts;
    for (const auto& a : d.answers()) {
      classes.push_back(Label(a.answer_class()));
      dates.push_back(a.answer_date());
      ratings.push_back(Label(a.rating()));
      texts.push_back(a.text());
    }
    auto& row = sheet.rows.emplace_back();
    for (std::string field : {d.number_label(), Label(d.kind()), absl::StrCat(d.year()),
                              d.session(), d.title(), d.category(), ProposerNames(d),
                              UnitNames(d), absl::StrJoin(heads, "、"),
                              absl::StrJoin(deadlines, "、"), absl::StrJoin(classes, "；"),
                              absl::StrJoin(dates, "；"), absl::StrJoin(ratings, "；"),
                              absl::StrJoin(texts, "\n——\n"), d.name()}) {
      row.push_back(Cell::Text(std::move(field)));
    }
  }
  return ToCsv(sheet);
}

}  // namespace huiyin::disclosure

#include "services/disclosure/rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/validation/field_checks.h"
#include "services/disclosure/redaction.h"

namespace huiyin::disclosure {
namespace {

using common::v1::Caller;
using workflow::v1::Task;

constexpr char kNamePrefix[] = "disclosures/";

bool IsIssued(const workflow::v1::Answer& a) {
  return a.state() == workflow::v1::ANSWER_STATE_ISSUED ||
         a.state() == workflow::v1::ANSWER_STATE_SUPERSEDED;
}

bool Answers(const Task& t) {
  return t.role() != assignment::v1::UNIT_ROLE_CO &&
         t.state() != workflow::v1::TASK_STATE_CANCELLED;
}

v1::RedactionKind KindOf(MaskKind k) {
  switch (k) {
    case MaskKind::kMobilePhone:
      return v1::REDACTION_KIND_MOBILE_PHONE;
    case MaskKind::kLandline:
      return v1::REDACTION_KIND_LANDLINE;
    case MaskKind::kResidentId:
      return v1::REDACTION_KIND_RESIDENT_ID;
    case MaskKind::kEmail:
      return v1::REDACTION_KIND_EMAIL;
    case MaskKind::kBankCard:
      return v1::REDACTION_KIND_BANK_CARD;
    case MaskKind::kMarked:
      return v1::REDACTION_KIND_MARKED;
  }
  return v1::REDACTION_KIND_UNSPECIFIED;
}

}  // namespace

bool IsReviewer(const Caller& caller) {
  return caller.role() == common::v1::ROLE_GOVERNMENT_OFFICE ||
         caller.role() == common::v1::ROLE_CONGRESS_OFFICE ||
         caller.role() == common::v1::ROLE_CPPCC_OFFICE;
}

bool IsOfficeReader(const Caller& caller) {
  return IsReviewer(caller) || caller.role() == common::v1::ROLE_SUPERVISION_OFFICE;
}

absl::Status CheckReviewerOf(const Caller& caller, intake::v1::ItemKind kind) {
  if (caller.role() == common::v1::ROLE_GOVERNMENT_OFFICE) return absl::OkStatus();
  if (caller.role() == common::v1::ROLE_CONGRESS_OFFICE &&
      kind == intake::v1::ITEM_KIND_SUGGESTION) {
    return absl::OkStatus();
  }
  if (caller.role() == common::v1::ROLE_CPPCC_OFFICE && kind == intake::v1::ITEM_KIND_PROPOSAL) {
    return absl::OkStatus();
  }
  return PermissionDenied(
      "the government office reviews every record, the congress office suggestions and the "
      "CPPCC office proposals");
}

std::string ItemOfName(const std::string& name) {
  if (!absl::StartsWith(name, kNamePrefix)) return "";
  const std::string id = name.substr(sizeof(kNamePrefix) - 1);
  if (id.empty() || id.size() > 64 || id.find('/') != std::string::npos) return "";
  return "items/" + id;
}

std::string NameOfItem(const std::string& item) {
  return kNamePrefix + item.substr(item.find('/') + 1);
}

std::string ChinaDate(const google::protobuf::Timestamp& t) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), ChinaTimeZone()));
}

std::optional<v1::Disclosure> PrepareRecord(const std::optional<intake::v1::Item>& item,
                                            const std::vector<Task>& tasks) {
  v1::Disclosure d;
  struct Issued {
    google::protobuf::Timestamp time;
    v1::PublicAnswer answer;
  };
  std::vector<Issued> issued;
  for (const Task& t : tasks) {
    if (t.state() == workflow::v1::TASK_STATE_CANCELLED) continue;
    if (d.item().empty()) {
      const auto& s = t.item();
      d.set_item(s.item());
      d.set_kind(s.kind());
      d.set_session(s.session());
      d.set_year(s.year());
      d.set_number_label(s.number_label());
      d.set_title(s.title());
      d.set_category(s.category());
    }
    auto* u = d.add_units();
    u->set_unit(t.unit());
    u->set_display_name(t.unit_display_name());
    u->set_role(t.role());
    u->set_part(t.part());
    u->set_head_name(t.responsible().head_name());
    u->set_deadline(t.deadline());
    if (!Answers(t)) continue;
    for (const auto& a : t.answers()) {
      if (!IsIssued(a)) continue;
      Issued i;
      i.time = a.issue_time();
      auto& p = i.answer;
      p.set_answer(a.name());
      p.set_unit(t.unit());
      p.set_unit_display_name(t.unit_display_name());
      p.set_round(a.round());
      p.set_answer_class(a.answer_class());
      p.set_text(a.text());
      p.set_explanation(a.explanation());
      p.set_answer_date(ChinaDate(a.issue_time()));
      p.set_rating(a.evaluation().rating());
      p.set_superseded(a.state() == workflow::v1::ANSWER_STATE_SUPERSEDED);
      issued.push_back(std::move(i));
    }
  }
  if (issued.empty()) return std::nullopt;
  std::stable_sort(issued.begin(), issued.end(), [](const Issued& a, const Issued& b) {
    return a.time.seconds() < b.time.seconds();
  });
  for (auto& i : issued) *d.add_answers() = std::move(i.answer);
  if (item.has_value()) {
    d.set_item(item->name());
    d.set_kind(item->kind());
    d.set_session(item->session());
    d.set_year(item->year());
    if (!item->number_label().empty()) d.set_number_label(item->number_label());
    d.set_title(item->title());
    d.set_body(item->body());
    d.set_category(item->category());
    auto add = [&](const intake::v1::Proposer& p, bool lead) {
      auto* out = d.add_proposers();
      out->set_name(p.name());
      out->set_group(p.group());
      out->set_lead(lead);
    };
    add(item->lead_proposer(), true);
    for (const auto& p : item->co_proposers()) add(p, false);
  }
  d.set_name(NameOfItem(d.item()));
  return d;
}

const v1::PublicAnswer* NewestAnswer(const v1::Disclosure& d) {
  if (d.answers().empty()) return nullptr;
  return &d.answers(d.answers_size() - 1);
}

PublicView MakePublicView(const v1::Disclosure& prepared, const TextOverrides& overrides,
                          const std::vector<v1::Marking>& markings) {
  PublicView view;
  v1::Disclosure& c = view.content;
  c = prepared;
  c.clear_redactions();
  c.clear_markings();
  c.clear_changes_pending();
  c.clear_overdue();
  c.clear_etag();
  if (!overrides.title.empty()) c.set_title(overrides.title);
  if (!overrides.body.empty()) c.set_body(overrides.body);
  auto passages = [&](absl::string_view field) {
    std::vector<std::string> out;
    for (const auto& m : markings) {
      if (m.field().empty() || m.field() == field) out.push_back(m.text());
    }
    return out;
  };
  auto redact = [&](std::string* text, const std::string& field, absl::string_view group) {
    RedactionResult r = Redact(*text, passages(group));
    for (auto& m : r.masked) {
      auto* out = &view.redactions.emplace_back();
      out->set_kind(KindOf(m.kind));
      out->set_field(field);
      out->set_start(m.start);
      out->set_length(m.length);
      out->set_original(std::move(m.original));
      out->set_replacement(std::move(m.replacement));
    }
    *text = std::move(r.text);
  };
  redact(c.mutable_title(), "title", "title");
  redact(c.mutable_body(), "body", "body");
  for (int i = 0; i < c.answers_size(); ++i) {
    redact(c.mutable_answers(i)->mutable_text(), absl::StrCat("answers/", i, "/text"), "answers");
    redact(c.mutable_answers(i)->mutable_explanation(), absl::StrCat("answers/", i, "/explanation"),
           "answers");
  }
  for (auto& p : *c.mutable_proposers()) {
    redact(p.mutable_name(), "proposers", "proposers");
  }
  return view;
}

void CheckMarkings(FieldViolations& v, const std::string& field,
                   const google::protobuf::RepeatedPtrField<v1::Marking>& markings) {
  if (markings.size() > 200) v.Add(field, "at most 200 passages");
  for (int i = 0; i < markings.size(); ++i) {
    const auto& m = markings[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (!m.field().empty() && m.field() != "title" && m.field() != "body" &&
        m.field() != "answers") {
      v.Add(at + ".field", "must be empty, \"title\", \"body\" or \"answers\"");
    }
    CheckText(v, at + ".text", m.text(), 1, 500, true);
    CheckText(v, at + ".note", m.note(), 0, 500, true);
  }
}

}  // namespace huiyin::disclosure

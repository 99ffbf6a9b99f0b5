// Disclosure's core: records prepared from the feeds of intake and workflow, published (at once
// or after an office's review) redacted, within the configured working days of the answer;
// withheld with a reason, corrected or retracted with their history kept; read by the public as
// JSON, HTML pages, an Atom feed and CSV. Every publication writes its event (the outbox) and, for
// a CPPCC proposal, its webhook delivery in the same transaction.
//
//   DisclosureCore core(db, clock, ids, calendar, normalizer, DisclosureOptions{});
//   EventConsumer workflow(options, db, clock, [&](SQLite::Database& tx, const Event& e) {
//     return core.ApplyWorkflowEvent(tx, e);
//   });
//   auto page = core.ListPublicDisclosures(public_caller, request);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "SQLiteCpp/Database.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/calendar/working_day_calendar.h"
#include "common/events/outbox.h"
#include "common/store/database.h"
#include "common/text/normalize.h"
#include "huiyin/common/v1/http_body.pb.h"
#include "huiyin/common/v1/identity.pb.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"
#include "huiyin/events/v1/events.pb.h"
#include "services/disclosure/render.h"
#include "services/disclosure/store.h"

namespace huiyin::disclosure {

inline constexpr char kServicePrincipal[] = "systems/huiyin-disclosure";

struct DisclosureOptions {
  // An answer must be public within this many working days after its issue date.
  int disclosure_working_days = 20;
  // Prepared records wait for an office instead of being published at once.
  bool review_before_publish = false;
  Site site{"建议提案办理结果公开", "http://127.0.0.1:8080"};
  // Cache-Control of the public pages, feed and open data; empty: the gateway's default for
  // anonymous reads (gateway.public_cache_seconds).
  std::string public_cache_control;
};

class DisclosureCore {
 public:
  DisclosureCore(Database& db, const Clock& clock, IdGenerator& ids,
                 const WorkingDayCalendar& calendar, const text::TextNormalizer& normalizer,
                 DisclosureOptions options);

  // Event appliers (the EventConsumers' Apply); unknown payload types are skipped.
  absl::Status ApplyIntakeEvent(SQLite::Database& tx, const events::v1::Event& event);
  absl::Status ApplyWorkflowEvent(SQLite::Database& tx, const events::v1::Event& event);
  // Emits DisclosureOverdue once for each answer not public by its due date; returns how many.
  absl::StatusOr<int> SweepOverdue();

  // Offices.
  absl::StatusOr<v1::Disclosure> GetDisclosure(const common::v1::Caller& caller,
                                               const v1::GetDisclosureRequest& request) const;
  absl::StatusOr<v1::ListDisclosuresResponse> ListDisclosures(
      const common::v1::Caller& caller, const v1::ListDisclosuresRequest& request) const;
  absl::StatusOr<v1::Disclosure> MarkRedactions(const common::v1::Caller& caller,
                                                const v1::MarkRedactionsRequest& request);
  absl::StatusOr<v1::Disclosure> PublishDisclosure(const common::v1::Caller& caller,
                                                   const v1::PublishDisclosureRequest& request);
  absl::StatusOr<v1::Disclosure> WithholdDisclosure(const common::v1::Caller& caller,
                                                    const v1::WithholdDisclosureRequest& request);
  absl::StatusOr<v1::Disclosure> CorrectDisclosure(const common::v1::Caller& caller,
                                                   const v1::CorrectDisclosureRequest& request);
  absl::StatusOr<v1::Disclosure> RetractDisclosure(const common::v1::Caller& caller,
                                                   const v1::RetractDisclosureRequest& request);
  absl::StatusOr<v1::ListDisclosureVersionsResponse> ListDisclosureVersions(
      const common::v1::Caller& caller, const v1::ListDisclosureVersionsRequest& request) const;

  // The public (any caller).
  absl::StatusOr<v1::ListPublicDisclosuresResponse> ListPublicDisclosures(
      const common::v1::Caller& caller, const v1::ListPublicDisclosuresRequest& request) const;
  absl::StatusOr<v1::Disclosure> GetPublicDisclosure(
      const common::v1::Caller& caller, const v1::GetPublicDisclosureRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> RenderListPage(
      const common::v1::Caller& caller, const v1::RenderListPageRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> RenderDetailPage(
      const common::v1::Caller& caller, const v1::RenderDetailPageRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> RenderFeed(const common::v1::Caller& caller,
                                                  const v1::RenderFeedRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> ExportOpenData(
      const common::v1::Caller& caller, const v1::ExportOpenDataRequest& request) const;

  // For metrics: records by state, withheld by reason, overdue now, deliveries not acknowledged.
  struct Counts {
    std::map<int, int64_t> by_state;
    std::map<int, int64_t> withheld_by_reason;
    int64_t overdue = 0;
    int64_t undelivered = 0;
  };
  absl::StatusOr<Counts> CountsNow() const;

 private:
  enum class Cause { kAnswer, kRating, kItem };
  absl::Status Refresh(SQLite::Database& tx, const std::string& item, Cause cause);
  // Makes the record's current content public as a new version (kind: PUBLISHED, UPDATED,
  // CORRECTED), with its event and, for a proposal, its webhook delivery.
  absl::Status Publish(SQLite::Database& tx, StoredRecord& r, const common::v1::Caller& actor,
                       const std::string& kind, const std::string& note);
  // Takes a public record off the public side (WITHHELD, RETRACTED), keeping its history.
  void Unpublish(SQLite::Database& tx, StoredRecord& r, const common::v1::Caller& actor,
                 const std::string& kind, const std::string& note);
  absl::Status Emit(SQLite::Database& tx, const std::string& subject,
                    const common::v1::Caller& actor, const std::string& reason,
                    const google::protobuf::Message& payload);
  void Deliver(SQLite::Database& tx, const StoredRecord& r, const std::string& event_type,
               const std::string& note);
  v1::Disclosure OfficeView(const StoredRecord& r) const;
  std::string DueDate(const std::string& issue_date) const;
  // Loads a record for a review method: permission by kind, etag, then `change`.
  absl::StatusOr<v1::Disclosure> Review(
      const common::v1::Caller& caller, const std::string& name, const std::string& etag,
      const std::function<absl::Status(SQLite::Database&, StoredRecord&)>& change);
  absl::StatusOr<std::vector<v1::Disclosure>> PublicPage(
      const v1::ListPublicDisclosuresRequest& request, std::string* next_page_token) const;
  common::v1::HttpBody Body(std::string content_type, std::string data, absl::Time modified,
                            std::string filename = "") const;

  Database& db_;
  const Clock& clock_;
  IdGenerator& ids_;
  const WorkingDayCalendar& calendar_;
  const text::TextNormalizer& normalizer_;
  DisclosureOptions options_;
  Outbox outbox_{"disclosure"};
};

}  // namespace huiyin::disclosure

// An event as a source's feed delivers it to a consumer — source, subject, time, actor and the
// fact — for tests and benches that drive a consumer's appliers directly (no sequence or hash:
// appliers do not read them). Header only, without GoogleTest, so benches can use it too.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/store/database.h"
#include "huiyin/common/v1/identity.pb.h"
#include "huiyin/events/v1/events.pb.h"

namespace huiyin {

template <typename Payload>
events::v1::Event FeedEvent(const std::string& source, const std::string& subject,
                            const Payload& payload, absl::Time when,
                            const common::v1::Caller& actor) {
  events::v1::Event e;
  e.set_source(source);
  e.set_subject(subject);
  e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(when));
  *e.mutable_actor() = actor;
  e.mutable_payload()->PackFrom(payload);
  return e;
}

// Applies `page` in one write transaction, each event through `core`'s applier for its source
// (ApplyIntakeEvent, ApplyWorkflowEvent): what EventConsumer does with a page, for benches that
// build a large store through a service's own appliers. An event from any other source is refused.
template <typename Core>
absl::Status ApplyPageInOneTransaction(Database& db, Core& core,
                                       const std::vector<events::v1::Event>& page) {
  return db.Write([&](SQLite::Database& tx) -> absl::Status {
    for (const auto& e : page) {
      absl::Status applied = e.source() == "intake" ? core.ApplyIntakeEvent(tx, e)
                             : e.source() == "workflow"
                                 ? core.ApplyWorkflowEvent(tx, e)
                                 : absl::InvalidArgumentError("no applier for " + e.source());
      if (!applied.ok()) return applied;
    }
    return absl::OkStatus();
  });
}

}  // namespace huiyin

// An event as a source's feed delivers it to a consumer — source, subject, time, actor and the
// fact — for tests and benches that drive a consumer's appliers directly (no sequence or hash:
// appliers do not read them). Header only, without GoogleTest, so benches can use it too.
#pragma once

#include <string>

#include "absl/time/time.h"
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

}  // namespace huiyin

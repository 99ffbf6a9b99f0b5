// The transactional outbox and the reading side of a service's event feed.
//
// Inside a Database::Write operation, next to the state change it describes:
//   Outbox outbox("intake");
//   auto event = outbox.Append(tx, {.subject = "items/ab12", .actor = caller, .time = now,
//                                   .reason = "", .payload = ItemAccepted{...}});
// Both commit together or not at all. Events are hash-chained: each stores sha256 of the previous
// hash and its own bytes, so an edited or deleted row breaks VerifyChain from there on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "huiyin/events/v1/events.pb.h"

namespace huiyin {

struct EventDraft {
  std::string subject;
  common::v1::Caller actor;
  absl::Time time;
  std::string reason;
  const google::protobuf::Message* payload = nullptr;
};

class Outbox {
 public:
  explicit Outbox(std::string source) : source_(std::move(source)) {}

  // Must run inside the writer's transaction (Database::Write). INTERNAL when the draft has no
  // actor (principal and role): every event says who made the change.
  absl::StatusOr<events::v1::Event> Append(SQLite::Database& tx, const EventDraft& draft) const;

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

// Events with sequence > after, oldest first, at most `limit`.
absl::StatusOr<std::vector<events::v1::Event>> ReadEventsAfter(SQLite::Database& conn,
                                                              int64_t after, int limit);
// The newest sequence, 0 when the feed is empty.
int64_t HeadSequence(SQLite::Database& conn);
// Recomputes the chain; returns the first sequence whose hash is wrong or that is missing, 0 if
// intact. (Rows deleted from the end leave no trace in the chain: compare the head with what
// consumers have read.)
absl::StatusOr<events::v1::VerifyChainResponse> VerifyEventChain(SQLite::Database& conn);

// The cursor a consumer keeps for a source feed (table event_cursors).
int64_t ReadCursor(SQLite::Database& conn, const std::string& source);
void WriteCursor(SQLite::Database& tx, const std::string& source, int64_t sequence, absl::Time now);

}  // namespace huiyin

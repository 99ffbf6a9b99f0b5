#include "common/events/outbox.h"

#include <openssl/evp.h>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/store/statement_cache.h"
#include "google/protobuf/util/time_util.h"

namespace huiyin {
namespace {

std::string ChainHash(const std::string& previous_hash, const std::string& event_bytes) {
  std::string input = previous_hash + event_bytes;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

absl::StatusOr<events::v1::Event> Outbox::Append(SQLite::Database& tx,
                                                 const EventDraft& draft) const {
  int64_t last = 0;
  std::string previous_hash;
  auto head = Prepare(tx, "SELECT sequence, hash FROM event_outbox ORDER BY sequence DESC LIMIT 1");
  if (head->executeStep()) {
    last = head->getColumn(0).getInt64();
    previous_hash = head->getColumn(1).getString();
  }
  events::v1::Event event;
  event.set_sequence(last + 1);
  event.set_event_id(absl::StrCat(source_, "-", last + 1));
  event.set_source(source_);
  event.set_subject(draft.subject);
  *event.mutable_occur_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(draft.time));
  *event.mutable_actor() = draft.actor;
  event.set_reason(draft.reason);
  if (draft.payload != nullptr) event.mutable_payload()->PackFrom(*draft.payload);
  std::string bytes = event.SerializeAsString();
  std::string hash = ChainHash(previous_hash, bytes);

  auto insert = Prepare(tx,
                        "INSERT INTO event_outbox(sequence, event_id, type, subject, "
                        "occur_time_us, event, previous_hash, hash) VALUES (?,?,?,?,?,?,?,?)");
  insert->bind(1, static_cast<int64_t>(event.sequence()));
  insert->bind(2, event.event_id());
  insert->bind(3, event.payload().type_url());
  insert->bind(4, event.subject());
  insert->bind(5, static_cast<int64_t>(absl::ToUnixMicros(draft.time)));
  insert->bind(6, bytes.data(), static_cast<int>(bytes.size()));
  insert->bind(7, previous_hash);
  insert->bind(8, hash);
  insert->exec();
  event.set_previous_hash(previous_hash);
  event.set_hash(hash);
  return event;
}

absl::StatusOr<std::vector<events::v1::Event>> ReadEventsAfter(SQLite::Database& conn,
                                                               int64_t after, int limit) {
  std::vector<events::v1::Event> out;
  auto q = Prepare(conn,
                   "SELECT event, previous_hash, hash FROM event_outbox WHERE sequence > ? "
                   "ORDER BY sequence LIMIT ?");
  q->bind(1, static_cast<int64_t>(after));
  q->bind(2, limit);
  while (q->executeStep()) {
    events::v1::Event e;
    const auto& blob = q->getColumn(0);
    if (!e.ParseFromArray(blob.getBlob(), blob.getBytes())) {
      return absl::DataLossError(absl::StrCat("event after ", after, " does not parse"));
    }
    e.set_previous_hash(q->getColumn(1).getString());
    e.set_hash(q->getColumn(2).getString());
    out.push_back(std::move(e));
  }
  return out;
}

int64_t HeadSequence(SQLite::Database& conn) {
  return conn.execAndGet("SELECT coalesce(max(sequence), 0) FROM event_outbox").getInt64();
}

absl::StatusOr<events::v1::VerifyChainResponse> VerifyEventChain(SQLite::Database& conn) {
  events::v1::VerifyChainResponse out;
  auto q = Prepare(
      conn, "SELECT sequence, event, previous_hash, hash FROM event_outbox ORDER BY sequence");
  std::string previous;
  int64_t expected_sequence = 1;
  while (q->executeStep()) {
    int64_t sequence = q->getColumn(0).getInt64();
    const auto& blob = q->getColumn(1);
    std::string bytes(static_cast<const char*>(blob.getBlob()), blob.getBytes());
    bool ok = sequence == expected_sequence && q->getColumn(2).getString() == previous &&
              ChainHash(previous, bytes) == q->getColumn(3).getString();
    out.set_events_checked(out.events_checked() + 1);
    if (!ok) {
      out.set_first_broken_sequence(sequence);
      return out;
    }
    previous = q->getColumn(3).getString();
    ++expected_sequence;
  }
  return out;
}

int64_t ReadCursor(SQLite::Database& conn, const std::string& source) {
  auto q = Prepare(conn, "SELECT sequence FROM event_cursors WHERE source = ?");
  q->bind(1, source);
  return q->executeStep() ? q->getColumn(0).getInt64() : 0;
}

void WriteCursor(SQLite::Database& tx, const std::string& source, int64_t sequence,
                 absl::Time now) {
  auto q = Prepare(tx,
                   "INSERT INTO event_cursors(source, sequence, update_time_us) VALUES (?,?,?) "
                   "ON CONFLICT(source) DO UPDATE SET sequence = excluded.sequence, "
                   "update_time_us = excluded.update_time_us");
  q->bind(1, source);
  q->bind(2, static_cast<int64_t>(sequence));
  q->bind(3, static_cast<int64_t>(absl::ToUnixMicros(now)));
  q->exec();
}

}  // namespace huiyin

-- The transactional outbox: every state change writes its event here in the same transaction.
-- sequence is assigned as last+1 inside the single writer's transaction: commit order is sequence
-- order and there are no gaps, so a consumer's "last applied sequence" is a safe cursor.
CREATE TABLE event_outbox (
  sequence INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  occur_time_us INTEGER NOT NULL,
  event BLOB NOT NULL,          -- serialized huiyin.events.v1.Event without the two hashes
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL            -- sha256(previous_hash || event), hex
);
CREATE INDEX event_outbox_by_subject ON event_outbox(subject, sequence);

-- Where each consumer of another service's feed stands. Updated in the same transaction as the
-- effect of the events it applied: after a crash it resumes exactly after the last one applied.
CREATE TABLE event_cursors (
  source TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL
);

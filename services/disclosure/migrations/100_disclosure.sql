-- Disclosure's own tables. items and tasks: the copies of intake's items and workflow's tasks that
-- records are prepared from. records: one per answered item, the prepared (office) content and,
-- while public, the published redacted snapshot. record_versions: every public version and every
-- withholding or retraction (history is never overwritten). record_search: the Chinese full-text
-- index of public records only. deliveries: the webhook deliveries to the CPPCC online proposal
-- system, written in the same transaction as the publication they announce.
CREATE TABLE items (
  name TEXT PRIMARY KEY,          -- "items/{item}"
  data BLOB NOT NULL              -- huiyin.intake.v1.Item (contact details never leave this table)
);

CREATE TABLE tasks (
  name TEXT PRIMARY KEY,          -- "tasks/{task}"
  item TEXT NOT NULL,
  data BLOB NOT NULL              -- huiyin.workflow.v1.Task
);
CREATE INDEX tasks_by_item ON tasks(item);

CREATE TABLE records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,      -- "disclosures/{item}"
  item TEXT NOT NULL UNIQUE,
  state INTEGER NOT NULL,         -- huiyin.disclosure.v1.DisclosureState
  year INTEGER NOT NULL,
  session TEXT NOT NULL,
  kind INTEGER NOT NULL,
  category TEXT NOT NULL,
  units TEXT NOT NULL,            -- ",units/a,units/b,"
  answer_class INTEGER NOT NULL,  -- of the newest public answer
  revision INTEGER NOT NULL,      -- the etag
  awaiting INTEGER NOT NULL,      -- 1 while an issued answer is not public yet
  pending_answer TEXT NOT NULL,   -- that answer
  due_date TEXT NOT NULL,         -- when it must be public by ('' if unknown)
  overdue_answer TEXT NOT NULL DEFAULT '',  -- the answer a DisclosureOverdue was emitted for
  title_override TEXT NOT NULL DEFAULT '',  -- 更正: corrected texts
  body_override TEXT NOT NULL DEFAULT '',
  publish_seq INTEGER NOT NULL DEFAULT 0,   -- order of the latest public change (list, feed)
  data BLOB NOT NULL,             -- huiyin.disclosure.v1.Disclosure as prepared (office view)
  public BLOB                     -- huiyin.disclosure.v1.Disclosure as published; NULL if not public
);
CREATE INDEX records_public ON records(publish_seq) WHERE public IS NOT NULL;
CREATE INDEX records_awaiting ON records(due_date) WHERE awaiting = 1;

CREATE TABLE record_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record TEXT NOT NULL,
  version INTEGER NOT NULL,       -- the public version it made (or left) current
  kind TEXT NOT NULL,             -- PUBLISHED, UPDATED, CORRECTED, RETRACTED, WITHHELD
  note TEXT NOT NULL,
  actor TEXT NOT NULL,
  time INTEGER NOT NULL,          -- unix seconds
  data BLOB NOT NULL              -- huiyin.disclosure.v1.Disclosure, the public content then
);
CREATE INDEX record_versions_by_record ON record_versions(record, seq);

-- Normalised public texts (common/text); rowid = records.seq.
CREATE VIRTUAL TABLE record_search USING fts5(title, body, answers, tokenize = 'huiyin_bigram',
                                              prefix = '1');

CREATE TABLE deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,        -- the X-Huiyin-Delivery header: the receiver's dedup key
  record TEXT NOT NULL,
  event_type TEXT NOT NULL,       -- "disclosure.published" …
  body BLOB NOT NULL,             -- the JSON sent, signed as it is
  create_time INTEGER NOT NULL,   -- unix ms
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_time INTEGER NOT NULL,  -- unix ms
  delivered_time INTEGER,         -- unix ms of the 2xx acknowledgement; NULL until then
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_time) WHERE delivered_time IS NULL;

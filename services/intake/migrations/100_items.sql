-- Items (件) as submitted and screened. The Item message is stored whole; the columns beside it
-- exist to filter, order and constrain.
CREATE TABLE items (
  seq INTEGER PRIMARY KEY,            -- submission order: the stable sort key, and the search rowid
  id TEXT NOT NULL UNIQUE,            -- {item} of items/{item}
  kind INTEGER NOT NULL,
  session TEXT NOT NULL,
  year INTEGER NOT NULL,
  state INTEGER NOT NULL,
  category TEXT NOT NULL,
  number INTEGER,                     -- 统一编号 once accepted
  revision INTEGER NOT NULL,
  item BLOB NOT NULL                  -- huiyin.intake.v1.Item
);
CREATE INDEX items_by_session ON items(session, seq);
CREATE INDEX items_by_year ON items(year, seq);
CREATE INDEX items_by_state ON items(state, seq);
-- A unified number can never be given twice within a kind and session, whatever the code does.
CREATE UNIQUE INDEX items_unique_number ON items(kind, session, number) WHERE number IS NOT NULL;

-- Lead proposers and co-proposers, for "my items" and permission checks.
CREATE TABLE item_proposers (
  person TEXT NOT NULL,
  item_seq INTEGER NOT NULL REFERENCES items(seq),
  PRIMARY KEY (person, item_seq)
) WITHOUT ROWID;
CREATE INDEX item_proposers_by_item ON item_proposers(item_seq);

-- The last unified number given per kind and session; numbers are never reused.
CREATE TABLE unified_numbers (
  kind INTEGER NOT NULL,
  session TEXT NOT NULL,
  last_number INTEGER NOT NULL,
  PRIMARY KEY (kind, session)
);

-- Client request ids already served, so a retried call returns the first result.
CREATE TABLE idempotency (
  caller TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (caller, method, request_id)
) WITHOUT ROWID;

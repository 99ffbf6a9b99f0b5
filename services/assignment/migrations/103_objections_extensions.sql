-- 异议 and 延期, each belonging to one version of an assignment.
CREATE TABLE objections (
  seq INTEGER PRIMARY KEY,            -- creation order
  item_seq INTEGER NOT NULL REFERENCES assignments(item_seq),
  id TEXT NOT NULL,                   -- {objection} of items/{item}/assignment/objections/{objection}
  version INTEGER NOT NULL,
  unit TEXT NOT NULL,
  state INTEGER NOT NULL,
  objection BLOB NOT NULL,            -- huiyin.assignment.v1.Objection
  UNIQUE (item_seq, id)
);
CREATE INDEX objections_by_version ON objections(item_seq, version);
-- One pending objection per unit and version (state 1 = OBJECTION_STATE_PENDING), whatever the
-- code does.
CREATE UNIQUE INDEX objections_one_pending ON objections(item_seq, version, unit) WHERE state = 1;

CREATE TABLE extensions (
  seq INTEGER PRIMARY KEY,
  item_seq INTEGER NOT NULL REFERENCES assignments(item_seq),
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  unit TEXT NOT NULL,
  state INTEGER NOT NULL,
  extension BLOB NOT NULL,            -- huiyin.assignment.v1.Extension
  UNIQUE (item_seq, id)
);
CREATE INDEX extensions_by_version ON extensions(item_seq, version);
-- One pending request per unit and version (state 1 = EXTENSION_STATE_PENDING).
CREATE UNIQUE INDEX extensions_one_pending ON extensions(item_seq, version, unit) WHERE state = 1;

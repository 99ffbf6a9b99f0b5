-- The current assignment (交办) of each item. The Assignment message is stored without its item,
-- objections, extensions and history: those are assembled on read from the tables that own them.
CREATE TABLE assignments (
  item_seq INTEGER PRIMARY KEY REFERENCES items(seq),
  version INTEGER NOT NULL,           -- 1, then +1 at each re-assignment (改办)
  state INTEGER NOT NULL,
  is_key INTEGER NOT NULL,            -- 重点件
  leading_official TEXT NOT NULL,     -- "persons/…" for key items, else ''
  first_assign_date TEXT NOT NULL,    -- version 1's day: the longest deadline counts from it
  revision INTEGER NOT NULL,          -- the etag
  assignment BLOB NOT NULL            -- huiyin.assignment.v1.Assignment (see above)
);
CREATE INDEX assignments_by_state ON assignments(state, item_seq);
CREATE INDEX assignments_by_leading_official ON assignments(leading_official, item_seq)
  WHERE is_key = 1;

-- The units of each current assignment, for "my assignments" and permission checks.
CREATE TABLE assignment_units (
  unit TEXT NOT NULL,                 -- "units/{unit}"
  item_seq INTEGER NOT NULL REFERENCES assignments(item_seq),
  role INTEGER NOT NULL,
  PRIMARY KEY (unit, item_seq)
) WITHOUT ROWID;
CREATE INDEX assignment_units_by_item ON assignment_units(item_seq);

-- Earlier versions, each as it stood when a re-assignment replaced it.
CREATE TABLE assignment_versions (
  item_seq INTEGER NOT NULL REFERENCES assignments(item_seq),
  version INTEGER NOT NULL,
  assignment BLOB NOT NULL,           -- huiyin.assignment.v1.Assignment (as in assignments)
  PRIMARY KEY (item_seq, version)
) WITHOUT ROWID;

-- Supervision's read models. journal: every event applied, in order, so the whole read model can
-- be rebuilt by replaying it. tasks: workflow's latest task snapshots. entries: the ledger
-- (台账), one per item. figure_counters: the counts behind the figures, kept incrementally.
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  data BLOB NOT NULL             -- huiyin.events.v1.Event
);

CREATE TABLE tasks (
  name TEXT PRIMARY KEY,         -- "tasks/{task}"
  item TEXT NOT NULL,
  data BLOB NOT NULL             -- huiyin.workflow.v1.Task
);
CREATE INDEX tasks_by_item ON tasks(item);

CREATE TABLE entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  item TEXT NOT NULL UNIQUE,     -- "items/{item}"
  pre_stage INTEGER NOT NULL,    -- the stage intake and assignment events set
  year INTEGER NOT NULL,
  session TEXT NOT NULL,
  kind INTEGER NOT NULL,
  category TEXT NOT NULL,
  leading_official TEXT NOT NULL,
  stage INTEGER NOT NULL,
  units TEXT NOT NULL,           -- ",units/a,units/b,": the units assigned, for filtering
  data BLOB NOT NULL             -- huiyin.supervision.v1.LedgerEntry (deadline states unset)
);

CREATE TABLE figure_counters (
  year INTEGER NOT NULL,
  session TEXT NOT NULL,
  kind INTEGER NOT NULL,
  dimension INTEGER NOT NULL,    -- huiyin.supervision.v1.GroupBy
  value TEXT NOT NULL,
  assigned INTEGER NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,
  answered_on_time INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  class_a INTEGER NOT NULL DEFAULT 0,
  class_a_closed INTEGER NOT NULL DEFAULT 0,
  class_b_fulfilled INTEGER NOT NULL DEFAULT 0,
  rated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  basically_satisfied INTEGER NOT NULL DEFAULT 0,
  met INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (year, session, kind, dimension, value)
);

-- Workflow's read models and tasks. A task is kept whole (huiyin.workflow.v1.Task, serialized)
-- with the columns it is looked up and listed by beside it; answers, contacts, opinions and
-- commitments live inside it (a county handles hundreds of items a year, not millions).
CREATE TABLE items (
  name TEXT PRIMARY KEY,         -- "items/{item}"
  lead_proposer TEXT NOT NULL,   -- "persons/…"
  data BLOB NOT NULL             -- huiyin.intake.v1.Item as intake's feed last carried it
);

CREATE TABLE units (
  name TEXT PRIMARY KEY,         -- "units/{unit}"
  data BLOB NOT NULL             -- huiyin.assignment.v1.Unit
);

CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  item TEXT NOT NULL,
  unit TEXT NOT NULL,
  state INTEGER NOT NULL,
  year INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  data BLOB NOT NULL             -- huiyin.workflow.v1.Task
);
CREATE INDEX tasks_by_item ON tasks(item);
CREATE INDEX tasks_by_unit ON tasks(unit, seq);

CREATE TABLE served_requests (
  caller TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  PRIMARY KEY (caller, method, request_id)
);

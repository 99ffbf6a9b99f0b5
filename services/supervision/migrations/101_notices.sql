-- Step deadlines and notices (督办单). acknowledgements: the China date each task left
-- WAITING_ACKNOWLEDGEMENT, from the workflow event that moved it (rebuilt from the journal).
-- disclosures: the date each answer was disclosed (公开), from MarkAnswerDisclosed; not in the
-- journal, so a rebuild keeps it. step_deadlines: every step of every task as on the ledger, so
-- the sweeper and the metrics find pending steps by deadline without reading entries (rebuilt
-- from the journal). notices: supervision's own acts, never rebuilt.
CREATE TABLE acknowledgements (
  task TEXT PRIMARY KEY,
  acknowledged_date TEXT NOT NULL
);

CREATE TABLE disclosures (
  answer TEXT PRIMARY KEY,       -- "tasks/{task}/answers/{answer}"
  task TEXT NOT NULL,
  disclosed_date TEXT NOT NULL
);

CREATE TABLE step_deadlines (
  task TEXT NOT NULL,
  step INTEGER NOT NULL,         -- huiyin.supervision.v1.Step
  subject TEXT NOT NULL,
  item TEXT NOT NULL,
  unit TEXT NOT NULL,
  deadline TEXT NOT NULL,        -- '' when it cannot be counted
  done_date TEXT NOT NULL,       -- '' while pending
  ruled INTEGER NOT NULL,        -- 1: the notice rules act on it (RulesActOn)
  returned_count INTEGER NOT NULL,
  PRIMARY KEY (task, step, subject)
);
CREATE INDEX step_deadlines_pending ON step_deadlines(done_date, deadline);
CREATE INDEX step_deadlines_by_item ON step_deadlines(item);

CREATE TABLE notices (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,     -- "notices/{notice}"
  task TEXT NOT NULL,
  unit TEXT NOT NULL,
  year INTEGER NOT NULL,
  colour INTEGER NOT NULL,       -- huiyin.supervision.v1.NoticeColour
  state INTEGER NOT NULL,        -- huiyin.supervision.v1.NoticeState
  escalated_to TEXT NOT NULL,
  -- By rule: "task|step|subject|deadline|trigger", at most one notice each; NULL by hand.
  rule_key TEXT UNIQUE,
  issued_by TEXT NOT NULL,
  request_id TEXT NOT NULL,      -- by hand, for retries; '' when none
  data BLOB NOT NULL             -- huiyin.supervision.v1.Notice
);
CREATE INDEX notices_by_unit ON notices(unit, seq);
CREATE INDEX notices_by_escalation ON notices(escalated_to, seq);
CREATE UNIQUE INDEX notices_by_request ON notices(issued_by, request_id) WHERE request_id != '';

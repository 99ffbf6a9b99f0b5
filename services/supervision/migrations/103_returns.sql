-- Returns (退回重办), derived from workflow's AnswerReturned events (so RebuildLedger empties and
-- replays them with the ledger), and verifications (实地核查), supervision's own records.
CREATE TABLE answer_returns (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  answer TEXT NOT NULL,
  item TEXT NOT NULL,
  unit TEXT NOT NULL,
  year INTEGER NOT NULL,
  data BLOB NOT NULL             -- huiyin.supervision.v1.AnswerReturnRecord
);
CREATE INDEX answer_returns_by_unit ON answer_returns(unit, seq);
CREATE INDEX answer_returns_by_item ON answer_returns(item, seq);

CREATE TABLE verifications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,     -- "verifications/{id}"
  answer TEXT NOT NULL,
  item TEXT NOT NULL,
  unit TEXT NOT NULL,
  result INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  request_id TEXT NOT NULL,      -- '' when none; (recorded_by, request_id) dedups retries
  data BLOB NOT NULL             -- huiyin.supervision.v1.Verification
);
CREATE UNIQUE INDEX verifications_by_request ON verifications(recorded_by, request_id)
  WHERE request_id != '';
CREATE INDEX verifications_by_unit ON verifications(unit, seq);
CREATE INDEX verifications_by_item ON verifications(item, seq);

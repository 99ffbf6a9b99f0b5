-- The ledger's filters by index, so a page answers in milliseconds with a million items:
-- entry_units lists the units of each entry (a unit's ledger is a range of it), and entries are
-- indexed by the selective filters. ScanEntries names only the filters given, so SQLite can
-- choose these.
CREATE TABLE entry_units (
  unit TEXT NOT NULL,
  seq INTEGER NOT NULL,          -- entries.seq
  PRIMARY KEY (unit, seq)
) WITHOUT ROWID;
CREATE INDEX entry_units_by_seq ON entry_units(seq);  -- SaveEntry replaces an entry's rows
-- Entries saved before this migration: split ",units/a,units/b," into rows.
WITH RECURSIVE split(seq, rest, unit) AS (
  SELECT seq, substr(units, 2), '' FROM entries
  UNION ALL
  SELECT seq, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
  FROM split WHERE rest != ''
)
INSERT INTO entry_units (unit, seq) SELECT DISTINCT unit, seq FROM split WHERE unit != '';
CREATE INDEX entries_by_leading_official ON entries(leading_official, seq)
  WHERE leading_official != '';
CREATE INDEX entries_by_category ON entries(category, seq);
CREATE INDEX entries_by_stage ON entries(stage, seq);
CREATE INDEX disclosures_by_task ON disclosures(task);  -- every workflow event reads them
CREATE INDEX step_deadlines_overdue ON step_deadlines(item, step, done_date, deadline);

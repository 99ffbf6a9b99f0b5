-- Unit scores (倒扣分). score_deductions: one row per deduction derived from an applied event,
-- once per (kind, subject); points are not stored (the configured rules apply when read).
-- score_counts: deductions per year, unit and kind, kept with the rows so a score reads counters
-- only. score_units: the units of a year (a task on an item of that year, or a deduction in it)
-- with their display names. All three are rebuilt by RebuildLedger's replay of the journal.
CREATE TABLE score_deductions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind INTEGER NOT NULL,         -- huiyin.supervision.v1.DeductionKind
  subject TEXT NOT NULL,         -- what is deducted: an answer, opinion's task, commitment …
  year INTEGER NOT NULL,
  unit TEXT NOT NULL,
  data BLOB NOT NULL,            -- huiyin.supervision.v1.Deduction (points unset)
  UNIQUE (kind, subject)
);
CREATE INDEX score_deductions_by_unit ON score_deductions(year, unit, kind);

CREATE TABLE score_counts (
  year INTEGER NOT NULL,
  unit TEXT NOT NULL,
  kind INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (year, unit, kind)
);

CREATE TABLE score_units (
  year INTEGER NOT NULL,
  unit TEXT NOT NULL,
  display_name TEXT NOT NULL,
  PRIMARY KEY (year, unit)
);

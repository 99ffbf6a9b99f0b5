-- Handling units (承办单位). The Unit message is stored whole; the columns beside it exist to
-- filter, order and constrain.
CREATE TABLE units (
  seq INTEGER PRIMARY KEY,            -- creation order: the stable sort key
  id TEXT NOT NULL UNIQUE,            -- {unit} of units/{unit}
  kind INTEGER NOT NULL,
  active INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  unit BLOB NOT NULL                  -- huiyin.assignment.v1.Unit
);

-- 职能领域: the categories each unit lists, for ListUnits(category) and SuggestUnits.
CREATE TABLE unit_categories (
  category TEXT NOT NULL,
  unit_seq INTEGER NOT NULL REFERENCES units(seq),
  PRIMARY KEY (category, unit_seq)
) WITHOUT ROWID;
CREATE INDEX unit_categories_by_unit ON unit_categories(unit_seq);

-- The people of each unit with their role (a person may serve in more than one unit).
CREATE TABLE unit_members (
  person TEXT NOT NULL,
  unit_seq INTEGER NOT NULL REFERENCES units(seq),
  role INTEGER NOT NULL,
  PRIMARY KEY (person, unit_seq)
) WITHOUT ROWID;
CREATE INDEX unit_members_by_unit ON unit_members(unit_seq);

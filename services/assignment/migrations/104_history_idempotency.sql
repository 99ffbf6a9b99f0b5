-- How many items of each category each unit has been given (current assignments; a unit removed
-- by 改办 gives its count back), for SuggestUnits. A table rather than a query so that the
-- assignments of years before Huiyin can be loaded into it.
CREATE TABLE unit_category_history (
  unit TEXT NOT NULL,                 -- "units/{unit}"
  category TEXT NOT NULL,
  handled INTEGER NOT NULL,
  last_year INTEGER NOT NULL,
  PRIMARY KEY (category, unit)
) WITHOUT ROWID;

-- Client request ids already served, so a retried call returns the first result.
CREATE TABLE idempotency (
  caller TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource TEXT NOT NULL,             -- what the first call made or changed
  response BLOB,                      -- AssignItems: the first response itself
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (caller, method, request_id)
) WITHOUT ROWID;

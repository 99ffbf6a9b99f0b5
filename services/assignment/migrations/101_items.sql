-- Accepted items as intake's feed announced them (ItemAccepted; ItemMerged brings the proposers
-- of merged items to their target): the waiting list (待交办) and the item of every assignment.
CREATE TABLE items (
  seq INTEGER PRIMARY KEY,            -- arrival order: the stable sort key
  id TEXT NOT NULL UNIQUE,            -- {item} of items/{item}, as intake names it
  kind INTEGER NOT NULL,
  session TEXT NOT NULL,
  year INTEGER NOT NULL,
  category TEXT NOT NULL,
  assigned INTEGER NOT NULL DEFAULT 0,  -- 0 while waiting for assignment
  summary BLOB NOT NULL               -- huiyin.assignment.v1.ItemSummary
);
CREATE INDEX items_by_assigned ON items(assigned, seq);

-- Lead proposers and co-proposers: a proposer reads the assignments of their items.
CREATE TABLE item_proposers (
  person TEXT NOT NULL,
  item_seq INTEGER NOT NULL REFERENCES items(seq),
  PRIMARY KEY (person, item_seq)
) WITHOUT ROWID;
CREATE INDEX item_proposers_by_item ON item_proposers(item_seq);

-- A consumer's effect in tests: one row per applied event (no unique key, so a double apply shows).
CREATE TABLE effects (id INTEGER PRIMARY KEY, source_sequence INTEGER NOT NULL, subject TEXT NOT NULL);
CREATE TABLE produced (id INTEGER PRIMARY KEY, subject TEXT NOT NULL);

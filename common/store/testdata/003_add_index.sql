CREATE TABLE writes (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE UNIQUE INDEX writes_by_writer ON writes(writer, n);

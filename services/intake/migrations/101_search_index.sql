-- Chinese full-text index over normalised titles and bodies (common/text): overlapping character
-- bigrams, so two-character words (物业, 停车) are found; prefix='1' finds single characters.
-- Filled by the background indexer after the submit is acknowledged; rowid = items.seq.
CREATE VIRTUAL TABLE item_search USING fts5(title, body, tokenize = 'huiyin_bigram', prefix = '1');
-- Document frequency of each term, for IDF weights in similarity.
CREATE VIRTUAL TABLE item_search_vocab USING fts5vocab(item_search, 'row');
CREATE TABLE search_index_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_seq INTEGER NOT NULL
);
INSERT INTO search_index_state VALUES (1, 0);

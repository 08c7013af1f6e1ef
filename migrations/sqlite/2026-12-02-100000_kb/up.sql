-- Knowledge base (SPEC §8, issue 18 §4): articles in Markdown, drafts
-- written by the desk agents (often from a solved ticket) and published
-- for everyone, per service of the catalog.
--
-- body_text is the article's Markdown as plain text (written by the
-- service with the body): what search reads and quotes in its snippets.
-- Search: an FTS5 table kept in step by triggers. It is a regular FTS5
-- table (it keeps its own copy of the text) rather than an external-content
-- one: the articles have text ids, and the implicit rowid an
-- external-content table would join on may change at a VACUUM. kb_fts_rows
-- finds an article's row of kb_fts (FTS5 keeps its rowids), so that a
-- change re-indexes one row instead of scanning the index. Prefix indexes
-- of 2 and 3 characters keep "the word being typed" fast.
CREATE TABLE kb_articles (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    service          TEXT REFERENCES offerings(id),
    state            TEXT NOT NULL,
    source_ticket_id TEXT,
    created_by       TEXT NOT NULL REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    published_at     TIMESTAMP
);
CREATE INDEX kb_articles_state_title_idx ON kb_articles (state, title, id);
CREATE INDEX kb_articles_service_idx ON kb_articles (service, state, title, id);

CREATE VIRTUAL TABLE kb_fts USING fts5(
    article_id UNINDEXED,
    title,
    body_text,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE kb_fts_rows (
    article_id TEXT PRIMARY KEY REFERENCES kb_articles(id),
    fts_rowid  INTEGER NOT NULL
);

CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_fts (article_id, title, body_text)
    VALUES (new.id, new.title, new.body_text);
    INSERT INTO kb_fts_rows (article_id, fts_rowid) VALUES (new.id, last_insert_rowid());
END;

CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF title, body_text ON kb_articles BEGIN
    DELETE FROM kb_fts
    WHERE rowid = (SELECT fts_rowid FROM kb_fts_rows WHERE article_id = old.id);
    INSERT INTO kb_fts (article_id, title, body_text)
    VALUES (new.id, new.title, new.body_text);
    UPDATE kb_fts_rows SET fts_rowid = last_insert_rowid() WHERE article_id = new.id;
END;

CREATE TRIGGER kb_articles_fts_delete BEFORE DELETE ON kb_articles BEGIN
    DELETE FROM kb_fts
    WHERE rowid = (SELECT fts_rowid FROM kb_fts_rows WHERE article_id = old.id);
    DELETE FROM kb_fts_rows WHERE article_id = old.id;
END;

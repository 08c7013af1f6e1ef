-- Knowledge base (SPEC §8, issue 18 §4): articles in Markdown, drafts
-- written by the desk agents (often from a solved ticket) and published
-- for everyone, per service of the catalog.
--
-- body_text is the article's Markdown as plain text (written by the
-- service with the body): what search reads and quotes in its snippets.
-- Search: a generated tsvector (title weighted A, text B; the 'simple'
-- configuration, no stemming or stop words: articles are in several
-- languages) under a GIN index. The column is not in schema.rs: only the
-- search statements (kb::search) name it.
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
    published_at     TIMESTAMP,
    search           TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_text), 'B')
    ) STORED
);
CREATE INDEX kb_articles_state_title_idx ON kb_articles (state, title, id);
CREATE INDEX kb_articles_service_idx ON kb_articles (service, state, title, id);
CREATE INDEX kb_articles_search_idx ON kb_articles USING GIN (search);

PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE works_old (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users(id),
    author_id    TEXT NOT NULL REFERENCES users(id),
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    state        TEXT NOT NULL,
    project_id   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
INSERT INTO works_old SELECT id, owner_id, author_id, title, summary, state, project_id,
                             created_at, updated_at, published_at FROM works;
DROP TABLE works;
ALTER TABLE works_old RENAME TO works;
CREATE INDEX works_owner_idx ON works (owner_id, id);
CREATE INDEX works_state_idx ON works (state, id);
DROP TABLE works_project_cleared;
COMMIT;
PRAGMA foreign_keys = ON;

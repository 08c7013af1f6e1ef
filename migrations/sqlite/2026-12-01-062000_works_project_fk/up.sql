-- A work belongs to a project that exists (issue 14 §3, SPEC §5). Values that
-- name no project are cleared; each clearing is kept in works_project_cleared
-- until the server writes it to the audit chain (hash-chained rows are
-- computed by the server, not by SQL) and deletes it.
-- SQLite's twelve steps for a new constraint: enforcement off, rebuild in one
-- transaction, check, enforcement on.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE works_project_cleared (
    work_id    TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    cleared_at TIMESTAMP NOT NULL
);
INSERT INTO works_project_cleared (work_id, project_id, cleared_at)
    SELECT w.id, w.project_id, CURRENT_TIMESTAMP FROM works w
    WHERE w.project_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = w.project_id);
CREATE TABLE works_new (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users(id),
    author_id    TEXT NOT NULL REFERENCES users(id),
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    state        TEXT NOT NULL,
    project_id   TEXT REFERENCES projects(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
INSERT INTO works_new (id, owner_id, author_id, title, summary, state, project_id,
                       created_at, updated_at, published_at)
    SELECT id, owner_id, author_id, title, summary, state,
           CASE WHEN id IN (SELECT work_id FROM works_project_cleared) THEN NULL
                ELSE project_id END,
           created_at, updated_at, published_at
    FROM works;
DROP TABLE works;
ALTER TABLE works_new RENAME TO works;
CREATE INDEX works_owner_idx ON works (owner_id, id);
CREATE INDEX works_state_idx ON works (state, id);
CREATE INDEX works_project_idx ON works (project_id, id);
COMMIT;
PRAGMA foreign_keys = ON;

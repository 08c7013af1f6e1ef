-- A work belongs to a project that exists (issue 14 §3, SPEC §5). Values that
-- name no project are cleared; each clearing is kept in works_project_cleared
-- until the server writes it to the audit chain (hash-chained rows are
-- computed by the server, not by SQL) and deletes it.
CREATE TABLE works_project_cleared (
    work_id    TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    cleared_at TIMESTAMP NOT NULL
);
INSERT INTO works_project_cleared (work_id, project_id, cleared_at)
    SELECT w.id, w.project_id, CURRENT_TIMESTAMP FROM works w
    WHERE w.project_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = w.project_id);
UPDATE works SET project_id = NULL
    WHERE id IN (SELECT work_id FROM works_project_cleared);
ALTER TABLE works
    ADD CONSTRAINT works_project_fk FOREIGN KEY (project_id) REFERENCES projects(id);
CREATE INDEX works_project_idx ON works (project_id, id);

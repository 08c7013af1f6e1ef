-- Datasets of a project and their files (SPEC §5, issue 15). A file's
-- bytes live in the object storage under `object_key`; the row is written
-- once the bytes are committed, with the SHA-256 computed while they
-- streamed in.
CREATE TABLE datasets (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX datasets_project_name_idx ON datasets (project_id, name);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    dataset_id   TEXT NOT NULL REFERENCES datasets(id),
    project_id   TEXT NOT NULL REFERENCES projects(id),
    path         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES users(id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX files_dataset_path_idx ON files (dataset_id, path);
CREATE INDEX files_project_idx ON files (project_id);

-- Resumable (tus) uploads in progress (issue 15). The row is the truth
-- every server process shares: the bytes received so far (`received`),
-- the whole-file SHA-256 state after them (`sha256_state`, see
-- api/src/uploads/sha256.rs), and the storage's opaque `staging` text.
-- `length` is NULL while the client defers it. A PATCH holds the lease
-- (`lease_owner`, `lease_until`) while its bytes stream; an upload not
-- touched until `expires_at` is removed with its bytes by the
-- `uploads.expire` job. The row goes once the file is recorded.
CREATE TABLE uploads (
    id              TEXT PRIMARY KEY,
    dataset_id      TEXT NOT NULL REFERENCES datasets(id),
    project_id      TEXT NOT NULL REFERENCES projects(id),
    path            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    object_key      TEXT NOT NULL,
    length          BIGINT,
    received        BIGINT NOT NULL,
    sha256_state    TEXT NOT NULL,
    expected_sha256 TEXT,
    staging         TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMP
);
CREATE INDEX uploads_project_idx ON uploads (project_id);
CREATE INDEX uploads_dataset_idx ON uploads (dataset_id);
CREATE INDEX uploads_expires_idx ON uploads (expires_at);

-- The expiry sweep, a periodic job (due at once, then every 15 minutes).
INSERT INTO jobs (id, kind, subject_id, payload, run_at, attempts, created_at)
VALUES ('uploads-expire', 'uploads.expire', NULL, '{}', '1970-01-01 00:00:00', 0, '1970-01-01 00:00:00');

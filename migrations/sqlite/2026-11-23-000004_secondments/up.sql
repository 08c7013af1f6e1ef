-- Secondments (SPEC §2.5, seed 004 §6): a person attached to a host
-- supervisor for [starts_at, ends_at). Rows are kept after the window: the
-- history says who hosted whom, and who may receive transferred works.
CREATE TABLE secondments (
    id                 TEXT PRIMARY KEY,
    user_id            TEXT NOT NULL REFERENCES users(id),
    host_supervisor_id TEXT NOT NULL REFERENCES users(id),
    starts_at          TIMESTAMP NOT NULL,
    ends_at            TIMESTAMP NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users(id),
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX secondments_user_idx ON secondments (user_id, starts_at);
CREATE INDEX secondments_host_idx ON secondments (host_supervisor_id, ends_at);

-- Serialises the overlap check of two racing secondments.
INSERT INTO app_locks (name) VALUES ('secondments');

-- Works, annotations and the per-person activity log (issue 5, SPEC §2.5, §5).

CREATE TABLE works (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users(id),   -- changes on hand-over
    author_id    TEXT NOT NULL REFERENCES users(id),   -- who recorded it, never changes
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    state        TEXT NOT NULL,
    project_id   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX works_owner_idx ON works (owner_id, id);
CREATE INDEX works_state_idx ON works (state, id);

CREATE TABLE annotations (
    id         TEXT PRIMARY KEY,
    work_id    TEXT NOT NULL REFERENCES works(id),
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX annotations_work_idx ON annotations (work_id, id);

-- Sign-ins, token use, views and downloads of works, per person.
CREATE TABLE activity (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    target_type TEXT,
    target_id   TEXT,
    ip          TEXT,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX activity_user_idx ON activity (user_id, id);

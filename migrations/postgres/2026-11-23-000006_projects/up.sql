-- Projects, the generic approval model (a request with required
-- approvers, reused later by catalog orders), project history and
-- participants (SPEC §4, issue 6).

CREATE TABLE projects (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    data_class      TEXT NOT NULL,
    domain          TEXT NOT NULL,
    description     TEXT NOT NULL,
    owner_id        TEXT NOT NULL REFERENCES users(id),
    sponsor_id      TEXT NOT NULL REFERENCES users(id),
    data_steward_id TEXT NOT NULL REFERENCES users(id),
    state           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX projects_org_idx ON projects (organization_id);

CREATE TABLE approval_requests (
    id           TEXT PRIMARY KEY,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id),
    state        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP
);
CREATE INDEX approval_requests_subject_idx ON approval_requests (subject_type, subject_id);

CREATE TABLE approvals (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL REFERENCES approval_requests(id),
    approver_id   TEXT NOT NULL REFERENCES users(id),
    approver_role TEXT NOT NULL,
    decision      TEXT,
    comment       TEXT,
    decided_at    TIMESTAMP,
    UNIQUE (request_id, approver_role)
);
CREATE INDEX approvals_approver_idx ON approvals (approver_id, decision);

CREATE TABLE project_events (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    at         TIMESTAMP NOT NULL,
    actor_id   TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX project_events_idx ON project_events (project_id, at);

CREATE TABLE participants (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    user_id    TEXT REFERENCES users(id),
    email      TEXT NOT NULL,
    email_key  TEXT NOT NULL,
    role       TEXT,
    state      TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users(id),
    invited_at TIMESTAMP NOT NULL,
    revoked_by TEXT REFERENCES users(id),
    revoked_at TIMESTAMP
);
CREATE INDEX participants_project_idx ON participants (project_id, email_key);

-- Organisations, memberships with one organisation role each, and
-- invitations (SPEC §4, issue 6).

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- lower(trim(name)): two organisations never share a name.
    name_key    TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    state           TEXT NOT NULL,
    added_by        TEXT REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL,
    role            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    invited_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    accepted_at     TIMESTAMP,
    accepted_by     TEXT REFERENCES users(id),
    revoked_at      TIMESTAMP
);
CREATE INDEX invitations_org_idx ON invitations (organization_id, email_key);

-- Serialises the last-manager check of racing membership changes.
INSERT INTO app_locks (name) VALUES ('memberships');

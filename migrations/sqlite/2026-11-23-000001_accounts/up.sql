-- Accounts, sessions, tokens, lockout, audit log and mail outbox (issue 3).
-- Ids are UUID text so one diesel schema serves SQLite and PostgreSQL (SPEC §11).

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL,
    email_key            TEXT NOT NULL UNIQUE,          -- lower-cased e-mail: uniqueness is case-insensitive
    first_name           TEXT NOT NULL,
    last_name            TEXT NOT NULL,
    profile              TEXT NOT NULL,
    state                TEXT NOT NULL,
    supervisor_id        TEXT REFERENCES users(id),
    created_by           TEXT REFERENCES users(id),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    language             TEXT NOT NULL DEFAULT 'en',
    date_format          TEXT NOT NULL DEFAULT 'dd/MM/yyyy',
    phone                TEXT,
    charter_version      TEXT,
    charter_accepted_at  TIMESTAMP,
    activated_at         TIMESTAMP,
    last_login_at        TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX users_supervisor_idx ON users (supervisor_id);
CREATE INDEX users_profile_idx ON users (profile);

-- One-time links sent by e-mail (activation now; invitations later).
CREATE TABLE email_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);

-- A sign-in session = one refresh-token family. Access tokens carry its id,
-- so revoking the session (logout, reuse detection, block) stops them at once.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins, kept in the database so replicas share the lockout (SPEC §12).
CREATE TABLE login_failures (
    id          TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip          TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account_idx ON login_failures (account_key, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

-- Append-only, hash-chained audit log. `audit_head` is the chain's single
-- head row: every append locks it, so concurrent writers cannot fork the chain.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    target_type TEXT,
    target_id   TEXT,
    outcome     TEXT NOT NULL,
    request_id  TEXT,
    ip          TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Transactional mail outbox (SPEC §10): written with the change that causes it,
-- delivered by workers that claim rows with a lease.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    created_at      TIMESTAMP NOT NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMP,
    sent_at         TIMESTAMP,
    last_error      TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);

-- Named rows locked to serialise rare check-then-insert rules across replicas
-- (e.g. "at most 2 webmasters").
CREATE TABLE app_locks (
    name TEXT PRIMARY KEY
);
INSERT INTO app_locks (name) VALUES ('profile_limits');

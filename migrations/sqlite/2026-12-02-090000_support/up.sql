-- Support desk (issue 18, seed 002): one local desk per organisation and
-- one group desk; desk agents; tickets with their whole history. A ticket
-- sits at one desk (`desk_id`); after an escalation the local desk it came
-- from is kept in `escalated_from`, and its agents still see it.
CREATE TABLE desks (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    org_id     TEXT UNIQUE REFERENCES organizations(id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- At most one group desk.
CREATE UNIQUE INDEX desks_group_idx ON desks (kind) WHERE kind = 'group';

CREATE TABLE desk_agents (
    desk_id     TEXT NOT NULL REFERENCES desks(id),
    account_id  TEXT NOT NULL REFERENCES users(id),
    assigned_by TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (desk_id, account_id)
);
CREATE INDEX desk_agents_account_idx ON desk_agents (account_id);

CREATE TABLE tickets (
    id             TEXT PRIMARY KEY,
    desk_id        TEXT NOT NULL REFERENCES desks(id),
    escalated_from TEXT REFERENCES desks(id),
    requester_id   TEXT NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL,
    category       TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    project_id     TEXT REFERENCES projects(id),
    state          TEXT NOT NULL,
    assignee_id    TEXT REFERENCES users(id),
    request_id     TEXT REFERENCES approval_requests(id),
    resolution     TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    resolved_at    TIMESTAMP,
    closed_at      TIMESTAMP
);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, id);
CREATE INDEX tickets_desk_idx ON tickets (desk_id, id);
CREATE INDEX tickets_escalated_idx ON tickets (escalated_from, id);
CREATE INDEX tickets_request_idx ON tickets (request_id);

-- People besides the requester who follow a ticket (see it, may reply).
CREATE TABLE ticket_participants (
    ticket_id  TEXT NOT NULL REFERENCES tickets(id),
    account_id TEXT NOT NULL REFERENCES users(id),
    added_by   TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, account_id)
);
CREATE INDEX ticket_participants_account_idx ON ticket_participants (account_id);

-- The whole history: `kind` is created | comment | state | assign |
-- escalate | approval; `internal` marks agents-only notes (never shown to
-- the requester, never mailed); `from_state`/`to_state` a transition;
-- `desk_id`/`assignee_id` where it went; `message_id` the Message-ID of the
-- mail a comment came in by (mail ingest).
CREATE TABLE ticket_events (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    at          TIMESTAMP NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    internal    BOOLEAN NOT NULL,
    body        TEXT,
    from_state  TEXT,
    to_state    TEXT,
    desk_id     TEXT REFERENCES desks(id),
    assignee_id TEXT REFERENCES users(id),
    message_id  TEXT
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, at, id);
CREATE INDEX ticket_events_message_idx ON ticket_events (message_id);

-- The group desk, and the local desk of every existing organisation.
INSERT INTO desks (id, kind, org_id, name, created_at)
VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
        'group', NULL, 'Group', CURRENT_TIMESTAMP);
INSERT INTO desks (id, kind, org_id, name, created_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
       || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       'local', id, name, CURRENT_TIMESTAMP
FROM organizations;

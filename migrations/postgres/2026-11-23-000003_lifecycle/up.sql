-- Background jobs with leases, scheduled departures, inactivity review (issue 5).

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject_id  TEXT,
    payload     TEXT NOT NULL,
    run_at      TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    done_at     TIMESTAMP,
    last_error  TEXT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (done_at, run_at);

-- One departure per person: of two racing schedules, the primary key lets one win.
CREATE TABLE departures (
    user_id      TEXT PRIMARY KEY REFERENCES users(id),
    date         TIMESTAMP NOT NULL,
    heir_id      TEXT REFERENCES users(id),
    scheduled_by TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP
);

ALTER TABLE users ADD COLUMN inactivity_warned_at TIMESTAMP;

-- The periodic inactivity review: one row, rescheduled after each run.
INSERT INTO jobs (id, kind, subject_id, payload, run_at, attempts, created_at)
VALUES ('inactivity-review', 'inactivity.review', NULL, '{}', '1970-01-01 00:00:00', 0, '1970-01-01 00:00:00');

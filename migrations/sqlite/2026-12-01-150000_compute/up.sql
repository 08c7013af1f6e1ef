-- Compute engines and jobs (SPEC §7, §2.6; issue 17). An engine keeps
-- every version (a job records the one it ran); `engines` holds the
-- current one. A job is queued, then claimed by one replica under the
-- `compute` lock (dispatch), which holds its lease while it runs; a job
-- whose lease runs out is recovered by rule. `compute_workers` are the
-- replicas that run jobs, with their slots and heartbeat; the scheduler's
-- capacity is the sum of the live ones' slots.
CREATE TABLE engines (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP
);

CREATE TABLE engine_versions (
    engine_id    TEXT NOT NULL REFERENCES engines(id),
    version      BIGINT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    command      TEXT NOT NULL,
    parameters   TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    timeout_secs BIGINT NOT NULL,
    cpus         BIGINT NOT NULL,
    memory_mb    BIGINT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (engine_id, version)
);

CREATE TABLE compute_jobs (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id),
    owner_id       TEXT NOT NULL REFERENCES users(id),
    engine_id      TEXT NOT NULL REFERENCES engines(id),
    engine_version BIGINT NOT NULL,
    name           TEXT NOT NULL,
    parameters     TEXT NOT NULL,
    inputs         TEXT NOT NULL,
    profile        TEXT NOT NULL,
    public         BOOLEAN NOT NULL,
    state          TEXT NOT NULL,
    executor       TEXT,
    handle         TEXT,
    attempts       BIGINT NOT NULL,
    cancel_requested BOOLEAN NOT NULL,
    queued_at      TIMESTAMP NOT NULL,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP,
    exit_code      BIGINT,
    cpu_ms         BIGINT,
    max_rss_kb     BIGINT,
    failure        TEXT,
    work_id        TEXT,
    dataset_id     TEXT,
    log_bytes      BIGINT NOT NULL,
    lease_owner    TEXT,
    lease_until    TIMESTAMP
);
CREATE INDEX compute_jobs_state_idx ON compute_jobs (state);
CREATE INDEX compute_jobs_owner_idx ON compute_jobs (owner_id, id);
CREATE INDEX compute_jobs_project_idx ON compute_jobs (project_id);

CREATE TABLE compute_job_logs (
    job_id TEXT NOT NULL REFERENCES compute_jobs(id),
    seq    BIGINT NOT NULL,
    chunk  TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);

CREATE TABLE compute_workers (
    id           TEXT PRIMARY KEY,
    executor     TEXT NOT NULL,
    slots        BIGINT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL
);

INSERT INTO app_locks (name) VALUES ('compute');

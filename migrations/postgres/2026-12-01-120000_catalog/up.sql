-- Service catalog, orders, running instances, saved configurations and
-- usage (SPEC §6, issue 16). An offering's id is a slug; DELETE retires it
-- (retired_at) so existing orders and instances keep working. Orders reuse
-- the generic approval requests (subject_type 'order'); request_id is the
-- current one.
CREATE TABLE offerings (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    category             TEXT NOT NULL,
    description          TEXT NOT NULL,
    config_schema        TEXT NOT NULL,
    readme_template      TEXT NOT NULL,
    price_per_hour_milli BIGINT NOT NULL,
    unit                 TEXT NOT NULL,
    spawner_kind         TEXT NOT NULL,
    spawner_recipe       TEXT,
    limits               TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    retired_at           TIMESTAMP
);

CREATE TABLE orders (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects(id),
    offering_id  TEXT NOT NULL REFERENCES offerings(id),
    requested_by TEXT NOT NULL REFERENCES users(id),
    comment      TEXT,
    state        TEXT NOT NULL,
    request_id   TEXT REFERENCES approval_requests(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX orders_project_idx ON orders (project_id);
CREATE INDEX orders_requested_by_idx ON orders (requested_by);

CREATE TABLE instances (
    id               TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL REFERENCES orders(id),
    project_id       TEXT NOT NULL REFERENCES projects(id),
    offering_id      TEXT NOT NULL REFERENCES offerings(id),
    owner_id         TEXT NOT NULL REFERENCES users(id),
    name             TEXT NOT NULL,
    config           TEXT NOT NULL,
    state            TEXT NOT NULL,
    spawner_kind     TEXT NOT NULL,
    handle           TEXT,
    open_url         TEXT,
    secrets          TEXT,
    failure          TEXT,
    created_at       TIMESTAMP NOT NULL,
    started_at       TIMESTAMP,
    stopped_at       TIMESTAMP,
    last_activity_at TIMESTAMP,
    idle_notice_at   TIMESTAMP,
    kept_at          TIMESTAMP,
    deleted_at       TIMESTAMP,
    lease_owner      TEXT,
    lease_until      TIMESTAMP
);
CREATE UNIQUE INDEX instances_project_name_idx ON instances (project_id, name)
    WHERE deleted_at IS NULL;
CREATE INDEX instances_owner_idx ON instances (owner_id);
CREATE INDEX instances_order_idx ON instances (order_id);
CREATE INDEX instances_state_idx ON instances (state);

CREATE TABLE instance_configurations (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    offering_id TEXT NOT NULL REFERENCES offerings(id),
    config      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE instance_usage (
    id                   TEXT PRIMARY KEY,
    instance_id          TEXT NOT NULL REFERENCES instances(id),
    project_id           TEXT NOT NULL REFERENCES projects(id),
    offering_id          TEXT NOT NULL REFERENCES offerings(id),
    started_at           TIMESTAMP NOT NULL,
    ended_at             TIMESTAMP,
    price_per_hour_milli BIGINT NOT NULL
);
CREATE INDEX instance_usage_project_idx ON instance_usage (project_id, started_at);
CREATE INDEX instance_usage_instance_idx ON instance_usage (instance_id);

-- The leased jobs of running instances (issue 16 §4, §5): the
-- reconciliation (lost processes) and the idle purge (notice, stop,
-- removal), each one row the jobs module leases, so one replica runs each
-- pass; and the lock launches take to count running instances against
-- the caps.
INSERT INTO jobs (id, kind, subject_id, payload, run_at, attempts, created_at)
VALUES ('instances-reconcile', 'instances.reconcile', NULL, '{}', '1970-01-01 00:00:00', 0, '1970-01-01 00:00:00');
INSERT INTO jobs (id, kind, subject_id, payload, run_at, attempts, created_at)
VALUES ('instances-idle', 'instances.idle', NULL, '{}', '1970-01-01 00:00:00', 0, '1970-01-01 00:00:00');
INSERT INTO app_locks (name) VALUES ('instances');

DELETE FROM app_locks WHERE name = 'compute';
DROP TABLE compute_workers;
DROP TABLE compute_job_logs;
DROP TABLE compute_jobs;
DROP TABLE engine_versions;
DROP TABLE engines;

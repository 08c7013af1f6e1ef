DROP TABLE server_secrets;
ALTER TABLE outbox DROP COLUMN headers;

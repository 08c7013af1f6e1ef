DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);

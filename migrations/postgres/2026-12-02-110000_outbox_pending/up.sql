-- The mail worker's claim (`mail::deliver_due`): the due messages, oldest
-- first. The composite (sent_at, next_attempt_at) index cannot give that
-- order (`IS NULL` is not an equality the planner orders by), so a backlog
-- of 100,000 was scanned and sorted for each batch of 50 (issue 18's bench
-- row). A partial index over the pending messages alone gives it, and
-- stays as small as the backlog.
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

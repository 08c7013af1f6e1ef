-- Threading and reply headers of an outbox message (issue 18 §3), as JSON
-- (`reply_to`, `message_id`, `in_reply_to`, `references`); and the server
-- secret that keys the per-ticket reply addresses. It is made here, once,
-- shared by every replica and never rotated with the token keys, so an
-- address sent months ago still verifies.
ALTER TABLE outbox ADD COLUMN headers TEXT;

CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO server_secrets (name, secret, created_at)
VALUES ('support_reply', lower(hex(randomblob(32))), CURRENT_TIMESTAMP);

-- JWT signing keys, shared by every replica (issue 14 §6). `generation`
-- orders them: the highest signs, and each older one verifies until
-- `retires_at` (one access-token lifetime after the rotation that replaced
-- it). The unique generation makes two processes that start together, or
-- two rotations at once, create one key, never two.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    generation  BIGINT NOT NULL UNIQUE,
    secret      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    retires_at  TIMESTAMP
);
INSERT INTO app_locks (name) VALUES ('signing_keys');

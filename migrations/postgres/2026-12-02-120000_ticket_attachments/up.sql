-- Files attached to tickets (issue 18 §2): their bytes are objects of the
-- datasets' storage under `object_key`; `event_id` is the history entry
-- that attached them; `internal` ones are for agents only, like notes.
CREATE TABLE ticket_attachments (
    id           TEXT PRIMARY KEY,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    event_id     TEXT NOT NULL REFERENCES ticket_events(id),
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL REFERENCES users(id),
    internal     BOOLEAN NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, id);

-- Who was named or removed as a participant (kinds `participant_added`,
-- `participant_removed`).
ALTER TABLE ticket_events ADD COLUMN participant_id TEXT REFERENCES users(id);

ALTER TABLE ticket_events DROP COLUMN participant_id;
DROP TABLE ticket_attachments;

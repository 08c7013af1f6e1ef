-- E-mails carry an HTML part next to the plain text (issue 13 §2). NULL for
-- messages queued before, which are delivered as plain text.
ALTER TABLE outbox ADD COLUMN html TEXT;

-- E-mailed links (activation, password reset) are looked up by account and
-- purpose when a new one replaces the older ones (issue 14 §1).
CREATE INDEX email_tokens_user_purpose ON email_tokens (user_id, purpose);

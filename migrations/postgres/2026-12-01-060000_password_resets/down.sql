DROP INDEX email_tokens_user_purpose;

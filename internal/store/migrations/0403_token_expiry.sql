-- API tokens expire and can be revoked (one by one, or all of an account
-- on a password change or when the account is disabled). A token created
-- before this migration (expires_at empty) expires 90 days after its
-- creation. Accounts can be disabled.
ALTER TABLE web_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';

ALTER TABLE web_tokens ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';

ALTER TABLE web_tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';

ALTER TABLE web_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';

CREATE INDEX web_tokens_login ON web_tokens (login);

ALTER TABLE web_users ADD COLUMN disabled_at TEXT NOT NULL DEFAULT '';

-- An account can be disabled by an administrator (its sessions and API
-- tokens are deleted at that moment, and it can no longer log in):
-- disabled_at is the UTC time of the disabling, '' for an active account.
ALTER TABLE web_users ADD COLUMN disabled_at TEXT NOT NULL DEFAULT '';

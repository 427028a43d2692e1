-- Sessions end after an idle time (last_seen) as well as at their absolute
-- expiry; their CSRF token is stored hashed (csrf now holds its SHA-256).
-- The sessions opened before hold a clear token: they are closed.
DELETE FROM web_sessions;

ALTER TABLE web_sessions ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';

-- A login form is bound to a pre-session: the browser's cookie holds its
-- token, the store its hash, and the form's CSRF token derives from it.
CREATE TABLE web_presessions (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Web application: local accounts, browser sessions and API tokens.
-- Secrets are never stored: passwords as argon2id hashes, session and API
-- tokens as SHA-256 hashes. Times are UTC "YYYY-MM-DDTHH:MM:SSZ" text, so
-- that they compare as strings on both engines.
CREATE TABLE web_users (
    login         TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'ght', 'etablissement', 'ars', 'auditeur')),
    scope         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES web_users (login),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX web_sessions_login ON web_sessions (login);

CREATE TABLE web_tokens (
    id         {{autoid}},
    token_hash TEXT NOT NULL UNIQUE,
    login      TEXT NOT NULL REFERENCES web_users (login),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Background audit jobs launched from the web application, and the
-- encrypted connection settings of the directories they audit.
CREATE TABLE web_jobs (
    id          {{autoid}},
    kind        TEXT NOT NULL CHECK (kind IN ('exposure', 'ad')),
    applicant   TEXT NOT NULL REFERENCES applicants (id),
    target      TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress    INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    audit_id    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX web_jobs_applicant ON web_jobs (applicant);

-- The whole connection (host, port, TLS mode, account, password, CA) is
-- sealed with the store key; only the directory and who saved it when are clear.
CREATE TABLE web_ad_credentials (
    applicant TEXT NOT NULL REFERENCES applicants (id),
    directory TEXT NOT NULL,
    sealed    BYTEA NOT NULL,
    saved_by  TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    PRIMARY KEY (applicant, directory)
);

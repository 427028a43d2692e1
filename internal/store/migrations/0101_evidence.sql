-- Evidence files attached to a dossier (an objective or a record): ADS
-- reports, exercise RETEX, committee minutes. The content is sealed with
-- AES-256-GCM like the audit reports (TLP:AMBER). entity is the FINESS the
-- file concerns ('' for the whole dossier); target names what it proves.
CREATE TABLE evidence_files (
    id           TEXT PRIMARY KEY,
    applicant    TEXT NOT NULL REFERENCES applicants (id),
    target       TEXT NOT NULL,
    entity       TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    sealed       BYTEA NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);

CREATE INDEX evidence_files_applicant ON evidence_files (applicant);

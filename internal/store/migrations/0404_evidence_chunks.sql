-- Evidence content sealed in chunks (256 KiB of plain text each), each
-- bound to its file, position and count, so that a download or a
-- declaration bundle streams them one by one with bounded memory. A file
-- stored before (chunks = 0) keeps its content whole in evidence_files.sealed.
ALTER TABLE evidence_files ADD COLUMN chunks INTEGER NOT NULL DEFAULT 0;

CREATE TABLE evidence_chunks (
    file   TEXT NOT NULL REFERENCES evidence_files (id),
    seq    INTEGER NOT NULL,
    sealed BYTEA NOT NULL,
    PRIMARY KEY (file, seq)
);

-- Audit jobs run by the job engine (River, whose own tables river_* are
-- created by its own migrations): the perimeters queued exposure audits
-- scan, and the progress each attempt reports.

-- A perimeter snapshot is immutable and content-addressed: its id is the
-- SHA-256 of its text, so a job argument names exactly what is scanned.
CREATE TABLE job_perimeters (
    id         TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Last progress of a job (one row per River job, replaced by each attempt).
CREATE TABLE job_progress (
    job_id     BIGINT PRIMARY KEY,
    attempt    INTEGER NOT NULL,
    worker     TEXT NOT NULL,
    pct        INTEGER NOT NULL CHECK (pct BETWEEN 0 AND 100),
    detail     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

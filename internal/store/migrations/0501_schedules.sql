-- Audit schedules: an exposure audit of an entity's perimeter, or an AD
-- audit of a directory with a stored connection, every N days. subject is
-- the FINESS or the directory ID; perimeter references what is scanned
-- (a perimeter snapshot today, an approved perimeter later).
CREATE TABLE audit_schedules (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('exposure', 'ad')),
    applicant  TEXT NOT NULL REFERENCES applicants (id),
    subject    TEXT NOT NULL,
    perimeter  TEXT NOT NULL DEFAULT '',
    ports      TEXT NOT NULL DEFAULT '',
    every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX audit_schedules_subject ON audit_schedules (kind, subject);

-- The runs the scheduler enqueued: one per schedule and due date.
CREATE TABLE schedule_runs (
    schedule    TEXT NOT NULL REFERENCES audit_schedules (id),
    due_on      TEXT NOT NULL CHECK (length(due_on) = 10),
    job_id      BIGINT NOT NULL,
    enqueued_at TEXT NOT NULL,
    PRIMARY KEY (schedule, due_on)
);

-- What a job audits, so that it is shown only to those who see it: the
-- entity of an exposure audit, the directory of an AD audit.
ALTER TABLE web_jobs ADD COLUMN entity TEXT NOT NULL DEFAULT '';

ALTER TABLE web_jobs ADD COLUMN directory TEXT NOT NULL DEFAULT '';

CREATE INDEX web_jobs_state ON web_jobs (state);

-- The objective statuses of each dossier as the alert watcher last saw
-- them: an objective turning « non atteint » is told once, against them.
CREATE TABLE alert_objective_status (
    applicant TEXT NOT NULL,
    objective TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL,
    as_of     TEXT NOT NULL CHECK (length(as_of) = 10),
    PRIMARY KEY (applicant, objective, entity)
);

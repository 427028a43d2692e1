-- Repeated records: prerequisites, oSIS, budgets and the GHT governance keep
-- every dated record (the latest by its own date up to the judgement date
-- decides), so their date joins the primary key. '' is an undated record.
-- Tables are rebuilt (SQLite cannot change a primary key in place); rows
-- already stored become undated records.
CREATE TABLE prerequisites_v2 (
    entity TEXT NOT NULL REFERENCES entities (finess),
    id     TEXT NOT NULL,
    date   TEXT NOT NULL DEFAULT '',
    met    BOOLEAN NOT NULL,
    PRIMARY KEY (entity, id, date)
);

INSERT INTO prerequisites_v2 (entity, id, date, met) SELECT entity, id, date, met FROM prerequisites;

DROP TABLE prerequisites;

ALTER TABLE prerequisites_v2 RENAME TO prerequisites;

CREATE TABLE osis_measures_old AS SELECT entity, year, measure, answer FROM osis_measures;

DROP TABLE osis_measures;

CREATE TABLE osis_v2 (
    entity                     TEXT NOT NULL REFERENCES entities (finess),
    year                       INTEGER NOT NULL,
    date                       TEXT NOT NULL DEFAULT '',
    budget_share               BOOLEAN NOT NULL,
    priority_measures_answered INTEGER NOT NULL CHECK (priority_measures_answered >= 0),
    PRIMARY KEY (entity, year, date)
);

INSERT INTO osis_v2 (entity, year, date, budget_share, priority_measures_answered)
    SELECT entity, year, '', budget_share, priority_measures_answered FROM osis;

DROP TABLE osis;

ALTER TABLE osis_v2 RENAME TO osis;

CREATE TABLE osis_measures (
    entity  TEXT NOT NULL,
    year    INTEGER NOT NULL,
    date    TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL,
    answer  TEXT NOT NULL CHECK (answer IN ('oui', 'partiel', 'non', 'na')),
    PRIMARY KEY (entity, year, date, measure),
    FOREIGN KEY (entity, year, date) REFERENCES osis (entity, year, date)
);

INSERT INTO osis_measures (entity, year, date, measure, answer)
    SELECT entity, year, '', measure, answer FROM osis_measures_old;

DROP TABLE osis_measures_old;

CREATE TABLE budgets_v2 (
    entity            TEXT NOT NULL REFERENCES entities (finess),
    year              INTEGER NOT NULL,
    date              TEXT NOT NULL DEFAULT '',
    digital_share_pct DOUBLE PRECISION,
    ssi_fte           DOUBLE PRECISION,
    PRIMARY KEY (entity, year, date)
);

INSERT INTO budgets_v2 (entity, year, date, digital_share_pct, ssi_fte)
    SELECT entity, year, '', digital_share_pct, ssi_fte FROM budgets;

DROP TABLE budgets;

ALTER TABLE budgets_v2 RENAME TO budgets;

CREATE TABLE governance_v2 (
    applicant                TEXT NOT NULL REFERENCES applicants (id),
    date                     TEXT NOT NULL DEFAULT '',
    referent                 TEXT NOT NULL DEFAULT '',
    single_ad_team           BOOLEAN,
    governance               BOOLEAN,
    convergence_validated_on TEXT NOT NULL DEFAULT '',
    already_converged        BOOLEAN NOT NULL,
    converged_description    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (applicant, date)
);

INSERT INTO governance_v2 (applicant, date, referent, single_ad_team, governance, convergence_validated_on,
    already_converged, converged_description)
    SELECT applicant, '', referent, single_ad_team, governance, convergence_validated_on, already_converged,
    converged_description FROM governance;

DROP TABLE governance;

ALTER TABLE governance_v2 RENAME TO governance;

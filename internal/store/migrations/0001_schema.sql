-- Establishments: GHT, EJ and EG (FINESS numbers), GHT membership.
CREATE TABLE ghts (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    support TEXT NOT NULL,
    region  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE entities (
    finess       TEXT PRIMARY KEY CHECK (length(finess) = 9),
    kind         TEXT NOT NULL CHECK (kind IN ('EJ', 'EG')),
    name         TEXT NOT NULL,
    parent       TEXT NOT NULL DEFAULT '',
    legal_status TEXT NOT NULL DEFAULT '',
    category     TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX entities_parent ON entities (parent);

CREATE INDEX entities_region ON entities (region);

CREATE TABLE ght_members (
    finess TEXT PRIMARY KEY REFERENCES entities (finess),
    ght    TEXT NOT NULL REFERENCES ghts (code)
);

CREATE INDEX ght_members_ght ON ght_members (ght);

-- Applicants: a GHT candidature (id = GHT code) or an EJ outside a GHT (id = FINESS).
CREATE TABLE applicants (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('ght', 'ej')),
    wave        TEXT NOT NULL DEFAULT '',
    ceiling_eur DOUBLE PRECISION NOT NULL DEFAULT 0
);

CREATE TABLE applicant_entities (
    finess    TEXT PRIMARY KEY REFERENCES entities (finess),
    applicant TEXT NOT NULL REFERENCES applicants (id)
);

CREATE INDEX applicant_entities_applicant ON applicant_entities (applicant);

CREATE TABLE prerequisites (
    entity TEXT NOT NULL REFERENCES entities (finess),
    id     TEXT NOT NULL,
    met    BOOLEAN NOT NULL,
    date   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity, id)
);

-- Active Directories and their AD audits.
CREATE TABLE directories (
    id        TEXT PRIMARY KEY,
    applicant TEXT NOT NULL REFERENCES applicants (id),
    name      TEXT NOT NULL
);

CREATE INDEX directories_applicant ON directories (applicant);

CREATE TABLE directory_entities (
    directory TEXT NOT NULL REFERENCES directories (id),
    pos       INTEGER NOT NULL,
    finess    TEXT NOT NULL REFERENCES entities (finess),
    PRIMARY KEY (directory, pos)
);

CREATE TABLE ad_audits (
    uid       TEXT PRIMARY KEY,
    id        TEXT NOT NULL DEFAULT '',
    directory TEXT NOT NULL REFERENCES directories (id),
    date      TEXT NOT NULL CHECK (length(date) = 10),
    level     INTEGER NOT NULL CHECK (level BETWEEN 0 AND 5),
    source    TEXT NOT NULL,
    report    TEXT NOT NULL DEFAULT '',
    stored    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE UNIQUE INDEX ad_audits_id ON ad_audits (id) WHERE id <> '';

CREATE UNIQUE INDEX ad_audits_natural ON ad_audits (directory, date, source) WHERE id = '';

CREATE INDEX ad_audits_directory ON ad_audits (directory);

CREATE TABLE ad_audit_checks (
    audit    TEXT NOT NULL REFERENCES ad_audits (uid),
    pos      INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    PRIMARY KEY (audit, pos)
);

-- Exposure audits; entities_key is the sorted, comma-joined FINESS list.
CREATE TABLE exposure_audits (
    uid                TEXT PRIMARY KEY,
    id                 TEXT NOT NULL DEFAULT '',
    entities_key       TEXT NOT NULL,
    date               TEXT NOT NULL CHECK (length(date) = 10),
    complete_perimeter BOOLEAN NOT NULL,
    has_counts         BOOLEAN NOT NULL,
    critical           INTEGER CHECK (critical >= 0),
    high               INTEGER CHECK (high >= 0),
    medium             INTEGER CHECK (medium >= 0),
    low                INTEGER CHECK (low >= 0),
    info               INTEGER CHECK (info >= 0),
    source             TEXT NOT NULL,
    report             TEXT NOT NULL DEFAULT '',
    stored             BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE UNIQUE INDEX exposure_audits_id ON exposure_audits (id) WHERE id <> '';

CREATE UNIQUE INDEX exposure_audits_natural ON exposure_audits (entities_key, date, source) WHERE id = '';

CREATE TABLE exposure_audit_entities (
    audit  TEXT NOT NULL REFERENCES exposure_audits (uid),
    pos    INTEGER NOT NULL,
    finess TEXT NOT NULL REFERENCES entities (finess),
    PRIMARY KEY (audit, pos)
);

CREATE INDEX exposure_audit_entities_finess ON exposure_audit_entities (finess);

-- Records kept per entity.
CREATE TABLE exercises (
    entity             TEXT NOT NULL REFERENCES entities (finess),
    date               TEXT NOT NULL CHECK (length(date) = 10),
    kit                TEXT NOT NULL DEFAULT '',
    scenario           TEXT NOT NULL DEFAULT '',
    general_management BOOLEAN,
    clinical           BOOLEAN,
    hot_debrief        TEXT NOT NULL DEFAULT '',
    retex              TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity, date)
);

CREATE TABLE osis (
    entity                     TEXT NOT NULL REFERENCES entities (finess),
    year                       INTEGER NOT NULL,
    budget_share               BOOLEAN NOT NULL,
    priority_measures_answered INTEGER NOT NULL CHECK (priority_measures_answered >= 0),
    PRIMARY KEY (entity, year)
);

CREATE TABLE budgets (
    entity            TEXT NOT NULL REFERENCES entities (finess),
    year              INTEGER NOT NULL,
    digital_share_pct DOUBLE PRECISION,
    ssi_fte           DOUBLE PRECISION,
    PRIMARY KEY (entity, year)
);

-- Records kept per applicant.
CREATE TABLE governance (
    applicant                TEXT PRIMARY KEY REFERENCES applicants (id),
    referent                 TEXT NOT NULL DEFAULT '',
    single_ad_team           BOOLEAN,
    governance               BOOLEAN,
    convergence_validated_on TEXT NOT NULL DEFAULT '',
    already_converged        BOOLEAN NOT NULL,
    converged_description    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dossier_steps (
    applicant TEXT NOT NULL REFERENCES applicants (id),
    step      TEXT NOT NULL,
    date      TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    outcome   TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (applicant, step, date)
);

CREATE TABLE payments (
    applicant  TEXT NOT NULL REFERENCES applicants (id),
    date       TEXT NOT NULL,
    amount_eur DOUBLE PRECISION NOT NULL,
    objective  TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (applicant, date, amount_eur, objective)
);

-- Full audit reports, sealed with AES-256-GCM (nonce || ciphertext).
CREATE TABLE reports (
    kind       TEXT NOT NULL CHECK (kind IN ('ad', 'exposure')),
    id         TEXT NOT NULL,
    sealed     BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

-- Who changed what, when.
CREATE TABLE audit_trail (
    seq    {{autoid}},
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

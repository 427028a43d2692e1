-- The declared exposure perimeter of each entity, versioned: every change
-- is a new version, recorded by one account and approved by another (the
-- GHT referent, the ARS or an administrator). Audits launched from the web
-- application (and scheduled ones) scan the latest version, and only once
-- it is approved. body is the perimeter in the file format of
-- docs/perimeter.md, without "entity" lines.
CREATE TABLE exposure_perimeters (
    entity      TEXT NOT NULL REFERENCES entities (finess),
    version     INTEGER NOT NULL CHECK (version > 0),
    body        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity, version)
);

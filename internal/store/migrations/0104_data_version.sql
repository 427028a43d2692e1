-- One global counter of the data a dossier's facts are built from. Every
-- audited write (see trail in trail.go) increments it in its own
-- transaction, so equal versions mean identical facts: the web
-- application caches loaded facts and evaluations by version.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO data_version (id, version) VALUES (1, 0);

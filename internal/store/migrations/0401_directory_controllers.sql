-- The domain controllers an AD audit launched from the web application may
-- connect to, declared per directory by an administrator or the GHT
-- referent. host is a DNS name or an IP address, lower case.
CREATE TABLE directory_controllers (
    directory   TEXT NOT NULL REFERENCES directories (id),
    host        TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (directory, host)
);

-- Failed logins, per account ("login:…") and per client address ("ip:…"):
-- the web application delays the next attempt progressively. Kept in the
-- store so that a restart does not forget them and several instances
-- share them.
CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    last_failure  TEXT NOT NULL,
    blocked_until TEXT NOT NULL DEFAULT ''
);

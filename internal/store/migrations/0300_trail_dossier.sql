-- Each audit trail entry names the dossier (applicant ID) it concerns when
-- one is known ('' otherwise) and the data version its write produced (0
-- for entries that change no data, such as a failed login). The web
-- application reads the entries newer than the version it cached to know
-- which dossiers changed, and filters the trail by dossier.
ALTER TABLE audit_trail ADD COLUMN dossier TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_trail ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX audit_trail_data_version ON audit_trail (data_version);
CREATE INDEX audit_trail_dossier ON audit_trail (dossier, seq);
CREATE INDEX audit_trail_actor ON audit_trail (actor, seq);

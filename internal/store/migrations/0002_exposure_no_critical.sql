-- What a source states about critical vulnerabilities when it gives no
-- counts (an OPSSIES compliance level): NULL when it states nothing.
ALTER TABLE exposure_audits ADD COLUMN no_critical BOOLEAN;

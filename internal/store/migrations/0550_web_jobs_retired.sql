-- The audits launched from the web application are River jobs (tables
-- river_*, created by River's own migrations): the in-process runner's
-- table goes. Its audits stay stored (reports) and its launches stay in
-- the audit trail (actions tache_exposure, tache_ad).
DROP TABLE web_jobs;

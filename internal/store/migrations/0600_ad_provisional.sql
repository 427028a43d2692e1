-- The caveat of an AD audit's level (care.ADAudit.Provisional and
-- ProvisionalPoints): level_provisional, and the control points not
-- evaluated that could lower the level, space-separated.
-- level_provisional is NULL only for an audit recorded before this
-- migration whose sealed report may say more: Open reads it back from the
-- report when the key is there (see backfillProvisional).
ALTER TABLE ad_audits ADD COLUMN level_provisional BOOLEAN;

ALTER TABLE ad_audits ADD COLUMN provisional_points TEXT NOT NULL DEFAULT '';

-- An audit without a sealed report (imported from a dossier) has nothing
-- more to say: its level is final.
UPDATE ad_audits SET level_provisional = FALSE
 WHERE id = '' OR NOT EXISTS (SELECT 1 FROM reports r WHERE r.kind = 'ad' AND r.id = ad_audits.id);

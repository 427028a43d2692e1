package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"vigie/internal/care"
)

// auditRef is an audit row found by its ID or natural key.
type auditRef struct {
	uid    string
	stored bool
}

// findAudit looks an audit up by ID when it has one, else by natural key
// among the audits without ID.
func findAudit(ctx context.Context, tx *wtx, table, id, naturalWhere string, natural ...any) (auditRef, bool, error) {
	var ref auditRef
	var row *sql.Row
	if id != "" {
		row = tx.QueryRowContext(ctx, `SELECT uid, stored FROM `+table+` WHERE id = $1`, id)
	} else {
		row = tx.QueryRowContext(ctx, `SELECT uid, stored FROM `+table+` WHERE id = '' AND `+naturalWhere, natural...)
	}
	err := row.Scan(&ref.uid, &ref.stored)
	if errors.Is(err, sql.ErrNoRows) {
		return auditRef{}, false, nil
	}
	return ref, err == nil, err
}

func adAuditCols(a care.ADAudit) []col {
	return []col{{"id", a.ID}, {"directory", a.Directory}, {"date", a.Date.String()}, {"level", a.Level},
		{"source", a.Source}, {"report", a.Report},
		{"level_provisional", a.IsProvisional()}, {"provisional_points", strings.Join(a.ProvisionalPoints, " ")}}
}

func (im importer) adAudits(as []care.ADAudit) error {
	for i, a := range as {
		if err := im.adAuditInDossier(i, a); err != nil {
			return err
		}
		o, err := upsertADAudit(im.ctx, im.tx, a)
		if err != nil {
			return fmt.Errorf("audit AD %s du %s (annuaire %s) : %w", a.ID, a.Date.French(), a.Directory, err)
		}
		im.stats.count(KindADAudit, o)
	}
	return nil
}

func upsertADAudit(ctx context.Context, tx *wtx, a care.ADAudit) (outcome, error) {
	ref, found, err := findAudit(ctx, tx, "ad_audits", a.ID,
		`directory = $1 AND date = $2 AND source = $3`, a.Directory, a.Date.String(), a.Source)
	if err != nil {
		return 0, err
	}
	if !found {
		ref.uid = newID("ada")
	}
	o, err := upsertRow(ctx, tx, "ad_audits", []col{{"uid", ref.uid}}, adAuditCols(a), ref.stored)
	if err != nil {
		return 0, err
	}
	changed, err := replaceList(ctx, tx, "ad_audit_checks", "audit", "check_id", ref.uid, a.FailedChecks, listModeOf(o, ref.stored))
	if err != nil {
		return 0, fmt.Errorf("points de contrôle : %w", err)
	}
	return merge(o, changed, ref.stored), nil
}

// listModeOf chooses how to write the child list of a row.
func listModeOf(o outcome, immutable bool) listMode {
	switch {
	case o == added:
		return listFreshRows
	case immutable:
		return listCompare
	}
	return listReplace
}

// merge combines a row outcome with a change in the row's child list.
func merge(o outcome, childChanged, immutable bool) outcome {
	switch {
	case !childChanged || o == added:
		return o
	case immutable:
		return kept
	case o == unchanged:
		return updated
	}
	return o
}

func exposureAuditCols(a care.ExposureAudit) []col {
	c := care.Counts{}
	has := a.Counts != nil
	if has {
		c = *a.Counts
	}
	opt := func(n int) any {
		if !has {
			return nil
		}
		return n
	}
	return []col{{"id", a.ID}, {"entities_key", entitiesKey(a.Entities)}, {"date", a.Date.String()},
		{"complete_perimeter", a.CompletePerimeter}, {"has_counts", has},
		{"critical", opt(c.Critical)}, {"high", opt(c.High)}, {"medium", opt(c.Medium)}, {"low", opt(c.Low)}, {"info", opt(c.Info)},
		{"no_critical", nullBool(a.NoCritical)}, {"source", a.Source}, {"report", a.Report}}
}

func (im importer) exposureAudits(as []care.ExposureAudit) error {
	for i, a := range as {
		if err := im.exposureAuditInDossier(i, a); err != nil {
			return err
		}
		o, err := upsertExposureAudit(im.ctx, im.tx, a)
		if err != nil {
			return fmt.Errorf("audit d'exposition %s du %s : %w", a.ID, a.Date.French(), err)
		}
		im.stats.count(KindExposureAudit, o)
	}
	return nil
}

func upsertExposureAudit(ctx context.Context, tx *wtx, a care.ExposureAudit) (outcome, error) {
	if len(a.Entities) == 0 {
		return 0, errors.New("aucun établissement dans le périmètre")
	}
	ref, found, err := findAudit(ctx, tx, "exposure_audits", a.ID,
		`entities_key = $1 AND date = $2 AND source = $3`, entitiesKey(a.Entities), a.Date.String(), a.Source)
	if err != nil {
		return 0, err
	}
	if !found {
		ref.uid = newID("exa")
	}
	o, err := upsertRow(ctx, tx, "exposure_audits", []col{{"uid", ref.uid}}, exposureAuditCols(a), ref.stored)
	if err != nil {
		return 0, err
	}
	changed, err := replaceList(ctx, tx, "exposure_audit_entities", "audit", "finess", ref.uid, finessStrings(a.Entities), listModeOf(o, ref.stored))
	if err != nil {
		return 0, fmt.Errorf("périmètre : %w", err)
	}
	return merge(o, changed, ref.stored), nil
}

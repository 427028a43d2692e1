package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie/internal/org"
)

// ActionPerimeter is the audit trail action of a perimeter recorded or approved.
const ActionPerimeter = "perimetre_exposition"

// Errors of the perimeter approval.
var (
	// ErrNotApproved: the entity's latest perimeter is not approved (or none exists).
	ErrNotApproved = errors.New("aucun périmètre d'exposition approuvé pour cet établissement")
	// ErrSelfApproval: the account that recorded a version may not approve it.
	ErrSelfApproval = errors.New("un périmètre ne peut pas être approuvé par le compte qui l'a enregistré")
	// ErrStaleVersion: the version to approve is no longer the latest.
	ErrStaleVersion = errors.New("cette version du périmètre a été remplacée par une plus récente")
)

// ExposurePerimeter is one version of an entity's declared exposure
// perimeter: what the establishment recorded, and who approved it.
type ExposurePerimeter struct {
	Entity  org.FINESS
	Version int
	// Text is the perimeter in the file format of docs/perimeter.md.
	Text       string
	RecordedBy string
	RecordedAt time.Time
	// ApprovedBy is empty while the version waits for approval.
	ApprovedBy string
	ApprovedAt time.Time
}

// Approved reports whether the version was approved.
func (p ExposurePerimeter) Approved() bool { return p.ApprovedBy != "" }

const perimeterCols = `entity, version, body, recorded_by, recorded_at, approved_by, approved_at`

func scanPerimeter(sc rowScanner) (ExposurePerimeter, error) {
	var p ExposurePerimeter
	var rec, appr string
	if err := sc.Scan(&p.Entity, &p.Version, &p.Text, &p.RecordedBy, &rec, &p.ApprovedBy, &appr); err != nil {
		return p, err
	}
	p.RecordedAt, _ = time.Parse(webTimeLayout, rec)
	if appr != "" {
		p.ApprovedAt, _ = time.Parse(webTimeLayout, appr)
	}
	return p, nil
}

// RecordExposurePerimeter stores a new version of an entity's perimeter,
// pending approval, and reports whether it changed: the same text as the
// latest version records nothing. The caller has validated text.
func (s *Store) RecordExposurePerimeter(ctx context.Context, entity org.FINESS, text, by string) (ExposurePerimeter, bool, error) {
	var out ExposurePerimeter
	changed := false
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(entity)); err != nil {
			return err
		}
		cur, err := scanPerimeter(tx.QueryRowContext(ctx, `SELECT `+perimeterCols+` FROM exposure_perimeters
			WHERE entity = $1 ORDER BY version DESC LIMIT 1`, entity))
		switch {
		case err == nil && cur.Text == text:
			out = cur
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		out = ExposurePerimeter{Entity: entity, Version: cur.Version + 1, Text: text, RecordedBy: by, RecordedAt: s.now().UTC().Truncate(time.Second)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO exposure_perimeters (entity, version, body, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5)`, entity, out.Version, text, by, webTime(out.RecordedAt)); err != nil {
			return err
		}
		changed = true
		return s.trail(ctx, tx, by, ActionPerimeter, string(entity), fmt.Sprintf("version %d enregistrée, en attente d'approbation", out.Version))
	})
	if err != nil {
		return ExposurePerimeter{}, false, fmt.Errorf("périmètre d'exposition de %s : %w", entity, err)
	}
	return out, changed, nil
}

// ApproveExposurePerimeter approves a version of an entity's perimeter:
// it must be the latest (ErrStaleVersion), not yet approved, and by is not
// the account that recorded it (ErrSelfApproval). The caller checks by's role.
func (s *Store) ApproveExposurePerimeter(ctx context.Context, entity org.FINESS, version int, by string) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanPerimeter(tx.QueryRowContext(ctx, `SELECT `+perimeterCols+` FROM exposure_perimeters
			WHERE entity = $1 ORDER BY version DESC LIMIT 1`, entity))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case cur.Version != version:
			return ErrStaleVersion
		case cur.Approved():
			return nil
		case cur.RecordedBy == by:
			return ErrSelfApproval
		}
		if _, err := tx.ExecContext(ctx, `UPDATE exposure_perimeters SET approved_by = $1, approved_at = $2
			WHERE entity = $3 AND version = $4`, by, webTime(s.now()), entity, version); err != nil {
			return err
		}
		return s.trail(ctx, tx, by, ActionPerimeter, string(entity),
			fmt.Sprintf("version %d approuvée (enregistrée par %s le %s)", version, cur.RecordedBy, cur.RecordedAt.Format("02/01/2006")))
	})
	if err != nil {
		return fmt.Errorf("approbation du périmètre d'exposition de %s : %w", entity, err)
	}
	return nil
}

// ExposurePerimeterOf returns the latest version of an entity's perimeter
// (ErrNotFound when none was recorded).
func (s *Store) ExposurePerimeterOf(ctx context.Context, entity org.FINESS) (ExposurePerimeter, error) {
	p, err := scanPerimeter(s.r.QueryRowContext(ctx, `SELECT `+perimeterCols+` FROM exposure_perimeters
		WHERE entity = $1 ORDER BY version DESC LIMIT 1`, entity))
	if errors.Is(err, sql.ErrNoRows) {
		return ExposurePerimeter{}, fmt.Errorf("périmètre d'exposition de %s : %w", entity, ErrNotFound)
	}
	if err != nil {
		return ExposurePerimeter{}, fmt.Errorf("périmètre d'exposition de %s : %w", entity, err)
	}
	return p, nil
}

// ApprovedExposurePerimeter returns the perimeter an audit of the entity
// may scan: its latest version, when approved (else ErrNotApproved). A
// version waiting for approval suspends the audits: the perimeter may
// have shrunk.
func (s *Store) ApprovedExposurePerimeter(ctx context.Context, entity org.FINESS) (ExposurePerimeter, error) {
	p, err := s.ExposurePerimeterOf(ctx, entity)
	if errors.Is(err, ErrNotFound) {
		return ExposurePerimeter{}, fmt.Errorf("établissement %s : %w", entity, ErrNotApproved)
	}
	if err != nil {
		return ExposurePerimeter{}, err
	}
	if !p.Approved() {
		return ExposurePerimeter{}, fmt.Errorf("établissement %s (version %d en attente) : %w", entity, p.Version, ErrNotApproved)
	}
	return p, nil
}

// ExposurePerimeterHistory lists every version of an entity's perimeter, newest first.
func (s *Store) ExposurePerimeterHistory(ctx context.Context, entity org.FINESS) ([]ExposurePerimeter, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+perimeterCols+` FROM exposure_perimeters WHERE entity = $1 ORDER BY version DESC`, entity)
	if err != nil {
		return nil, fmt.Errorf("historique du périmètre de %s : %w", entity, err)
	}
	defer rows.Close()
	var out []ExposurePerimeter
	for rows.Next() {
		p, err := scanPerimeter(rows)
		if err != nil {
			return nil, fmt.Errorf("historique du périmètre de %s : %w", entity, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

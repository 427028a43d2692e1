package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vigie/internal/care"
)

// Report kinds, as stored in the reports table.
const (
	reportAD       = "ad"
	reportExposure = "exposure"
)

// SaveADAudit stores a new AD audit: its summary (which then appears in
// LoadFacts for the applicant owning the directory, which must be stored)
// and its full report, encrypted. An empty a.ID gets a fresh one; an ID
// already stored is refused (ErrExists): stored audits are immutable and a
// re-run is a new audit. The audit trail names the actor set by WithActor.
func (s *Store) SaveADAudit(ctx context.Context, a care.ADAudit, report []byte) (string, error) {
	if a.ID == "" {
		a.ID = newID("ad")
	}
	sealed, err := s.seal(report, aadOf(reportAD, a.ID))
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit AD : %w", err)
	}
	err = s.writeCached(ctx, func(tx *wtx) error {
		if err := mustExist(ctx, tx.Tx, "annuaire", "directories", "id", a.Directory); err != nil {
			return err
		}
		if err := refuseExisting(ctx, tx, "ad_audits", reportAD, a.ID); err != nil {
			return err
		}
		uid := newID("ada")
		vals := append(adAuditCols(a), col{"stored", true})
		if _, err := upsertRow(ctx, tx, "ad_audits", []col{{"uid", uid}}, vals, true); err != nil {
			return err
		}
		if _, err := replaceList(ctx, tx, "ad_audit_checks", "audit", "check_id", uid, a.FailedChecks, listFreshRows); err != nil {
			return fmt.Errorf("points de contrôle : %w", err)
		}
		if err := s.putReport(ctx, tx, reportAD, a.ID, sealed); err != nil {
			return err
		}
		return s.trail(ctx, tx.Tx, actorOf(ctx), ActionSaveAD, a.ID,
			fmt.Sprintf("annuaire %s, %s, %s, source %s", a.Directory, a.Date, a.LevelText(), a.Source))
	})
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit AD %s : %w", a.ID, err)
	}
	return a.ID, nil
}

// SaveExposureAudit stores a new exposure audit: its summary (which then
// appears in LoadFacts for the applicants owning its entities, which must
// be stored; an audit of entities that no dossier lists yet shows up once
// one does) and its full report, encrypted. IDs behave as in SaveADAudit.
func (s *Store) SaveExposureAudit(ctx context.Context, a care.ExposureAudit, audit []byte) (string, error) {
	if len(a.Entities) == 0 {
		return "", errors.New("enregistrement de l'audit d'exposition : aucun établissement dans le périmètre")
	}
	if a.ID == "" {
		a.ID = newID("ex")
	}
	sealed, err := s.seal(audit, aadOf(reportExposure, a.ID))
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit d'exposition : %w", err)
	}
	err = s.writeCached(ctx, func(tx *wtx) error {
		for _, f := range a.Entities {
			if err := mustExist(ctx, tx.Tx, "établissement", "entities", "finess", string(f)); err != nil {
				return err
			}
		}
		if err := refuseExisting(ctx, tx, "exposure_audits", reportExposure, a.ID); err != nil {
			return err
		}
		uid := newID("exa")
		vals := append(exposureAuditCols(a), col{"stored", true})
		if _, err := upsertRow(ctx, tx, "exposure_audits", []col{{"uid", uid}}, vals, true); err != nil {
			return err
		}
		if _, err := replaceList(ctx, tx, "exposure_audit_entities", "audit", "finess", uid, finessStrings(a.Entities), listFreshRows); err != nil {
			return fmt.Errorf("périmètre : %w", err)
		}
		if err := s.putReport(ctx, tx, reportExposure, a.ID, sealed); err != nil {
			return err
		}
		return s.trail(ctx, tx.Tx, actorOf(ctx), ActionSaveExposure, a.ID,
			fmt.Sprintf("%s, %s, source %s", entitiesKey(a.Entities), a.Date, a.Source))
	})
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit d'exposition %s : %w", a.ID, err)
	}
	return a.ID, nil
}

// aadOf binds a sealed report to its kind and ID.
func aadOf(kind, id string) string { return "vigie-report:" + kind + ":" + id }

func refuseExisting(ctx context.Context, tx *wtx, table, kind, id string) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM `+table+` WHERE id = $1)
		+ (SELECT COUNT(*) FROM reports WHERE kind = $2 AND id = $1)`, id, kind).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrExists
	}
	return nil
}

func (s *Store) putReport(ctx context.Context, tx *wtx, kind, id string, sealed []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reports (kind, id, sealed, created_at) VALUES ($1, $2, $3, $4)`,
		kind, id, sealed, s.now().UTC().Format(trailTimeLayout))
	if err != nil {
		return fmt.Errorf("rapport chiffré : %w", err)
	}
	return nil
}

// ADReport returns the decrypted full report of a stored AD audit.
func (s *Store) ADReport(ctx context.Context, id string) ([]byte, error) {
	return s.report(ctx, reportAD, id)
}

// ExposureReport returns the decrypted full report of a stored exposure audit.
func (s *Store) ExposureReport(ctx context.Context, id string) ([]byte, error) {
	return s.report(ctx, reportExposure, id)
}

func (s *Store) report(ctx context.Context, kind, id string) ([]byte, error) {
	if s.key == nil {
		return nil, ErrNoKey
	}
	var sealed []byte
	err := s.r.QueryRowContext(ctx, `SELECT sealed FROM reports WHERE kind = $1 AND id = $2`, kind, id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rapport d'audit %s : %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du rapport d'audit %s : %w", id, err)
	}
	plain, err := s.unseal(sealed, aadOf(kind, id))
	if err != nil {
		return nil, fmt.Errorf("rapport d'audit %s : %w", id, err)
	}
	return plain, nil
}

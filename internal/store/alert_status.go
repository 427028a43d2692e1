package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vigie/internal/civil"
)

// ObjectiveStatus is the status of an objective for an entity (empty for
// the dossier) as the alert watcher last saw it.
type ObjectiveStatus struct {
	Objective, Entity, Status string
}

// ObjectiveStatuses returns the statuses last saved for a dossier and the
// date they were evaluated at (zero when none were saved: the first
// evaluation is the baseline).
func (s *Store) ObjectiveStatuses(ctx context.Context, applicant string) ([]ObjectiveStatus, civil.Date, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT objective, entity, status, as_of FROM alert_objective_status
		WHERE applicant = $1 ORDER BY objective, entity`, applicant)
	if err != nil {
		return nil, civil.Date{}, fmt.Errorf("états des objectifs de %s : %w", applicant, err)
	}
	defer rows.Close()
	var out []ObjectiveStatus
	var asOf civil.Date
	for rows.Next() {
		var o ObjectiveStatus
		var at string
		if err := rows.Scan(&o.Objective, &o.Entity, &o.Status, &at); err != nil {
			return nil, civil.Date{}, fmt.Errorf("états des objectifs de %s : %w", applicant, err)
		}
		if d, err := civil.Parse(at); err == nil && d.After(asOf) {
			asOf = d
		}
		out = append(out, o)
	}
	return out, asOf, rows.Err()
}

// SaveObjectiveStatuses replaces the statuses saved for a dossier, in one
// transaction.
func (s *Store) SaveObjectiveStatuses(ctx context.Context, applicant string, asOf civil.Date, statuses []ObjectiveStatus) error {
	if applicant == "" {
		return errors.New("états des objectifs : dossier requis")
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_objective_status WHERE applicant = $1`, applicant); err != nil {
			return err
		}
		for _, o := range statuses {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_objective_status (applicant, objective, entity, status, as_of)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (applicant, objective, entity) DO UPDATE SET status = excluded.status`,
				applicant, o.Objective, o.Entity, o.Status, asOf.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("états des objectifs de %s : %w", applicant, err)
	}
	return nil
}

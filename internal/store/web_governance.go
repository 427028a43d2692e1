package store

import (
	"context"
	"database/sql"
	"fmt"

	"vigie/internal/care"
)

// RecordGovernance records the GHT governance declaration (D1.O6) of an
// applicant. A dated record is added (or replaces the one of the same
// date); an undated one replaces every record. by names who records it.
func (s *Store) RecordGovernance(ctx context.Context, applicant string, g care.Governance, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", applicant); err != nil {
			return err
		}
		del, args := `DELETE FROM governance WHERE applicant = $1`, []any{applicant}
		if !g.Date.IsZero() {
			del, args = del+` AND date = $2`, append(args, g.Date.String())
		}
		if _, err := tx.ExecContext(ctx, del, args...); err != nil {
			return fmt.Errorf("gouvernance : %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO governance (applicant, date, referent, single_ad_team, governance,
			convergence_validated_on, already_converged, converged_description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			applicant, g.Date.String(), g.Referent, nullBool(g.SingleADTeam), nullBool(g.Governance), g.ConvergenceValidatedOn.String(),
			g.AlreadyConverged, g.ConvergedDescription); err != nil {
			return fmt.Errorf("gouvernance : %w", err)
		}
		return s.trail(ctx, tx, by, ActionGovernance, applicant, "gouvernance du GHT (D1.O6)")
	})
}

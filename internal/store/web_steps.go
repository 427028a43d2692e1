package store

import (
	"context"
	"database/sql"
	"fmt"

	"vigie/internal/care"
)

// ErrStepRecorded is returned when a dossier step is already recorded.
var ErrStepRecorded = fmt.Errorf("étape déjà enregistrée : %w", ErrExists)

// RecordDossierStep records one step of an applicant's dossier and, when
// pay is not nil, the payment made with it, in one transaction through the
// audit trail. The caller checks the order of the steps; a step already
// recorded is refused with ErrStepRecorded. by names who records it.
func (s *Store) RecordDossierStep(ctx context.Context, applicant string, st care.Step, pay *care.Payment, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", applicant); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_steps WHERE applicant = $1 AND step = $2`,
			applicant, st.Step).Scan(&n); err != nil {
			return fmt.Errorf("étape %s : %w", st.Step, err)
		}
		if n > 0 {
			return fmt.Errorf("étape %s : %w", st.Step, ErrStepRecorded)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_steps (applicant, step, date, actor, outcome, note)
			VALUES ($1, $2, $3, $4, $5, $6)`, applicant, st.Step, st.Date.String(), st.By, st.Outcome, st.Note); err != nil {
			return fmt.Errorf("étape %s : %w", st.Step, err)
		}
		detail := fmt.Sprintf("étape %s du %s", st.Step, st.Date)
		if pay != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO payments (applicant, date, amount_eur, objective, actor)
				VALUES ($1, $2, $3, $4, $5)`, applicant, pay.Date.String(), pay.AmountEUR, pay.Objective, pay.By); err != nil {
				return fmt.Errorf("paiement : %w", err)
			}
			detail += fmt.Sprintf(", paiement de %.2f €", pay.AmountEUR)
		}
		return s.trail(ctx, tx, by, ActionStep, applicant, detail)
	})
}

package store

import (
	"context"
	"database/sql"
	"fmt"

	"vigie/internal/care"
)

// RecordExercise adds a crisis exercise recorded from the web application.
// The entity must be stored; an exercise already recorded for that entity
// on that date is refused (ErrDuplicate) rather than overwritten. by names
// who records it, for the audit trail.
func (s *Store) RecordExercise(ctx context.Context, x care.Exercise, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(x.Entity)); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM exercises WHERE entity = $1 AND date = $2`,
			string(x.Entity), x.Date.String()).Scan(&n); err != nil {
			return fmt.Errorf("exercice de crise : %w", err)
		}
		if n > 0 {
			return fmt.Errorf("exercice de crise du %s : %w", x.Date.French(), ErrDuplicate)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO exercises
			(entity, date, kit, scenario, general_management, clinical, hot_debrief, retex)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			string(x.Entity), x.Date.String(), x.Kit, x.Scenario, nullBool(x.GeneralManagement), nullBool(x.Clinical),
			x.HotDebrief.String(), x.Retex.String()); err != nil {
			return fmt.Errorf("enregistrement de l'exercice de crise : %w", err)
		}
		if _, err := replacePlan(ctx, tx, x, listFreshRows); err != nil {
			return fmt.Errorf("participants et plan d'action de l'exercice : %w", err)
		}
		return s.trail(ctx, tx, by, ActionExercise, string(x.Entity), fmt.Sprintf("exercice du %s, kit %s, %d participant(s), %d action(s)",
			x.Date, x.Kit, len(x.Participants), len(x.Actions)))
	})
}

// RecordBudget records (or corrects) an EJ's digital budget share and SSI
// staff for a year. The entity must be stored. by names who records it.
func (s *Store) RecordBudget(ctx context.Context, b care.Budget, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(b.Entity)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE budgets SET digital_share_pct = $1, ssi_fte = $2 WHERE entity = $3 AND year = $4`,
			nullFloat(b.DigitalSharePct), nullFloat(b.SSIFTE), string(b.Entity), b.Year)
		if err != nil {
			return fmt.Errorf("enregistrement du budget %d : %w", b.Year, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO budgets (entity, year, digital_share_pct, ssi_fte) VALUES ($1, $2, $3, $4)`,
				string(b.Entity), b.Year, nullFloat(b.DigitalSharePct), nullFloat(b.SSIFTE)); err != nil {
				return fmt.Errorf("enregistrement du budget %d : %w", b.Year, err)
			}
		}
		return s.trail(ctx, tx, by, ActionBudget, string(b.Entity), fmt.Sprintf("budget %d", b.Year))
	})
}

// RecordOSIS records (or corrects) an entity's oSIS self-assessment for a
// campaign year, with its measure checklist when there is one (which then
// gives the count). The entity must be stored. by names who records it.
func (s *Store) RecordOSIS(ctx context.Context, o care.OSIS, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(o.Entity)); err != nil {
			return err
		}
		n := o.Answered()
		res, err := tx.ExecContext(ctx, `UPDATE osis SET budget_share = $1, priority_measures_answered = $2 WHERE entity = $3 AND year = $4`,
			o.BudgetShare, n, string(o.Entity), o.Year)
		if err != nil {
			return fmt.Errorf("enregistrement oSIS %d : %w", o.Year, err)
		}
		if rows, _ := res.RowsAffected(); rows == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO osis (entity, year, budget_share, priority_measures_answered) VALUES ($1, $2, $3, $4)`,
				string(o.Entity), o.Year, o.BudgetShare, n); err != nil {
				return fmt.Errorf("enregistrement oSIS %d : %w", o.Year, err)
			}
		}
		if _, err := replaceMeasures(ctx, tx, o, listReplace); err != nil {
			return fmt.Errorf("enregistrement des mesures prioritaires oSIS %d : %w", o.Year, err)
		}
		return s.trail(ctx, tx, by, ActionOSIS, string(o.Entity), fmt.Sprintf("oSIS %d : %d mesures", o.Year, n))
	})
}

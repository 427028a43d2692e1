package store

import (
	"context"
	"database/sql"
	"fmt"

	"vigie/internal/care"
	"vigie/internal/french"
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
		return s.trail(ctx, tx, by, ActionExercise, string(x.Entity), fmt.Sprintf("exercice du %s, kit %s, %s, %s",
			x.Date.French(), x.Kit, french.Plural(len(x.Participants), "participant", "participants"), french.Plural(len(x.Actions), "action", "actions")))
	})
}

// RecordBudget records an EJ's digital budget share and SSI staff for a
// year. A dated record is added (or corrected, same date); an undated one
// replaces every record of that entity and year. The entity must be
// stored. by names who records it.
func (s *Store) RecordBudget(ctx context.Context, b care.Budget, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(b.Entity)); err != nil {
			return err
		}
		del, args := `DELETE FROM budgets WHERE entity = $1 AND year = $2`, []any{string(b.Entity), b.Year}
		if !b.Date.IsZero() {
			del, args = del+` AND date = $3`, append(args, b.Date.String())
		}
		if _, err := tx.ExecContext(ctx, del, args...); err != nil {
			return fmt.Errorf("enregistrement du budget %d : %w", b.Year, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO budgets (entity, year, date, digital_share_pct, ssi_fte) VALUES ($1, $2, $3, $4, $5)`,
			string(b.Entity), b.Year, b.Date.String(), nullFloat(b.DigitalSharePct), nullFloat(b.SSIFTE)); err != nil {
			return fmt.Errorf("enregistrement du budget %d : %w", b.Year, err)
		}
		return s.trail(ctx, tx, by, ActionBudget, string(b.Entity), fmt.Sprintf("budget %d", b.Year))
	})
}

// RecordOSIS records an entity's oSIS self-assessment for a campaign year,
// with its measure checklist when there is one (which then gives the
// count). A dated record is added (or corrected, same date); an undated one
// replaces every record of that entity and year. The entity must be
// stored. by names who records it.
func (s *Store) RecordOSIS(ctx context.Context, o care.OSIS, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "établissement", "entities", "finess", string(o.Entity)); err != nil {
			return err
		}
		n := o.Answered()
		where, args := ` WHERE entity = $1 AND year = $2`, []any{string(o.Entity), o.Year}
		if !o.Date.IsZero() {
			where, args = where+` AND date = $3`, append(args, o.Date.String())
		}
		for _, table := range []string{"osis_measures", "osis"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+where, args...); err != nil {
				return fmt.Errorf("enregistrement oSIS %d : %w", o.Year, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO osis (entity, year, date, budget_share, priority_measures_answered) VALUES ($1, $2, $3, $4, $5)`,
			string(o.Entity), o.Year, o.Date.String(), o.BudgetShare, n); err != nil {
			return fmt.Errorf("enregistrement oSIS %d : %w", o.Year, err)
		}
		if _, err := replaceMeasures(ctx, tx, o, listFreshRows); err != nil {
			return fmt.Errorf("enregistrement des mesures prioritaires oSIS %d : %w", o.Year, err)
		}
		return s.trail(ctx, tx, by, ActionOSIS, string(o.Entity), fmt.Sprintf("oSIS %d : %d mesures", o.Year, n))
	})
}

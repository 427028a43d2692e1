package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// LoadFacts returns everything stored for an applicant (GHT code or EJ
// FINESS), read from one consistent snapshot: what ImportFacts, SaveADAudit
// and SaveExposureAudit stored, in the order SortFacts defines. Empty lists
// are nil.
func (s *Store) LoadFacts(ctx context.Context, applicantID string) (care.Facts, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return care.Facts{}, err
	}
	defer tx.Rollback()
	l := loader{ctx: ctx, tx: tx, id: applicantID}
	f, err := l.load()
	if err != nil {
		return care.Facts{}, fmt.Errorf("lecture du dossier %s : %w", applicantID, err)
	}
	SortFacts(&f)
	return f, nil
}

// loader reads one applicant's rows inside a read transaction.
type loader struct {
	ctx context.Context
	tx  *sql.Tx
	id  string
}

func (l loader) load() (care.Facts, error) {
	var f care.Facts
	var kind string
	err := l.tx.QueryRowContext(l.ctx, `SELECT kind, wave, ceiling_eur FROM applicants WHERE id = $1`, l.id).
		Scan(&kind, &f.Wave, &f.Dossier.CeilingEUR)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if ApplicantKind(kind) == ApplicantGHT {
		var g org.GHT
		err := l.tx.QueryRowContext(l.ctx, `SELECT code, name, support, region FROM ghts WHERE code = $1`, l.id).
			Scan(&g.Code, &g.Name, &g.Support, &g.Region)
		if err != nil {
			return f, fmt.Errorf("GHT : %w", err)
		}
		f.GHT = &g
	}
	parts := []func(*care.Facts) error{l.entities, l.prerequisites, l.directories, l.adAudits, l.exposureAudits,
		l.exercises, l.exercisePlans, l.osis, l.osisMeasures, l.budgets, l.governance, l.steps, l.payments}
	for _, p := range parts {
		if err := p(&f); err != nil {
			return f, err
		}
	}
	return f, nil
}

// each runs q with the applicant ID as $1 and calls fn for every row.
func (l loader) each(q string, fn func(r *sql.Rows) error) error {
	rows, err := l.tx.QueryContext(l.ctx, q, l.id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// parseDate reads a stored date ("" is the zero date).
func parseDate(s string) (civil.Date, error) {
	if s == "" {
		return civil.Date{}, nil
	}
	return civil.Parse(s)
}

// dates parses several stored dates into their destinations.
func dates(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		d, err := parseDate(pairs[i].(string))
		if err != nil {
			return err
		}
		*pairs[i+1].(*civil.Date) = d
	}
	return nil
}

func boolPtr(b sql.NullBool) *bool {
	if !b.Valid {
		return nil
	}
	v := b.Bool
	return &v
}

func floatPtr(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	v := f.Float64
	return &v
}

const ownedEntities = `SELECT finess FROM applicant_entities WHERE applicant = $1`

func (l loader) entities(f *care.Facts) error {
	return l.each(`SELECT `+entityColumns+` FROM entities e WHERE e.finess IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		e, err := scanEntity(r)
		f.Entities = append(f.Entities, e)
		return err
	})
}

func (l loader) prerequisites(f *care.Facts) error {
	return l.each(`SELECT entity, id, met, date FROM prerequisites WHERE entity IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		var p care.Prerequisite
		var d string
		if err := r.Scan(&p.Entity, &p.ID, &p.Met, &d); err != nil {
			return err
		}
		f.Prerequisites = append(f.Prerequisites, p)
		return dates(d, &f.Prerequisites[len(f.Prerequisites)-1].Date)
	})
}

func (l loader) directories(f *care.Facts) error {
	idx := map[string]int{}
	err := l.each(`SELECT id, name FROM directories WHERE applicant = $1`, func(r *sql.Rows) error {
		var d care.Directory
		if err := r.Scan(&d.ID, &d.Name); err != nil {
			return err
		}
		idx[d.ID] = len(f.Directories)
		f.Directories = append(f.Directories, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("annuaires : %w", err)
	}
	return l.each(`SELECT de.directory, de.finess FROM directory_entities de JOIN directories d ON d.id = de.directory
		WHERE d.applicant = $1 ORDER BY de.directory, de.pos`, func(r *sql.Rows) error {
		var id string
		var fi org.FINESS
		if err := r.Scan(&id, &fi); err != nil {
			return err
		}
		d := &f.Directories[idx[id]]
		d.Entities = append(d.Entities, fi)
		return nil
	})
}

func (l loader) adAudits(f *care.Facts) error {
	idx := map[string]int{}
	err := l.each(`SELECT a.uid, a.id, a.directory, a.date, a.level, a.source, a.report, a.level_provisional, a.provisional_points FROM ad_audits a
		JOIN directories d ON d.id = a.directory WHERE d.applicant = $1`, func(r *sql.Rows) error {
		var a care.ADAudit
		var uid, d, points string
		var provisional sql.NullBool // NULL: not yet read back from the report (final until then)
		if err := r.Scan(&uid, &a.ID, &a.Directory, &d, &a.Level, &a.Source, &a.Report, &provisional, &points); err != nil {
			return err
		}
		a.Provisional = provisional.Bool
		if points != "" {
			a.ProvisionalPoints = strings.Fields(points)
		}
		if err := dates(d, &a.Date); err != nil {
			return err
		}
		idx[uid] = len(f.ADAudits)
		f.ADAudits = append(f.ADAudits, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("audits AD : %w", err)
	}
	return l.each(`SELECT c.audit, c.check_id FROM ad_audit_checks c JOIN ad_audits a ON a.uid = c.audit
		JOIN directories d ON d.id = a.directory WHERE d.applicant = $1 ORDER BY c.audit, c.pos`, func(r *sql.Rows) error {
		var uid, check string
		if err := r.Scan(&uid, &check); err != nil {
			return err
		}
		a := &f.ADAudits[idx[uid]]
		a.FailedChecks = append(a.FailedChecks, check)
		return nil
	})
}

// ownedExposure selects the exposure audits touching the applicant's entities.
const ownedExposure = `SELECT DISTINCT xe.audit FROM exposure_audit_entities xe
	JOIN applicant_entities ae ON ae.finess = xe.finess WHERE ae.applicant = $1`

func (l loader) exposureAudits(f *care.Facts) error {
	idx := map[string]int{}
	err := l.each(`SELECT uid, id, date, complete_perimeter, has_counts, critical, high, medium, low, info, no_critical, source, report
		FROM exposure_audits WHERE uid IN (`+ownedExposure+`)`, func(r *sql.Rows) error {
		var a care.ExposureAudit
		var uid, d string
		var has bool
		var c [5]sql.NullInt64
		var none sql.NullBool
		if err := r.Scan(&uid, &a.ID, &d, &a.CompletePerimeter, &has, &c[0], &c[1], &c[2], &c[3], &c[4], &none, &a.Source, &a.Report); err != nil {
			return err
		}
		if none.Valid {
			a.NoCritical = &none.Bool
		}
		if err := dates(d, &a.Date); err != nil {
			return err
		}
		if has {
			a.Counts = &care.Counts{Critical: int(c[0].Int64), High: int(c[1].Int64), Medium: int(c[2].Int64),
				Low: int(c[3].Int64), Info: int(c[4].Int64)}
		}
		idx[uid] = len(f.ExposureAudits)
		f.ExposureAudits = append(f.ExposureAudits, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("audits d'exposition : %w", err)
	}
	return l.each(`SELECT audit, finess FROM exposure_audit_entities WHERE audit IN (`+ownedExposure+`)
		ORDER BY audit, pos`, func(r *sql.Rows) error {
		var uid string
		var fi org.FINESS
		if err := r.Scan(&uid, &fi); err != nil {
			return err
		}
		a := &f.ExposureAudits[idx[uid]]
		a.Entities = append(a.Entities, fi)
		return nil
	})
}

func (l loader) exercises(f *care.Facts) error {
	return l.each(`SELECT entity, date, kit, scenario, general_management, clinical, hot_debrief, retex
		FROM exercises WHERE entity IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		var x care.Exercise
		var d, hot, retex string
		var gm, cl sql.NullBool
		if err := r.Scan(&x.Entity, &d, &x.Kit, &x.Scenario, &gm, &cl, &hot, &retex); err != nil {
			return err
		}
		x.GeneralManagement, x.Clinical = boolPtr(gm), boolPtr(cl)
		if err := dates(d, &x.Date, hot, &x.HotDebrief, retex, &x.Retex); err != nil {
			return err
		}
		f.Exercises = append(f.Exercises, x)
		return nil
	})
}

func (l loader) osis(f *care.Facts) error {
	return l.each(`SELECT entity, year, date, budget_share, priority_measures_answered FROM osis
		WHERE entity IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		var o care.OSIS
		var d string
		if err := r.Scan(&o.Entity, &o.Year, &d, &o.BudgetShare, &o.PriorityMeasuresAnswered); err != nil {
			return err
		}
		if err := dates(d, &o.Date); err != nil {
			return err
		}
		f.OSIS = append(f.OSIS, o)
		return nil
	})
}

func (l loader) budgets(f *care.Facts) error {
	return l.each(`SELECT entity, year, date, digital_share_pct, ssi_fte FROM budgets
		WHERE entity IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		var b care.Budget
		var pct, fte sql.NullFloat64
		var d string
		if err := r.Scan(&b.Entity, &b.Year, &d, &pct, &fte); err != nil {
			return err
		}
		if err := dates(d, &b.Date); err != nil {
			return err
		}
		b.DigitalSharePct, b.SSIFTE = floatPtr(pct), floatPtr(fte)
		f.Budget = append(f.Budget, b)
		return nil
	})
}

// governance loads the applicant's governance records: the latest by date
// is Governance, the others GovernanceHistory (oldest first).
func (l loader) governance(f *care.Facts) error {
	var all []care.Governance
	err := l.each(`SELECT date, referent, single_ad_team, governance, convergence_validated_on, already_converged,
		converged_description FROM governance WHERE applicant = $1`, func(r *sql.Rows) error {
		var g care.Governance
		var team, gov sql.NullBool
		var d, v string
		if err := r.Scan(&d, &g.Referent, &team, &gov, &v, &g.AlreadyConverged, &g.ConvergedDescription); err != nil {
			return err
		}
		g.SingleADTeam, g.Governance = boolPtr(team), boolPtr(gov)
		if err := dates(d, &g.Date, v, &g.ConvergenceValidatedOn); err != nil {
			return err
		}
		all = append(all, g)
		return nil
	})
	if err != nil || len(all) == 0 {
		return err
	}
	slices.SortFunc(all, func(a, b care.Governance) int { return a.Date.Compare(b.Date) })
	last := all[len(all)-1]
	f.Governance = &last
	if len(all) > 1 {
		f.GovernanceHistory = all[:len(all)-1]
	}
	return nil
}

func (l loader) steps(f *care.Facts) error {
	return l.each(`SELECT step, date, actor, outcome, note FROM dossier_steps WHERE applicant = $1`, func(r *sql.Rows) error {
		var st care.Step
		var d string
		if err := r.Scan(&st.Step, &d, &st.By, &st.Outcome, &st.Note); err != nil {
			return err
		}
		if err := dates(d, &st.Date); err != nil {
			return err
		}
		f.Dossier.Steps = append(f.Dossier.Steps, st)
		return nil
	})
}

func (l loader) payments(f *care.Facts) error {
	return l.each(`SELECT date, amount_eur, objective, actor FROM payments WHERE applicant = $1`, func(r *sql.Rows) error {
		var p care.Payment
		var d string
		if err := r.Scan(&d, &p.AmountEUR, &p.Objective, &p.By); err != nil {
			return err
		}
		if err := dates(d, &p.Date); err != nil {
			return err
		}
		f.Dossier.Payments = append(f.Dossier.Payments, p)
		return nil
	})
}

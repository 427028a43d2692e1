package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/org"
)

// ImportFacts stores a whole dossier in one transaction: either everything
// is written or nothing is. It is idempotent: rows are matched on their
// natural keys (entity FINESS; prerequisite (entity, id, date); directory
// id; AD audit id, else (directory, date, source); exposure audit id, else
// (sorted entities, date, source); exercise (entity, date), whose
// participants and action plan are replaced as a whole; oSIS (its measure
// checklist replaced as a whole) and budget (entity, year, date); governance
// (applicant, date); dossier step (step, date); payment (date, amount,
// objective)). Dated records are all kept: the evaluation picks the latest
// up to its judgement date. A changed value on a known key
// updates the row, except audits stored with their full report, which are
// immutable. Rows absent from f are kept: an import never deletes. by names
// who imports, for the audit trail.
func (s *Store) ImportFacts(ctx context.Context, f care.Facts, by string) (ImportStats, error) {
	return s.ImportFactsChecked(ctx, f, by, nil)
}

// ImportFactsChecked is ImportFacts with a check run inside the import's
// transaction, before any write, on what the store holds (see
// ImportPrior): the web application refuses there the values the
// importer's role may not record. The check's error aborts the import.
func (s *Store) ImportFactsChecked(ctx context.Context, f care.Facts, by string, check ImportCheck) (ImportStats, error) {
	id, kind, err := applicantOfFacts(f)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import du dossier : %w", err)
	}
	for _, e := range f.Entities {
		if err := validateEntity(e); err != nil {
			return ImportStats{}, fmt.Errorf("import du dossier %s : %w", id, err)
		}
	}
	st := ImportStats{Applicant: id}
	err = s.writeCached(ctx, func(tx *wtx) error {
		im := importer{ctx: ctx, tx: tx, applicant: id, stats: &st, owned: map[org.FINESS]bool{}}
		if check != nil {
			prior, err := loadPrior(ctx, tx, id, f)
			if err != nil {
				return err
			}
			if err := check(prior); err != nil {
				return err
			}
		}
		steps := []func() error{
			func() error { return im.applicantRow(f, kind) },
			func() error { return im.entities(f) },
			func() error { return im.prerequisites(f.Prerequisites) },
			func() error { return im.directories(f.Directories) },
			func() error { return im.adAudits(f.ADAudits) },
			func() error { return im.exposureAudits(f.ExposureAudits) },
			func() error { return im.exercises(f.Exercises) },
			func() error { return im.osis(f.OSIS) },
			func() error { return im.budgets(f.Budget) },
			func() error { return im.governance(f.Governance, f.GovernanceHistory) },
			func() error { return im.dossier(f.Dossier) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return s.trail(ctx, tx.Tx, by, ActionImport, id, st.String())
	})
	if err != nil {
		return ImportStats{}, fmt.Errorf("import du dossier %s (rien n'a été enregistré) : %w", id, err)
	}
	return st, nil
}

// importer writes one dossier inside a transaction.
type importer struct {
	ctx       context.Context
	tx        *wtx
	applicant string
	stats     *ImportStats
	// owned caches the entities known to belong to the applicant.
	owned map[org.FINESS]bool
}

func (im importer) applicantRow(f care.Facts, kind ApplicantKind) error {
	if f.GHT != nil {
		o, err := upsertGHT(im.ctx, im.tx, *f.GHT)
		if err != nil {
			return err
		}
		im.stats.count(KindGHT, o)
	}
	o, err := upsertRow(im.ctx, im.tx, "applicants",
		[]col{{"id", im.applicant}},
		[]col{{"kind", string(kind)}, {"wave", f.Wave}, {"ceiling_eur", f.Dossier.CeilingEUR}}, false)
	if err != nil {
		return fmt.Errorf("candidat : %w", err)
	}
	im.stats.count(KindApplicant, o)
	return nil
}

func (im importer) entities(f care.Facts) error {
	for i, e := range f.Entities {
		o, err := upsertEntity(im.ctx, im.tx, e)
		if err != nil {
			return err
		}
		im.stats.count(KindEntity, o)
		// A refused claim rolls the whole import back, this update included.
		if err := im.claim(fmt.Sprintf("entities[%d].finess", i), e.FINESS); err != nil {
			return err
		}
		if f.GHT != nil && e.Kind == org.EJ {
			if err := setMembership(im.ctx, im.tx, e.FINESS, f.GHT.Code); err != nil {
				return err
			}
		}
	}
	return nil
}

// claim attaches an entity to the applicant; an entity belongs to one
// applicant, and one of another dossier is refused with its JSON path.
func (im importer) claim(path string, f org.FINESS) error {
	var owner string
	err := im.tx.QueryRowContext(im.ctx, `SELECT applicant FROM applicant_entities WHERE finess = $1`, f).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = im.tx.ExecContext(im.ctx, `INSERT INTO applicant_entities (finess, applicant) VALUES ($1, $2)`, f, im.applicant)
	case err == nil && owner != im.applicant:
		return fmt.Errorf("%s : l'établissement %s appartient à un autre dossier", path, f)
	}
	if err != nil {
		return fmt.Errorf("rattachement de %s : %w", f, err)
	}
	im.owned[f] = true
	return nil
}

func (im importer) prerequisites(ps []care.Prerequisite) error {
	for i, p := range ps {
		if err := im.mustOwn(fmt.Sprintf("prerequisites[%d].entity", i), p.Entity); err != nil {
			return err
		}
		o, err := upsertRow(im.ctx, im.tx, "prerequisites",
			[]col{{"entity", string(p.Entity)}, {"id", p.ID}, {"date", p.Date.String()}},
			[]col{{"met", p.Met}}, false)
		if err != nil {
			return fmt.Errorf("prérequis %s de %s : %w", p.ID, p.Entity, err)
		}
		im.stats.count(KindPrerequisite, o)
	}
	return nil
}

func (im importer) directories(ds []care.Directory) error {
	for i, d := range ds {
		var owner string
		err := im.tx.QueryRowContext(im.ctx, `SELECT applicant FROM directories WHERE id = $1`, d.ID).Scan(&owner)
		if err == nil && owner != im.applicant {
			return fmt.Errorf("directories[%d].id : l'annuaire %s appartient à un autre dossier", i, d.ID)
		}
		for j, e := range d.Entities {
			if err := im.mustOwn(fmt.Sprintf("directories[%d].entities[%d]", i, j), e); err != nil {
				return err
			}
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("annuaire %s : %w", d.ID, err)
		}
		o, err := upsertRow(im.ctx, im.tx, "directories",
			[]col{{"id", d.ID}}, []col{{"applicant", im.applicant}, {"name", d.Name}}, false)
		if err != nil {
			return fmt.Errorf("annuaire %s : %w", d.ID, err)
		}
		changed, err := replaceList(im.ctx, im.tx, "directory_entities", "directory", "finess", d.ID, finessStrings(d.Entities), listModeOf(o, false))
		if err != nil {
			return fmt.Errorf("établissements de l'annuaire %s : %w", d.ID, err)
		}
		o = merge(o, changed, false)
		im.stats.count(KindDirectory, o)
	}
	return nil
}

func (im importer) exercises(xs []care.Exercise) error {
	for i, x := range xs {
		if err := im.mustOwn(fmt.Sprintf("exercises[%d].entity", i), x.Entity); err != nil {
			return err
		}
		o, err := upsertRow(im.ctx, im.tx, "exercises",
			[]col{{"entity", string(x.Entity)}, {"date", x.Date.String()}},
			[]col{{"kit", x.Kit}, {"scenario", x.Scenario}, {"general_management", nullBool(x.GeneralManagement)},
				{"clinical", nullBool(x.Clinical)}, {"hot_debrief", x.HotDebrief.String()}, {"retex", x.Retex.String()}}, false)
		if err != nil {
			return fmt.Errorf("exercice de crise du %s (%s) : %w", x.Date.French(), x.Entity, err)
		}
		changed, err := replacePlan(im.ctx, im.tx, x, listModeOf(o, false))
		if err != nil {
			return fmt.Errorf("participants et plan d'action de l'exercice du %s (%s) : %w", x.Date.French(), x.Entity, err)
		}
		o = merge(o, changed, false)
		im.stats.count(KindExercise, o)
	}
	return nil
}

func (im importer) osis(os []care.OSIS) error {
	for i, x := range os {
		if err := im.mustOwn(fmt.Sprintf("osis[%d].entity", i), x.Entity); err != nil {
			return err
		}
		o, err := upsertRow(im.ctx, im.tx, "osis",
			[]col{{"entity", string(x.Entity)}, {"year", x.Year}, {"date", x.Date.String()}},
			[]col{{"budget_share", x.BudgetShare}, {"priority_measures_answered", x.Answered()}}, false)
		if err != nil {
			return fmt.Errorf("oSIS %d de %s : %w", x.Year, x.Entity, err)
		}
		changed, err := replaceMeasures(im.ctx, im.tx, x, listModeOf(o, false))
		if err != nil {
			return fmt.Errorf("mesures prioritaires de l'oSIS %d de %s : %w", x.Year, x.Entity, err)
		}
		o = merge(o, changed, false)
		im.stats.count(KindOSIS, o)
	}
	return nil
}

func (im importer) budgets(bs []care.Budget) error {
	for i, b := range bs {
		if err := im.mustOwn(fmt.Sprintf("budget[%d].entity", i), b.Entity); err != nil {
			return err
		}
		o, err := upsertRow(im.ctx, im.tx, "budgets",
			[]col{{"entity", string(b.Entity)}, {"year", b.Year}, {"date", b.Date.String()}},
			[]col{{"digital_share_pct", nullFloat(b.DigitalSharePct)}, {"ssi_fte", nullFloat(b.SSIFTE)}}, false)
		if err != nil {
			return fmt.Errorf("budget %d de %s : %w", b.Year, b.Entity, err)
		}
		im.stats.count(KindBudget, o)
	}
	return nil
}

func (im importer) governance(g *care.Governance, history []care.Governance) error {
	if g == nil {
		return nil
	}
	for _, x := range append([]care.Governance{*g}, history...) {
		o, err := upsertRow(im.ctx, im.tx, "governance",
			[]col{{"applicant", im.applicant}, {"date", x.Date.String()}},
			[]col{{"referent", x.Referent}, {"single_ad_team", nullBool(x.SingleADTeam)}, {"governance", nullBool(x.Governance)},
				{"convergence_validated_on", x.ConvergenceValidatedOn.String()}, {"already_converged", x.AlreadyConverged},
				{"converged_description", x.ConvergedDescription}}, false)
		if err != nil {
			return fmt.Errorf("gouvernance : %w", err)
		}
		im.stats.count(KindGovernance, o)
	}
	return nil
}

func (im importer) dossier(d care.Dossier) error {
	for _, st := range d.Steps {
		o, err := upsertRow(im.ctx, im.tx, "dossier_steps",
			[]col{{"applicant", im.applicant}, {"step", st.Step}, {"date", st.Date.String()}},
			[]col{{"actor", st.By}, {"outcome", st.Outcome}, {"note", st.Note}}, false)
		if err != nil {
			return fmt.Errorf("étape %s du %s : %w", st.Step, st.Date.French(), err)
		}
		im.stats.count(KindStep, o)
	}
	for _, p := range d.Payments {
		o, err := upsertRow(im.ctx, im.tx, "payments",
			[]col{{"applicant", im.applicant}, {"date", p.Date.String()}, {"amount_eur", p.AmountEUR}, {"objective", p.Objective}},
			[]col{{"actor", p.By}}, false)
		if err != nil {
			return fmt.Errorf("paiement du %s : %w", p.Date.French(), err)
		}
		im.stats.count(KindPayment, o)
	}
	return nil
}

func finessStrings(fs []org.FINESS) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// entitiesKey is the natural key of an exposure audit's perimeter: its
// FINESS numbers sorted and comma-joined.
func entitiesKey(fs []org.FINESS) string {
	ss := finessStrings(fs)
	slices.Sort(ss)
	return strings.Join(ss, ",")
}

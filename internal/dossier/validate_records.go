package dossier

import (
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
)

var kits = []string{"debutant", "intermediaire", "confirme"}

func (d *raw) records(v *validator, f *care.Facts) {
	for _, it := range d.Prerequisites {
		p, r := it.path, it.val
		x := care.Prerequisite{Entity: v.known(p+".entity", r.Entity), ID: care.NormalizeID(r.ID), Date: v.date(p+".date", r.Date, false)}
		switch {
		case strings.TrimSpace(r.ID) == "":
			v.fail(p+".id", "champ obligatoire")
		case v.wave != nil:
			if _, ok := v.wave.Prerequisite(x.ID); !ok {
				ids := make([]string, len(v.wave.Prerequisites))
				for i, def := range v.wave.Prerequisites {
					ids[i] = def.ID
				}
				v.fail(p+".id", "prérequis %q inconnu de la vague %s (attendu %s)", r.ID, v.wave.ID, french.ListOr(ids))
			}
		}
		if r.Met == nil {
			v.fail(p+".met", "champ obligatoire (true ou false)")
		} else {
			x.Met = *r.Met
		}
		if e := v.entities[x.Entity]; e != nil && e.Kind != org.EJ {
			v.fail(p+".entity", "un prérequis se déclare pour une EJ (%s est une EG)", x.Entity)
		}
		f.Prerequisites = append(f.Prerequisites, x)
	}
	for _, it := range d.Exercises {
		p, r := it.path, it.val
		x := care.Exercise{Entity: v.known(p+".entity", r.Entity), Date: v.date(p+".date", r.Date, true), Kit: r.Kit, Scenario: r.Scenario,
			GeneralManagement: r.GeneralManagement, Clinical: r.Clinical,
			HotDebrief: v.date(p+".hot_debrief", r.HotDebrief, false), Retex: v.date(p+".retex", r.Retex, false)}
		if r.Kit != "" && !slices.Contains(kits, r.Kit) {
			v.fail(p+".kit", "niveau de kit %q inconnu (attendu debutant, intermediaire ou confirme)", r.Kit)
		}
		x.Participants = v.participants(p, r.Participants)
		x.Actions = v.actions(p, r.Actions)
		f.Exercises = append(f.Exercises, x)
	}
	for _, it := range d.OSIS {
		p, r := it.path, it.val
		x := care.OSIS{Entity: v.known(p+".entity", r.Entity), Year: r.Year, Date: v.date(p+".date", r.Date, false), BudgetShare: r.BudgetShare}
		checkYear(v, p+".year", r.Year)
		if n := r.PriorityMeasuresAnswered; n != nil {
			x.PriorityMeasuresAnswered = *n
			if *n < 0 || *n > 1000 {
				v.fail(p+".priority_measures_answered", "nombre invalide : %d", *n)
			}
		}
		v.measures(p, r, &x)
		f.OSIS = append(f.OSIS, x)
	}
	for _, it := range d.Budget {
		p, r := it.path, it.val
		x := care.Budget{Entity: v.known(p+".entity", r.Entity), Year: r.Year, Date: v.date(p+".date", r.Date, false),
			DigitalSharePct: r.DigitalSharePct, SSIFTE: r.SSIFTE}
		checkYear(v, p+".year", r.Year)
		if r.DigitalSharePct != nil && (*r.DigitalSharePct < 0 || *r.DigitalSharePct > 100) {
			v.fail(p+".digital_share_pct", "pourcentage hors de 0–100 : %s", french.Decimal(*r.DigitalSharePct, 6))
		}
		if r.SSIFTE != nil && (*r.SSIFTE < 0 || *r.SSIFTE > 10000) {
			v.fail(p+".ssi_fte", "nombre d'ETP invalide : %s", french.Decimal(*r.SSIFTE, 6))
		}
		if e := v.entities[x.Entity]; e != nil && e.Kind == org.EG {
			if ej := v.entities[e.Parent]; ej != nil && ej.Category != org.Public {
				v.fail(p+".entity", "le budget se déclare sur l'EJ (%s est un site de l'EJ %s, qui n'est pas publique)", x.Entity, e.Parent)
			}
		}
		f.Budget = append(f.Budget, x)
	}
}

func checkYear(v *validator, path string, y int) {
	if y < 2000 || y > 2100 {
		v.fail(path, "année invalide : %d", y)
	}
}

func (d *raw) governance(v *validator, f *care.Facts) {
	if len(d.Governance) == 0 {
		return
	}
	if d.GHT == nil {
		v.fail(d.Governance[0].path, "la gouvernance AD (D1.O6) ne concerne que les dossiers portés par un GHT")
	}
	var all []care.Governance
	for _, it := range d.Governance {
		p, g := it.path, it.val
		all = append(all, care.Governance{Date: v.date(p+".date", g.Date, false), Referent: g.Referent, SingleADTeam: g.SingleADTeam,
			Governance: g.Governance, ConvergenceValidatedOn: v.date(p+".convergence_validated_on", g.ConvergenceValidatedOn, false),
			AlreadyConverged: g.AlreadyConverged, ConvergedDescription: g.ConvergedDescription})
	}
	all = dedupe(v, all, pathsOf(d.Governance), "gouvernance",
		func(x care.Governance) string { return x.Date.String() },
		func(care.Governance) string { return "gouvernance du GHT" },
		func(x care.Governance) civil.Date { return x.Date })
	// The latest by date is the record in force; the others are history,
	// oldest first.
	slices.SortStableFunc(all, func(a, b care.Governance) int { return a.Date.Compare(b.Date) })
	last := all[len(all)-1]
	f.Governance = &last
	if len(all) > 1 {
		f.GovernanceHistory = all[:len(all)-1]
	}
}

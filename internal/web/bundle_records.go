package web

import (
	"strings"

	"vigie/internal/care"
	"vigie/internal/org"
)

// recordTables lays out all the records of what the view shows: entities,
// audits, exercises, oSIS, budget, governance, dossier steps and the
// evaluation results, as typed tables (one CSV file, one worksheet each).
// The facts are already cut down to the visible entities and directories;
// per-entity records are filtered on them. wv names the dossier steps
// (nil: their codes are kept).
func recordTables(ev *care.Evaluation, f *care.Facts, wv *care.Wave) []table {
	visible := map[org.FINESS]bool{}
	names := map[org.FINESS]string{}
	ents := table{Name: "Établissements", File: "etablissements", Head: []string{"FINESS", "Nom", "Type", "Entité juridique", "Catégorie", "Région"}}
	for _, e := range f.Entities {
		visible[e.FINESS] = true
		names[e.FINESS] = e.Name
		ents.Rows = append(ents.Rows, []xcell{tx(string(e.FINESS)), tx(e.Name), tx(kindFr(e.Kind)), tx(string(e.Parent)), tx(e.Category.French()), tx(e.Region)})
	}
	dirs := map[string]string{}
	for _, d := range f.Directories {
		dirs[d.ID] = d.Name
	}
	ad := table{Name: "Audits AD", File: "audits-ad", Head: []string{"Identifiant", "Annuaire", "Nom de l'annuaire", "Date", "Niveau ANSSI", "Niveau provisoire",
		"Points non évalués pouvant abaisser le niveau", "Niveau en clair", "Source", "Points de contrôle en échec", "Rapport"}}
	for _, a := range f.ADAudits {
		if name, ok := dirs[a.Directory]; ok {
			ad.Rows = append(ad.Rows, []xcell{tx(a.ID), tx(a.Directory), tx(name), dx(a.Date), ix(a.Level), tx(yesNoCell(a.IsProvisional())),
				tx(strings.Join(a.ProvisionalPoints, " ")), tx(a.LevelText()), tx(sourceFr(a.Source)), tx(strings.Join(a.FailedChecks, " ")), tx(a.Report)})
		}
	}
	exp := table{Name: "Audits d'exposition", File: "audits-exposition", Head: []string{"Identifiant", "Date de fin de scan", "Établissements", "Périmètre complet",
		"Critiques", "Élevées", "Moyennes", "Faibles", "Source", "Rapport"}}
	for _, a := range f.ExposureAudits {
		if !anyVisible(a.Entities, visible) {
			continue
		}
		row := []xcell{tx(a.ID), dx(a.Date), tx(finessList(a.Entities)), tx(yesNoCell(a.CompletePerimeter))}
		if c := a.Counts; c != nil {
			row = append(row, ix(c.Critical), ix(c.High), ix(c.Medium), ix(c.Low))
		} else {
			row = append(row, tx(""), tx(""), tx(""), tx(""))
		}
		exp.Rows = append(exp.Rows, append(row, tx(sourceFr(a.Source)), tx(a.Report)))
	}
	ex := table{Name: "Exercices de crise", File: "exercices", Head: []string{"FINESS", "Établissement", "Date", "Kit", "Scénario", "Direction générale", "Directions métier", "Débriefing à chaud", "RETEX"}}
	for _, x := range f.Exercises {
		if visible[x.Entity] {
			ex.Rows = append(ex.Rows, []xcell{tx(string(x.Entity)), tx(names[x.Entity]), dx(x.Date), tx(kitFr(x.Kit)), tx(x.Scenario), tx(yesNo(x.GeneralManagement)), tx(yesNo(x.Clinical)),
				dx(x.HotDebrief), dx(x.Retex)})
		}
	}
	os := table{Name: "oSIS", File: "osis", Head: []string{"FINESS", "Établissement", "Année", "Part du budget numérique renseignée", "Mesures prioritaires renseignées"}}
	for _, o := range f.OSIS {
		if visible[o.Entity] {
			os.Rows = append(os.Rows, []xcell{tx(string(o.Entity)), tx(names[o.Entity]), ix(o.Year), tx(yesNoCell(o.BudgetShare)), ix(o.PriorityMeasuresAnswered)})
		}
	}
	bu := table{Name: "Budget", File: "budget", Head: []string{"FINESS", "Entité juridique", "Année", "Part numérique (%)", "ETP SSI"}}
	for _, b := range f.Budget {
		if visible[b.Entity] {
			bu.Rows = append(bu.Rows, []xcell{tx(string(b.Entity)), tx(names[b.Entity]), ix(b.Year), fx(b.DigitalSharePct), fx(b.SSIFTE)})
		}
	}
	gov := table{Name: "Gouvernance", File: "gouvernance", Head: []string{"Référent", "Équipe AD unique", "Gouvernance AD", "Convergence validée le", "AD déjà convergé", "Description"}}
	if g := f.Governance; g != nil {
		gov.Rows = append(gov.Rows, []xcell{tx(g.Referent), tx(yesNo(g.SingleADTeam)), tx(yesNo(g.Governance)), dx(g.ConvergenceValidatedOn),
			tx(yesNoCell(g.AlreadyConverged)), tx(g.ConvergedDescription)})
	}
	steps := table{Name: "Étapes du dossier", File: "etapes", Head: []string{"Étape", "Date", "Par", "Résultat", "Note"}}
	for _, s := range f.Dossier.Steps {
		steps.Rows = append(steps.Rows, []xcell{tx(stepTitle(wv, s.Step)), dx(s.Date), tx(s.By), tx(outcomeFr(s.Outcome)), tx(s.Note)})
	}
	res := table{Name: "Résultats", File: "resultats", Head: []string{"Objectif", "Entité", "Nom", "Statut", "Motif", "Preuves", "Prochaine échéance", "Action", "Réserves"}}
	for _, r := range ev.Results {
		due, action := xcell{kind: cellEmpty}, ""
		if r.Next != nil {
			due, action = dx(r.Next.Due), r.Next.Action
		}
		var warnings []string
		for _, w := range r.Warnings {
			warnings = append(warnings, frText(w))
		}
		res.Rows = append(res.Rows, []xcell{tx(r.Objective), tx(r.Entity), tx(r.EntityName), tx(resultWord(r.Status, warned(r))), tx(frText(r.Reason)),
			tx(evidenceText(r.Evidence)), due, tx(frText(action)), tx(strings.Join(warnings, " ; "))})
	}
	return []table{res, ents, ad, exp, ex, os, bu, gov, steps}
}

// stepTitle names a dossier step for people, from the catalogue.
func stepTitle(wv *care.Wave, id string) string {
	if wv != nil {
		for _, s := range wv.Steps {
			if s.ID == id {
				return s.Title
			}
		}
	}
	return id
}

// outcomeFr names a step's outcome (a status) for people.
func outcomeFr(o string) string {
	if o == "" {
		return ""
	}
	return care.Status(o).French()
}

func anyVisible(fs []org.FINESS, visible map[org.FINESS]bool) bool {
	for _, f := range fs {
		if visible[f] {
			return true
		}
	}
	return false
}

// evidenceText lists the records a result used, for a cell or the PDF.
func evidenceText(es []care.Evidence) string {
	var parts []string
	for _, e := range es {
		p := e.Ref
		if !e.Date.IsZero() {
			p += " (" + e.Date.French() + ")"
		}
		if e.Detail != "" {
			p += " — " + frText(e.Detail)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ; ")
}

func yesNoCell(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

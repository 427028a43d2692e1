package web

import (
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// sheet is one table of the records export: a CSV section and an XLSX sheet.
type sheet struct {
	Name string
	Head []string
	Rows [][]string
}

// recordSheets lays out all the records of what the view shows: entities,
// audits, exercises, oSIS, budget, governance, dossier steps and the
// evaluation results. The facts are already cut down to the visible
// entities and directories; per-entity records are filtered on them.
func recordSheets(ev *care.Evaluation, f *care.Facts) []sheet {
	visible := map[org.FINESS]bool{}
	ents := sheet{Name: "Établissements", Head: []string{"FINESS", "Nom", "Type", "Entité juridique", "Catégorie", "Région"}}
	for _, e := range f.Entities {
		visible[e.FINESS] = true
		ents.Rows = append(ents.Rows, []string{string(e.FINESS), e.Name, string(e.Kind), string(e.Parent), e.Category.French(), e.Region})
	}
	dirs := map[string]string{}
	for _, d := range f.Directories {
		dirs[d.ID] = d.Name
	}
	ad := sheet{Name: "Audits AD", Head: []string{"Identifiant", "Annuaire", "Nom de l'annuaire", "Date", "Niveau ANSSI", "Source", "Points de contrôle en échec", "Rapport"}}
	for _, a := range f.ADAudits {
		if name, ok := dirs[a.Directory]; ok {
			ad.Rows = append(ad.Rows, []string{a.ID, a.Directory, name, dateCell(a.Date), strconv.Itoa(a.Level), a.Source, strings.Join(a.FailedChecks, " "), a.Report})
		}
	}
	exp := sheet{Name: "Audits d'exposition", Head: []string{"Identifiant", "Date de fin de scan", "Établissements", "Périmètre complet",
		"Critiques", "Élevées", "Moyennes", "Faibles", "Source", "Rapport"}}
	for _, a := range f.ExposureAudits {
		if !anyVisible(a.Entities, visible) {
			continue
		}
		row := []string{a.ID, dateCell(a.Date), finessList(a.Entities), yesNoCell(a.CompletePerimeter)}
		if c := a.Counts; c != nil {
			row = append(row, strconv.Itoa(c.Critical), strconv.Itoa(c.High), strconv.Itoa(c.Medium), strconv.Itoa(c.Low))
		} else {
			row = append(row, "", "", "", "")
		}
		exp.Rows = append(exp.Rows, append(row, a.Source, a.Report))
	}
	ex := sheet{Name: "Exercices de crise", Head: []string{"Établissement", "Date", "Kit", "Scénario", "Direction générale", "Directions métier", "Débriefing à chaud", "RETEX"}}
	for _, x := range f.Exercises {
		if visible[x.Entity] {
			ex.Rows = append(ex.Rows, []string{string(x.Entity), dateCell(x.Date), kitFr(x.Kit), x.Scenario, yesNo(x.GeneralManagement), yesNo(x.Clinical),
				dateCell(x.HotDebrief), dateCell(x.Retex)})
		}
	}
	os := sheet{Name: "oSIS", Head: []string{"Établissement", "Année", "Part du budget numérique renseignée", "Mesures prioritaires renseignées"}}
	for _, o := range f.OSIS {
		if visible[o.Entity] {
			os.Rows = append(os.Rows, []string{string(o.Entity), strconv.Itoa(o.Year), yesNoCell(o.BudgetShare), strconv.Itoa(o.PriorityMeasuresAnswered)})
		}
	}
	bu := sheet{Name: "Budget", Head: []string{"Entité juridique", "Année", "Part numérique (%)", "ETP SSI"}}
	for _, b := range f.Budget {
		if visible[b.Entity] {
			bu.Rows = append(bu.Rows, []string{string(b.Entity), strconv.Itoa(b.Year), floatCell(b.DigitalSharePct), floatCell(b.SSIFTE)})
		}
	}
	gov := sheet{Name: "Gouvernance", Head: []string{"Référent", "Équipe AD unique", "Gouvernance AD", "Convergence validée le", "AD déjà convergé", "Description"}}
	if g := f.Governance; g != nil {
		gov.Rows = append(gov.Rows, []string{g.Referent, yesNo(g.SingleADTeam), yesNo(g.Governance), dateCell(g.ConvergenceValidatedOn),
			yesNoCell(g.AlreadyConverged), g.ConvergedDescription})
	}
	steps := sheet{Name: "Étapes du dossier", Head: []string{"Étape", "Date", "Par", "Résultat", "Note"}}
	for _, s := range f.Dossier.Steps {
		steps.Rows = append(steps.Rows, []string{s.Step, dateCell(s.Date), s.By, s.Outcome, s.Note})
	}
	res := sheet{Name: "Résultats", Head: []string{"Objectif", "Entité", "Nom", "Statut", "Motif", "Preuves", "Prochaine échéance", "Action"}}
	for _, r := range ev.Results {
		due, action := "", ""
		if r.Next != nil {
			due, action = dateCell(r.Next.Due), r.Next.Action
		}
		res.Rows = append(res.Rows, []string{r.Objective, r.Entity, r.EntityName, r.Status.French(), r.Reason, evidenceText(r.Evidence), due, action})
	}
	return []sheet{ents, ad, exp, ex, os, bu, gov, steps, res}
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
			p += " — " + e.Detail
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ; ")
}

func dateCell(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func yesNoCell(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func floatCell(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// pmsiTargets returns the entities an objective counted "in the FINESS PMSI
// sense" applies to (EJ for public, each EG for private), and missing-data
// results for EJ whose category or sites are unknown.
func (e *evaluator) pmsiTargets() (targets []*org.Entity, missing []Result) {
	for _, ej := range e.ejs {
		ts, ok := e.tree.PMSIEntities(ej)
		if ok {
			targets = append(targets, ts...)
			continue
		}
		reason := "catégorie juridique inconnue (statut juridique absent) : impossible de savoir si l'objectif se mesure par EJ ou par EG"
		if ej.Category != org.Unknown {
			reason = "établissement privé sans entité géographique (EG) déclarée : l'objectif se mesure pour chaque EG"
		}
		missing = append(missing, Result{Entity: string(ej.FINESS), EntityName: ej.Name, Status: MissingData, Reason: reason})
	}
	return targets, missing
}

func ruleExercise(e *evaluator, o *Objective) []Result {
	targets, out := e.pmsiTargets()
	from := e.asOf.AddMonths(-o.Params.WindowMonths)
	for _, t := range targets {
		r := Result{Entity: string(t.FINESS), EntityName: t.Name}
		var last *Exercise
		var refused, onParent []string
		late := 0
		for i := range e.f.Exercises {
			x := &e.f.Exercises[i]
			if x.Date.After(e.asOf) {
				continue
			}
			if t.Kind == org.EG && x.Entity == t.Parent {
				onParent = append(onParent, x.Date.String())
			}
			if x.Entity != t.FINESS {
				continue
			}
			late += overdueActions(x.Actions, e.asOf)
			if (x.GeneralManagement != nil && !*x.GeneralManagement) || (x.Clinical != nil && !*x.Clinical) {
				refused = append(refused, x.Date.String())
				continue
			}
			if last == nil || x.Date.After(last.Date) {
				last = x
			}
		}
		switch {
		case last == nil:
			r.Status, r.Reason = e.pending(), "aucun exercice de crise cyber enregistré"
			if !e.pastDeadline() {
				r.Next = &Next{Action: fmt.Sprintf("exercice de crise cyber au plus tard le %s", e.deadline), Due: e.deadline}
			}
		case last.Date.Before(from):
			due := last.Date.AddMonths(o.Params.WindowMonths)
			r.Status = NotMet
			r.Reason = fmt.Sprintf("dernier exercice de crise le %s, il y a plus de %d mois", last.Date, o.Params.WindowMonths)
			r.Next = &Next{Action: fmt.Sprintf("exercice de crise cyber à réaliser (échu depuis le %s)", due), Due: due}
		default:
			due := last.Date.AddMonths(o.Params.WindowMonths)
			r.Status = Met
			r.Reason = fmt.Sprintf("exercice de crise du %s", last.Date)
			if last.Kit != "" {
				r.Reason += " (kit " + last.Kit + ")"
			}
			r.Next = &Next{Action: fmt.Sprintf("prochain exercice de crise au plus tard le %s", due), Due: due}
		}
		if last != nil {
			r.Evidence = []Evidence{{Kind: "exercise", Ref: string(t.FINESS) + "@" + last.Date.String(), Date: last.Date, Detail: last.Scenario}}
		}
		if len(refused) > 0 {
			r.Reason += " ; exercice(s) sans direction générale ou sans directions métier non retenu(s) : " + strings.Join(refused, ", ")
		}
		if late > 0 {
			if late == 1 {
				r.Reason += " ; 1 action du plan en retard"
			} else {
				r.Reason += fmt.Sprintf(" ; %d actions du plan en retard", late)
			}
		}
		if len(onParent) > 0 {
			r.Reason += " ; exercice(s) enregistré(s) au niveau de l'EJ (" + strings.Join(onParent, ", ") + ") : pour un établissement privé, chaque EG doit avoir le sien"
		}
		out = append(out, r)
	}
	return out
}

func ruleOSIS(e *evaluator, o *Objective) []Result {
	targets, out := e.pmsiTargets()
	want := o.Params.Measures
	if n := len(e.w.PriorityMeasures.Items); n > 0 {
		want = n
	}
	for _, t := range targets {
		r := Result{Entity: string(t.FINESS), EntityName: t.Name}
		var rec *OSIS
		for i := range e.f.OSIS {
			x := &e.f.OSIS[i]
			if x.Entity == t.FINESS && x.Year <= e.asOf.Year && x.Year >= e.asOf.Year-o.Params.MaxAgeYears && (rec == nil || x.Year > rec.Year) {
				rec = x
			}
		}
		switch {
		case rec == nil:
			r.Status, r.Reason = e.pending(), fmt.Sprintf("aucune saisie oSIS pour %d ou %d", e.asOf.Year-o.Params.MaxAgeYears, e.asOf.Year)
		case rec.BudgetShare && rec.Answered() >= want:
			r.Status, r.Reason = Met, fmt.Sprintf("oSIS %d : part du budget numérique et %d mesures prioritaires renseignées", rec.Year, rec.Answered())
		default:
			var miss []string
			if !rec.BudgetShare {
				miss = append(miss, "part du budget numérique non renseignée")
			}
			if rec.Answered() < want {
				miss = append(miss, fmt.Sprintf("%d mesures prioritaires renseignées sur %d", rec.Answered(), want))
			}
			r.Status, r.Reason = e.pending(), fmt.Sprintf("oSIS %d incomplet : %s", rec.Year, strings.Join(miss, ", "))
		}
		if rec != nil {
			r.Evidence = []Evidence{{Kind: "osis", Ref: fmt.Sprintf("%s@%d", t.FINESS, rec.Year), Detail: fmt.Sprintf("%d/%d mesures", rec.Answered(), want)}}
		}
		if r.Status != Met && !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("compléter l'auto-évaluation oSIS au plus tard le %s", e.deadline), Due: e.deadline}
		}
		out = append(out, r)
	}
	return out
}

func ruleBudget(e *evaluator, o *Objective) []Result {
	var out []Result
	p := o.Params
	for _, ej := range e.ejs {
		r := Result{Entity: string(ej.FINESS), EntityName: ej.Name}
		var rec *Budget
		for i := range e.f.Budget {
			x := &e.f.Budget[i]
			if x.Entity == ej.FINESS && x.Year <= e.asOf.Year && x.Year >= e.asOf.Year-p.MaxAgeYears && (rec == nil || x.Year > rec.Year) {
				rec = x
			}
		}
		switch {
		case rec == nil:
			r.Status, r.Reason = e.pending(), "part du budget numérique et ETP SSI non déclarés"
		case rec.DigitalSharePct == nil || rec.SSIFTE == nil:
			var miss []string
			if rec.DigitalSharePct == nil {
				miss = append(miss, "part du budget numérique")
			}
			if rec.SSIFTE == nil {
				miss = append(miss, "ETP SSI")
			}
			r.Status, r.Reason = e.pending(), fmt.Sprintf("%d : %s non déclaré(s)", rec.Year, strings.Join(miss, " et "))
		default:
			r.Status = Met
			r.Reason = fmt.Sprintf("%d : part du budget numérique %s %%, %s ETP SSI", rec.Year, frenchNumber(*rec.DigitalSharePct), frenchNumber(*rec.SSIFTE))
		}
		if rec != nil {
			r.Evidence = []Evidence{{Kind: "budget", Ref: fmt.Sprintf("%s@%d", ej.FINESS, rec.Year)}}
		}
		if r.Status != Met && !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("déclarer la part du budget numérique et les ETP SSI au plus tard le %s", e.deadline), Due: e.deadline}
		}
		out = append(out, r)
	}
	return out
}

// frenchNumber prints 2.8 as "2,8".
func frenchNumber(v float64) string {
	return strings.Replace(strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), "."), ".", ",", 1)
}

// overdueActions counts the actions of a plan still open after their due date.
func overdueActions(as []Action, asOf civil.Date) int {
	n := 0
	for _, a := range as {
		if a.Overdue(asOf) {
			n++
		}
	}
	return n
}

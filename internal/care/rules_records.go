package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/french"
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
		reason := "catégorie de l'établissement inconnue (statut juridique absent ou hors nomenclature, catégorie non déclarée) : impossible de savoir si l'objectif se mesure par EJ ou par EG"
		if ej.Category != org.Unknown {
			reason = "établissement privé sans entité géographique (EG) déclarée : l'objectif se mesure pour chaque EG"
		}
		r := e.result(ej)
		r.Status, r.Reason = MissingData, reason
		missing = append(missing, r)
	}
	return targets, missing
}

// countsFor reports whether a record entered on entity f counts for the
// target t: a record on t itself, or, for a public EJ, on one of its sites
// (the EJ is then its PMSI entity). onSite is true in the second case.
func (e *evaluator) countsFor(f org.FINESS, t *org.Entity) (ok, onSite bool) {
	if f == t.FINESS {
		return true, false
	}
	if t.Kind != org.EJ || t.Category != org.Public {
		return false, false
	}
	x := e.tree.Get(f)
	return x != nil && x.Kind == org.EG && x.Parent == t.FINESS, true
}

// participation checks who took part in an exercise: the general
// management (the decision-making crisis cell) and the clinical or business
// directions. The flags win; without them the participants list is read.
// missing names what lacked; unknown is true when nothing says.
func participation(x *Exercise, p Params) (missing []string, unknown bool) {
	var texts []string
	for _, pt := range x.Participants {
		texts = append(texts, normalizeText(pt.Role+" "+pt.Direction))
	}
	check := func(flag *bool, terms []string, label string) {
		switch {
		case flag != nil && !*flag:
			missing = append(missing, label)
		case flag != nil:
		case len(texts) == 0:
			unknown = true
		default:
			for _, t := range texts {
				if matchesTerm(t, terms) {
					return
				}
			}
			missing = append(missing, label)
		}
	}
	check(x.GeneralManagement, p.GeneralManagementTerms, "direction générale (cellule de crise décisionnelle)")
	check(x.Clinical, p.BusinessTerms, "directions métier (soins, médicale…)")
	return missing, unknown
}

func exerciseRef(x *Exercise) string { return string(x.Entity) + "@" + x.Date.French() }

func ruleExercise(e *evaluator, o *Objective) []Result {
	targets, out := e.pmsiTargets()
	from := e.at.AddMonths(-o.Params.WindowMonths)
	for _, t := range targets {
		r := e.result(t)
		var best, unknown *Exercise
		var refused, onParent []string
		late := 0
		for i := range e.f.Exercises {
			x := &e.f.Exercises[i]
			if x.Date.After(e.at) {
				continue
			}
			if t.Kind == org.EG && x.Entity == t.Parent {
				onParent = append(onParent, x.Date.French())
			}
			if ok, _ := e.countsFor(x.Entity, t); !ok {
				continue
			}
			late += overdueActions(x.Actions, e.at)
			missing, unk := participation(x, o.Params)
			switch {
			case len(missing) > 0:
				refused = append(refused, fmt.Sprintf("%s (sans %s)", x.Date.French(), strings.Join(missing, " ni ")))
			case unk:
				if unknown == nil || x.Date.After(unknown.Date) {
					unknown = x
				}
			case best == nil || x.Date.After(best.Date):
				best = x
			}
		}
		recent := func(x *Exercise) bool { return x != nil && !x.Date.Before(from) }
		switch {
		case recent(best):
			due := best.Date.AddMonths(o.Params.WindowMonths)
			r.Status = Met
			r.Reason = "exercice de crise du " + best.Date.French()
			if best.Kit != "" {
				r.Reason += " (kit " + KitLabel(best.Kit) + ")"
			}
			r.Reason += e.onSiteNote(best.Entity, t)
			r.Next = &Next{Action: fmt.Sprintf("prochain exercice de crise au plus tard le %s", due.French()), Due: due}
		case recent(unknown):
			r.Status = MissingData
			r.Reason = fmt.Sprintf("exercice de crise du %s%s : participation de la direction générale et des directions métier non renseignée (ni participants ni indication)",
				unknown.Date.French(), e.onSiteNote(unknown.Entity, t))
			r.Next = e.exerciseNext(fmt.Sprintf("compléter les participants de l'exercice du %s au plus tard le %s", unknown.Date.French(), e.deadline.French()))
		case best != nil || unknown != nil:
			last := best
			if last == nil || unknown != nil && unknown.Date.After(last.Date) {
				last = unknown
			}
			due := last.Date.AddMonths(o.Params.WindowMonths)
			r.Status = NotMet
			r.Reason = fmt.Sprintf("dernier exercice de crise le %s%s, il y a plus de %d mois", last.Date.French(), e.onSiteNote(last.Entity, t), o.Params.WindowMonths)
			r.Next = e.exerciseNext(fmt.Sprintf("exercice de crise cyber à réaliser au plus tard le %s (le précédent est échu depuis le %s)", e.deadline.French(), due.French()))
			if r.Next != nil {
				r.Next.LateSince = due
			}
		default:
			r.Status, r.Reason = e.pending(), "aucun exercice de crise cyber retenu"
			r.Next = e.exerciseNext(fmt.Sprintf("exercice de crise cyber au plus tard le %s", e.deadline.French()))
		}
		used := best
		if r.Status == MissingData || used == nil {
			used = unknown
		}
		if used != nil {
			r.Evidence = []Evidence{{Kind: "exercise", Ref: exerciseRef(used), Date: used.Date, Detail: used.Scenario}}
		}
		if len(refused) > 0 {
			r.Reason += " ; " + french.Agree(len(refused), "exercice non retenu", "exercices non retenus") + " : " + strings.Join(refused, ", ")
		}
		if late > 0 {
			r.Reason += " ; " + french.Plural(late, "action du plan en retard", "actions du plan en retard")
		}
		if len(onParent) > 0 {
			r.Reason += fmt.Sprintf(" ; %s au niveau de l'EJ (%s) : pour un établissement privé, chaque EG doit avoir le sien",
				french.Agree(len(onParent), "exercice enregistré", "exercices enregistrés"), strings.Join(onParent, ", "))
		}
		out = append(out, r)
	}
	return out
}

// exerciseNext is a next action due at the deadline, none once closed.
func (e *evaluator) exerciseNext(action string) *Next {
	if e.closed {
		return nil
	}
	return &Next{Action: action, Due: e.deadline}
}

// onSiteNote says that a record counted for a public EJ was entered on one
// of its sites.
func (e *evaluator) onSiteNote(f org.FINESS, t *org.Entity) string {
	if f == t.FINESS {
		return ""
	}
	return ", enregistré sur le " + e.siteRef(f)
}

// latestOSIS picks, among the records counting for t, those of the most
// recent campaign year in the window, then the latest by its own date.
func (e *evaluator) latestOSIS(t *org.Entity, maxAge int) *OSIS {
	var rec *OSIS
	for i := range e.f.OSIS {
		x := &e.f.OSIS[i]
		if ok, _ := e.countsFor(x.Entity, t); !ok || x.Date.After(e.at) || x.Year > e.at.Year || x.Year < e.at.Year-maxAge {
			continue
		}
		if rec == nil || x.Year > rec.Year || x.Year == rec.Year && x.Date.After(rec.Date) {
			rec = x
		}
	}
	return rec
}

// recordNote names a record: its date and, on a site, where it was entered.
func (e *evaluator) recordNote(f org.FINESS, date civil.Date, t *org.Entity) string {
	var parts []string
	if !date.IsZero() {
		parts = append(parts, "saisie du "+date.French())
	}
	if f != t.FINESS {
		parts = append(parts, "enregistrée sur le "+e.siteRef(f))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func ruleOSIS(e *evaluator, o *Objective) []Result {
	targets, out := e.pmsiTargets()
	want := o.Params.Measures
	if n := len(e.w.PriorityMeasures.Items); n > 0 {
		want = n
	}
	for _, t := range targets {
		r := e.result(t)
		rec := e.latestOSIS(t, o.Params.MaxAgeYears)
		switch {
		case rec == nil:
			r.Status, r.Reason = e.pending(), fmt.Sprintf("aucune saisie oSIS pour %d ou %d", e.at.Year-o.Params.MaxAgeYears, e.at.Year)
		case rec.BudgetShare && rec.Answered() >= want:
			r.Status, r.Reason = Met, fmt.Sprintf("oSIS %d%s : part du budget numérique et %s", rec.Year,
				e.recordNote(rec.Entity, rec.Date, t), french.Plural(rec.Answered(), "mesure prioritaire renseignée", "mesures prioritaires renseignées"))
		default:
			var miss []string
			if !rec.BudgetShare {
				miss = append(miss, "part du budget numérique non renseignée")
			}
			if rec.Answered() < want {
				miss = append(miss, fmt.Sprintf("%s sur %d", french.Plural(rec.Answered(), "mesure prioritaire renseignée", "mesures prioritaires renseignées"), want))
			}
			r.Status, r.Reason = e.pending(), fmt.Sprintf("oSIS %d%s incomplet : %s", rec.Year, e.recordNote(rec.Entity, rec.Date, t), strings.Join(miss, ", "))
		}
		if rec != nil {
			ref := fmt.Sprintf("%s@%d", rec.Entity, rec.Year)
			if !rec.Date.IsZero() {
				ref += "@" + rec.Date.French()
			}
			r.Evidence = []Evidence{{Kind: "osis", Ref: ref, Date: rec.Date, Detail: fmt.Sprintf("%d/%d mesures", rec.Answered(), want)}}
		}
		if r.Status != Met && !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("compléter l'auto-évaluation oSIS au plus tard le %s", e.deadline.French()), Due: e.deadline}
		}
		out = append(out, r)
	}
	return out
}

// latestBudget picks the budget record of an EJ (or, for a public EJ, of
// one of its sites) of the most recent year in the window, then the latest
// by its own date.
func (e *evaluator) latestBudget(ej *org.Entity, maxAge int) *Budget {
	var rec *Budget
	for i := range e.f.Budget {
		x := &e.f.Budget[i]
		if ok, _ := e.countsFor(x.Entity, ej); !ok || x.Date.After(e.at) || x.Year > e.at.Year || x.Year < e.at.Year-maxAge {
			continue
		}
		if rec == nil || x.Year > rec.Year || x.Year == rec.Year && x.Date.After(rec.Date) {
			rec = x
		}
	}
	return rec
}

func ruleBudget(e *evaluator, o *Objective) []Result {
	var out []Result
	p := o.Params
	for _, ej := range e.ejs {
		r := e.result(ej)
		rec := e.latestBudget(ej, p.MaxAgeYears)
		switch {
		case rec == nil:
			r.Status, r.Reason = e.pending(), "part du budget numérique et ETP SSI non déclarés"
		case rec.DigitalSharePct == nil || rec.SSIFTE == nil:
			miss := "ETP SSI non déclarés"
			switch {
			case rec.DigitalSharePct == nil && rec.SSIFTE == nil:
				miss = "part du budget numérique et ETP SSI non déclarés"
			case rec.DigitalSharePct == nil:
				miss = "part du budget numérique non déclarée"
			}
			r.Status, r.Reason = e.pending(), fmt.Sprintf("%d%s : %s", rec.Year, e.recordNote(rec.Entity, rec.Date, ej), miss)
		default:
			r.Status = Met
			r.Reason = fmt.Sprintf("%d%s : part du budget numérique %s %%, %s ETP SSI", rec.Year, e.recordNote(rec.Entity, rec.Date, ej),
				french.Decimal(*rec.DigitalSharePct, 2), french.Decimal(*rec.SSIFTE, 2))
		}
		if rec != nil {
			ref := fmt.Sprintf("%s@%d", rec.Entity, rec.Year)
			if !rec.Date.IsZero() {
				ref += "@" + rec.Date.French()
			}
			r.Evidence = []Evidence{{Kind: "budget", Ref: ref, Date: rec.Date}}
		}
		if r.Status != Met && !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("déclarer la part du budget numérique et les ETP SSI au plus tard le %s", e.deadline.French()), Due: e.deadline}
		}
		out = append(out, r)
	}
	return out
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

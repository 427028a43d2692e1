package care

import (
	"fmt"

	"vigie/internal/civil"
)

// latestPrerequisite returns the record of a prerequisite for an EJ in
// force at the judgement date: the latest by its own date among those
// dated up to it (an undated record is the oldest).
func (e *evaluator) latestPrerequisite(ej string, id string) *Prerequisite {
	var rec *Prerequisite
	for i := range e.f.Prerequisites {
		p := &e.f.Prerequisites[i]
		if string(p.Entity) != ej || p.Date.After(e.at) || p.ID != id && NormalizeID(p.ID) != id {
			continue
		}
		if rec == nil || p.Date.After(rec.Date) {
			rec = p
		}
	}
	return rec
}

func savedOn(d civil.Date) string {
	if d.IsZero() {
		return "saisie non datée"
	}
	return "saisie du " + d.French()
}

// prerequisites checks each prerequisite for each EJ of the dossier; the
// dossier is eligible when all are met.
func (e *evaluator) prerequisites() ([]Result, bool) {
	eligible := true
	var out []Result
	for _, def := range e.w.Prerequisites {
		for _, ej := range e.ejs {
			r := e.result(ej)
			r.Objective, r.Evidence = def.ID, []Evidence{}
			rec := e.latestPrerequisite(string(ej.FINESS), def.ID)
			switch {
			case rec == nil:
				r.Status, r.Reason = MissingData, fmt.Sprintf("prérequis %s (%s) non renseigné pour %s", def.ID, def.Title, ej.Name)
			case rec.Met:
				r.Status, r.Reason = Met, fmt.Sprintf("prérequis %s rempli par %s (%s)", def.ID, ej.Name, savedOn(rec.Date))
			default:
				r.Status, r.Reason = NotMet, fmt.Sprintf("prérequis %s non rempli par %s (%s) : %s", def.ID, ej.Name, savedOn(rec.Date), def.Title)
			}
			if rec != nil {
				ref := def.ID + "@" + string(ej.FINESS)
				if !rec.Date.IsZero() {
					ref += "@" + rec.Date.French()
				}
				r.Evidence = append(r.Evidence, Evidence{Kind: "prerequisite", Ref: ref, Date: rec.Date})
			}
			if r.Status != Met {
				eligible = false
			}
			out = append(out, r)
		}
	}
	return out, eligible
}

package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// lastTwo returns the last two elements of s (fewer if s is shorter): the
// audits a cadence or level verdict rests on.
func lastTwo[T any](s []T) []T { return s[max(0, len(s)-2):] }

// directoryAudits returns the counted AD audits of a directory up to asOf,
// oldest first, and the number of audits ignored for their source.
func (e *evaluator) directoryAudits(o *Objective, dir string) (audits []*ADAudit, ignored int) {
	all := e.adByDir[dir]
	audits = make([]*ADAudit, 0, len(all))
	for _, a := range all {
		if !e.accepted(o, a.Source) {
			ignored++
			continue
		}
		audits = append(audits, a)
	}
	return audits, ignored
}

func adEvidence(a *ADAudit) Evidence {
	ref := a.ID
	if ref == "" {
		ref = a.Directory + "@" + a.Date.String()
	}
	return Evidence{Kind: "ad_audit", Ref: ref, Date: a.Date, Detail: fmt.Sprintf("niveau %d (%s)", a.Level, a.Source)}
}

func ignoredNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" ; %d audit(s) d'une autre source non pris en compte", n)
}

// uncoveredEJs returns the EJ of the dossier that no directory names (the EJ
// itself or one of its sites): their directories are missing data.
func (e *evaluator) uncoveredEJs(o *Objective) []Result {
	covered := map[org.FINESS]bool{}
	for _, d := range e.f.Directories {
		for _, f := range d.Entities {
			covered[f] = true
			if x := e.tree.Get(f); x != nil && x.Kind == org.EG {
				covered[x.Parent] = true
			}
		}
	}
	var out []Result
	for _, ej := range e.ejs {
		if !covered[ej.FINESS] {
			out = append(out, Result{Entity: string(ej.FINESS), EntityName: ej.Name, Status: MissingData,
				Reason: "aucun annuaire Active Directory déclaré pour cet établissement"})
		}
	}
	return out
}

func ruleADCadence(e *evaluator, o *Objective) []Result {
	var out []Result
	for _, d := range e.f.Directories {
		audits, ignored := e.directoryAudits(o, d.ID)
		dates := make([]civil.Date, len(audits))
		for i, a := range audits {
			dates[i] = a.Date
		}
		st, reason, next := e.cadence(dates, o.Params.MaxIntervalDays, "audit ADS de "+d.Name)
		var ev []Evidence
		for _, a := range lastTwo(audits) {
			ev = append(ev, adEvidence(a))
		}
		out = append(out, Result{Entity: d.ID, EntityName: d.Name, Status: st, Reason: reason + ignoredNote(ignored), Evidence: ev, Next: next})
	}
	return append(out, e.uncoveredEJs(o)...)
}

func ruleADLevel(e *evaluator, o *Objective) []Result {
	var out []Result
	min := o.Params.MinLevel
	for _, d := range e.f.Directories {
		audits, ignored := e.directoryAudits(o, d.ID)
		r := Result{Entity: d.ID, EntityName: d.Name}
		n := len(audits)
		nextAudit := &Next{Action: fmt.Sprintf("prochain audit ADS de %s au plus tard le %s", d.Name, e.deadline), Due: e.deadline}
		switch {
		case n == 0:
			r.Status, r.Reason, r.Next = e.pending(), fmt.Sprintf("aucun audit ADS de %s enregistré", d.Name), nextAudit
		case audits[n-1].Level < min:
			last := audits[n-1]
			r.Status = NotMet
			r.Reason = fmt.Sprintf("niveau %d au dernier audit ADS du %s (niveau %d requis)", last.Level, last.Date, min)
			if len(last.FailedChecks) > 0 {
				r.Reason += " ; points de contrôle en échec : " + strings.Join(last.FailedChecks, ", ")
			}
			r.Next = &Next{Action: fmt.Sprintf("corriger les points de niveau inférieur à %d puis refaire l'audit ADS de %s", min, d.Name), Due: e.deadline}
			r.Evidence = []Evidence{adEvidence(last)}
		case n == 1:
			r.Status = e.pending()
			r.Reason = fmt.Sprintf("un seul audit ADS (niveau %d le %s) : le suivant doit aussi atteindre le niveau %d", audits[0].Level, audits[0].Date, min)
			r.Evidence, r.Next = []Evidence{adEvidence(audits[0])}, nextAudit
		case audits[n-2].Level < min:
			prev, last := audits[n-2], audits[n-1]
			r.Status = e.pending()
			r.Reason = fmt.Sprintf("niveau %d le %s puis %d le %s : un second audit consécutif au niveau %d est nécessaire", prev.Level, prev.Date, last.Level, last.Date, min)
			r.Evidence, r.Next = []Evidence{adEvidence(prev), adEvidence(last)}, nextAudit
		default:
			prev, last := audits[n-2], audits[n-1]
			r.Status = Met
			r.Reason = fmt.Sprintf("niveaux %d et %d aux deux derniers audits ADS (%s et %s)", prev.Level, last.Level, prev.Date, last.Date)
			r.Evidence = []Evidence{adEvidence(prev), adEvidence(last)}
		}
		r.Reason += ignoredNote(ignored)
		out = append(out, r)
	}
	return append(out, e.uncoveredEJs(o)...)
}

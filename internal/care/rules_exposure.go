package care

import (
	"fmt"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// exposureAudits returns, for one EJ, the counted audits of its whole
// perimeter up to asOf (oldest first) and how many were set aside.
func (e *evaluator) exposureAudits(o *Objective, ej org.FINESS) (audits []*ExposureAudit, partial, ignored int) {
	all := e.expByEJ[ej]
	audits = make([]*ExposureAudit, 0, len(all))
	for _, a := range all {
		switch {
		case !e.accepted(o, a.Source):
			ignored++
		case !a.CompletePerimeter:
			partial++
		default:
			audits = append(audits, a)
		}
	}
	return audits, partial, ignored
}

// criticals returns the number of critical vulnerabilities an audit found
// and whether it is known. A source that only states "none" or "some" gives
// 0 or 1.
func criticals(a *ExposureAudit) (int, bool) {
	switch {
	case a.Counts != nil:
		return a.Counts.Critical, true
	case a.NoCritical != nil && *a.NoCritical:
		return 0, true
	case a.NoCritical != nil:
		return 1, true
	}
	return 0, false
}

func exposureEvidence(a *ExposureAudit) Evidence {
	ref := a.ID
	if ref == "" {
		ref = "exposition@" + a.Date.String()
	}
	detail := "nombre de vulnérabilités inconnu"
	switch {
	case a.Counts != nil:
		detail = fmt.Sprintf("%d critique(s), %d élevée(s), %d moyenne(s), %d faible(s)", a.Counts.Critical, a.Counts.High, a.Counts.Medium, a.Counts.Low)
	case a.NoCritical != nil && *a.NoCritical:
		detail = "aucune vulnérabilité critique selon la source"
	case a.NoCritical != nil:
		detail = "vulnérabilité(s) critique(s) selon la source"
	}
	return Evidence{Kind: "exposure_audit", Ref: ref, Date: a.Date, Detail: detail + " (" + a.Source + ")"}
}

func setAsideNote(partial, ignored int) string {
	s := ""
	if partial > 0 {
		s += fmt.Sprintf(" ; %d audit(s) sur un périmètre incomplet non pris en compte", partial)
	}
	return s + ignoredNote(ignored)
}

func ruleExposureCadence(e *evaluator, o *Objective) []Result {
	var out []Result
	for _, ej := range e.ejs {
		audits, partial, ignored := e.exposureAudits(o, ej.FINESS)
		dates := make([]civil.Date, len(audits))
		for i, a := range audits {
			dates[i] = a.Date
		}
		st, reason, next := e.cadence(dates, o.Params.MaxIntervalDays, "audit d'exposition de tout le périmètre")
		var ev []Evidence
		for _, a := range lastTwo(audits) {
			ev = append(ev, exposureEvidence(a))
		}
		out = append(out, Result{Entity: string(ej.FINESS), EntityName: ej.Name, Status: st,
			Reason: reason + setAsideNote(partial, ignored), Evidence: ev, Next: next})
	}
	return out
}

// ruleExposureCleanPair: the last audit and an earlier one 45 to 60 days
// before it both have no critical vulnerability, and so has every audit in
// between (see the catalogue's choices).
func ruleExposureCleanPair(e *evaluator, o *Objective) []Result {
	var out []Result
	p := o.Params
	for _, ej := range e.ejs {
		audits, partial, ignored := e.exposureAudits(o, ej.FINESS)
		r := e.cleanPair(audits, p)
		r.Entity, r.EntityName = string(ej.FINESS), ej.Name
		r.Reason += setAsideNote(partial, ignored)
		out = append(out, r)
	}
	return out
}

func (e *evaluator) cleanPair(audits []*ExposureAudit, p Params) Result {
	n := len(audits)
	if n == 0 {
		r := Result{Status: e.pending(), Reason: "aucun audit d'exposition de tout le périmètre"}
		if !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("premier audit d'exposition de tout le périmètre au plus tard le %s", e.deadline.AddDays(-p.MinSpacingDays)), Due: e.deadline.AddDays(-p.MinSpacingDays)}
		}
		return r
	}
	b := audits[n-1]
	r := Result{Evidence: []Evidence{exposureEvidence(b)}}
	nb, known := criticals(b)
	if !known {
		r.Status, r.Reason = MissingData, fmt.Sprintf("l'audit du %s ne donne pas le nombre de vulnérabilités critiques", b.Date)
		return r
	}
	if nb > p.MaxCritical {
		r.Status = NotMet
		r.Reason = fmt.Sprintf("vulnérabilité(s) critique(s) au dernier audit d'exposition du %s (%s)", b.Date, exposureEvidence(b).Detail)
		r.Next = &Next{Action: "corriger les vulnérabilités critiques puis refaire un audit de tout le périmètre", Due: e.deadline}
		return r
	}
	for i := n - 2; i >= 0; i-- {
		a := audits[i]
		gap := b.Date.DaysSince(a.Date)
		if gap > p.MaxSpacingDays {
			break
		}
		na, known := criticals(a)
		if !known {
			r.Status, r.Reason = MissingData, fmt.Sprintf("l'audit du %s ne donne pas le nombre de vulnérabilités critiques", a.Date)
			r.Evidence = append([]Evidence{exposureEvidence(a)}, r.Evidence...)
			return r
		}
		if na > p.MaxCritical {
			r.Evidence = append([]Evidence{exposureEvidence(a)}, r.Evidence...)
			return e.needSecondAudit(r, b, p, fmt.Sprintf(" ; l'audit du %s (%d jours avant) relevait des vulnérabilités critiques", a.Date, gap))
		}
		if gap >= p.MinSpacingDays {
			r.Status = Met
			r.Reason = fmt.Sprintf("aucune vulnérabilité critique aux audits du %s et du %s, espacés de %d jours (entre %d et %d)", a.Date, b.Date, gap, p.MinSpacingDays, p.MaxSpacingDays)
			r.Evidence = append([]Evidence{exposureEvidence(a)}, r.Evidence...)
			return r
		}
	}
	return e.needSecondAudit(r, b, p, "")
}

// needSecondAudit: the last audit is clean but has no partner in the window.
func (e *evaluator) needSecondAudit(r Result, b *ExposureAudit, p Params, why string) Result {
	r.Status = e.pending()
	r.Reason = fmt.Sprintf("dernier audit (%s) sans vulnérabilité critique, mais pas d'audit sans critique de %d à %d jours avant lui%s", b.Date, p.MinSpacingDays, p.MaxSpacingDays, why)
	if e.pastDeadline() {
		return r
	}
	from, due := b.Date.AddDays(p.MinSpacingDays), b.Date.AddDays(p.MaxSpacingDays)
	if e.asOf.After(due) {
		latest := e.deadline.AddDays(-p.MinSpacingDays)
		r.Next = &Next{Action: fmt.Sprintf("nouvel audit de tout le périmètre au plus tard le %s, puis un second %d à %d jours après", latest, p.MinSpacingDays, p.MaxSpacingDays), Due: latest}
		return r
	}
	r.Next = &Next{Action: fmt.Sprintf("prochain audit de tout le périmètre entre le %s et le %s", from, due), From: from, Due: due}
	return r
}

package care

import (
	"fmt"

	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
)

// exposureAudits returns, for one EJ, the counted audits of its whole
// perimeter up to the judgement date (oldest first) and how many were set
// aside.
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

// evidenceOf returns the (cached) evidence of an exposure audit.
func (e *evaluator) evidenceOf(a *ExposureAudit) Evidence {
	if len(e.ejs) == 1 {
		return exposureEvidence(a) // no other EJ shares it: caching costs more
	}
	if ev, ok := e.expEvidence[a]; ok {
		return ev
	}
	if e.expEvidence == nil {
		e.expEvidence = make(map[*ExposureAudit]Evidence, len(e.f.ExposureAudits))
	}
	ev := exposureEvidence(a)
	e.expEvidence[a] = ev
	return ev
}

func exposureEvidence(a *ExposureAudit) Evidence {
	ref := a.ID
	if ref == "" {
		ref = "exposition@" + a.Date.French()
	}
	detail := "nombre de vulnérabilités inconnu"
	switch {
	case a.Counts != nil:
		detail = french.Plural(a.Counts.Critical, "critique", "critiques") + ", " + french.Plural(a.Counts.High, "élevée", "élevées") + ", " +
			french.Plural(a.Counts.Medium, "moyenne", "moyennes") + ", " + french.Plural(a.Counts.Low, "faible", "faibles")
	case a.NoCritical != nil && *a.NoCritical:
		detail = "aucune vulnérabilité critique selon la source"
	case a.NoCritical != nil:
		detail = "au moins une vulnérabilité critique selon la source"
	}
	return Evidence{Kind: "exposure_audit", Ref: ref, Date: a.Date, Detail: detail + " (" + a.Source + ")"}
}

func setAsideNote(partial, ignored int) string {
	s := ""
	if partial > 0 {
		s += " ; " + french.Plural(partial, "audit sur un périmètre incomplet non pris en compte", "audits sur un périmètre incomplet non pris en compte")
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
		c := e.cadence(dates, o.Params, "audit d'exposition de tout le périmètre")
		r := e.result(ej)
		r.Status, r.Reason, r.Next, r.Warnings = c.status, c.reason+setAsideNote(partial, ignored), c.next, c.warnings
		r.Evidence = make([]Evidence, 0, c.used)
		for _, a := range audits[len(audits)-c.used:] {
			r.Evidence = append(r.Evidence, e.evidenceOf(a))
		}
		if o.Params.Reading != ReadingLastTwo {
			r.Done, r.Expected = counts2(c.done, c.expected)
		}
		out = append(out, r)
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
		r.Entity, r.EntityName = string(ej.FINESS), e.label(ej)
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
			due := e.deadline.AddDays(-p.MinSpacingDays)
			r.Next = &Next{Action: fmt.Sprintf("premier audit d'exposition de tout le périmètre au plus tard le %s", due.French()), Due: due}
		}
		return r
	}
	b := audits[n-1]
	r := Result{Evidence: []Evidence{e.evidenceOf(b)}}
	nb, known := criticals(b)
	if !known {
		r.Status, r.Reason = MissingData, fmt.Sprintf("l'audit du %s ne donne pas le nombre de vulnérabilités critiques", b.Date.French())
		return r
	}
	if nb > p.MaxCritical {
		r.Status = NotMet
		r.Reason = fmt.Sprintf("%s au dernier audit d'exposition du %s (%s)", french.Agree(nb, "vulnérabilité critique", "vulnérabilités critiques"), b.Date.French(), e.evidenceOf(b).Detail)
		due := e.deadline.AddDays(-p.MinSpacingDays)
		if due.Before(e.now) {
			due = e.deadline
		}
		r.Next = &Next{Action: fmt.Sprintf("corriger les vulnérabilités critiques puis refaire un audit de tout le périmètre au plus tard le %s", due.French()), Due: due}
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
			r.Status, r.Reason = MissingData, fmt.Sprintf("l'audit du %s ne donne pas le nombre de vulnérabilités critiques", a.Date.French())
			r.Evidence = append([]Evidence{e.evidenceOf(a)}, r.Evidence...)
			return r
		}
		if na > p.MaxCritical {
			r.Evidence = append([]Evidence{e.evidenceOf(a)}, r.Evidence...)
			return e.needSecondAudit(r, b, p, fmt.Sprintf(" ; l'audit du %s (%d jours avant) relevait des vulnérabilités critiques", a.Date.French(), gap))
		}
		if gap >= p.MinSpacingDays {
			r.Status = Met
			r.Reason = fmt.Sprintf("aucune vulnérabilité critique aux audits du %s et du %s, espacés de %d jours (entre %d et %d)", a.Date.French(), b.Date.French(), gap, p.MinSpacingDays, p.MaxSpacingDays)
			r.Evidence = append([]Evidence{e.evidenceOf(a)}, r.Evidence...)
			return r
		}
	}
	return e.needSecondAudit(r, b, p, "")
}

// needSecondAudit: the last audit is clean but has no partner in the window.
func (e *evaluator) needSecondAudit(r Result, b *ExposureAudit, p Params, why string) Result {
	r.Status = e.pending()
	r.Reason = fmt.Sprintf("dernier audit (%s) sans vulnérabilité critique, mais pas d'audit sans critique de %d à %d jours avant lui%s", b.Date.French(), p.MinSpacingDays, p.MaxSpacingDays, why)
	if e.pastDeadline() {
		return r
	}
	from, due := b.Date.AddDays(p.MinSpacingDays), b.Date.AddDays(p.MaxSpacingDays)
	if e.now.After(due) {
		latest := e.deadline.AddDays(-p.MinSpacingDays)
		r.Next = &Next{Action: fmt.Sprintf("nouvel audit de tout le périmètre au plus tard le %s, puis un second %d à %d jours après", latest.French(), p.MinSpacingDays, p.MaxSpacingDays), Due: latest}
		return r
	}
	r.Next = &Next{Action: fmt.Sprintf("prochain audit de tout le périmètre entre le %s et le %s", from.French(), due.French()), From: from, Due: due}
	return r
}

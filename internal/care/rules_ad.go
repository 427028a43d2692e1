package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
)

// lastTwo returns the last two elements of s (fewer if s is shorter): the
// audits a level verdict rests on.
func lastTwo[T any](s []T) []T { return s[max(0, len(s)-2):] }

// directoryAudits returns the counted AD audits of a directory up to the
// judgement date, oldest first, and the number ignored for their source.
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
		ref = a.Directory + "@" + a.Date.French()
	}
	detail := fmt.Sprintf("niveau %d (%s)", a.Level, a.Source)
	if a.IsProvisional() {
		detail = a.LevelText() + ", source " + a.Source
	}
	return Evidence{Kind: "ad_audit", Ref: ref, Date: a.Date, Detail: detail}
}

// provisionalNote says that a level an objective rests on is provisional:
// « niveau 3 provisoire (4 points non évalués) sur l'audit du 12/03/2025 :
// à confirmer par un audit complet ».
func provisionalNote(a *ADAudit) string {
	s := fmt.Sprintf("niveau %d provisoire", a.Level)
	if n := len(a.ProvisionalPoints); n > 0 {
		s += " (" + french.Plural(n, "point non évalué", "points non évalués") + ")"
	}
	return s + " sur l'audit du " + a.Date.French() + " : à confirmer par un audit complet"
}

func ignoredNote(n int) string {
	if n == 0 {
		return ""
	}
	return " ; " + french.Plural(n, "audit d'une autre source non pris en compte", "audits d'une autre source non pris en compte")
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
			r := e.result(ej)
			r.Status, r.Reason = MissingData, "aucun annuaire Active Directory déclaré pour cet établissement"
			out = append(out, r)
		}
	}
	return out
}

func auditDates(audits []*ADAudit) []civil.Date {
	dates := make([]civil.Date, len(audits))
	for i, a := range audits {
		dates[i] = a.Date
	}
	return dates
}

func ruleADCadence(e *evaluator, o *Objective) []Result {
	var out []Result
	for _, d := range e.f.Directories {
		audits, ignored := e.directoryAudits(o, d.ID)
		c := e.cadence(auditDates(audits), o.Params, "audit ADS de "+d.Name)
		r := Result{Entity: d.ID, EntityName: d.Name, Status: c.status, Reason: c.reason + ignoredNote(ignored), Warnings: c.warnings}
		r.Evidence = make([]Evidence, 0, c.used)
		for _, a := range audits[len(audits)-c.used:] {
			r.Evidence = append(r.Evidence, adEvidence(a))
		}
		if o.Params.Reading != ReadingLastTwo {
			r.Done, r.Expected = counts2(c.done, c.expected)
		}
		r.Next = c.next
		if due := e.nextADSDue(d); !due.IsZero() && c.next != nil && due != c.next.Due {
			r.Next = e.cadenceNext("audit ADS de "+d.Name, due, c.status == NotMet && o.Params.Reading != ReadingLastTwo)
		}
		out = append(out, r)
	}
	return append(out, e.uncoveredEJs(o)...)
}

// levelState is where the last two ADS levels of a directory stand.
type levelState int

const (
	levelNone        levelState = iota // no audit
	levelLastBelow                     // the last audit is below the level
	levelSingle                        // one audit at the level
	levelPrevBelow                     // the last is at the level, the one before is not
	levelMet                           // the last two are at the level
	levelUnconfirmed                   // the last two are at the level, one only provisionally, and provisional levels do not count
)

// adLevelState places the last two audits against the required level. A
// provisional level below it is a failure all the same (the real level can
// only be lower); one at or above it counts unless p excludes provisional
// levels.
func adLevelState(audits []*ADAudit, p Params) levelState {
	n, min := len(audits), p.MinLevel
	switch {
	case n == 0:
		return levelNone
	case audits[n-1].Level < min:
		return levelLastBelow
	case n == 1:
		return levelSingle
	case audits[n-2].Level < min:
		return levelPrevBelow
	case p.Provisional == ProvisionalExclude && (audits[n-1].IsProvisional() || audits[n-2].IsProvisional()):
		return levelUnconfirmed
	}
	return levelMet
}

// provisionalWarnings lists the provisional levels among the audits a
// level verdict rests on, when they reach the required level.
func provisionalWarnings(min int, audits ...*ADAudit) []string {
	var out []string
	for _, a := range audits {
		if a.IsProvisional() && a.Level >= min {
			out = append(out, provisionalNote(a))
		}
	}
	return out
}

// nextADSDue is the date of the next ADS audit a directory needs while the
// window is open, the same for D1.O1.A and D1.O1.B: the earliest of the
// cadence's due date (when before the deadline) and, when the level
// objective still needs an audit, the deadline; else the cadence's date.
func (e *evaluator) nextADSDue(d Directory) civil.Date {
	if e.closed {
		return civil.Date{}
	}
	if due, ok := e.adNext[d.ID]; ok {
		return due
	}
	var due, later civil.Date
	earliest := func(x civil.Date) {
		if !x.IsZero() && (due.IsZero() || x.Before(due)) {
			due = x
		}
	}
	for i := range e.w.Objectives {
		o := &e.w.Objectives[i]
		switch o.Rule {
		case "ad-cadence":
			audits, _ := e.directoryAudits(o, d.ID)
			if x := e.cadenceDue(audits, o.Params); e.deadline.IsZero() || !x.After(e.deadline) {
				earliest(x)
			} else {
				later = x
			}
		case "ad-level":
			audits, _ := e.directoryAudits(o, d.ID)
			if adLevelState(audits, o.Params) != levelMet {
				earliest(e.deadline)
			}
		}
	}
	if due.IsZero() {
		due = later
	}
	e.adNext[d.ID] = due
	return due
}

// cadenceDue is the date by which the next audit keeps the cadence: max
// days after the last audit of the phase (or after the phase start).
func (e *evaluator) cadenceDue(audits []*ADAudit, p Params) civil.Date {
	prev := e.phaseStart
	if p.Reading == ReadingLastTwo {
		prev = civil.Date{}
	}
	for _, a := range audits {
		if !a.Date.Before(prev) {
			prev = a.Date
		}
	}
	if prev.IsZero() {
		return e.deadline
	}
	return prev.AddDays(p.MaxIntervalDays)
}

func ruleADLevel(e *evaluator, o *Objective) []Result {
	var out []Result
	min := o.Params.MinLevel
	for _, d := range e.f.Directories {
		audits, ignored := e.directoryAudits(o, d.ID)
		r := Result{Entity: d.ID, EntityName: d.Name}
		n := len(audits)
		var next *Next
		if due := e.nextADSDue(d); !due.IsZero() {
			next = &Next{Action: fmt.Sprintf("prochain audit ADS de %s au plus tard le %s", d.Name, due.French()), Due: due}
		}
		switch adLevelState(audits, o.Params) {
		case levelNone:
			r.Status, r.Reason, r.Next = e.pending(), fmt.Sprintf("aucun audit ADS de %s enregistré", d.Name), next
		case levelLastBelow:
			last := audits[n-1]
			r.Status = NotMet
			r.Reason = fmt.Sprintf("%s au dernier audit ADS du %s (niveau %d requis)", last.LevelText(), last.Date.French(), min)
			if len(last.FailedChecks) > 0 {
				r.Reason += " ; points de contrôle en échec : " + strings.Join(last.FailedChecks, ", ")
			}
			if next != nil {
				r.Next = &Next{Action: fmt.Sprintf("corriger les points de niveau inférieur à %d puis refaire l'audit ADS de %s au plus tard le %s",
					min, d.Name, next.Due.French()), Due: next.Due}
			}
			r.Evidence = []Evidence{adEvidence(last)}
		case levelSingle:
			r.Status = e.pending()
			r.Reason = fmt.Sprintf("un seul audit ADS, %s le %s : le suivant doit aussi atteindre le niveau %d", audits[0].LevelText(), audits[0].Date.French(), min)
			r.Evidence, r.Next = []Evidence{adEvidence(audits[0])}, next
			r.Warnings = provisionalWarnings(min, audits[0])
		case levelPrevBelow:
			prev, last := audits[n-2], audits[n-1]
			r.Status = e.pending()
			r.Reason = fmt.Sprintf("%s le %s puis %s le %s : un second audit consécutif au niveau %d est nécessaire", prev.LevelText(), prev.Date.French(), last.LevelText(), last.Date.French(), min)
			r.Evidence, r.Next = []Evidence{adEvidence(prev), adEvidence(last)}, next
			r.Warnings = provisionalWarnings(min, last)
		case levelUnconfirmed:
			prev, last := audits[n-2], audits[n-1]
			r.Status = e.pending()
			r.Reason = fmt.Sprintf("%s et %s aux deux derniers audits ADS (%s et %s) : un niveau provisoire ne compte pas, un audit complet doit le confirmer",
				prev.LevelText(), last.LevelText(), prev.Date.French(), last.Date.French())
			r.Evidence, r.Next = []Evidence{adEvidence(prev), adEvidence(last)}, next
			r.Warnings = provisionalWarnings(min, prev, last)
		default:
			prev, last := audits[n-2], audits[n-1]
			r.Status = Met
			r.Reason = fmt.Sprintf("niveaux %d et %d aux deux derniers audits ADS (%s et %s)", prev.Level, last.Level, prev.Date.French(), last.Date.French())
			r.Evidence = []Evidence{adEvidence(prev), adEvidence(last)}
			if r.Warnings = provisionalWarnings(min, prev, last); len(r.Warnings) > 0 {
				// Met only thanks to a provisional level: to be checked.
				r.Reason = fmt.Sprintf("%s et %s aux deux derniers audits ADS (%s et %s) : à vérifier, un niveau provisoire doit être confirmé par un audit complet",
					prev.LevelText(), last.LevelText(), prev.Date.French(), last.Date.French())
			}
		}
		r.Reason += ignoredNote(ignored)
		out = append(out, r)
	}
	return append(out, e.uncoveredEJs(o)...)
}

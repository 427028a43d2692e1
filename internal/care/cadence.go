package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/french"
)

// cadenceResult is the verdict of a cadence rule on one AD or perimeter.
type cadenceResult struct {
	status   Status
	reason   string
	next     *Next
	warnings []string
	done     int // audits made in the phase up to the judgement date
	expected int // audits the cadence requires up to then
	used     int // how many of the last dates are the evidence
}

// cadence applies "at least every max days during the operational phase"
// to audit dates sorted oldest first, with the objective's reading.
func (e *evaluator) cadence(dates []civil.Date, p Params, what string) cadenceResult {
	if p.Reading == ReadingLastTwo {
		return e.cadenceLastTwo(dates, p.MaxIntervalDays, what)
	}
	return e.cadencePhase(dates, p.MaxIntervalDays, what)
}

// gap is a stretch longer than the cadence allows.
type gap struct {
	from, to civil.Date
	days     int
	first    bool // from is the phase start
	open     bool // to is the judgement date (no audit since from)
}

func (g gap) String() string {
	switch {
	case g.open && g.first:
		return fmt.Sprintf("aucun audit depuis le début de la phase (%s), soit %d jours au %s", g.from.French(), g.days, g.to.French())
	case g.open:
		return fmt.Sprintf("aucun audit depuis le %s, soit %d jours au %s", g.from.French(), g.days, g.to.French())
	case g.first:
		return fmt.Sprintf("premier audit le %s, %d jours après le début de la phase (%s)", g.to.French(), g.days, g.from.French())
	}
	return fmt.Sprintf("%d jours entre les audits du %s et du %s", g.days, g.from.French(), g.to.French())
}

// cadencePhase is the memo read literally: from the phase start to the
// judgement date (at most the end of the phase), no gap of more than max
// days between consecutive audits, the first within max days of the start.
// A gap in the past cannot be repaired.
func (e *evaluator) cadencePhase(dates []civil.Date, max int, what string) cadenceResult {
	start, end := e.phaseStart, e.phaseEnd()
	var c cadenceResult
	if end.Before(start) {
		due := start.AddDays(max)
		c.status = InProgress
		c.reason = fmt.Sprintf("phase opérationnelle à partir du %s (%s) : premier %s au plus tard le %s", start.French(), e.phaseFrom, what, due.French())
		c.next = &Next{Action: fmt.Sprintf("premier %s au plus tard le %s", what, due.French()), Due: due}
		return c
	}
	before := 0
	prev, first := start, true
	var gaps []gap
	for _, d := range dates {
		switch {
		case d.Before(start):
			before++
			continue
		case d.After(end):
			continue
		}
		if g := d.DaysSince(prev); g > max {
			gaps = append(gaps, gap{from: prev, to: d, days: g, first: first})
		}
		prev, first = d, false
		c.done++
	}
	if g := end.DaysSince(prev); g > max {
		gaps = append(gaps, gap{from: prev, to: end, days: g, first: first, open: true})
	}
	c.expected = end.DaysSince(start) / max
	c.used = c.done
	c.next = e.cadenceNext(what, prev.AddDays(max), len(gaps) > 0)
	count := fmt.Sprintf("%s pour %s depuis le %s (%s)", french.Plural(c.done, "audit réalisé", "audits réalisés"),
		french.Plural(c.expected, "attendu", "attendus"), start.French(), e.phaseFrom)
	if before > 0 {
		count += " ; " + french.Plural(before, "audit antérieur", "audits antérieurs") + " au début de la phase non " + french.Agree(before, "compté", "comptés")
	}
	switch {
	case len(gaps) > 0:
		c.status = NotMet
		parts := make([]string, len(gaps))
		for i, g := range gaps {
			parts[i] = g.String()
		}
		c.reason = fmt.Sprintf("%s : au plus %d jours entre deux audits pendant la phase opérationnelle, or %s — %s ; %s",
			what, max, strings.Join(parts, " ; "), french.Agree(len(gaps), "écart non rattrapable", "écarts non rattrapables"), count)
	case c.done == 0:
		c.status = e.pending()
		c.reason = fmt.Sprintf("aucun %s depuis le début de la phase ; %s", what, count)
	default:
		c.status = Met
		c.reason = fmt.Sprintf("un %s au moins tous les %d jours depuis le début de la phase, dernier le %s ; %s", what, max, prev.French(), count)
	}
	return c
}

// cadenceNext phrases the next audit of a cadence due on due: a broken
// cadence cannot be repaired (the audit is for steering and the other
// objectives); one due after the deadline is for steering only.
func (e *evaluator) cadenceNext(what string, due civil.Date, broken bool) *Next {
	n := &Next{Due: due}
	switch {
	case broken:
		n.Action = fmt.Sprintf("écart non rattrapable pour cet objectif ; reprendre le rythme : prochain %s au plus tard le %s", what, due.French())
	case e.deadline.IsZero() || !due.After(e.deadline):
		n.Action = fmt.Sprintf("prochain %s au plus tard le %s", what, due.French())
	default:
		n.Action = fmt.Sprintf("rythme tenu jusqu'à la date limite du %s ; pour le pilotage, prochain %s au plus tard le %s", e.deadline.French(), what, due.French())
	}
	return n
}

// counts2 returns pointers to two counts in one allocation.
func counts2(done, expected int) (*int, *int) {
	p := &[2]int{done, expected}
	return &p[0], &p[1]
}

// cadenceLastTwo is the lenient reading, a catalogue option: the last two
// audits are at most max days apart and, during the phase, the last is at
// most max days old. An earlier gap is a warning, never a plain success.
func (e *evaluator) cadenceLastTwo(dates []civil.Date, max int, what string) cadenceResult {
	var c cadenceResult
	n := len(dates)
	c.done = n
	if n == 0 {
		c.status = e.pending()
		c.reason = fmt.Sprintf("aucun %s enregistré", what)
		if !e.closed {
			c.next = &Next{Action: fmt.Sprintf("premier %s au plus tard le %s", what, e.deadline.French()), Due: e.deadline}
		} else {
			c.reason += " avant la date limite du " + e.deadline.French()
		}
		return c
	}
	last := dates[n-1]
	due := last.AddDays(max)
	c.used = min(n, 2)
	inPhase := !e.at.After(e.w.Phase.End)
	if inPhase {
		c.next = &Next{Action: fmt.Sprintf("prochain %s au plus tard le %s", what, due.French()), Due: due}
	}
	if age := e.at.DaysSince(last); inPhase && age > max {
		c.status = NotMet
		c.reason = fmt.Sprintf("dernier %s le %s, il y a %d jours (au plus %d jours entre deux audits)", what, last.French(), age, max)
		return c
	}
	if n == 1 {
		c.status = e.pending()
		c.reason = fmt.Sprintf("un seul %s (le %s) : il en faut un tous les %d jours au plus", what, last.French(), max)
		return c
	}
	prev := dates[n-2]
	if g := last.DaysSince(prev); g > max {
		c.status = NotMet
		c.reason = fmt.Sprintf("les deux derniers audits (%s et %s) sont espacés de %d jours (au plus %d)", prev.French(), last.French(), g, max)
		return c
	}
	c.status = Met
	c.reason = fmt.Sprintf("%s ; les deux derniers (%s et %s) sont espacés de %d jours (lecture souple : seuls les deux derniers audits comptent)",
		french.Plural(n, "audit", "audits"), prev.French(), last.French(), last.DaysSince(prev))
	for i := 1; i < n-1; i++ {
		if g := dates[i].DaysSince(dates[i-1]); g > max {
			c.warnings = append(c.warnings, fmt.Sprintf("écart de %d jours entre les audits du %s et du %s (plus de %d jours)", g, dates[i-1].French(), dates[i].French(), max))
		}
	}
	return c
}

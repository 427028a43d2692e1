package care

import (
	"fmt"
	"strings"

	"vigie/internal/civil"
)

// cadence applies "at least every max days" to audits sorted by date: the
// last two are at most max days apart and, during the operational phase, the
// last is at most max days old (see the catalogue's choices).
func (e *evaluator) cadence(dates []civil.Date, max int, what string) (Status, string, *Next) {
	n := len(dates)
	if n == 0 {
		r := fmt.Sprintf("aucun %s enregistré", what)
		if e.pastDeadline() {
			return NotMet, r + " avant la date limite du " + e.deadline.String(), nil
		}
		return InProgress, r, &Next{Action: fmt.Sprintf("premier %s au plus tard le %s", what, e.deadline), Due: e.deadline}
	}
	last := dates[n-1]
	due := last.AddDays(max)
	inPhase := !e.asOf.After(e.w.Phase.End)
	var next *Next
	if inPhase {
		next = &Next{Action: fmt.Sprintf("prochain %s au plus tard le %s", what, due), Due: due}
	}
	if age := e.asOf.DaysSince(last); inPhase && age > max {
		return NotMet, fmt.Sprintf("dernier %s le %s, il y a %d jours (au plus %d jours entre deux audits)", what, last, age, max), next
	}
	if n == 1 {
		r := fmt.Sprintf("un seul %s (le %s) : il en faut un tous les %d jours au plus", what, last, max)
		if e.pastDeadline() {
			return NotMet, r, next
		}
		return InProgress, r, next
	}
	prev := dates[n-2]
	if gap := last.DaysSince(prev); gap > max {
		return NotMet, fmt.Sprintf("les deux derniers audits (%s et %s) sont espacés de %d jours (au plus %d)", prev, last, gap, max), next
	}
	reason := fmt.Sprintf("%d audits ; les deux derniers (%s et %s) sont espacés de %d jours", n, prev, last, last.DaysSince(prev))
	var late []string
	for i := 1; i < n-1; i++ {
		if g := dates[i].DaysSince(dates[i-1]); g > max {
			late = append(late, fmt.Sprintf("%s → %s (%d jours)", dates[i-1], dates[i], g))
		}
	}
	if len(late) > 0 {
		reason += " ; écarts antérieurs de plus de " + fmt.Sprint(max) + " jours : " + strings.Join(late, ", ")
	}
	return Met, reason, next
}

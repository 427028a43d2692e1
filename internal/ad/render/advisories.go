package render

import (
	"fmt"
	"strings"

	"vigie/internal/ad"
	"vigie/internal/french"
)

// AdvisoriesTitle heads the section of ANSSI's warnings and informations.
const AdvisoriesTitle = "Avertissements et informations ANSSI — sans effet sur le niveau"

// advisoriesNote explains the section in every output.
const advisoriesNote = "Ces points publiés par l'ANSSI (warning_*, info_*) signalent des configurations à revoir ou dressent un inventaire ; ils ne changent jamais le niveau ni son caractère provisoire."

// maxAdvisoryObjects bounds the objects listed per warning or information
// in the text and HTML reports (inventories can be long; the JSON report
// keeps them all).
const maxAdvisoryObjects = 100

// shownObjects returns the objects to list and how many are left out.
func shownObjects(a ad.Advisory) ([]ad.Object, int) {
	if len(a.Objects) <= maxAdvisoryObjects {
		return a.Objects, 0
	}
	return a.Objects[:maxAdvisoryObjects], len(a.Objects) - maxAdvisoryObjects
}

// indicativeGrades is « niveau indicatif 1, 3 » (or "" for an information).
func indicativeGrades(a ad.Advisory) string {
	if a.Grade != 0 {
		return fmt.Sprintf("niveau indicatif %d", a.Grade)
	}
	if len(a.Grades) == 0 {
		return ""
	}
	parts := make([]string, len(a.Grades))
	for i, g := range a.Grades {
		parts[i] = fmt.Sprint(g)
	}
	return "niveau indicatif " + strings.Join(parts, ", ")
}

// hasAdvisories reports whether the report carries the section (reports
// written before warnings existed do not).
func hasAdvisories(r *ad.Report) bool {
	return r.AdvisoryCoverage.Total > 0 || len(r.Warnings) > 0 || len(r.Informations) > 0
}

// advisoriesSummary is « 3 avertissements relevés, 2 informations, 30 non
// relevés, 9 non évalués ».
func advisoriesSummary(r *ad.Report) string {
	c := r.AdvisoryCoverage
	return fmt.Sprintf("%s, %s, %s, %s",
		french.Plural(len(r.Warnings), "avertissement relevé", "avertissements relevés"),
		french.Plural(len(r.Informations), "information", "informations"),
		french.Plural(len(c.NotRaised), "non relevé", "non relevés"), french.Plural(len(c.NotEvaluated), "non évalué", "non évalués"))
}

// writeAdvisoriesText writes the section of the text report.
func writeAdvisoriesText(e *errWriter, r *ad.Report) {
	if !hasAdvisories(r) {
		return
	}
	e.printf("\n=== %s ===\n", AdvisoriesTitle)
	e.printf("%s\n%s.\n", advisoriesNote, advisoriesSummary(r))
	list := func(title string, as []ad.Advisory) {
		if len(as) == 0 {
			return
		}
		e.printf("\n--- %s (%d) ---\n", title, len(as))
		for _, a := range as {
			e.printf("\n[%s] %s", a.ID, a.Title)
			if g := indicativeGrades(a); g != "" {
				e.printf(" (%s)", g)
			}
			e.printf("\n")
			if a.Detail != "" {
				e.printf("  %s\n", a.Detail)
			}
			objs, more := shownObjects(a)
			e.printf("  Objets concernés (%s) :\n", french.Int(len(a.Objects)))
			for _, o := range objs {
				e.printf("    - %s  %s", orDash(o.Sam), o.DN)
				if o.Detail != "" {
					e.printf("  (%s)", o.Detail)
				}
				e.printf("\n")
			}
			if more > 0 {
				e.printf("    … et %s (liste complète dans le rapport JSON)\n", french.Plural(more, "autre", "autres"))
			}
			e.printf("  Recommandation : %s\n", a.Remediation)
			if a.Limits != "" {
				e.printf("  Limite : %s\n", a.Limits)
			}
		}
	}
	list("Avertissements relevés", r.Warnings)
	list("Informations", r.Informations)
	if ne := r.AdvisoryCoverage.NotEvaluated; len(ne) > 0 {
		e.printf("\n--- Non évalués (%d) ---\n", len(ne))
		for _, n := range ne {
			e.printf("  %-48s %s\n", n.ID, n.Why)
		}
	}
}

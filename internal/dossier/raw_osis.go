package dossier

import (
	"slices"
	"sort"
	"sync"

	"vigie/internal/care"
	"vigie/internal/french"
)

// catalogueMeasures returns the priority measure IDs of the built-in
// catalogue (all waves), or nil when it cannot be read.
var catalogueMeasures = sync.OnceValue(func() map[string]bool {
	c, err := care.DefaultCatalogue()
	if err != nil {
		return nil
	}
	ids := map[string]bool{}
	for _, w := range c.Waves {
		for _, m := range w.PriorityMeasures.Items {
			ids[m.ID] = true
		}
	}
	return ids
})

// measures validates an oSIS checklist (p is the record's path) and
// derives the answered count from it; a declared count must agree.
func (v *validator) measures(p string, r rawOSIS, x *care.OSIS) {
	if r.Measures == nil {
		return
	}
	known := catalogueMeasures()
	ids := make([]string, 0, len(r.Measures))
	for id := range r.Measures {
		ids = append(ids, id)
	}
	sort.Strings(ids) // the first error is the same on every run
	answers := make(map[string]string, len(ids))
	for _, id := range ids {
		q := p + ".measures." + id
		var a string
		if !v.decodeElem(q, r.Measures[id], &a) {
			return
		}
		answers[id] = a
		switch {
		case known == nil:
			v.fail(q, "catalogue des mesures prioritaires illisible")
		case !known[id]:
			v.fail(q, "mesure prioritaire %q absente du catalogue (attendu MP01 à MP%02d)", id, len(known))
		case !slices.Contains(care.MeasureAnswers, a):
			v.fail(q, "réponse %q invalide (attendu oui, partiel, non ou na)", a)
		}
	}
	if n := r.PriorityMeasuresAnswered; n != nil && *n != len(r.Measures) {
		v.fail(p+".priority_measures_answered", "nombre déclaré %d, mais %s dans « measures »", *n, french.Plural(len(r.Measures), "mesure renseignée", "mesures renseignées"))
	}
	if len(answers) > 0 {
		x.Measures = answers
	}
	x.PriorityMeasuresAnswered = len(r.Measures)
}

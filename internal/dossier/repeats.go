package dossier

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// repeats checks records of the same kind for the same entity, period and
// date: identical ones are kept once; different ones are an input error
// naming both paths (the latest by date decides, so two records of the
// same day must agree).
func repeats(v *validator, d *raw, f *care.Facts) {
	f.Prerequisites = dedupe(v, f.Prerequisites, pathsOf(d.Prerequisites), "prérequis",
		func(x care.Prerequisite) string { return fmt.Sprint(x.Entity, "|", x.ID, "|", x.Date) },
		func(x care.Prerequisite) string { return fmt.Sprintf("prérequis %s de %s", x.ID, x.Entity) },
		func(x care.Prerequisite) civil.Date { return x.Date })
	f.OSIS = dedupe(v, f.OSIS, pathsOf(d.OSIS), "saisie oSIS",
		func(x care.OSIS) string { return fmt.Sprint(v.pmsiOf(x.Entity), "|", x.Year, "|", x.Date) },
		func(x care.OSIS) string { return fmt.Sprintf("oSIS %d de %s", x.Year, v.pmsiOf(x.Entity)) },
		func(x care.OSIS) civil.Date { return x.Date })
	f.Budget = dedupe(v, f.Budget, pathsOf(d.Budget), "budget",
		func(x care.Budget) string { return fmt.Sprint(v.pmsiOf(x.Entity), "|", x.Year, "|", x.Date) },
		func(x care.Budget) string { return fmt.Sprintf("budget %d de %s", x.Year, v.pmsiOf(x.Entity)) },
		func(x care.Budget) civil.Date { return x.Date })
	f.Exercises = dedupe(v, f.Exercises, pathsOf(d.Exercises), "exercice",
		func(x care.Exercise) string { return fmt.Sprint(x.Entity, "|", x.Date) },
		func(x care.Exercise) string { return fmt.Sprintf("exercice de %s", x.Entity) },
		func(x care.Exercise) civil.Date { return x.Date })
	f.ADAudits = dedupe(v, f.ADAudits, pathsOf(d.ADAudits), "audit AD",
		func(x care.ADAudit) string {
			if x.ID != "" {
				return "id|" + x.ID
			}
			return fmt.Sprint(x.Directory, "|", x.Date, "|", x.Source)
		},
		func(x care.ADAudit) string { return fmt.Sprintf("audit %s de l'annuaire %s", x.Source, x.Directory) },
		func(x care.ADAudit) civil.Date { return x.Date })
	f.ExposureAudits = dedupe(v, f.ExposureAudits, pathsOf(d.ExposureAudits), "audit d'exposition",
		func(x care.ExposureAudit) string {
			if x.ID != "" {
				return "id|" + x.ID
			}
			es := make([]string, len(x.Entities))
			for i, e := range x.Entities {
				es[i] = string(e)
			}
			slices.Sort(es)
			return fmt.Sprint(strings.Join(es, ","), "|", x.Date, "|", x.Source)
		},
		func(x care.ExposureAudit) string { return "audit d'exposition " + x.Source },
		func(x care.ExposureAudit) civil.Date { return x.Date })
}

// pmsiOf is the entity a record counts for: a site of a public EJ counts
// for its EJ.
func (v *validator) pmsiOf(f org.FINESS) org.FINESS {
	if e := v.entities[f]; e != nil && e.Kind == org.EG {
		if ej := v.entities[e.Parent]; ej != nil && ej.Category == org.Public {
			return ej.FINESS
		}
	}
	return f
}

func pathsOf[T any](items []item[T]) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.path
	}
	return out
}

// dedupe keeps the first of identical records with the same key and
// reports different ones; paths[i] is the path of xs[i].
func dedupe[T any](v *validator, xs []T, paths []string, kind string, key func(T) string, what func(T) string, date func(T) civil.Date) []T {
	if len(paths) != len(xs) {
		return xs // lists built from other sources: nothing to name
	}
	seen := make(map[string]int, len(xs))
	out := xs[:0:0]
	for i, x := range xs {
		k := key(x)
		j, dup := seen[k]
		switch {
		case !dup:
			seen[k] = i
			out = append(out, x)
		case !reflect.DeepEqual(xs[j], x):
			when := "sans date"
			if d := date(x); !d.IsZero() {
				when = "du " + d.French()
			}
			v.fail(paths[i], "%s contredit %s : %s %s, valeurs différentes (la saisie la plus récente l'emporte : deux saisies de même date doivent être identiques)",
				kind, paths[j], what(x), when)
		}
	}
	return out
}

// Package render writes AD audit reports for people and machines: a French
// text table (level first), JSON, and a self-contained French HTML page.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vigie/internal/ad"
	"vigie/internal/french"
)

// Format is an output format name.
type Format string

// Supported formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	HTML  Format = "html"
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case Table, JSON, HTML:
		return Format(s), nil
	}
	return "", fmt.Errorf("format %q inconnu (table, json ou html)", s)
}

// Report writes r in the given format, times in loc (UTC when nil; the
// JSON report keeps its times in UTC).
func Report(w io.Writer, r *ad.Report, f Format, loc *time.Location) error {
	switch f {
	case JSON:
		return r.WriteJSON(w)
	case HTML:
		return WriteHTML(w, r, loc)
	default:
		return WriteText(w, r, loc)
	}
}

// clock writes a time of day in loc, naming the zone.
func clock(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02/01/2006 15:04") + " (" + loc.String() + ")"
}

// day writes the date of t in loc (UTC when nil).
func day(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02/01/2006")
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// WriteText writes the French text report (times in loc): level first, then failed
// control points by grade with their objects and remediation, then what
// was not evaluated.
func WriteText(w io.Writer, r *ad.Report, loc *time.Location) error {
	e := &errWriter{w: w}
	e.printf("Audit Active Directory — forêt %s\n", r.Forest)
	e.printf("Collecte du %s (source : %s%s)\n\n", clock(r.CollectedAt, loc), orDash(r.Source), serverSuffix(r.Server))
	e.printf("NIVEAU ANSSI : %d / 5%s — %s\n", r.Level, provisionalSuffix(r), ad.LevelMeaning(r.Level))
	e.printf("Niveau retenu : %s\n", levelLabel(r))
	if r.LevelWithAcceptedRisks != r.Level {
		e.printf("Niveau avec risques acceptés : %d / 5 (le niveau officiel reste %d)\n", r.LevelWithAcceptedRisks, r.Level)
	}
	e.printf("Couverture : %s sur %d", french.Plural(r.Coverage.Evaluated, "point évalué", "points évalués"), r.Coverage.Total)
	if n := len(r.Coverage.NotEvaluated); n > 0 {
		e.printf(", %s\n", french.Plural(n, "non évalué", "non évalués"))
		e.printf("ATTENTION : %s\n", Caveat(r))
	} else {
		e.printf("\n")
	}
	if r.LevelProvisional {
		e.printf("Points non évalués qui pourraient abaisser le niveau : %s\n", strings.Join(r.LevelProvisionalPoints, ", "))
	}
	e.printf("Instantané : %s, %s, %s, %s\n",
		french.Plural(r.Stats.Objects, "objet", "objets"), french.Plural(r.Stats.Domains, "domaine", "domaines"),
		french.Plural(r.Stats.Descriptors, "descripteur de sécurité lu", "descripteurs de sécurité lus"),
		french.Plural(r.Stats.Gaps, "lacune de collecte", "lacunes de collecte"))
	if len(r.Findings) == 0 {
		e.printf("\nAucun point de contrôle en échec.\n")
	}
	for g := 1; g <= 4; g++ {
		first := true
		for _, f := range r.Findings {
			if f.Grade != g {
				continue
			}
			if first {
				e.printf("\n=== Points en échec — niveau %d ===\n", g)
				first = false
			}
			acc := ""
			if f.Accepted {
				acc = " [RISQUE ACCEPTÉ]"
			}
			e.printf("\n[%s] %s%s\n", f.ID, f.Title, acc)
			if f.Detail != "" {
				e.printf("  %s\n", f.Detail)
			}
			e.printf("  Objets concernés (%d) :\n", len(f.Objects))
			for _, o := range f.Objects {
				name := o.Sam
				if name == "" {
					name = "-"
				}
				e.printf("    - %s  %s", name, o.DN)
				if o.Detail != "" {
					e.printf("  (%s)", o.Detail)
				}
				if o.Accepted != nil {
					e.printf("  [risque accepté jusqu'au %s : %s]", french.Dates(o.Accepted.Expires), o.Accepted.Justification)
				}
				e.printf("\n")
			}
			e.printf("  Correction : %s\n", f.Remediation)
		}
	}
	if len(r.Coverage.NotEvaluated) > 0 {
		e.printf("\n=== Points non évalués (%d) — ni réussis ni en échec ===\n", len(r.Coverage.NotEvaluated))
		for _, n := range r.Coverage.NotEvaluated {
			e.printf("  %-48s %s\n", n.ID, n.Why)
		}
	}
	writeAdvisoriesText(e, r)
	if len(r.ExtraTier0) > 0 {
		e.printf("\n=== Comptes Tier 0 supplémentaires (délégations acceptées, protégées à la AdminSDHolder) ===\n")
		for _, s := range r.ExtraTier0 {
			e.printf("  %s\n", s)
		}
	}
	if len(r.Limits) > 0 {
		e.printf("\n=== Limites connues de l'analyse ===\n")
		for _, l := range r.Limits {
			e.printf("  %-48s %s\n", l.ID, l.Note)
		}
	}
	if len(r.ControlPaths) > 0 {
		e.printf("\n=== Chemins de contrôle vers le Tier 0 (information, %s) ===\n", french.Plural(len(r.ControlPaths), "affiché", "affichés"))
		for _, p := range r.ControlPaths {
			e.printf("  %s :\n", p.Principal)
			for _, s := range p.Steps {
				e.printf("      %s\n", s)
			}
		}
	}
	if len(r.Exceptions) > 0 {
		e.printf("\n=== Risques acceptés (fichier d'exceptions) ===\n")
		for _, x := range r.Exceptions {
			e.printf("  %-40s %-30s jusqu'au %s : %s (%s) — %s\n", x.ID, x.DN, french.Dates(x.Expires), x.Status, french.Plural(x.Matches, "objet", "objets"), x.Justification)
		}
	}
	return e.err
}

// Caveat explains what a partial evaluation means for the level.
func Caveat(r *ad.Report) string {
	n := len(r.Coverage.NotEvaluated)
	what := french.Plural(n, "point de contrôle n'a pas pu être évalué", "points de contrôle n'ont pas pu être évalués")
	if !r.LevelProvisional {
		return what + " faute de données ; aucun ne peut abaisser le niveau " + fmt.Sprint(r.Level) + ", qui est définitif."
	}
	return what + fmt.Sprintf(" faute de données ; le niveau %d est provisoire : c'est un maximum, il pourrait être plus bas.", r.Level)
}

// levelLabel is the report's level label, computed for older reports.
func levelLabel(r *ad.Report) string {
	if r.LevelLabel != "" {
		return r.LevelLabel
	}
	return ad.LevelText(r.Level, r.LevelProvisionalPoints)
}

// provisionalSuffix is « (provisoire : N points non évalués) » or "".
func provisionalSuffix(r *ad.Report) string {
	l := levelLabel(r)
	if i := strings.Index(l, " ("); i >= 0 {
		return l[i:]
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func serverSuffix(s string) string {
	if s == "" {
		return ""
	}
	return ", serveur " + s
}

// WriteDiffText writes a comparison of two audits in French, dates in loc.
func WriteDiffText(w io.Writer, d *ad.DiffResult, loc *time.Location) error {
	e := &errWriter{w: w}
	e.printf("Comparaison d'audits AD — forêt %s\n", d.After.Forest)
	e.printf("Avant : collecte du %s, %s\n", day(d.Before.CollectedAt, loc), ad.LevelText(d.Before.Level, d.Before.LevelProvisionalPoints))
	e.printf("Après : collecte du %s, %s\n", day(d.After.CollectedAt, loc), ad.LevelText(d.After.Level, d.After.LevelProvisionalPoints))
	section := func(title string, items []ad.DiffItem) {
		e.printf("\n=== %s (%d) ===\n", title, len(items))
		for _, it := range items {
			e.printf("  [%s] niveau %d  %s  %s\n", it.ID, it.Grade, orDash(it.Sam), it.DN)
		}
	}
	section("Corrigés", d.Fixed)
	section("Nouveaux", d.New)
	section("Toujours en échec", d.StillFailing)
	if d.WarningsCompared {
		warnings := func(title string, items []ad.DiffItem) {
			e.printf("\n=== %s (%d) ===\n", title, len(items))
			for _, it := range items {
				grade := ""
				if it.Grade > 0 {
					grade = fmt.Sprintf(" niveau indicatif %d", it.Grade)
				}
				e.printf("  [%s]%s  %s  %s  %s\n", it.ID, grade, it.Title, orDash(it.Sam), orDash(it.DN))
			}
		}
		warnings("Avertissements ANSSI disparus (hors niveau)", d.WarningsFixed)
		warnings("Avertissements ANSSI nouveaux (hors niveau)", d.WarningsNew)
		warnings("Avertissements ANSSI toujours présents (hors niveau)", d.WarningsStill)
	} else {
		e.printf("\nAvertissements ANSSI non comparés : l'un des deux rapports ne les contient pas (version antérieure).\n")
	}
	if len(d.NotComparable) > 0 {
		e.printf("\nNon comparables (évalués dans un seul des deux audits) : %s\n", strings.Join(d.NotComparable, ", "))
	}
	return e.err
}

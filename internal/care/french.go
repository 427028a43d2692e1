package care

import (
	"strings"

	"vigie/internal/org"
)

// KitLabel returns the French label of an ANS exercise kit level
// ("intermediaire" → "intermédiaire").
func KitLabel(kit string) string {
	switch kit {
	case "debutant":
		return "débutant"
	case "intermediaire":
		return "intermédiaire"
	case "confirme":
		return "confirmé"
	}
	return kit
}

// label names an entity in results: a site (EG) is named with its EJ,
// unless its name already holds it.
func (e *evaluator) label(x *org.Entity) string {
	if x.Kind != org.EG {
		return x.Name
	}
	p := e.tree.Get(x.Parent)
	if p == nil || p.Name == "" || strings.Contains(x.Name, p.Name) {
		return x.Name
	}
	if x.Name == "" {
		return "site de " + p.Name
	}
	return x.Name + " (site de " + p.Name + ")"
}

// siteRef names a site in a reason: "site Site A1 (010000024)".
func (e *evaluator) siteRef(f org.FINESS) string {
	if x := e.tree.Get(f); x != nil && x.Name != "" {
		return "site « " + x.Name + " » (" + string(f) + ")"
	}
	return "site " + string(f)
}

// result starts a result about an entity, with its label and, for a site,
// its EJ.
func (e *evaluator) result(x *org.Entity) Result {
	r := Result{Entity: string(x.FINESS), EntityName: e.label(x)}
	if x.Kind == org.EG {
		r.EJ = x.Parent
	}
	return r
}

// normalizeText lowers s and removes French accents, for matching terms.
func normalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'à', 'â', 'ä':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'î', 'ï':
			r = 'i'
		case 'ô', 'ö':
			r = 'o'
		case 'ù', 'û', 'ü':
			r = 'u'
		case 'ç':
			r = 'c'
		case '’', '\'', '-', '_', '.', ',', '(', ')', '/':
			r = ' '
		}
		b.WriteRune(r)
	}
	return " " + strings.Join(strings.Fields(b.String()), " ") + " "
}

// matchesTerm reports whether the normalised text holds one of the terms
// as whole words.
func matchesTerm(text string, terms []string) bool {
	for _, t := range terms {
		if n := normalizeText(t); n != "  " && strings.Contains(text, n) {
			return true
		}
	}
	return false
}

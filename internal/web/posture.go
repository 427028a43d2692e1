package web

import (
	"vigie/internal/care"
	"vigie/internal/french"
)

// postureLines writes a closed wave's current posture as French lines
// (status sheet): each directory's latest AD audit, each EJ's latest
// whole-perimeter exposure audit.
func postureLines(p *care.Posture) []string {
	var out []string
	for _, d := range p.Directories {
		if d.Date.IsZero() {
			out = append(out, "annuaire "+d.Name+" : aucun audit")
			continue
		}
		out = append(out, "annuaire "+d.Name+" : "+d.LevelText()+" au dernier audit ("+sourceFr(d.Source)+", "+d.Date.French()+")")
	}
	for _, x := range p.Exposure {
		what := "exposition de " + x.Name + " : "
		switch {
		case x.Date.IsZero():
			out = append(out, what+"aucun audit de tout le périmètre")
			continue
		case x.Critical != nil:
			what += french.Plural(*x.Critical, "vulnérabilité critique", "vulnérabilités critiques")
		case x.NoCritical != nil && *x.NoCritical:
			what += "aucune vulnérabilité critique (audit commun : décomptes non communiqués)"
		case x.NoCritical != nil:
			what += "au moins une vulnérabilité critique (audit commun : décomptes non communiqués)"
		default:
			what += "nombre de vulnérabilités critiques inconnu"
		}
		out = append(out, what+" au dernier audit ("+sourceFr(x.Source)+", "+x.Date.French()+")")
	}
	return out
}

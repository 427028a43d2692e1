package web

import (
	"fmt"

	"vigie/internal/care"
	"vigie/internal/french"
)

// exerciseObjective is the objective of the annual crisis exercise.
const exerciseObjective = "D1.O3"

// exerciseRowH is the height of one establishment's row, in SVG units.
const exerciseRowH = 24

// exerciseCoverageChart shows, for each establishment that must hold a
// crisis exercise (EJ for public, EG for private: the D1.O3 results),
// whether it held one in the last 12 months: one named row each, a filled
// box when D1.O3 is met, a crossed one otherwise, with the reason.
func exerciseCoverageChart(ev *care.Evaluation) chartView {
	cv := chartView{ID: "graphique-exercices", Caption: "Exercice de crise cyber dans les 12 derniers mois, par établissement concerné",
		Head: []string{"Établissement", "FINESS", "Exercice dans les 12 mois", "Motif"}}
	var rs []care.Result
	met := 0
	for _, r := range ev.Results {
		if r.Objective == exerciseObjective && r.Status != care.NotApplicable {
			rs = append(rs, r)
			if r.Status == care.Met {
				met++
			}
		}
	}
	if len(rs) == 0 {
		cv.Empty = "Aucun établissement concerné par l'exercice de crise (D1.O3)."
		return cv
	}
	pct := 100 * met / len(rs)
	top := 44
	height := top + exerciseRowH*len(rs) + 30
	var s svgBuilder
	s.openH(cv.ID, "Couverture des exercices de crise cyber",
		fmt.Sprintf("%s sur %d (%d %%) ont réalisé un exercice de crise cyber dans les 12 mois précédant le %s ; une ligne par établissement.",
			french.Plural(met, "établissement", "établissements"), len(rs), pct, ev.AsOf.French()), height)
	s.text(chartLeft, 22, "start", "valeur", fmt.Sprintf("%d / %d établissements couverts (%d %%)", met, len(rs), pct))
	nameW, boxX := 300.0, 310.0
	for i, r := range rs {
		y := float64(top + exerciseRowH*i)
		fill, class, yes := "#fff", "segment manquant", "non"
		if r.Status == care.Met {
			fill, class, yes = "#0f5d2a", "segment couvert", "oui"
		}
		name := r.EntityName
		if name == "" {
			name = r.Entity
		}
		short := []rune(name)
		if len(short) > int(nameW/6.5) {
			short = append(short[:int(nameW/6.5)-1], '…')
		}
		s.text(boxX-10, y+15, "end", "etiquette", string(short))
		s.raw(`<rect class="%s" x="%.1f" y="%.1f" width="18" height="18" fill="%s" stroke="#1b1b1b" data-etablissement="%s" data-statut="%s"><title>%s</title></rect>`,
			class, boxX, y+2, fill, esc(r.Entity), esc(string(r.Status)), esc(name+" : "+yes+" — "+frText(r.Reason)))
		if r.Status != care.Met {
			s.raw(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#a3170f" stroke-width="2"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#a3170f" stroke-width="2"/>`,
				boxX+3, y+5, boxX+15, y+17, boxX+15, y+5, boxX+3, y+17)
		}
		state := "exercice dans les 12 mois"
		if r.Status != care.Met {
			state = statusWord(r.Status)
		}
		s.text(boxX+28, y+15, "start", "legende", state)
		cv.Rows = append(cv.Rows, []string{name, r.Entity, yes, frText(r.Reason)})
	}
	s.text(chartLeft, float64(height-8), "start", "legende", "■ plein : exercice dans les 12 mois   ☒ barré : aucun exercice récent")
	cv.SVG = s.close()
	return cv
}

// statusWord says why an establishment's row is not covered.
func statusWord(st care.Status) string {
	switch st {
	case care.MissingData:
		return "données manquantes"
	case care.InProgress:
		return "en cours"
	}
	return "aucun exercice dans les 12 mois"
}

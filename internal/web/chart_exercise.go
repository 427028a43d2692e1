package web

import (
	"fmt"

	"vigie/internal/care"
)

// exerciseObjective is the objective of the annual crisis exercise.
const exerciseObjective = "D1.O3"

// exerciseCoverageChart shows the share of the establishments that must
// hold a crisis exercise (EJ for public, EG for private: the D1.O3
// results) that held one in the last 12 months: one segment per
// establishment, filled when D1.O3 is met.
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
	var s svgBuilder
	s.open(cv.ID, "Couverture des exercices de crise cyber",
		fmt.Sprintf("%d établissement(s) sur %d (%d %%) ont réalisé un exercice de crise cyber dans les 12 mois précédant le %s.",
			met, len(rs), pct, ev.AsOf.French()))
	barY, barH := 70.0, 60.0
	seg := float64(chartW-chartLeft-chartRight) / float64(len(rs))
	for i, r := range rs {
		x := float64(chartLeft) + seg*float64(i)
		fill, class, yes := "#fff", "segment manquant", "non"
		if r.Status == care.Met {
			fill, class, yes = "#0f5d2a", "segment couvert", "oui"
		}
		name := r.EntityName
		if name == "" {
			name = r.Entity
		}
		s.raw(`<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#1b1b1b" data-etablissement="%s" data-statut="%s"><title>%s</title></rect>`,
			class, x, barY, seg, barH, fill, esc(r.Entity), esc(string(r.Status)), esc(name+" : "+yes+" — "+r.Reason))
		if r.Status != care.Met {
			s.raw(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#a3170f" stroke-width="2"/>`, x+4, barY+4, x+seg-4, barY+barH-4)
		}
		cv.Rows = append(cv.Rows, []string{name, r.Entity, yes, r.Reason})
	}
	s.text(chartW/2, 50, "middle", "valeur", fmt.Sprintf("%d / %d établissements couverts (%d %%)", met, len(rs), pct))
	s.text(chartLeft, barY+barH+30, "start", "legende", "■ plein : exercice dans les 12 mois   ☒ barré : aucun exercice récent")
	cv.SVG = s.close()
	return cv
}

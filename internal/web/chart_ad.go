package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// adLevelChart draws the ANSSI level (1–5) of each Active Directory over
// time: one line per directory, one marker per audit; official audits (ADS,
// SILENE, CERT Santé, provider) are circles, Vigie audits are squares; a
// provisional level has a dashed outline and says so in its label.
func adLevelChart(f *care.Facts) chartView {
	cv := chartView{ID: "graphique-ad", Caption: "Niveau ANSSI de chaque annuaire Active Directory par audit",
		Head: []string{"Annuaire", "Date de l'audit", "Niveau", "Source"}}
	names := map[string]string{}
	var order []string
	for _, d := range f.Directories {
		names[d.ID] = d.Name
		order = append(order, d.ID)
	}
	byDir := map[string][]care.ADAudit{}
	var dates []civil.Date
	for _, a := range f.ADAudits {
		if _, ok := names[a.Directory]; !ok || a.Level < 1 || a.Level > 5 {
			continue
		}
		byDir[a.Directory] = append(byDir[a.Directory], a)
		dates = append(dates, a.Date)
	}
	if len(dates) == 0 {
		cv.Empty = "Aucun audit Active Directory enregistré : pas de courbe de niveau à afficher."
		return cv
	}
	x0, x1 := float64(chartLeft+10), float64(chartW-chartRight-10)
	ts := newTimeScale(dates, x0, x1)
	plotB := float64(chartH - chartBottom)
	y := func(level int) float64 { return plotB - (plotB-chartTop)*float64(level-1)/4 }
	// The legend names every directory, on as many rows as needed.
	type entry struct {
		id           string
		colour, dash string
		w            float64
	}
	var legend []entry
	for i, id := range order {
		if len(byDir[id]) > 0 {
			c, d := seriesStyle(i)
			legend = append(legend, entry{id, c, d, 40 + 6.5*float64(len([]rune(names[id])))})
		}
	}
	rows, lx := 1, float64(chartLeft)
	for _, e := range legend {
		if lx+e.w > chartW-chartRight && lx > chartLeft {
			rows, lx = rows+1, float64(chartLeft)
		}
		lx += e.w
	}
	height := chartH + 8 + 18*rows

	var s svgBuilder
	s.openH(cv.ID, "Niveau ANSSI des annuaires Active Directory dans le temps",
		fmt.Sprintf("Une ligne par annuaire (%d), un point par audit, niveaux 1 à 5 ; ronds : audits officiels (ADS…), carrés : audits Vigie ; contour pointillé : niveau provisoire. Du %s au %s.",
			len(byDir), ts.from.French(), ts.to.French()), height)
	for lvl := 1; lvl <= 5; lvl++ {
		s.raw(`<line class="grille" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#d1d5db"/>`, chartLeft, y(lvl), chartW-chartRight, y(lvl))
		s.text(chartLeft-8, y(lvl)+4, "end", "axe", "niveau "+strconv.Itoa(lvl))
	}
	s.timeAxis(ts, plotB+8, chartTop)
	for i, id := range order {
		audits := byDir[id]
		if len(audits) == 0 {
			continue
		}
		slices.SortStableFunc(audits, func(a, b care.ADAudit) int { return a.Date.Compare(b.Date) })
		colour, dash := seriesStyle(i)
		s.raw(`<g class="serie" data-annuaire="%s">`, esc(id))
		if len(audits) > 1 {
			s.raw(`<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="`, colour, dash)
			for _, a := range audits {
				s.raw("%.1f,%.1f ", ts.x(a.Date), y(a.Level))
			}
			s.raw(`"/>`)
		}
		for _, a := range audits {
			official := a.Source != care.SourceVigie
			src := sourceFr(a.Source)
			label := fmt.Sprintf("%s, %s : %s, %s", names[id], a.Date.French(), a.LevelText(), src)
			px, py := ts.x(a.Date), y(a.Level)
			// A provisional level: a dashed outline (circles lose their fill).
			cls, fill, outline, level := "", colour, "", strconv.Itoa(a.Level)
			if a.IsProvisional() {
				cls, fill, level = " provisoire", "#fff", strings.TrimPrefix(a.LevelText(), "niveau ")
				outline = fmt.Sprintf(` stroke="%s" stroke-width="2" stroke-dasharray="2 2" data-provisoire="true"`, colour)
			}
			if official {
				s.raw(`<circle class="point officiel%s" cx="%.1f" cy="%.1f" r="5" fill="%s"%s data-date="%s" data-niveau="%d" data-source="%s"><title>%s</title></circle>`,
					cls, px, py, fill, outline, a.Date, a.Level, esc(a.Source), esc(label))
			} else {
				if outline == "" {
					outline = fmt.Sprintf(` stroke="%s" stroke-width="2"`, colour)
				}
				s.raw(`<rect class="point vigie%s" x="%.1f" y="%.1f" width="10" height="10" fill="#fff"%s data-date="%s" data-niveau="%d" data-source="%s"><title>%s</title></rect>`,
					cls, px-5, py-5, outline, a.Date, a.Level, esc(a.Source), esc(label))
			}
			cv.Rows = append(cv.Rows, []string{names[id] + " (" + id + ")", a.Date.French(), level, src})
		}
		s.raw(`</g>`)
	}
	ly, lx := float64(chartH+8), float64(chartLeft)
	for _, e := range legend {
		if lx+e.w > chartW-chartRight && lx > chartLeft {
			ly, lx = ly+18, float64(chartLeft)
		}
		s.raw(`<g class="legende-serie" data-annuaire="%s"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`,
			esc(e.id), lx, ly-4, lx+24, ly-4, e.colour, e.dash)
		s.text(lx+28, ly, "start", "legende", names[e.id])
		s.raw(`</g>`)
		lx += e.w
	}
	key := "● audit officiel   □ audit Vigie"
	if slices.ContainsFunc(f.ADAudits, func(a care.ADAudit) bool { _, ok := names[a.Directory]; return ok && a.IsProvisional() }) {
		key += "   pointillés : niveau provisoire"
	}
	s.text(chartW-chartRight, chartTop-6, "end", "legende", key)
	cv.SVG = s.close()
	return cv
}

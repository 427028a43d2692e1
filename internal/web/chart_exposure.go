package web

import (
	"fmt"
	"slices"
	"strconv"

	"vigie/internal/care"
	"vigie/internal/org"
)

// exposureChart draws the critical vulnerabilities found by each exposure
// audit, one bar per audit in date order. Audits of an incomplete
// perimeter are hatched and starred; audits without counts show "?".
func exposureChart(f *care.Facts) chartView {
	cv := chartView{ID: "graphique-exposition", Caption: "Vulnérabilités critiques par audit d'exposition",
		Head: []string{"Date de l'audit", "Vulnérabilités critiques", "Périmètre", "Établissements", "Source"}}
	audits := slices.Clone(f.ExposureAudits)
	if len(audits) == 0 {
		cv.Empty = "Aucun audit d'exposition enregistré : pas d'histogramme à afficher."
		return cv
	}
	slices.SortStableFunc(audits, func(a, b care.ExposureAudit) int { return a.Date.Compare(b.Date) })
	top := 1
	for _, a := range audits {
		if a.Counts != nil && a.Counts.Critical > top {
			top = a.Counts.Critical
		}
	}
	plotB := float64(chartH - chartBottom)
	plotH := plotB - chartTop
	slot := float64(chartW-chartLeft-chartRight) / float64(len(audits))
	barW := min(slot*0.6, 60)

	var s svgBuilder
	s.open(cv.ID, "Vulnérabilités critiques par audit d'exposition",
		fmt.Sprintf("Une barre par audit (%d), hauteur : nombre de vulnérabilités critiques (maximum %d). Barres hachurées marquées d'un astérisque : périmètre incomplet.",
			len(audits), top))
	s.raw(`<defs><pattern id="hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde8e6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a3170f" stroke-width="2"/></pattern></defs>`)
	s.raw(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#6b7280"/>`, chartLeft, plotB, chartW-chartRight, plotB)
	s.text(chartLeft-8, plotB+4, "end", "axe", "0")
	s.text(chartLeft-8, chartTop+4, "end", "axe", strconv.Itoa(top))
	for i, a := range audits {
		cx := float64(chartLeft) + slot*(float64(i)+0.5)
		crit, value := 0, "inconnu"
		if a.Counts != nil {
			crit, value = a.Counts.Critical, strconv.Itoa(a.Counts.Critical)
		} else if a.NoCritical != nil && *a.NoCritical {
			value = "0 (déclaré par la source)"
		}
		h := plotH * float64(crit) / float64(top)
		fill, class, perim := "#0b4f9c", "barre", "complet"
		if !a.CompletePerimeter {
			fill, class, perim = "url(#hachures)", "barre incomplet", "incomplet"
		}
		label := fmt.Sprintf("Audit du %s : %s vulnérabilité(s) critique(s), périmètre %s", a.Date.French(), value, perim)
		critAttr := ""
		if a.Counts != nil {
			critAttr = strconv.Itoa(crit)
		}
		s.raw(`<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#1b1b1b" data-date="%s" data-critiques="%s" data-perimetre="%s"><title>%s</title></rect>`,
			class, cx-barW/2, plotB-h, barW, h, fill, a.Date, critAttr, perim, esc(label))
		mark := value
		if a.Counts == nil {
			mark = "?"
		}
		if !a.CompletePerimeter {
			mark += " *"
		}
		s.text(cx, plotB-h-4, "middle", "valeur", mark)
		s.text(cx, plotB+16, "middle", "axe", a.Date.French())
		cv.Rows = append(cv.Rows, []string{a.Date.French(), value, perim, finessList(a.Entities), a.Source})
	}
	s.text(chartW-chartRight, chartH-8, "end", "legende", "* périmètre incomplet (barre hachurée)   ? nombre non fourni par la source")
	cv.SVG = s.close()
	return cv
}

// finessList joins FINESS numbers for a table cell.
func finessList(fs []org.FINESS) string {
	out := ""
	for i, f := range fs {
		if i > 0 {
			out += ", "
		}
		out += string(f)
	}
	return out
}

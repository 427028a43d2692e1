package web

import (
	"fmt"
	"slices"
	"strconv"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
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
	var dates []civil.Date
	for _, a := range audits {
		dates = append(dates, a.Date)
	}
	ts := newTimeScale(dates, float64(chartLeft+14), float64(chartW-chartRight-14))
	// Bars are placed by date: their width follows the closest pair.
	gap := float64(chartW)
	for i := 1; i < len(audits); i++ {
		if d := ts.x(audits[i].Date) - ts.x(audits[i-1].Date); d > 0 && d < gap {
			gap = d
		}
	}
	barW := max(3, min(gap*0.7, 28))

	var s svgBuilder
	s.open(cv.ID, "Vulnérabilités critiques par audit d'exposition",
		fmt.Sprintf("Une barre par audit (%d), du %s au %s, placée à sa date ; hauteur : nombre de vulnérabilités critiques (maximum %d). Barres hachurées marquées d'un astérisque : périmètre incomplet.",
			len(audits), ts.from.French(), ts.to.French(), top))
	s.raw(`<defs><pattern id="hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde8e6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a3170f" stroke-width="2"/></pattern></defs>`)
	s.timeAxis(ts, plotB, chartTop)
	s.raw(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#6b7280"/>`, chartLeft, plotB, chartW-chartRight, plotB)
	s.text(chartLeft-8, plotB+4, "end", "axe", "0")
	s.text(chartLeft-8, chartTop+4, "end", "axe", strconv.Itoa(top))
	s.raw(`<text x="12" y="%.1f" text-anchor="middle" class="axe" transform="rotate(-90 12 %.1f)">critiques</text>`, (chartTop+plotB)/2, (chartTop+plotB)/2)
	lastLabel := -1e9
	for _, a := range audits {
		cx := ts.x(a.Date)
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
		label := fmt.Sprintf("Audit du %s (%s) : %s, périmètre %s", a.Date.French(), sourceFr(a.Source),
			pluralText(value, crit, "vulnérabilité critique", "vulnérabilités critiques"), perim)
		critAttr := ""
		if a.Counts != nil {
			critAttr = strconv.Itoa(crit)
		}
		s.raw(`<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#1b1b1b" data-date="%s" data-critiques="%s" data-perimetre="%s"><title>%s</title></rect>`,
			class, cx-barW/2, plotB-h, barW, max(h, 0.5), fill, a.Date, critAttr, perim, esc(label))
		mark := value
		if a.Counts == nil {
			mark = "?"
		} else if a.NoCritical != nil {
			mark = value
		}
		if !a.CompletePerimeter {
			mark += "*"
		}
		// Values are written where they do not overlap the previous one;
		// every figure is in the table and in each bar's tooltip.
		if len(mark) <= 4 && cx-lastLabel >= 14 {
			s.text(cx, plotB-h-4, "middle", "valeur", mark)
			lastLabel = cx
		}
		cv.Rows = append(cv.Rows, []string{a.Date.French(), value, perim, finessList(a.Entities), sourceFr(a.Source)})
	}
	s.text(chartW-chartRight, chartH-6, "end", "legende", "* périmètre incomplet (barre hachurée)   ? nombre non fourni par la source")
	cv.SVG = s.close()
	return cv
}

// pluralText is a count given as text (it may say « inconnu ») with its noun.
func pluralText(value string, n int, one, many string) string {
	if value != strconv.Itoa(n) {
		return one + " : " + value
	}
	return french.Plural(n, one, many)
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

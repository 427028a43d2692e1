package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// Charts are drawn on the server as inline SVG: no JavaScript, no network.
// Every chart carries <title> and <desc> and is followed, in the page, by a
// visually hidden table with the same figures (RGAA text alternative).

// Chart geometry shared by the builders, in SVG user units.
const (
	chartW      = 640
	chartH      = 260
	chartLeft   = 56
	chartRight  = 16
	chartTop    = 20
	chartBottom = 48
)

// seriesStyle is the colour and dash pattern of series i: series differ
// by pattern as well as colour, so that colour is never the only cue.
func seriesStyle(i int) (colour, dash string) {
	colours := []string{"#0b4f9c", "#a3170f", "#0f5d2a", "#7a4a00", "#4b3a8c", "#1b1b1b"}
	dashes := []string{"none", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"}
	return colours[i%len(colours)], dashes[i%len(dashes)]
}

// chartView is a chart and its text alternative: a table with the same
// figures, visually hidden but read by screen readers.
type chartView struct {
	ID      string
	SVG     template.HTML
	Caption string
	Head    []string
	Rows    [][]string
	// Empty is shown instead of the chart when there is nothing to draw.
	Empty string
}

// svgBuilder accumulates SVG markup; text is escaped by its helpers.
type svgBuilder struct{ b strings.Builder }

func (s *svgBuilder) raw(format string, a ...any) { fmt.Fprintf(&s.b, format, a...) }

// esc escapes text for an SVG element or attribute.
func esc(text string) string { return template.HTMLEscapeString(text) }

// open starts an <svg> of the default height with its accessible name and
// description.
func (s *svgBuilder) open(id, title, desc string) { s.openH(id, title, desc, chartH) }

// openH is open with a height in SVG units.
func (s *svgBuilder) openH(id, title, desc string, h int) {
	s.raw(`<svg xmlns="http://www.w3.org/2000/svg" class="graphique" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-titre %s-desc">`,
		esc(id), chartW, h, esc(id), esc(id))
	s.raw(`<title id="%s-titre">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func (s *svgBuilder) close() template.HTML {
	s.raw(`</svg>`)
	return template.HTML(s.b.String()) // every piece of text went through esc
}

// text writes a label.
func (s *svgBuilder) text(x, y float64, anchor, class, text string) {
	s.raw(`<text x="%.1f" y="%.1f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, esc(text))
}

// timeScale maps dates to x coordinates over the plot width.
type timeScale struct {
	from, to civil.Date
	x0, x1   float64
}

func newTimeScale(dates []civil.Date, x0, x1 float64) timeScale {
	ts := timeScale{x0: x0, x1: x1}
	for i, d := range dates {
		if i == 0 || d.Before(ts.from) {
			ts.from = d
		}
		if i == 0 || d.After(ts.to) {
			ts.to = d
		}
	}
	return ts
}

// x places a date; a single date sits in the middle.
func (ts timeScale) x(d civil.Date) float64 {
	span := float64(ts.to.DaysSince(ts.from))
	if span <= 0 {
		return (ts.x0 + ts.x1) / 2
	}
	return ts.x0 + (ts.x1-ts.x0)*float64(d.DaysSince(ts.from))/span
}

// dossierCharts builds the dashboard charts from what the view shows:
// the facts are already cut down to the visible entities and directories,
// and exposure audits are kept when they cover a visible entity.
func dossierCharts(ev *care.Evaluation, f *care.Facts) []chartView {
	visible := map[org.FINESS]bool{}
	for _, e := range f.Entities {
		visible[e.FINESS] = true
	}
	shown := *f
	shown.ExposureAudits = nil
	for _, a := range f.ExposureAudits {
		if slices.ContainsFunc(a.Entities, func(e org.FINESS) bool { return visible[e] }) {
			shown.ExposureAudits = append(shown.ExposureAudits, a)
		}
	}
	return []chartView{adLevelChart(&shown), exposureChart(&shown), exerciseCoverageChart(ev)}
}

package web

import (
	"strconv"

	"vigie/internal/civil"
)

// minTickGap is the least distance between two date labels of a time
// axis, in SVG units (a label such as « sept. 2025 » is about 60 wide).
const minTickGap = 72

// monthsFr are the French abbreviations of the months.
var monthsFr = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// monthLabel writes the month of a date: « janv. 2025 ».
func monthLabel(d civil.Date) string { return monthsFr[d.Month-1] + " " + strconv.Itoa(d.Year) }

// timeTicks returns the first days of months on the scale's span, every
// 1, 2, 3, 6 or 12 months (whichever keeps labels minTickGap apart).
func timeTicks(ts timeScale) []civil.Date {
	if ts.to.DaysSince(ts.from) <= 0 {
		return []civil.Date{ts.from}
	}
	pxPerDay := (ts.x1 - ts.x0) / float64(ts.to.DaysSince(ts.from))
	step := 12
	for _, m := range []int{1, 2, 3, 6, 12} {
		if float64(m)*30.4*pxPerDay >= minTickGap {
			step = m
			break
		}
	}
	first := civil.Date{Year: ts.from.Year, Month: ts.from.Month, Day: 1}
	if first.Before(ts.from) {
		first = first.AddMonths(1)
	}
	// Align on multiples of the step (January, April… for quarters).
	for (int(first.Month)-1)%step != 0 {
		first = first.AddMonths(1)
	}
	var out []civil.Date
	for d := first; !d.After(ts.to); d = d.AddMonths(step) {
		out = append(out, d)
	}
	if len(out) == 0 {
		out = append(out, ts.from)
	}
	return out
}

// timeAxis draws the ticks and labels of a time axis at baseline y, with
// light vertical grid lines from top.
func (s *svgBuilder) timeAxis(ts timeScale, y, top float64) {
	for _, d := range timeTicks(ts) {
		x := ts.x(d)
		s.raw(`<line class="graduation" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>`, x, top, x, y)
		s.raw(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#6b7280"/>`, x, y, x, y+4)
		label := monthLabel(d)
		if d.Day != 1 {
			label = d.French()
		}
		s.raw(`<text x="%.1f" y="%.1f" text-anchor="middle" class="axe date-axe" data-date="%s">%s</text>`, x, y+16, d, esc(label))
	}
}

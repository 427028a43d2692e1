// Package schedule plans audits: the dates of the next exposure and AD
// audits of a perimeter or a directory, placed so that the programme's
// cadence and, before a wave's deadline, the pair of clean exposure audits
// 45 to 60 days apart are met; and reminders of the official audits Vigie
// cannot run (ADS, SILENE). It is pure planning: no clock, no storage.
package schedule

import (
	"fmt"
	"slices"

	"vigie/internal/civil"
)

// Kind is what a schedule audits.
type Kind string

// The two kinds of planned audits.
const (
	Exposure Kind = "exposure"
	AD       Kind = "ad"
)

// Default intervals between two planned audits, in days.
const (
	DefaultExposureEvery = 30
	DefaultADEvery       = 55
	// DefaultMargin keeps the last days before a deadline free, so that an
	// audit with a critical finding can still be followed by another.
	DefaultMargin = 7
)

// Past is an audit already done: only audits of the whole perimeter count
// (a partial exposure audit is not passed here). Clean means no critical
// vulnerability.
type Past struct {
	Date  civil.Date
	Clean bool
}

// Input is what a plan is made from.
type Input struct {
	Kind  Kind
	Every int // days between two audits (the kind's default when 0)
	Past  []Past
	// LastRun is the last date an audit was launched for this schedule
	// (done or not): the cadence restarts from it, so a failed run does not
	// make every tick launch it again.
	LastRun civil.Date
	Today   civil.Date
	// Until is the horizon of the plan (Today + 180 days when zero).
	Until civil.Date
	// Deadline, MinGap and MaxGap place the clean pair of exposure audits
	// (from the programme's catalogue); zero Deadline: no pair to place.
	Deadline       civil.Date
	MinGap, MaxGap int
	Margin         int // DefaultMargin when 0
}

// Slot is one planned audit.
type Slot struct {
	Date civil.Date
	// Why explains the date, in French.
	Why string
}

// Plan is the planned audits of a schedule, in date order.
type Plan struct {
	Slots []Slot
	// Warning says, in French, why the deadline cannot be met (empty when it can).
	Warning string
}

// Next returns the first planned date (zero when none).
func (p Plan) Next() civil.Date {
	if len(p.Slots) == 0 {
		return civil.Date{}
	}
	return p.Slots[0].Date
}

// Make computes the plan.
func Make(in Input) Plan {
	if in.Every <= 0 {
		in.Every = DefaultExposureEvery
		if in.Kind == AD {
			in.Every = DefaultADEvery
		}
	}
	if in.Until.IsZero() {
		in.Until = in.Today.AddDays(180)
	}
	if in.Margin <= 0 {
		in.Margin = DefaultMargin
	}
	past := slices.Clone(in.Past)
	slices.SortFunc(past, func(a, b Past) int { return a.Date.Compare(b.Date) })
	last := in.LastRun
	if n := len(past); n > 0 && past[n-1].Date.After(last) {
		last = past[n-1].Date
	}
	start := in.Today
	if !last.IsZero() && last.AddDays(in.Every).After(start) {
		start = last.AddDays(in.Every)
	}
	regular := func(from, to civil.Date, why string) []Slot {
		var out []Slot
		for d := from; !d.After(to); d = d.AddDays(in.Every) {
			out = append(out, Slot{Date: d, Why: why})
		}
		return out
	}
	cadence := fmt.Sprintf("cadence : un audit tous les %d jours", in.Every)
	if in.Kind != Exposure || in.Deadline.IsZero() || in.Today.After(in.Deadline) || in.MinGap <= 0 || in.MaxGap < in.MinGap {
		return Plan{Slots: regular(start, in.Until, cadence)}
	}
	p, f, anchored, warn := pair(in, past)
	if warn != "" {
		return Plan{Slots: regular(start, in.Until, cadence), Warning: warn}
	}
	var slots []Slot
	for _, s := range regular(start, in.Until, cadence) {
		if s.Date.Before(p) {
			slots = append(slots, s)
		}
	}
	gap := f.DaysSince(p)
	if !anchored {
		slots = append(slots, Slot{Date: p, Why: fmt.Sprintf("premier audit de la paire avant l'échéance du %s (%d jours avant le suivant)", in.Deadline.French(), gap)})
	}
	slots = append(slots, Slot{Date: f, Why: fmt.Sprintf("second audit de la paire : %d jours après celui du %s (entre %d et %d), avant l'échéance du %s",
		gap, p.French(), in.MinGap, in.MaxGap, in.Deadline.French())})
	for _, s := range regular(f.AddDays(in.Every), in.Until, cadence) {
		if s.Date.After(in.Deadline) {
			slots = append(slots, s)
		}
	}
	return Plan{Slots: slots}
}

// pair places the two clean audits before the deadline: p then f, with
// MinGap ≤ f − p ≤ MaxGap, f as late as the margin allows (the margin is
// given up when nothing fits with it). anchored means p is an audit
// already done (clean, and the last one): it is kept when no fresh pair
// fits as late before the deadline.
func pair(in Input, past []Past) (p, f civil.Date, anchored bool, warn string) {
	target := (in.MinGap + in.MaxGap) / 2
	for _, limit := range []civil.Date{in.Deadline.AddDays(-in.Margin), in.Deadline} {
		if limit.Before(in.Today) {
			continue
		}
		fresh := !limit.AddDays(-in.MinGap).Before(in.Today)
		if n := len(past); n > 0 && past[n-1].Clean {
			l := past[n-1].Date
			lo, hi := l.AddDays(in.MinGap), l.AddDays(in.MaxGap)
			if lo.Before(in.Today) {
				lo = in.Today
			}
			if hi.After(limit) {
				hi = limit
			}
			if !lo.After(hi) {
				f = min2(max2(l.AddDays(target), lo), hi)
				if !fresh || limit.DaysSince(f) < in.Every {
					return l, f, true, ""
				}
			}
		}
		if fresh {
			f, p = limit, limit.AddDays(-target)
			if p.Before(in.Today) {
				p = in.Today
			}
			return p, f, false, ""
		}
	}
	return p, f, false, fmt.Sprintf("échéance du %s trop proche : deux audits sans vulnérabilité critique espacés d'au moins %d jours n'y tiennent plus", in.Deadline.French(), in.MinGap)
}

func min2(a, b civil.Date) civil.Date {
	if a.After(b) {
		return b
	}
	return a
}

func max2(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// Reminder is when the next official audit (one Vigie cannot run: ADS,
// SILENE) must be uploaded to stay within the cadence.
type Reminder struct {
	Source string
	// From is when to start reminding; Due the last day within the cadence.
	From, Due civil.Date
	Message   string
}

// OfficialReminder computes the reminder of an official audit: due
// maxInterval days after the last one (or at the deadline when there is
// none), reminded lead days before.
func OfficialReminder(source string, last civil.Date, maxInterval, lead int, deadline civil.Date) Reminder {
	r := Reminder{Source: source}
	if last.IsZero() {
		r.Due = deadline
		r.Message = fmt.Sprintf("Aucun audit %s enregistré : déposez-en un au plus tard le %s.", source, deadline.French())
	} else {
		r.Due = last.AddDays(maxInterval)
		r.Message = fmt.Sprintf("Prochain audit %s à déposer au plus tard le %s (au plus %d jours après celui du %s).",
			source, r.Due.French(), maxInterval, last.French())
	}
	r.From = r.Due.AddDays(-lead)
	return r
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/report"
)

// dueHorizonDays is how far ahead the calendar of deadlines looks.
const dueHorizonDays = 365

// asOf reads ?at= (JJ/MM/AAAA or AAAA-MM-JJ): the date a page is
// evaluated at (today, or the demo data's date in a demonstration, when
// absent). The text returned is the date as AAAA-MM-JJ, to carry in links
// ("" when absent).
func (s *Server) asOf(r *http.Request) (civil.Date, string, error) {
	at := strings.TrimSpace(r.URL.Query().Get("at"))
	if at == "" {
		return s.defaultDate(), "", nil
	}
	d, err := civil.ParseInput(at)
	if err != nil || d.Year < 2000 || d.Year > 2100 {
		return civil.Date{}, "", &httpError{Status: http.StatusBadRequest,
			Msg: fmt.Sprintf("Date d'évaluation « %s » invalide : format attendu JJ/MM/AAAA ou AAAA-MM-JJ (par exemple 15/06/2025).", at)}
	}
	return d, d.String(), nil
}

// evaluate loads an applicant's facts and evaluates them at asOf, cut down
// to what the view shows.
func (s *Server) evaluate(ctx context.Context, v *view, asOf civil.Date) (*care.Evaluation, *care.Facts, error) {
	return s.evaluateWith(ctx, v, asOf, care.Options{})
}

// evaluateWith is evaluate with evaluation options (« inclure les audits
// Vigie »). Facts and evaluation come from the cache of the current data
// version (see cache_eval.go): treat their slices as read-only.
func (s *Server) evaluateWith(ctx context.Context, v *view, asOf civil.Date, opts care.Options) (*care.Evaluation, *care.Facts, error) {
	ev, f, _, err := s.cachedEvaluation(ctx, v.Applicant.ID, asOf, opts)
	if err != nil {
		return nil, nil, err
	}
	filterEvaluation(ev, f, v)
	return ev, f, nil
}

// objBlock is one objective with its per-entity results.
type objBlock struct {
	Sum     care.ObjectiveSummary
	Results []care.Result
	// Warn: one of the results is met with a warning.
	Warn bool
}

// warned reports whether a result is met with a warning (a past cadence
// gap under the lenient reading…): never shown as a plain success.
func warned(r care.Result) bool { return r.Status == care.Met && len(r.Warnings) > 0 }

// warnedMarker stands for a result's warnings when only the flag is known.
var warnedMarker = []string{"avertissement"}

// markOf is report.ResultMark for a status known only with whether it
// carries a warning (summaries, grid cells).
func markOf(st care.Status, warn bool) string {
	r := care.Result{Status: st}
	if warn {
		r.Warnings = warnedMarker
	}
	return report.ResultMark(r)
}

// resultClassName is the CSS class suffix of a status: met with a warning
// has its own colour, not the success's.
func resultClassName(st care.Status, warn bool) string {
	if warn && st == care.Met {
		return "avertissement"
	}
	return string(st)
}

// resultWord names a status, « atteint avec réserve » when met with a warning.
func resultWord(st care.Status, warn bool) string {
	if warn && st == care.Met {
		return st.French() + " avec réserve"
	}
	return st.French()
}

// blocks groups results by objective, in catalogue order.
func blocks(ev *care.Evaluation) []objBlock {
	var out []objBlock
	for _, o := range ev.Objectives {
		b := objBlock{Sum: o}
		for _, r := range ev.Results {
			if r.Objective == o.Objective {
				b.Results = append(b.Results, r)
				b.Warn = b.Warn || warned(r)
			}
		}
		out = append(out, b)
	}
	return out
}

// dueRow is a line of the calendar of deadlines.
type dueRow struct {
	R       care.Result
	Overdue bool
}

func dues(ev *care.Evaluation) []dueRow {
	var out []dueRow
	for _, r := range ev.Dues(ev.AsOf.AddDays(dueHorizonDays)) {
		out = append(out, dueRow{R: r, Overdue: r.Next.Overdue(ev.AsOf)})
	}
	return out
}

// treeEJ is an EJ and its sites.
type treeEJ struct {
	EJ  org.Entity
	EGs []org.Entity
}

// tree builds GHT → EJ → EG from the facts (EG whose EJ is hidden are listed alone).
func tree(f *care.Facts) []treeEJ {
	var out []treeEJ
	idx := map[org.FINESS]int{}
	for _, e := range f.Entities {
		if e.Kind == org.EJ {
			idx[e.FINESS] = len(out)
			out = append(out, treeEJ{EJ: e})
		}
	}
	for _, e := range f.Entities {
		if e.Kind != org.EG {
			continue
		}
		if i, ok := idx[e.Parent]; ok {
			out[i].EGs = append(out[i].EGs, e)
		} else {
			out = append(out, treeEJ{EJ: e})
		}
	}
	return out
}

// defaultDate is the date pages are evaluated at without ?at=: the demo
// data's date in a demonstration, else today.
func (s *Server) defaultDate() civil.Date {
	if !s.demo.IsZero() {
		return s.demo
	}
	return s.today()
}

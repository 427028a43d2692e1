package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// entityGrid is the grid of one dossier: a row per entity (the GHT
// itself first, then each EJ and EG) and a column per objective, each cell
// the entity's status with its reason; AD objectives, evaluated per
// directory, show on the entities the directory serves.
type entityGrid struct {
	View       *view
	AsOf       civil.Date
	At         string
	Objectives []care.ObjectiveSummary
	Rows       []*entityRow
	Sort       string
	Desc       bool
	Overdue    int // overdue actions over the rows
	Next       civil.Date
}

// entityRow is one entity of the grid.
type entityRow struct {
	ID, Name, Kind string
	Cells          []entityCell
	Overdue        int
	NextDue        civil.Date
}

// entityCell is one objective of one entity (Present false: it does not
// apply to the entity).
type entityCell struct {
	Present bool
	Status  care.Status
	Reason  string
	Due     civil.Date
	Overdue bool
	// LateSince is when a late obligation lapsed (zero: not late, or
	// late because Due is past).
	LateSince civil.Date
	Warn      bool // a result met with a warning
}

// buildEntityGrid lays out an evaluation (already cut down to the view)
// as the entity grid, sorted by ?tri= (nom, finess, retard, echeance or an
// objective ID) and ?ordre=desc.
func buildEntityGrid(v *view, ev *care.Evaluation, f *care.Facts, r *http.Request, at string) (*entityGrid, error) {
	g := &entityGrid{View: v, AsOf: ev.AsOf, At: at, Objectives: ev.Objectives, Sort: r.URL.Query().Get("tri"),
		Desc: r.URL.Query().Get("ordre") == "desc"}
	col := map[string]int{}
	for i, o := range ev.Objectives {
		col[o.Objective] = i
	}
	switch g.Sort {
	case "", "nom", "finess", "retard", "echeance":
	default:
		if _, ok := col[g.Sort]; !ok {
			return nil, &httpError{Status: http.StatusBadRequest, Msg: "Tri inconnu : choisissez une colonne du tableau."}
		}
	}
	rows := map[string]*entityRow{}
	var order []string
	add := func(id, name, kind string) *entityRow {
		if rows[id] == nil {
			rows[id] = &entityRow{ID: id, Name: name, Kind: kind, Cells: make([]entityCell, len(ev.Objectives))}
			order = append(order, id)
		}
		return rows[id]
	}
	if f.GHT != nil && !v.Partial() {
		add(f.GHT.Code, f.GHT.Name, "GHT")
	}
	for _, t := range tree(f) {
		add(string(t.EJ.FINESS), t.EJ.Name, string(t.EJ.Kind))
		for _, e := range t.EGs {
			add(string(e.FINESS), e.Name, string(e.Kind))
		}
	}
	dirs := map[string][]org.FINESS{}
	for _, d := range f.Directories {
		dirs[d.ID] = d.Entities
	}
	for _, res := range ev.Results {
		i, ok := col[res.Objective]
		if !ok {
			continue
		}
		targets := []string{res.Entity}
		if es, isDir := dirs[res.Entity]; isDir {
			targets = targets[:0]
			for _, e := range es {
				targets = append(targets, string(e))
			}
		}
		for _, t := range targets {
			row := rows[t]
			if row == nil {
				continue // an entity the view hides
			}
			c := &row.Cells[i]
			if !c.Present || statusRank(res.Status) > statusRank(c.Status) {
				c.Present, c.Status, c.Reason = true, res.Status, res.Reason
			}
			if res.Next != nil && !res.Next.Due.IsZero() && (c.Due.IsZero() || res.Next.Due.Before(c.Due)) {
				c.Due = res.Next.Due
			}
			c.Overdue = c.Overdue || res.Next.Overdue(ev.AsOf)
			if res.Next != nil && !res.Next.LateSince.IsZero() && (c.LateSince.IsZero() || res.Next.LateSince.Before(c.LateSince)) {
				c.LateSince = res.Next.LateSince
			}
			c.Warn = c.Warn || warned(res)
		}
	}
	for _, id := range order {
		row := rows[id]
		for _, c := range row.Cells {
			if c.Overdue {
				row.Overdue++
			}
			if !c.Due.IsZero() && !c.Due.Before(ev.AsOf) && (row.NextDue.IsZero() || c.Due.Before(row.NextDue)) {
				row.NextDue = c.Due
			}
		}
		g.Overdue += row.Overdue
		if !row.NextDue.IsZero() && (g.Next.IsZero() || row.NextDue.Before(g.Next)) {
			g.Next = row.NextDue
		}
		g.Rows = append(g.Rows, row)
	}
	by := func(a, b *entityRow) int {
		switch g.Sort {
		case "finess":
			return strings.Compare(a.ID, b.ID)
		case "retard":
			return cmp.Compare(b.Overdue, a.Overdue)
		case "echeance":
			return compareDue(a.NextDue, b.NextDue)
		case "", "nom":
			return 0
		}
		i := col[g.Sort]
		ra, rb := -2, -2
		if a.Cells[i].Present {
			ra = statusRank(a.Cells[i].Status)
		}
		if b.Cells[i].Present {
			rb = statusRank(b.Cells[i].Status)
		}
		return cmp.Compare(rb, ra)
	}
	slices.SortStableFunc(g.Rows, func(a, b *entityRow) int {
		c := by(a, b)
		if g.Desc {
			c = -c
		}
		if c == 0 && (g.Sort == "" || g.Sort == "nom") {
			// The GHT first, then each EJ followed by its sites.
			c = cmp.Compare(slices.Index(order, a.ID), slices.Index(order, b.ID))
		}
		return c
	})
	return g, nil
}

// SortLink is the header link of a column of the entity grid.
func (g *entityGrid) SortLink(col string) string {
	cur := g.Sort
	if cur == "" {
		cur = "nom"
	}
	v := url.Values{}
	v.Set("tri", col)
	if cur == col && !g.Desc {
		v.Set("ordre", "desc")
	}
	if g.At != "" {
		v.Set("at", g.At)
	}
	return "?" + v.Encode() + "#grille"
}

// SortMark is the aria-sort value of a header.
func (g *entityGrid) SortMark(col string) string {
	cur := g.Sort
	if cur == "" {
		cur = "nom"
	}
	switch {
	case cur != col:
		return "none"
	case g.Desc:
		return "descending"
	}
	return "ascending"
}

// entityGridPage is the entity grid of one dossier (/dossiers/{id}/grille).
func (s *Server) entityGridPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	ev, f, err := s.evaluateWith(r.Context(), v, asOf, care.Options{IncludeVigie: includeVigie(r)})
	if err != nil {
		return err
	}
	g, err := buildEntityGrid(v, ev, f, r, at)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "grid", pageData{Title: "Grille du dossier " + v.Applicant.Name, User: rq.p, CSRF: rq.csrf, Data: g})
	return nil
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// bucketLabels are the national statistics buckets, in display order.
var bucketLabels = []struct {
	Value org.Bucket
	Label string
}{
	{org.BucketGHT, "GHT"},
	{org.BucketPublicAlone, "Public hors GHT"},
	{org.BucketNonProfit, "Privé non lucratif"},
	{org.BucketForProfit, "Privé lucratif"},
}

func bucketFr(b org.Bucket) string {
	for _, l := range bucketLabels {
		if l.Value == b {
			return l.Label
		}
	}
	return "catégorie inconnue"
}

// homeData fills the home page: one of the three dashboards, by scope.
type homeData struct {
	At string
	// Grid is the dossiers grid (region, national).
	Grid *gridView
	// Entities is the entity grid of a GHT dossier (GHT referent, GHT auditor).
	Entities *entityGrid
	// Own is the establishment dashboard (establishment, its auditor).
	Own *ownDashboard
	// None explains an empty scope.
	None string
	// Admin shows the administration links.
	Admin bool
}

// homePage is the user's dashboard: the grid of the dossiers of the
// region or the nation (filters, counts, exports), the entity grid of the
// GHT, or the establishment's objectives and audits, by scope.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	asOf, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	d := homeData{At: at, Admin: rq.p.Role == RoleAdmin}
	title := "Tableau de bord"
	switch rq.p.kind {
	case scopeAll, scopeRegion:
		q, err := s.parseGridQuery(r)
		if err != nil {
			return err
		}
		q.At = at
		all, version, err := s.nationalRows(r.Context(), asOf, care.Options{IncludeVigie: q.Vigie})
		if err != nil {
			return err
		}
		rows := s.regionRows(rq, all, version, asOf, q.Vigie)
		// The page depends on the rows in scope (a row gets a higher
		// version whenever its dossier changes: the largest one and the
		// count name them), the query, the day (the demo banner's link)
		// and the viewer. Writes elsewhere leave a regional page cached.
		top := int64(0)
		for _, g := range rows {
			top = max(top, g.version)
		}
		key := fmt.Sprintf("home\x00%d\x00%d\x00%s\x00%s\x00%s", top, len(rows), s.today(), r.URL.RawQuery, requestKey(rq))
		return s.cachedResponse(w, r, key, func(w http.ResponseWriter) error {
			d.Grid = s.buildGridView(rows, q, asOf, rq.p.kind == scopeAll)
			d.Grid.Title = "Pilotage national"
			if rq.p.kind == scopeRegion {
				d.Grid.Title = "Pilotage de la région " + rq.p.value
			}
			s.render(w, r, http.StatusOK, "home", pageData{Title: d.Grid.Title, User: rq.p, CSRF: rq.csrf, Data: d})
			return nil
		})
	case scopeGHT:
		title = "Pilotage du GHT " + rq.p.value
		v, err := s.loadApplicantView(r.Context(), rq.scope, rq.p.value)
		if errors.Is(err, errOutOfScope) {
			d.None = "Aucun dossier CaRE n'est enregistré pour votre GHT : importez-le (menu « Importer un dossier »)."
			break
		}
		if err != nil {
			return err
		}
		ev, f, key, err := s.cachedEvaluation(r.Context(), v.Applicant.ID, asOf, care.Options{IncludeVigie: includeVigie(r)})
		if err != nil {
			return err
		}
		pk := fmt.Sprintf("home-ght\x00%s\x00%+v\x00%s\x00%s\x00%s\x00%s", key, v.Applicant, viewKey(v), s.today(), r.URL.RawQuery, requestKey(rq))
		return s.cachedResponse(w, r, pk, func(w http.ResponseWriter) error {
			filterEvaluation(ev, f, v)
			if d.Entities, err = buildEntityGrid(v, ev, f, r, at); err != nil {
				return err
			}
			s.render(w, r, http.StatusOK, "home", pageData{Title: title, User: rq.p, CSRF: rq.csrf, Data: d})
			return nil
		})
	case scopeEntity:
		title = "Mon établissement"
		if rq.scope.ownApplicant == "" {
			d.None = "Votre établissement ne fait partie d'aucun dossier CaRE enregistré."
			break
		}
		v, err := s.loadApplicantView(r.Context(), rq.scope, rq.scope.ownApplicant)
		if err != nil {
			return err
		}
		ev, f, key, err := s.cachedEvaluation(r.Context(), v.Applicant.ID, asOf, care.Options{IncludeVigie: includeVigie(r)})
		if err != nil {
			return err
		}
		pk := fmt.Sprintf("home-own\x00%s\x00%+v\x00%s\x00%s\x00%s\x00%s", key, v.Applicant, viewKey(v), s.today(), r.URL.RawQuery, requestKey(rq))
		return s.cachedResponse(w, r, pk, func(w http.ResponseWriter) error {
			filterEvaluation(ev, f, v)
			d.Own = ownDashboardOf(rq, v, ev, f, at)
			s.render(w, r, http.StatusOK, "home", pageData{Title: d.Own.Entity.Name, User: rq.p, CSRF: rq.csrf, Data: d})
			return nil
		})
	}
	s.render(w, r, http.StatusOK, "home", pageData{Title: title, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// dossiersGrid builds the grid of the dossiers the user sees at asOf.
func (s *Server) dossiersGrid(r *http.Request, rq *request, q gridQuery, asOf civil.Date) (*gridView, int64, error) {
	rows, version, err := s.nationalRows(r.Context(), asOf, care.Options{IncludeVigie: q.Vigie})
	if err != nil {
		return nil, 0, err
	}
	return s.gridOfRows(rq, rows, q, asOf), version, nil
}

// gridOfRows keeps the rows the user sees and builds the grid's view.
func (s *Server) gridOfRows(rq *request, rows []*gridRow, q gridQuery, asOf civil.Date) *gridView {
	return s.buildGridView(scopedRows(rq, rows), q, asOf, rq.p.kind == scopeAll)
}

// regionRows is scopedRows for the grid pages, kept per index version,
// date and scope: a region's rows are picked once per version, not on
// every request.
func (s *Server) regionRows(rq *request, all []*gridRow, version int64, asOf civil.Date, vigie bool) []*gridRow {
	if rq.p.kind == scopeAll {
		return all
	}
	key := fmt.Sprintf("rows\x00%d\x00%s\x00%t\x00%d\x00%s", version, asOf, vigie, rq.p.kind, rq.p.value)
	if x, ok := s.cache.evals.get(key); ok {
		return x.([]*gridRow)
	}
	rows := scopedRows(rq, all)
	s.cache.evals.put(key, rows)
	return rows
}

// scopedRows keeps the grid rows of the dossiers the user sees.
func scopedRows(rq *request, rows []*gridRow) []*gridRow {
	if rq.p.kind == scopeAll {
		return rows
	}
	return slices.DeleteFunc(slices.Clone(rows), func(g *gridRow) bool {
		_, ok := rq.scope.applicant(store.Applicant{ID: g.ID, Kind: g.Kind, GHT: ghtOf(g), Region: g.Region})
		return !ok
	})
}

// ghtOf is the GHT code of a grid row's applicant.
func ghtOf(g *gridRow) string {
	if g.Kind == store.ApplicantGHT {
		return g.ID
	}
	return ""
}

// ownDashboard is an establishment's home: its objectives (the EJ and its
// sites, and the directories they use) and its latest audits.
type ownDashboard struct {
	Entity   org.Entity
	View     *view
	AsOf     civil.Date
	At       string
	Results  []care.Result
	Titles   map[string]string // objective → title
	Links    map[string]bool   // entities that have a page
	Overdue  int
	AD       []auditLink
	Exposure []auditLink
	CanWrite bool
}

// auditLink is an audit listed with the address of its page.
type auditLink struct {
	Date   civil.Date
	Label  string
	Detail string
	Href   string
	Vigie  bool
}

// ownDashboardAudits is how many audits of each kind the dashboard lists.
const ownDashboardAudits = 5

// ownDashboardOf builds the establishment dashboard from the evaluation
// of its dossier, already cut down to the view.
func ownDashboardOf(rq *request, v *view, ev *care.Evaluation, f *care.Facts, at string) *ownDashboard {
	d := &ownDashboard{View: v, AsOf: ev.AsOf, At: at, Titles: map[string]string{}, Links: map[string]bool{},
		CanWrite: rq.p.CanWrite()}
	for _, x := range f.Entities {
		d.Links[string(x.FINESS)] = true
		if x.FINESS == org.FINESS(rq.p.value) {
			d.Entity = x
		}
	}
	if d.Entity.FINESS == "" {
		d.Entity = org.Entity{FINESS: org.FINESS(rq.p.value), Name: "Établissement " + rq.p.value}
	}
	for _, o := range ev.Objectives {
		d.Titles[o.Objective] = o.Title
	}
	for _, res := range ev.Results {
		if res.Status == care.NotApplicable {
			continue
		}
		d.Results = append(d.Results, res)
		if res.Next.Overdue(ev.AsOf) {
			d.Overdue++
		}
	}
	d.AD, d.Exposure = auditLinks(v, f, ev.AsOf, ownDashboardAudits, at)
	return d
}

// bucketOf places an applicant in its statistics bucket.
func bucketOf(a store.Applicant, ejs map[org.FINESS]org.Entity) org.Bucket {
	if a.Kind == store.ApplicantGHT {
		return org.BucketGHT
	}
	return org.BucketOf(false, ejs[a.FINESS].Category)
}

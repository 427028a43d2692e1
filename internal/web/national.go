package web

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// nationalGrids bounds how many evaluation dates (and options) keep their
// grid rows: today, the demo date and a few dates people look at.
const nationalGrids = 6

// nationalIndex holds every dossier's applicant row and facts, and the
// grid rows computed from them per evaluation date, for the regional and
// national dashboards. It follows the version tracker: a write reloads
// only the dossiers it touched, and the rows of the others are reused.
// Its zero value is empty; nationalRows fills it on first use.
type nationalIndex struct {
	mu       sync.Mutex
	loaded   bool
	version  int64 // tracker version the index reflects
	dossiers map[string]*natDossier
	grids    map[string]*natGrid // date and options → rows
	order    []string            // grid keys, oldest first (eviction)
}

// natDossier is one dossier of the index, loaded at its dossier version.
type natDossier struct {
	app     store.Applicant
	version int64
	facts   *care.Facts
	err     error // the dossier could not be loaded
}

// natGrid is the grid rows of every dossier at one date, with options.
type natGrid struct {
	rows map[string]*gridRow
	// out is every row sorted by dossier, as of the index version built.
	out   []*gridRow
	built int64
}

// gridRow is one dossier of a regional or national grid: its status per
// objective, overdue actions and next deadline. Rows are never modified
// once built (a change builds a new row), so they are shared freely.
type gridRow struct {
	version  int64
	sortName string // lower-case name, the default order
	ID       string
	Name     string
	Kind     store.ApplicantKind
	Region   string
	Dep      string // département of the applicant's EJ
	Bucket   org.Bucket
	// Cells are indexed like the grid's objectives (gridObjectives).
	Cells    []gridCell
	Overdue  int        // next actions due before the date
	NextDue  civil.Date // earliest next action due on or after the date
	Entities int
	// Err is the French reason the dossier could not be evaluated.
	Err string
}

// gridCell is one objective of one row: the summary status and how many
// of the entities concerned meet it.
type gridCell struct {
	Status     care.Status
	Met, Total int
	Overdue    int
	Warn       bool // met, but a result carries a warning (never shown as a plain success)
}

// nationalRows returns the grid rows of every dossier evaluated at asOf
// with opts (dossiers sorted by ID), after bringing the index up to date,
// and the index's version (the rows change only with it).
func (s *Server) nationalRows(ctx context.Context, asOf civil.Date, opts care.Options) ([]*gridRow, int64, error) {
	if _, err := s.syncVersions(ctx); err != nil {
		return nil, 0, err
	}
	idx := &s.national
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if err := s.refreshNational(ctx); err != nil {
		return nil, 0, err
	}
	key := fmt.Sprintf("%s\x00%+v", asOf, opts)
	g := idx.grids[key]
	if g != nil && g.out != nil && g.built == idx.version {
		return g.out, idx.version, nil // nothing changed since: the same rows
	}
	if g == nil {
		g = &natGrid{rows: map[string]*gridRow{}}
		idx.grids[key] = g
		idx.order = append(idx.order, key)
		if len(idx.order) > nationalGrids {
			delete(idx.grids, idx.order[0])
			idx.order = idx.order[1:]
		}
	}
	ids := make([]string, 0, len(idx.dossiers))
	for id := range idx.dossiers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]*gridRow, 0, len(ids))
	for id := range g.rows {
		if idx.dossiers[id] == nil {
			delete(g.rows, id)
		}
	}
	for _, id := range ids {
		d := idx.dossiers[id]
		r := g.rows[id]
		if r == nil || r.version != d.version {
			r = s.buildGridRow(d, asOf, opts)
			g.rows[id] = r
		}
		out = append(out, r)
	}
	g.out, g.built = out, idx.version
	return out, idx.version, nil
}

// refreshNational reloads what changed since the index's version: every
// dossier when the change may concern any, else only those touched.
// The caller holds idx.mu.
func (s *Server) refreshNational(ctx context.Context) error {
	idx := &s.national
	version, all, ids := s.changedSince(idx.version)
	if idx.loaded && version == idx.version {
		return nil
	}
	if !idx.loaded || all {
		apps, err := s.st.Applicants(ctx)
		if err != nil {
			return err
		}
		ds, err := s.loadDossiers(ctx, apps)
		if err != nil {
			return err
		}
		idx.dossiers = ds
		idx.grids, idx.order = map[string]*natGrid{}, nil
		idx.loaded, idx.version = true, version
		return nil
	}
	for _, id := range ids {
		a, err := s.st.Applicant(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			delete(idx.dossiers, id)
			continue
		}
		if err != nil {
			return err
		}
		ds, err := s.loadDossiers(ctx, []store.Applicant{a})
		if err != nil {
			return err
		}
		idx.dossiers[id] = ds[id]
	}
	idx.version = version
	return nil
}

// loadDossiers loads the facts of the applicants, several at a time; a
// dossier that fails to load keeps its error (shown in its row) rather
// than failing the whole grid, unless the request was cancelled.
func (s *Server) loadDossiers(ctx context.Context, apps []store.Applicant) (map[string]*natDossier, error) {
	out := make(map[string]*natDossier, len(apps))
	var mu sync.Mutex
	work := make(chan store.Applicant)
	var wg sync.WaitGroup
	for range min(len(apps), max(2, runtime.GOMAXPROCS(0)*2)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				d := &natDossier{app: a, version: s.dossierVersion(a.ID)}
				f, err := s.st.LoadFacts(ctx, a.ID)
				if err != nil {
					d.err = err
				} else {
					clipFacts(&f)
					d.facts = &f
				}
				mu.Lock()
				out[a.ID] = d
				mu.Unlock()
			}
		}()
	}
	for _, a := range apps {
		if ctx.Err() != nil {
			break
		}
		work <- a
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// buildGridRow evaluates one dossier into its grid row.
func (s *Server) buildGridRow(d *natDossier, asOf civil.Date, opts care.Options) *gridRow {
	a := d.app
	r := &gridRow{version: d.version, sortName: strings.ToLower(a.Name), ID: a.ID, Name: a.Name, Kind: a.Kind, Region: a.Region, Dep: a.FINESS.Departement()}
	if d.err != nil {
		r.Err = "dossier illisible : " + d.err.Error()
		return r
	}
	f := *d.facts
	r.Entities = len(f.Entities)
	r.Bucket = org.BucketGHT
	if a.Kind != store.ApplicantGHT {
		for _, e := range f.Entities {
			if e.FINESS == a.FINESS {
				r.Bucket = org.BucketOf(false, e.Category)
			}
		}
	}
	ev, err := s.cat.Evaluate(&f, asOf, opts)
	if err != nil {
		r.Err = "évaluation impossible : " + err.Error()
		return r
	}
	s.fillRow(r, ev)
	return r
}

// gridColumns lists the objectives of every wave of the catalogue, in
// catalogue order (the columns of the grids), with their positions.
func gridColumns(c *care.Catalogue) ([]care.Objective, map[string]int) {
	var objs []care.Objective
	pos := map[string]int{}
	for _, w := range c.Waves {
		for _, o := range w.Objectives {
			if _, ok := pos[o.ID]; !ok {
				pos[o.ID] = len(objs)
				objs = append(objs, o)
			}
		}
	}
	return objs, pos
}

// fillRow sets a row's cells, overdue count and next deadline from an
// evaluation.
func (s *Server) fillRow(r *gridRow, ev *care.Evaluation) {
	pos := s.columnPos
	r.Cells = make([]gridCell, len(s.columns))
	for i := range r.Cells {
		r.Cells[i].Status = care.NotApplicable
	}
	for _, o := range ev.Objectives {
		if i, ok := pos[o.Objective]; ok {
			r.Cells[i] = gridCell{Status: o.Status, Met: o.Met, Total: o.Total}
		}
	}
	for _, res := range ev.Results {
		if i, ok := pos[res.Objective]; ok && warned(res) {
			r.Cells[i].Warn = true
		}
		if res.Next == nil || res.Next.Due.IsZero() {
			continue
		}
		if res.Next.Overdue(ev.AsOf) {
			r.Overdue++
			if i, ok := pos[res.Objective]; ok {
				r.Cells[i].Overdue++
			}
		}
		if !res.Next.Due.Before(ev.AsOf) && (r.NextDue.IsZero() || res.Next.Due.Before(r.NextDue)) {
			r.NextDue = res.Next.Due
		}
	}
}

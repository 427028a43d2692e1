package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// errOutOfScope answers both "does not exist" and "not yours": the two are
// indistinguishable on purpose.
var errOutOfScope = &httpError{Status: http.StatusNotFound,
	Msg: "Cette page n'existe pas ou ne fait pas partie de votre périmètre."}

// errReadOnly answers a write by a read-only role on an in-scope resource.
var errReadOnly = &httpError{Status: http.StatusForbidden,
	Msg: "Votre rôle permet la consultation seulement : vous ne pouvez pas enregistrer de données."}

// view is the part of a dossier a user may see: the whole dossier, or only
// some entities (an establishment inside a GHT candidature).
type view struct {
	Applicant store.Applicant
	// only lists the visible entities; nil means the whole dossier.
	only map[org.FINESS]bool
}

// Partial reports whether the user sees only some entities of the dossier.
func (v *view) Partial() bool { return v.only != nil }

// scope is a principal's scope resolved against the store, built once per
// request: the single place deciding what a user may see.
type scope struct {
	p *Principal
	// ownApplicant and own are set for an establishment scope.
	ownApplicant string
	own          map[org.FINESS]bool
}

// resolveScope loads what the principal's scope needs.
func (s *Server) resolveScope(ctx context.Context, p *Principal) (*scope, error) {
	sc := &scope{p: p}
	if p.kind != scopeEntity {
		return sc, nil
	}
	f := org.FINESS(p.value)
	version, known := knownVersion(ctx)
	if known {
		if c, ok := s.scopes.get(f, version); ok {
			sc.own, sc.ownApplicant = c.own, c.ownApplicant
			return sc, nil
		}
	}
	sc.own = map[org.FINESS]bool{f: true}
	children, err := s.st.Entities(ctx, store.EntityFilter{Parent: f})
	if err != nil {
		return nil, fmt.Errorf("périmètre de %s : %w", p.Login, err)
	}
	for _, c := range children {
		sc.own[c.FINESS] = true
	}
	a, err := s.st.ApplicantOf(ctx, f)
	switch {
	case err == nil:
		sc.ownApplicant = a.ID
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("périmètre de %s : %w", p.Login, err)
	}
	if known {
		s.scopes.put(f, version, scopeEntry{own: sc.own, ownApplicant: sc.ownApplicant})
	}
	return sc, nil
}

// applicant returns the view of an applicant the user may see, or false.
func (sc *scope) applicant(a store.Applicant) (*view, bool) {
	switch sc.p.kind {
	case scopeAll:
		return &view{Applicant: a}, true
	case scopeGHT:
		return &view{Applicant: a}, a.GHT != "" && a.GHT == sc.p.value
	case scopeRegion:
		return &view{Applicant: a}, a.Region != "" && a.Region == sc.p.value
	case scopeEntity:
		if sc.ownApplicant == "" || a.ID != sc.ownApplicant {
			return nil, false
		}
		if a.Kind == store.ApplicantEJ && a.FINESS == org.FINESS(sc.p.value) {
			return &view{Applicant: a}, true // the whole dossier is the establishment's own
		}
		return &view{Applicant: a, only: sc.own}, true
	}
	return nil, false
}

// entity reports whether the user may see an entity of the given applicant.
func (sc *scope) entity(e org.Entity, a store.Applicant, hasApplicant bool) bool {
	switch sc.p.kind {
	case scopeAll:
		return true
	case scopeGHT:
		return hasApplicant && a.GHT != "" && a.GHT == sc.p.value
	case scopeRegion:
		return (e.Region != "" && e.Region == sc.p.value) || (hasApplicant && a.Region == sc.p.value)
	case scopeEntity:
		return sc.own[e.FINESS]
	}
	return false
}

// loadApplicantView loads an applicant by ID and checks the user sees it.
func (s *Server) loadApplicantView(ctx context.Context, sc *scope, id string) (*view, error) {
	a, err := s.st.Applicant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errOutOfScope
	}
	if err != nil {
		return nil, err
	}
	v, ok := sc.applicant(a)
	if !ok {
		return nil, errOutOfScope
	}
	return v, nil
}

// loadEntity loads an entity by FINESS text and checks the user sees it;
// write also requires a role that may record data.
func (s *Server) loadEntity(ctx context.Context, sc *scope, text string, write bool) (org.Entity, store.Applicant, error) {
	f, err := org.ParseFINESS(text)
	if err != nil {
		return org.Entity{}, store.Applicant{}, errOutOfScope
	}
	e, err := s.st.Entity(ctx, f)
	if errors.Is(err, store.ErrNotFound) {
		return org.Entity{}, store.Applicant{}, errOutOfScope
	}
	if err != nil {
		return org.Entity{}, store.Applicant{}, err
	}
	a, err := s.st.ApplicantOf(ctx, f)
	hasApplicant := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return org.Entity{}, store.Applicant{}, err
	}
	if !sc.entity(e, a, hasApplicant) {
		return org.Entity{}, store.Applicant{}, errOutOfScope
	}
	if write && !sc.p.CanWrite() {
		return org.Entity{}, store.Applicant{}, errReadOnly
	}
	return e, a, nil
}

// visibleApplicants lists the applicants the user may see, by ID.
func (s *Server) visibleApplicants(ctx context.Context, sc *scope) ([]*view, error) {
	all, err := s.st.Applicants(ctx)
	if err != nil {
		return nil, err
	}
	var out []*view
	for _, a := range all {
		if v, ok := sc.applicant(a); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// filterEvaluation keeps, for a partial view, the results of the visible
// entities (and of the directories they use), without the figures of
// audits shared with others, recomputes the summaries, cuts the current
// posture of a closed wave down (partialPosture) and the facts as
// partialFacts does. A whole view is returned unchanged. ev and f
// may share their slices with the cache: they are replaced, never written.
func filterEvaluation(ev *care.Evaluation, f *care.Facts, v *view) {
	if !v.Partial() {
		return
	}
	visible := map[string]bool{}
	for e := range v.only {
		visible[string(e)] = true
	}
	for _, d := range f.Directories {
		for _, e := range d.Entities {
			if v.only[e] {
				visible[d.ID] = true
			}
		}
	}
	keep := func(rs []care.Result) []care.Result {
		var out []care.Result
		for _, r := range rs {
			if visible[r.Entity] {
				out = append(out, r)
			}
		}
		return out
	}
	pf, shared := partialFacts(f, v)
	ev.Results = maskShared(keep(ev.Results), shared)
	ev.Prerequisites = keep(ev.Prerequisites)
	var sums []care.ObjectiveSummary
	for _, o := range ev.Objectives {
		n := care.ObjectiveSummary{Objective: o.Objective, Title: o.Title, Status: care.NotApplicable}
		for _, r := range ev.Results {
			if r.Objective != o.Objective {
				continue
			}
			n.Total++
			if r.Status == care.Met {
				n.Met++
			}
			if statusRank(r.Status) > statusRank(n.Status) {
				n.Status = r.Status
			}
		}
		if n.Total > 0 {
			sums = append(sums, n)
		}
	}
	ev.Objectives = sums
	if ev.Current != nil {
		ev.Current = partialPosture(ev.Current, f, &pf, v)
	}
	*f = pf
}

// statusRank orders statuses from best to worst, as the care summaries do.
func statusRank(s care.Status) int {
	switch s {
	case care.NotApplicable:
		return -1
	case care.Met:
		return 0
	case care.InProgress:
		return 1
	case care.MissingData:
		return 2
	}
	return 3
}

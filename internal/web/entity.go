package web

import (
	"errors"
	"net/http"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// entityData fills the page of one EJ or EG.
type entityData struct {
	Entity    org.Entity
	Parent    *org.Entity
	Children  []org.Entity
	Applicant *store.Applicant
	Ev        *care.Evaluation
	Blocks    []objBlock
	Exercises []care.Exercise
	At        string
	CanWrite  bool
	Saved     string // "1" after an exercise, "declaration" after a form
}

// entityPage shows an entity and only the results that concern it (and its
// sites for an EJ, and the directories they use).
func (s *Server) entityPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	e, a, err := s.loadEntity(ctx, rq.scope, r.PathValue("finess"), false)
	if err != nil {
		return err
	}
	asOf, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	d := entityData{Entity: e, At: at, CanWrite: rq.p.CanWrite(), Saved: r.URL.Query().Get("enregistre")}
	own := map[org.FINESS]bool{e.FINESS: true}
	if e.Kind == org.EJ {
		if d.Children, err = s.st.Entities(ctx, store.EntityFilter{Parent: e.FINESS}); err != nil {
			return err
		}
		for _, c := range d.Children {
			own[c.FINESS] = true
		}
	} else if e.Parent != "" {
		p, err := s.st.Entity(ctx, e.Parent)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil && rq.scope.entity(p, a, a.ID != "") {
			d.Parent = &p
		}
	}
	if a.ID != "" {
		d.Applicant = &a
		ev, f, err := s.evaluate(ctx, &view{Applicant: a, only: own}, asOf)
		if err != nil {
			return err
		}
		d.Ev, d.Blocks = ev, blocks(ev)
		for _, x := range f.Exercises {
			if own[x.Entity] {
				d.Exercises = append(d.Exercises, x)
			}
		}
	}
	s.render(w, r, http.StatusOK, "entity", pageData{Title: e.Name, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

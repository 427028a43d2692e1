package web

import (
	"net/http"
	"slices"

	"vigie/internal/care"
	"vigie/internal/org"
)

// apiFacts returns the facts of an applicant (care.Facts), restricted, for
// a partial view, to the records of the visible entities and directories,
// like the pages.
func (s *Server) apiFacts(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.st.LoadFacts(r.Context(), v.Applicant.ID)
	if err != nil {
		return err
	}
	filterFacts(&f, v)
	writeJSON(w, http.StatusOK, struct {
		care.Facts
		Partial bool `json:"partial,omitempty"`
	}{f, v.Partial()})
	return nil
}

// filterFacts keeps, for a partial view, the records of the visible
// entities and of the directories they use; the GHT governance is left out.
// A whole view is unchanged.
func filterFacts(f *care.Facts, v *view) {
	if !v.Partial() {
		return
	}
	vis := func(e org.FINESS) bool { return v.only[e] }
	dirs := map[string]bool{}
	f.Directories = slices.DeleteFunc(f.Directories, func(d care.Directory) bool {
		d.Entities = slices.DeleteFunc(slices.Clone(d.Entities), func(e org.FINESS) bool { return !vis(e) })
		dirs[d.ID] = len(d.Entities) > 0
		return !dirs[d.ID]
	})
	for i := range f.Directories {
		f.Directories[i].Entities = slices.DeleteFunc(f.Directories[i].Entities, func(e org.FINESS) bool { return !vis(e) })
	}
	f.Entities = slices.DeleteFunc(f.Entities, func(e org.Entity) bool { return !vis(e.FINESS) })
	f.Prerequisites = slices.DeleteFunc(f.Prerequisites, func(p care.Prerequisite) bool { return !vis(p.Entity) })
	f.ADAudits = slices.DeleteFunc(f.ADAudits, func(a care.ADAudit) bool { return !dirs[a.Directory] })
	f.ExposureAudits = slices.DeleteFunc(f.ExposureAudits, func(a care.ExposureAudit) bool {
		a.Entities = slices.DeleteFunc(slices.Clone(a.Entities), func(e org.FINESS) bool { return !vis(e) })
		return len(a.Entities) == 0
	})
	for i := range f.ExposureAudits {
		f.ExposureAudits[i].Entities = slices.DeleteFunc(f.ExposureAudits[i].Entities, func(e org.FINESS) bool { return !vis(e) })
	}
	f.Exercises = slices.DeleteFunc(f.Exercises, func(x care.Exercise) bool { return !vis(x.Entity) })
	f.OSIS = slices.DeleteFunc(f.OSIS, func(x care.OSIS) bool { return !vis(x.Entity) })
	f.Budget = slices.DeleteFunc(f.Budget, func(x care.Budget) bool { return !vis(x.Entity) })
	f.Governance = nil
}

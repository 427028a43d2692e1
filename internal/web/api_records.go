package web

import (
	"net/http"

	"vigie/internal/care"
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

// filterFacts keeps, for a partial view, what partialFacts shows: the
// records of the visible entities and of the directories they use, shared
// audits without their figures, no GHT governance. A whole view is unchanged.
func filterFacts(f *care.Facts, v *view) {
	if !v.Partial() {
		return
	}
	*f, _ = partialFacts(f, v)
}

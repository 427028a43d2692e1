package web

import (
	"fmt"
	"net/http"

	"vigie/internal/care"
)

// dossierData fills the dashboard of a dossier.
type dossierData struct {
	View     *view
	Wave     *care.Wave
	Ev       *care.Evaluation
	Facts    *care.Facts
	At       string
	Blocks   []objBlock
	Tree     []treeEJ
	Dues     []dueRow
	Calendar []care.Window
	Links    map[string]bool // entity IDs that have a page
	CanWrite bool
	Vigie    bool          // « inclure les audits Vigie » (?vigie=1), see audit_pages.go
	Charts   []chartView   // see chart.go
	Files    []evidenceRow // see evidence.go
	// AD and Exposure are the latest audits, with their pages.
	AD, Exposure []auditLink
	// Tables are the exported tables (CSV links).
	Tables []table
}

// dossierPage is the dashboard of one dossier: objectives, entity tree,
// deadlines, evaluated at ?at= (today by default). The page is cached by
// data version (cache_page.go): whatever it shows must come from data
// whose writes go through the audit trail, or be part of its key.
func (s *Server) dossierPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	ev, f, key, err := s.cachedEvaluation(r.Context(), v.Applicant.ID, asOf, care.Options{IncludeVigie: includeVigie(r)})
	if err != nil {
		return err
	}
	// The page depends on the data (key), the applicant row, the date as
	// written, the view and the viewer: all in the response key.
	pk := fmt.Sprintf("%s\x00%+v\x00%s\x00%s\x00%s", key, v.Applicant, at, viewKey(v), requestKey(rq))
	return s.cachedResponse(w, r, pk, func(w http.ResponseWriter) error {
		filterEvaluation(ev, f, v)
		d := dossierData{View: v, Ev: ev, Facts: f, At: at, Blocks: blocks(ev), Tree: tree(f), Dues: dues(ev),
			Links: map[string]bool{}, CanWrite: rq.p.CanWrite(), Vigie: includeVigie(r)}
		for _, e := range f.Entities {
			d.Links[string(e.FINESS)] = true
		}
		if wv, err := s.cat.Wave(ev.Wave); err == nil {
			d.Wave = wv
			for _, win := range wv.Calendar {
				if win.End.IsZero() || !win.End.Before(asOf) {
					d.Calendar = append(d.Calendar, win)
				}
			}
		}
		if err := s.dossierExtras(r.Context(), v, &d); err != nil {
			return err
		}
		d.AD, d.Exposure = auditLinks(v, f, asOf, ownDashboardAudits, at)
		d.Tables = recordTables(&care.Evaluation{}, &care.Facts{}, nil) // names and files only
		s.render(w, r, http.StatusOK, "dossier", pageData{Title: v.Applicant.Name, User: rq.p, CSRF: rq.csrf, Data: d})
		return nil
	})
}

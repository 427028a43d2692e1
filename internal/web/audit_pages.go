package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// auditPageNames are the pages of the audits launched from the web
// application, parsed with the layout like pageNames.
var auditPageNames = []string{"auditform", "job", "jobs", "audits"}

// initAudits parses the audit pages.
func (s *Server) initAudits() error {
	for _, name := range auditPageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs(s.loc)).Funcs(template.FuncMap{
			"tlsModes": func() []struct{ Value, Label string } { return tlsModes },
			"jobKind":  jobKindFr, "jobResult": jobResultHref,
		}).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("gabarit %s : %w", name, err)
		}
		s.pages[name] = t
	}
	if err := s.initAlertPages(); err != nil {
		return err
	}
	return s.initSchedulePages()
}

// auditRoutes registers the audit launch, job, connection and governance pages.
func (s *Server) auditRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/audits", s.page(s.auditsPage))
	handle("GET /dossiers/{id}/audits/exposition", s.page(s.exposureLaunch))
	handle("POST /dossiers/{id}/audits/exposition", s.page(s.exposureLaunch))
	handle("GET /dossiers/{id}/annuaires/{dir}/connexion", s.page(s.connectionHandler))
	handle("POST /dossiers/{id}/annuaires/{dir}/connexion", s.page(s.connectionHandler))
	handle("POST /dossiers/{id}/annuaires/{dir}/audit", s.page(s.adLaunch))
	handle("GET /dossiers/{id}/taches/{job}", s.page(s.jobPage))
	handle("GET /dossiers/{id}/taches/{job}/etat", s.page(s.jobStatus))
	handle("POST /dossiers/{id}/taches/{job}/annulation", s.page(s.jobCancel))
	handle("GET /taches", s.page(s.jobsPage))
	s.scheduleRoutes(handle) // schedules and calendar: schedules.go
	s.alertRoutes(handle)    // alert subscriptions: alerts.go
	handle("GET /dossiers/{id}/gouvernance", s.page(s.governanceHandler))
	handle("POST /dossiers/{id}/gouvernance", s.page(s.governanceHandler))
}

// directoryRow is a directory of the audits page with its stored
// connection and declared controllers.
type directoryRow struct {
	Dir         care.Directory
	Saved       *store.ADConnectionInfo
	Controllers []store.DomainController
}

// perimeterRow is an entity of the audits page with its declared perimeter.
type perimeterRow struct {
	Entity  org.Entity
	Current *store.ExposurePerimeter // nil: none declared
}

// auditsData fills the audits page of a dossier.
type auditsData struct {
	View        *view
	CanWrite    bool
	IsGHT       bool
	Directories []directoryRow
	Jobs        []jobRow
	Saved       string
	Perimeters  []perimeterRow
	// Controllers: the user may declare the directories' controllers.
	Controllers bool
	// AD and Exposure list every audit of the view, newest first.
	AD, Exposure []auditLink
	At           string // ?at= as written, carried by the links
}

// auditsPage lists a dossier's directories, launch buttons and latest jobs.
func (s *Server) auditsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v, err := s.loadApplicantView(ctx, rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.cachedFacts(ctx, v.Applicant.ID)
	if err != nil {
		return err
	}
	infos, err := s.st.ADConnections(ctx, v.Applicant.ID)
	if err != nil {
		return err
	}
	d := auditsData{View: v, CanWrite: rq.p.CanWrite(), IsGHT: v.Applicant.Kind == store.ApplicantGHT && f.GHT != nil && !v.Partial(),
		Saved: r.URL.Query().Get("enregistre"), Controllers: rightsOf(rq.p, v).controllers()}
	if d.Jobs, err = s.dossierJobs(ctx, v, f, 20); err != nil {
		return err
	}
	for _, e := range visibleEntities(v, f) {
		row := perimeterRow{Entity: e}
		if p, err := s.st.ExposurePerimeterOf(ctx, e.FINESS); err == nil {
			row.Current = &p
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		d.Perimeters = append(d.Perimeters, row)
	}
	_, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	_, shown, err := s.evaluate(ctx, v, s.defaultDate())
	if err != nil {
		return err
	}
	d.At = at
	d.AD, d.Exposure = auditLinks(v, shown, civil.Date{Year: 9999, Month: 12, Day: 31}, maxAuditList, at)
	for _, dir := range f.Directories {
		visible := !v.Partial()
		for _, e := range dir.Entities {
			visible = visible || v.only[e]
		}
		if !visible {
			continue
		}
		row := directoryRow{Dir: dir}
		if row.Controllers, err = s.st.DomainControllers(ctx, dir.ID); err != nil {
			return err
		}
		for i := range infos {
			if infos[i].Directory == dir.ID {
				row.Saved = &infos[i]
			}
		}
		d.Directories = append(d.Directories, row)
	}
	s.render(w, r, http.StatusOK, "audits", pageData{Title: "Audits — " + v.Applicant.Name, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// maxAuditList bounds the audits listed on a dossier's audits page.
const maxAuditList = 500

// includeVigie reads the dashboard's « inclure les audits Vigie » option (?vigie=1).
func includeVigie(r *http.Request) bool {
	v := r.URL.Query().Get("vigie")
	return v == "1" || v == "oui" || v == "on"
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
)

// Close releases what the server holds. The audit jobs belong to the job
// engine (Config.Jobs), which the caller stops: a job interrupted by a
// stopped or killed process is run again by another worker.
func (s *Server) Close() error { return nil }

// jobData fills the job page.
type jobData struct {
	View *view
	Job  jobs.Job
	// Target says what is audited, in French.
	Target string
	// CanCancel: the user may cancel the job (a launching role, job not finished).
	CanCancel bool
	// Refresh is the number of seconds before the page reloads (0: finished).
	Refresh int
}

// ResultHref is the address of the finished job's audit page.
func (d jobData) ResultHref() string { return jobResultHref(d.View.Applicant.ID, d.Job) }

// jobResultHref is the address of a finished job's audit page ("" before).
func jobResultHref(app string, j jobs.Job) string {
	if j.AuditID == "" {
		return ""
	}
	if j.Kind == jobs.KindAD {
		return "/dossiers/" + url.PathEscape(app) + "/rapports/ad/" + url.PathEscape(j.AuditID)
	}
	return "/dossiers/" + url.PathEscape(app) + "/rapports/exposition/" + url.PathEscape(j.AuditID)
}

// KindFr names the job's audit in French.
func (d jobData) KindFr() string { return jobKindFr(d.Job.Kind) }

// DueFr is the date a planned job was due, JJ/MM/AAAA.
func (d jobData) DueFr() string {
	if due, err := civil.Parse(d.Job.DueOn); err == nil {
		return due.French()
	}
	return d.Job.DueOn
}

func jobKindFr(k string) string {
	if k == jobs.KindAD {
		return "audit Active Directory"
	}
	return "audit d'exposition internet"
}

// jobTarget says in French what a job audits, naming the entities from f.
func jobTarget(j jobs.Job, f *care.Facts) string {
	if j.Kind == jobs.KindAD {
		return "annuaire " + j.Directory
	}
	names := make([]string, 0, len(j.Entities))
	for _, e := range j.Entities {
		name := e
		if f != nil {
			for _, x := range f.Entities {
				if string(x.FINESS) == e {
					name = x.Name + " (" + e + ")"
				}
			}
		}
		names = append(names, name)
	}
	what := "périmètre déposé en ligne de commande"
	if v, ok := approvedVersion(j.Perimeter); ok && v > 0 {
		what = fmt.Sprintf("périmètre approuvé version %d", v)
	} else if ok {
		what = "périmètre approuvé en vigueur"
	}
	return strings.Join(names, ", ") + " — " + what + ", ports " + j.Ports
}

// approvedVersion reads the version of an approved perimeter reference
// (jobs.ApprovedVersionRef; 0 for jobs.ApprovedRef); ok is false for
// another kind of reference.
func approvedVersion(ref string) (int, bool) {
	rest, ok := strings.CutPrefix(ref, "approved:")
	if !ok {
		return 0, false
	}
	_, v, _ := strings.Cut(rest, ":")
	n, _ := strconv.Atoi(v)
	return n, true
}

// jobVisible reports whether a job belongs to the view: a job of the
// view's dossier, and in a partial view an exposure audit of a visible
// entity or an AD audit of a directory a visible entity uses (its page,
// progress and errors name hosts and directories of that entity).
func jobVisible(v *view, f *care.Facts, j jobs.Job) bool {
	if j.Applicant == "" || j.Applicant != v.Applicant.ID {
		return false
	}
	if !v.Partial() {
		return true
	}
	if j.Kind == jobs.KindExposure {
		for _, e := range j.Entities {
			if v.only[org.FINESS(e)] {
				return true
			}
		}
		return false
	}
	for _, d := range f.Directories {
		if d.ID == j.Directory {
			return usesVisible(v, d)
		}
	}
	return false
}

// mayCancel reports whether the user may cancel a visible job: the roles
// that may launch it (a write role that sees it), while it is not finished.
func mayCancel(p *Principal, j jobs.Job) bool { return p.CanWrite() && !j.Finished() }

// loadJob loads a job of a dossier the user sees (404 otherwise), with the
// dossier's facts.
func (s *Server) loadJob(r *http.Request, rq *request) (*view, *care.Facts, jobs.Job, error) {
	if s.jobs == nil {
		return nil, nil, jobs.Job{}, errOutOfScope
	}
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return nil, nil, jobs.Job{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		return nil, nil, jobs.Job{}, errOutOfScope
	}
	j, err := s.jobs.Job(r.Context(), id)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, nil, jobs.Job{}, errOutOfScope
	}
	if err != nil {
		return nil, nil, jobs.Job{}, err
	}
	f, err := s.st.LoadFacts(r.Context(), v.Applicant.ID)
	if err != nil {
		return nil, nil, jobs.Job{}, err
	}
	if !jobVisible(v, &f, j) {
		return nil, nil, jobs.Job{}, errOutOfScope
	}
	return v, &f, j, nil
}

// jobPage shows a job; while it is not finished, the page reloads itself
// every two seconds (an HTTP Refresh header: no JavaScript needed).
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, j, err := s.loadJob(r, rq)
	if err != nil {
		return err
	}
	d := jobData{View: v, Job: j, Target: jobTarget(j, f), CanCancel: mayCancel(rq.p, j)}
	if !j.Finished() {
		d.Refresh = 2
		w.Header().Set("Refresh", strconv.Itoa(d.Refresh))
	}
	s.render(w, r, http.StatusOK, "job", pageData{Title: "Tâche " + strconv.FormatInt(j.ID, 10), User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// jobStatus is the JSON state of a job, for scripts and progressive
// enhancement: River's state, its French name, the attempts, the workers
// that ran them and their errors, the progress and the stored audit.
func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	_, _, j, err := s.loadJob(r, rq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobJSON(j))
	return nil
}

func jobJSON(j jobs.Job) map[string]any {
	errs := []map[string]any{}
	for _, e := range j.Errors {
		errs = append(errs, map[string]any{"attempt": e.Attempt, "at": e.At.Format(time.RFC3339), "error": e.Message})
	}
	out := map[string]any{"id": j.ID, "kind": j.Kind, "state": j.State, "state_fr": j.StateFr(), "finished": j.Finished(),
		"attempt": j.Attempt, "max_attempts": j.MaxAttempts, "workers": append([]string{}, j.AttemptedBy...), "errors": errs,
		"audit_id": j.AuditID, "complete": j.Complete, "created_by": j.By, "created_at": j.CreatedAt.Format(time.RFC3339),
		"entities": append([]string{}, j.Entities...), "directory": j.Directory, "schedule": j.Schedule, "due_on": j.DueOn}
	if p := j.Progress; p != nil {
		out["progress"], out["detail"], out["worker"] = p.Pct, p.Detail, p.Worker
	} else {
		out["progress"], out["detail"] = 0, ""
	}
	if !j.FinalizedAt.IsZero() {
		out["finished_at"] = j.FinalizedAt.Format(time.RFC3339)
	}
	return out
}

// jobCancel cancels a job (POST), for the roles that may launch it.
func (s *Server) jobCancel(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, _, j, err := s.loadJob(r, rq)
	if err != nil {
		return err
	}
	if !rq.p.CanWrite() {
		return errReadOnly
	}
	if !j.Finished() {
		if _, err := s.jobs.Cancel(r.Context(), j.ID); err != nil {
			return err
		}
		s.trailJob(r.Context(), rq.p.Login, store.ActionJobCancel, v.Applicant.ID, fmt.Sprintf("tâche %d (%s)", j.ID, jobKindFr(j.Kind)))
	}
	http.Redirect(w, r, fmt.Sprintf("/dossiers/%s/taches/%d", url.PathEscape(v.Applicant.ID), j.ID), http.StatusSeeOther)
	return nil
}

// trailJob writes a trail entry about a job; a failure is logged (the job
// itself is River's record).
func (s *Server) trailJob(ctx context.Context, by, action, applicant, detail string) {
	if err := s.st.Trail(ctx, by, action, applicant, detail); err != nil {
		s.log.ErrorContext(ctx, "journal", "action", action, "erreur", err)
	}
}

// jobFilters are the state filters of the job list: value → French label
// and River's states.
var jobFilters = []struct {
	Value, Label string
	States       []string
}{
	{"actives", "en file ou en cours", []string{"available", "pending", "scheduled", "running", "retryable"}},
	{"echec", "en échec", []string{"discarded"}},
	{"terminees", "terminées", []string{"completed"}},
	{"annulees", "annulées", []string{"cancelled"}},
}

// jobRow is a job of the list with its dossier.
type jobRow struct {
	Job    jobs.Job
	App    string
	Target string
}

// jobsData fills the job list.
type jobsData struct {
	Rows     []jobRow
	Filter   string
	Kind     string
	Dossier  string
	Dossiers []*view
	Filters  []struct {
		Value, Label string
		States       []string
	}
}

// maxJobList bounds the jobs listed at once.
const maxJobList = 200

// jobsPage lists the audit jobs the user may see, newest first, filtered
// by state, kind and dossier (« /taches?etat=actives&type=ad&dossier=ID »).
func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	if s.jobs == nil {
		return errNoEngines
	}
	q := r.URL.Query()
	d := jobsData{Filter: q.Get("etat"), Kind: q.Get("type"), Dossier: q.Get("dossier"), Filters: jobFilters}
	views, err := s.visibleApplicants(ctx, rq.scope)
	if err != nil {
		return err
	}
	d.Dossiers = views
	byID := map[string]*view{}
	var apps []string
	for _, v := range views {
		if d.Dossier == "" || v.Applicant.ID == d.Dossier {
			byID[v.Applicant.ID] = v
			apps = append(apps, v.Applicant.ID)
		}
	}
	if len(apps) == 0 {
		s.render(w, r, http.StatusOK, "jobs", pageData{Title: "Tâches d'audit", User: rq.p, CSRF: rq.csrf, Data: d})
		return nil
	}
	f := jobs.ListFilter{Applicants: apps, Limit: maxJobList}
	for _, x := range jobFilters {
		if x.Value == d.Filter {
			f.States = x.States
		}
	}
	switch d.Kind {
	case "exposition":
		f.Kinds = []string{jobs.KindExposure}
	case "ad":
		f.Kinds = []string{jobs.KindAD}
	}
	list, err := s.jobs.Jobs(ctx, f)
	if err != nil {
		return err
	}
	facts := map[string]*care.Facts{}
	for _, j := range list {
		v := byID[j.Applicant]
		if v == nil {
			continue
		}
		fc, ok := facts[j.Applicant]
		if !ok {
			ff, err := s.st.LoadFacts(ctx, j.Applicant)
			if err != nil {
				return err
			}
			fc, facts[j.Applicant] = &ff, &ff
		}
		if jobVisible(v, fc, j) {
			d.Rows = append(d.Rows, jobRow{Job: j, App: j.Applicant, Target: jobTarget(j, fc)})
		}
	}
	s.render(w, r, http.StatusOK, "jobs", pageData{Title: "Tâches d'audit", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// dossierJobs returns the latest jobs of a dossier visible in v.
func (s *Server) dossierJobs(ctx context.Context, v *view, f *care.Facts, n int) ([]jobRow, error) {
	if s.jobs == nil {
		return nil, nil
	}
	list, err := s.jobs.Jobs(ctx, jobs.ListFilter{Applicants: []string{v.Applicant.ID}, Limit: n})
	if err != nil {
		return nil, err
	}
	var out []jobRow
	for _, j := range list {
		if jobVisible(v, f, j) {
			out = append(out, jobRow{Job: j, App: v.Applicant.ID, Target: jobTarget(j, f)})
		}
	}
	return slices.Clip(out), nil
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
	"vigie/internal/care"
	"vigie/internal/org"

	"vigie/internal/store"
)

// interruptedJob is the reason recorded for a job stopped by a shutdown.
const interruptedJob = "Audit interrompu par l'arrêt du serveur Vigie : relancez-le."

// jobRunner owns the goroutines of the background audits: they all stop
// when the server is closed.
type jobRunner struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newJobRunner() *jobRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobRunner{ctx: ctx, cancel: cancel}
}

// Close cancels the running audits and waits for them to record their end.
func (s *Server) Close() error {
	s.jobs.cancel()
	s.jobs.wg.Wait()
	return nil
}

// jobProgress reports a job's progress: a percentage and a French line.
type jobProgress func(pct int, detail string)

// jobFunc runs an audit and returns the stored audit's ID, or an error
// whose message (French) is shown on the job page.
type jobFunc func(ctx context.Context, progress jobProgress) (string, error)

// startJob records a queued job and runs fn in the background.
func (s *Server) startJob(ctx context.Context, j store.WebJob, fn jobFunc) (int64, error) {
	j.CreatedAt = s.now()
	id, err := s.st.CreateWebJobLimited(store.WithActor(ctx, j.CreatedBy), j, s.jobLimits)
	if err != nil {
		return 0, err
	}
	s.jobs.wg.Add(1)
	go func() {
		defer s.jobs.wg.Done()
		s.runJob(id, fn)
	}()
	return id, nil
}

// runJob runs one job to its end and records it. The store calls use a
// context that survives the cancellation, so that an interrupted job is
// still recorded as failed.
func (s *Server) runJob(id int64, fn jobFunc) {
	ctx := s.jobs.ctx
	record := context.WithoutCancel(ctx)
	var mu sync.Mutex
	last := -1
	progress := func(pct int, detail string) {
		mu.Lock()
		defer mu.Unlock()
		if pct == last {
			return
		}
		last = pct
		if err := s.st.UpdateWebJobProgress(record, id, pct, detail); err != nil {
			s.log.Error("avancement de tâche", "tâche", id, "erreur", err)
		}
	}
	progress(0, "démarrage")
	auditID, err := func() (id string, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("erreur interne de l'audit : %v", p)
			}
		}()
		return fn(ctx, progress)
	}()
	msg := ""
	switch {
	case err != nil && ctx.Err() != nil:
		msg = interruptedJob
	case err != nil:
		msg = err.Error()
		s.log.Warn("audit en échec", "tâche", id, "erreur", err)
	}
	if err := s.st.FinishWebJob(record, id, s.now(), auditID, msg); err != nil {
		s.log.Error("fin de tâche", "tâche", id, "erreur", err)
	}
}

// jobData fills the job page.
type jobData struct {
	View *view
	Job  store.WebJob
	// Refresh is the number of seconds before the page reloads (0: finished).
	Refresh int
}

// ResultHref is the address of the finished job's audit page.
func (d jobData) ResultHref() string { return jobResultHref(d.View.Applicant.ID, d.Job) }

// jobResultHref is the address of a finished job's audit page ("" before).
func jobResultHref(app string, j store.WebJob) string {
	if j.AuditID == "" {
		return ""
	}
	if j.Kind == store.JobAD {
		return "/dossiers/" + url.PathEscape(app) + "/rapports/ad/" + url.PathEscape(j.AuditID)
	}
	return "/dossiers/" + url.PathEscape(app) + "/rapports/exposition/" + url.PathEscape(j.AuditID)
}

// KindFr names the job's audit in French.
func (d jobData) KindFr() string { return jobKindFr(d.Job.Kind) }

// StateFr names the job's state in French.
func (d jobData) StateFr() string { return jobStateFr(d.Job.State) }

func jobKindFr(k string) string {
	if k == store.JobAD {
		return "audit Active Directory"
	}
	return "audit d'exposition internet"
}

func jobStateFr(s string) string {
	return map[string]string{store.JobQueued: "en attente", store.JobRunning: "en cours",
		store.JobDone: "terminé", store.JobFailed: "en échec"}[s]
}

// loadJob loads a job of a dossier the user sees (404 otherwise).
func (s *Server) loadJob(r *http.Request, rq *request) (*view, store.WebJob, error) {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return nil, store.WebJob{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		return nil, store.WebJob{}, errOutOfScope
	}
	j, err := s.st.WebJobByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && j.Applicant != v.Applicant.ID) {
		return nil, store.WebJob{}, errOutOfScope
	}
	if err != nil {
		return nil, store.WebJob{}, err
	}
	if v.Partial() {
		f, err := s.st.LoadFacts(r.Context(), v.Applicant.ID)
		if err != nil {
			return nil, store.WebJob{}, err
		}
		if !jobVisible(v, &f, j) {
			return nil, store.WebJob{}, errOutOfScope
		}
	}
	return v, j, nil
}

// jobVisible reports whether a job of the view's dossier is the view's:
// every job in a whole view; in a partial one, an exposure audit of a
// visible entity or an AD audit of a directory a visible entity uses. Its
// page, progress and errors name hosts and directories of that entity.
func jobVisible(v *view, f *care.Facts, j store.WebJob) bool {
	if !v.Partial() {
		return true
	}
	if j.Entity != "" {
		return v.only[org.FINESS(j.Entity)]
	}
	if j.Directory != "" {
		for _, d := range f.Directories {
			if d.ID == j.Directory {
				return usesVisible(v, d)
			}
		}
	}
	return false
}

// jobPage shows a job; while it runs, the page reloads itself every two
// seconds (an HTTP Refresh header: no JavaScript needed).
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, j, err := s.loadJob(r, rq)
	if err != nil {
		return err
	}
	d := jobData{View: v, Job: j}
	if j.State == store.JobQueued || j.State == store.JobRunning {
		d.Refresh = 2
		w.Header().Set("Refresh", strconv.Itoa(d.Refresh))
	}
	s.render(w, r, http.StatusOK, "job", pageData{Title: "Tâche " + strconv.FormatInt(j.ID, 10), User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// jobStatus is the JSON state of a job, for scripts and progressive enhancement.
func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	_, j, err := s.loadJob(r, rq)
	if err != nil {
		return err
	}
	out := map[string]any{"id": j.ID, "kind": j.Kind, "state": j.State, "progress": j.Progress, "detail": j.Detail,
		"error": j.Error, "audit_id": j.AuditID, "created_by": j.CreatedBy, "created_at": j.CreatedAt.Format(time.RFC3339)}
	if !j.FinishedAt.IsZero() {
		out["finished_at"] = j.FinishedAt.Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// FailInterruptedJobs marks failed the jobs a previous run of the server
// left queued or running; call it once at start, before serving.
func (s *Server) FailInterruptedJobs(ctx context.Context) error {
	n, err := s.st.FailUnfinishedWebJobs(ctx, s.now(), interruptedJob)
	if n > 0 {
		s.log.WarnContext(ctx, "tâches interrompues par un arrêt précédent", "nombre", n)
	}
	return err
}

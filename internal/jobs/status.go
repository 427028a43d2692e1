package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"vigie/internal/store"
)

// ErrNotFound is returned for a job that does not exist (or was cleaned
// out of River's table after its retention period).
var ErrNotFound = errors.New("tâche introuvable")

// Job is what may be shown of an audit job: its arguments, River's state
// and attempts (with their errors), and the progress Vigie recorded.
type Job struct {
	ID    int64
	Kind  string // KindExposure or KindAD
	Queue string
	// State is River's: available, scheduled, running, retryable,
	// completed, cancelled, discarded (see StateFr).
	State       string
	Attempt     int
	MaxAttempts int
	// AttemptedBy lists the workers that ran an attempt, in order.
	AttemptedBy []string
	Errors      []AttemptError
	CreatedAt   time.Time
	ScheduledAt time.Time
	FinalizedAt time.Time // zero while not finished
	// LastSign is the last sign of life of the worker running the job
	// (liveness.go); zero unless the job is running.
	LastSign time.Time
	// Exposure jobs: the entities and the perimeter reference.
	Entities  []string
	Perimeter string
	Ports     string
	// AD jobs: the dossier and the directory.
	Applicant string
	Directory string
	Run       string
	By        string
	Schedule  string
	DueOn     string
	// AuditID is the stored audit of a completed job.
	AuditID  string
	Complete bool
	// Progress is the last progress recorded (nil before the first).
	Progress *store.JobProgress
	// CancelRequested: someone cancelled the job while it ran; its worker
	// has not stopped it yet.
	CancelRequested bool
}

// AttemptError is the error of one failed attempt.
type AttemptError struct {
	Attempt int
	At      time.Time
	Message string
}

// Finished reports whether the job will not run again.
func (j Job) Finished() bool {
	switch rivertype.JobState(j.State) {
	case rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
		return true
	}
	return false
}

// StateFr names the job's state in French.
func (j Job) StateFr() string {
	if j.CancelRequested && !j.Finished() {
		return "annulation demandée"
	}
	if !j.Finished() && j.State != string(rivertype.JobStateRunning) && len(j.Errors) > 0 {
		return "en échec, nouvelle tentative prévue"
	}
	return map[string]string{
		string(rivertype.JobStateAvailable): "en attente", string(rivertype.JobStateScheduled): "planifiée",
		string(rivertype.JobStatePending): "en attente", string(rivertype.JobStateRunning): "en cours",
		string(rivertype.JobStateRetryable): "en échec, nouvelle tentative prévue", string(rivertype.JobStateCompleted): "terminée",
		string(rivertype.JobStateCancelled): "annulée", string(rivertype.JobStateDiscarded): "en échec",
	}[j.State]
}

// Job returns one audit job (ErrNotFound when absent).
func (e *Engine) Job(ctx context.Context, id int64) (Job, error) {
	row, err := e.client.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return Job{}, fmt.Errorf("tâche %d : %w", id, ErrNotFound)
	}
	if err != nil {
		return Job{}, fmt.Errorf("tâche %d : %w", id, err)
	}
	jobs, err := e.withProgress(ctx, []*rivertype.JobRow{row})
	if err != nil {
		return Job{}, err
	}
	return jobs[0], nil
}

// Cancel cancels a job: one waiting in a queue never runs; a running one
// has its context cancelled (its worker notices within seconds) and stores
// nothing. A finished job is left as it is. It returns the job afterwards.
func (e *Engine) Cancel(ctx context.Context, id int64) (Job, error) {
	if _, err := e.client.JobCancel(ctx, id); errors.Is(err, river.ErrNotFound) {
		return Job{}, fmt.Errorf("tâche %d : %w", id, ErrNotFound)
	} else if err != nil {
		return Job{}, fmt.Errorf("annulation de la tâche %d : %w", id, err)
	}
	return e.Job(ctx, id)
}

// ListFilter selects jobs for Jobs.
type ListFilter struct {
	// Kinds restricts the kinds (default: both audit kinds).
	Kinds []string
	// States restricts River's states (default: all).
	States []string
	// Applicants restricts the jobs to those dossiers (default: all).
	Applicants []string
	// Limit caps the count (default 100), newest first.
	Limit int
}

// Jobs lists audit jobs, newest first.
func (e *Engine) Jobs(ctx context.Context, f ListFilter) ([]Job, error) {
	kinds := f.Kinds
	if len(kinds) == 0 {
		kinds = []string{KindExposure, KindAD}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	p := river.NewJobListParams().Kinds(kinds...).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	if len(f.States) > 0 {
		st := make([]rivertype.JobState, len(f.States))
		for i, s := range f.States {
			st[i] = rivertype.JobState(s)
		}
		p = p.States(st...)
	}
	if len(f.Applicants) > 0 {
		names := make([]string, len(f.Applicants))
		args := river.NamedArgs{}
		for i, a := range f.Applicants {
			names[i] = fmt.Sprintf("@applicant_%d", i)
			args[names[i][1:]] = a
		}
		p = p.Where("args ->> 'applicant' IN ("+strings.Join(names, ", ")+")", args)
	}
	res, err := e.client.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("liste des tâches : %w", err)
	}
	return e.withProgress(ctx, res.Jobs)
}

func (e *Engine) withProgress(ctx context.Context, rows []*rivertype.JobRow) ([]Job, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	prog, err := e.cfg.Store.JobProgressOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(rows))
	for i, r := range rows {
		out[i] = jobOf(r)
		if p, ok := prog[r.ID]; ok {
			out[i].Progress = &p
		}
	}
	return out, nil
}

// jobOf reads a River row.
func jobOf(r *rivertype.JobRow) Job {
	j := Job{ID: r.ID, Kind: r.Kind, Queue: r.Queue, State: string(r.State), Attempt: r.Attempt, MaxAttempts: r.MaxAttempts,
		AttemptedBy: r.AttemptedBy, CreatedAt: r.CreatedAt, ScheduledAt: r.ScheduledAt}
	if r.FinalizedAt != nil {
		j.FinalizedAt = *r.FinalizedAt
	}
	if r.State == rivertype.JobStateRunning && r.AttemptedAt != nil {
		j.LastSign = *r.AttemptedAt
	}
	for _, e := range r.Errors {
		msg := e.Error
		if msg == rescuedByRiver {
			msg = rescuedFr
		}
		j.Errors = append(j.Errors, AttemptError{Attempt: e.Attempt, At: e.At, Message: msg})
	}
	switch r.Kind {
	case KindExposure:
		var a ExposureArgs
		if json.Unmarshal(r.EncodedArgs, &a) == nil {
			j.Entities, j.Perimeter, j.Ports, j.Run, j.By, j.Schedule, j.DueOn = a.Entities, a.Perimeter, a.Ports, a.Run, a.By, a.Schedule, a.DueOn
			j.Applicant = a.Applicant
		}
	case KindAD:
		var a ADArgs
		if json.Unmarshal(r.EncodedArgs, &a) == nil {
			j.Applicant, j.Directory, j.Run, j.By, j.Schedule, j.DueOn = a.Applicant, a.Directory, a.Run, a.By, a.Schedule, a.DueOn
		}
	}
	var md struct {
		Output          *output `json:"output"`
		CancelAttempted string  `json:"cancel_attempted_at"`
	}
	if json.Unmarshal(r.Metadata, &md) == nil {
		if md.Output != nil {
			j.AuditID, j.Complete = md.Output.AuditID, md.Output.Complete
		}
		j.CancelRequested = md.CancelAttempted != ""
	}
	return j
}

// errorHandler reports failed attempts to Config.OnFailure.
type errorHandler struct{ e *Engine }

func (h errorHandler) HandleError(ctx context.Context, row *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.e.log.Warn("tentative en échec", "tâche", row.ID, "type", row.Kind, "tentative", row.Attempt, "erreur", err)
	if h.e.cfg.OnFailure != nil && (row.Kind == KindExposure || row.Kind == KindAD) {
		j := jobOf(row)
		j.Errors = append(j.Errors, AttemptError{Attempt: row.Attempt, At: h.e.cfg.Now(), Message: err.Error()})
		h.e.cfg.OnFailure(context.WithoutCancel(ctx), j)
	}
	return nil
}

func (h errorHandler) HandlePanic(ctx context.Context, row *rivertype.JobRow, v any, trace string) *river.ErrorHandlerResult {
	return h.HandleError(ctx, row, fmt.Errorf("erreur interne : %v", v))
}

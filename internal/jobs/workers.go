package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"vigie/internal/ad/adcare"
	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure/scope"
	"vigie/internal/french"
	"vigie/internal/org"
	"vigie/internal/store"
)

// Actor of the audits the scheduler enqueues.
const SchedulerActor = "planificateur"

// exposureWorker runs exposure audit jobs.
type exposureWorker struct {
	river.WorkerDefaults[ExposureArgs]
	e *Engine
}

// Timeout bounds one attempt.
func (w *exposureWorker) Timeout(*river.Job[ExposureArgs]) time.Duration { return w.e.cfg.JobTimeout }

// Work scans the job's perimeter and stores the audit once: a retry whose
// audit is already stored (its previous worker died after saving) ends at
// once. A scan that fails stores nothing and River retries it.
func (w *exposureWorker) Work(ctx context.Context, job *river.Job[ExposureArgs]) error {
	e, a := w.e, job.Args
	id := ExposureAuditID(a.Run)
	progress := e.progress(job.ID, job.Attempt)
	if done, err := e.cfg.Store.AuditStored(ctx, store.AuditExposure, id); err != nil {
		return err
	} else if done {
		progress.set(100, "audit déjà enregistré par une tentative précédente")
		return river.RecordOutput(ctx, output{AuditID: id})
	}
	if a.Run == "" {
		return river.JobCancel(errors.New("tâche sans clé d'exécution"))
	}
	entities, err := parseEntities(a.Entities)
	if err != nil {
		return river.JobCancel(err)
	}
	progress.set(1, "préparation du périmètre")
	per, err := e.cfg.Perimeters.Perimeter(ctx, entities, a.Perimeter)
	if err != nil {
		return cancelIfRefused(err)
	}
	ports, err := e.cfg.Engines.ParsePorts(a.Ports)
	if err != nil {
		return river.JobCancel(fmt.Errorf("ports %q : %w", a.Ports, err))
	}
	audit, err := e.cfg.Engines.Exposure(ctx, per, ports, func(done, total uint64, open int) {
		progress.set(int(done*90/max(total, 1)), fmt.Sprintf("scan des ports : %d/%d tentatives, %s", done, total, french.Plural(open, "port ouvert", "ports ouverts")))
	})
	if err != nil {
		return cancelIfRefused(fmt.Errorf("audit d'exposition : %w", err))
	}
	progress.set(95, "enregistrement de l'audit")
	blob, err := json.Marshal(audit)
	if err != nil {
		return err
	}
	sum := care.ExposureAudit{ID: id, Entities: entities, Date: civil.Of(audit.FinishedAt.In(e.cfg.Location)), CompletePerimeter: audit.Complete,
		Counts: &care.Counts{Critical: audit.Summary.Critical, High: audit.Summary.High, Medium: audit.Summary.Medium, Low: audit.Summary.Low, Info: audit.Summary.Info},
		Source: care.SourceVigie}
	if _, err := e.cfg.Store.SaveExposureAudit(store.WithActor(ctx, a.By), sum, blob); err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("enregistrement de l'audit : %w", err)
	} else if err == nil && e.cfg.OnStored != nil {
		e.cfg.OnStored(context.WithoutCancel(ctx), store.AuditExposure, id, a)
	}
	progress.set(100, "terminé")
	return river.RecordOutput(ctx, output{AuditID: id, Complete: audit.Complete})
}

// adWorker runs AD audit jobs.
type adWorker struct {
	river.WorkerDefaults[ADArgs]
	e *Engine
}

// Timeout bounds one attempt.
func (w *adWorker) Timeout(*river.Job[ADArgs]) time.Duration { return w.e.cfg.JobTimeout }

// Work collects and analyses the directory and stores the report once.
func (w *adWorker) Work(ctx context.Context, job *river.Job[ADArgs]) error {
	e, a := w.e, job.Args
	id := ADAuditID(a.Run)
	progress := e.progress(job.ID, job.Attempt)
	if done, err := e.cfg.Store.AuditStored(ctx, store.AuditAD, id); err != nil {
		return err
	} else if done {
		progress.set(100, "audit déjà enregistré par une tentative précédente")
		return river.RecordOutput(ctx, output{AuditID: id})
	}
	if a.Run == "" {
		return river.JobCancel(errors.New("tâche sans clé d'exécution"))
	}
	c, err := e.cfg.Connections.Connection(ctx, a.Applicant, a.Directory)
	if err != nil {
		return cancelIfRefused(err)
	}
	progress.set(5, "connexion au contrôleur "+c.Host)
	rep, err := e.cfg.Engines.AD(ctx, c, func(nc string, objects int) {
		progress.set(min(10+objects/1000, 80), fmt.Sprintf("collecte de %s : %d objets", nc, objects))
	})
	if err != nil {
		return fmt.Errorf("audit de l'annuaire %s : %w", a.Directory, err)
	}
	progress.set(95, "enregistrement du rapport")
	blob, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	sum := adcare.Audit(rep.Summary(), id, a.Directory, e.cfg.Location)
	if _, err := e.cfg.Store.SaveADAudit(store.WithActor(ctx, a.By), sum, blob); err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("enregistrement du rapport : %w", err)
	} else if err == nil && e.cfg.OnStored != nil {
		e.cfg.OnStored(context.WithoutCancel(ctx), store.AuditAD, id, a)
	}
	progress.set(100, "terminé")
	return river.RecordOutput(ctx, output{AuditID: id, Complete: true})
}

// cancelIfRefused has River give up a job that cannot succeed by being
// retried: refused by its source (ErrRefused, an unknown reference) or by
// the scope guard (a non-public destination in a process without
// --allow-private-targets). Other errors are retried.
func cancelIfRefused(err error) error {
	if _, ok := errors.AsType[*scope.NonPublicError](err); ok || errors.Is(err, ErrRefused) || errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	return err
}

// output is what a finished audit job records in River.
type output struct {
	AuditID  string `json:"audit_id"`
	Complete bool   `json:"complete,omitempty"`
}

func parseEntities(ss []string) ([]org.FINESS, error) {
	if len(ss) == 0 {
		return nil, errors.New("aucun établissement")
	}
	out := make([]org.FINESS, 0, len(ss))
	for _, s := range ss {
		f, err := org.ParseFINESS(s)
		if err != nil {
			return nil, fmt.Errorf("établissement %q : %w", s, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// progressRecorder writes a job's progress to the store, at most once a
// second unless the percentage changes by 5 points or the job ends.
type progressRecorder struct {
	e       *Engine
	id      int64
	attempt int
	mu      sync.Mutex
	pct     int
	at      time.Time
}

func (e *Engine) progress(id int64, attempt int) *progressRecorder {
	return &progressRecorder{e: e, id: id, attempt: attempt, pct: -1}
}

func (p *progressRecorder) set(pct int, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.e.cfg.Now()
	if p.pct >= 0 && pct < 100 && pct-p.pct < 5 && now.Sub(p.at) < time.Second {
		return
	}
	p.pct, p.at = pct, now
	err := p.e.cfg.Store.SetJobProgress(context.WithoutCancel(context.Background()), store.JobProgress{
		JobID: p.id, Attempt: p.attempt, Worker: p.e.cfg.ID, Pct: pct, Detail: detail, UpdatedAt: now})
	if err != nil {
		p.e.log.Warn("avancement de tâche", "tâche", p.id, "erreur", err)
	}
}

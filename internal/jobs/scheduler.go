package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// SchedulerConfig turns on the scheduler: the elected leader among the
// running engines enqueues a tick every Interval, and the tick enqueues the
// audits that are due.
type SchedulerConfig struct {
	// Interval between ticks (DefaultTickInterval when zero).
	Interval time.Duration
	// Due lists the audits due now; Planner implements it over the store.
	Due func(ctx context.Context, now time.Time) ([]Planned, error)
	// Enqueued records that a planned run got its job.
	Enqueued func(ctx context.Context, p Planned, jobID int64) error
}

// Planned is a due run of a schedule.
type Planned struct {
	Schedule string
	DueOn    string // JJ date AAAA-MM-JJ
	// Exposure is set for an exposure audit, AD for an AD audit.
	Exposure *ExposureRequest
	AD       *ADRequest
}

// tickWorker runs the scheduler's tick.
type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	e *Engine
}

// Work enqueues the due audits: each planned run is unique (schedule, due
// date), so overlapping ticks enqueue it once.
func (w *tickWorker) Work(ctx context.Context, job *river.Job[tickArgs]) error {
	s := w.e.cfg.Scheduler
	if s == nil || s.Due == nil {
		return nil
	}
	due, err := s.Due(ctx, w.e.cfg.Now())
	if err != nil {
		return err
	}
	for _, p := range due {
		id, err := w.e.EnqueuePlanned(ctx, p)
		if err != nil {
			return err
		}
		if s.Enqueued != nil {
			if err := s.Enqueued(ctx, p, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// EnqueuePlanned queues a planned run; queuing it again returns the job
// already queued for it.
func (e *Engine) EnqueuePlanned(ctx context.Context, p Planned) (int64, error) {
	switch {
	case p.Exposure != nil:
		r := *p.Exposure
		r.By = SchedulerActor
		a := exposureArgs(r)
		a.Schedule, a.DueOn = p.Schedule, p.DueOn
		return e.insert(ctx, a)
	case p.AD != nil:
		return e.insert(ctx, ADArgs{Run: newRun(), Applicant: p.AD.Applicant, Directory: p.AD.Directory, By: SchedulerActor, Schedule: p.Schedule, DueOn: p.DueOn})
	}
	return 0, nil
}

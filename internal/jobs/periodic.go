package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// KindPeriodic is the kind of the periodic housekeeping jobs (alert
// evaluation, digest flush).
const KindPeriodic = "vigie_periodic"

// Periodic is a task the elected leader among the working engines
// enqueues every Every; any engine working the « vigie » queue runs it.
// Every process given the same tasks (same names) may run them.
type Periodic struct {
	// Name identifies the task (one job per name at a time).
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// periodicArgs are the arguments of a periodic task's job.
type periodicArgs struct {
	Name string `json:"name" river:"unique"`
}

func (periodicArgs) Kind() string { return KindPeriodic }

func (periodicArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueVigie, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// periodicWorker runs the periodic tasks.
type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	e *Engine
}

// Work runs the task named by the job.
func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodicArgs]) error {
	for _, p := range w.e.cfg.Periodic {
		if p.Name == job.Args.Name {
			return p.Run(ctx, w.e.cfg.Now())
		}
	}
	return river.JobCancel(fmt.Errorf("tâche périodique %q inconnue de l'exécutant %s", job.Args.Name, w.e.cfg.ID))
}

// periodicJobs returns River's periodic jobs of the tasks.
func periodicJobs(tasks []Periodic) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	for _, p := range tasks {
		if p.Every <= 0 || p.Run == nil {
			continue
		}
		name := p.Name
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
			func() (river.JobArgs, *river.InsertOpts) { return periodicArgs{Name: name}, nil },
			&river.PeriodicJobOpts{ID: "vigie-" + name}))
	}
	return out
}

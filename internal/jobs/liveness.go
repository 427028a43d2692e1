package jobs

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// DefaultRescueAfter is how long a running job may go without a sign of
// life from its worker before another worker takes it over; minRescueAfter
// the shortest accepted (the beat runs every quarter of it).
const (
	DefaultRescueAfter = 2 * time.Minute
	minRescueAfter     = 4 * time.Second
)

// rescuedByRiver is the error River's own rescuer records on a job it
// takes over once its worker's time limit has passed.
const rescuedByRiver = "Stuck job rescued by JobRescuer"

// rescuedFr is the error recorded on a job taken from a silent worker.
const rescuedFr = "l'exécutant ne donnait plus signe de vie (arrêté ou injoignable) : la tâche est reprise par un autre exécutant"

// liveness keeps the jobs of this process alive in the database and takes
// over those of processes that died.
//
// River hands a running job to another worker only once the worker's time
// limit (JobTimeout, 2 h) has passed: a worker killed with kill -9 would
// leave its audit « en cours » for two hours. Instead, while this process
// runs jobs it moves their attempt time forward every beat (a quarter of
// the rescue delay), and every beat it makes retryable the running jobs
// whose attempt time is older than the rescue delay — their process
// stopped beating. One guarded UPDATE does it (state still running, time
// still old), so several processes may run it at once. A long healthy
// audit is never taken from its worker; a dead worker's job is retried
// within the rescue delay and a beat. Its zero value is ready to use.
type liveness struct {
	river.WorkerMiddlewareDefaults
	mu      sync.Mutex
	running map[int64]struct{}
}

// Work registers the job for the beats while it runs.
func (l *liveness) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	l.mu.Lock()
	if l.running == nil {
		l.running = map[int64]struct{}{}
	}
	l.running[job.ID] = struct{}{}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.running, job.ID)
		l.mu.Unlock()
	}()
	return doInner(ctx)
}

// ids returns the jobs running now.
func (l *liveness) ids() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]int64, 0, len(l.running))
	for id := range l.running {
		out = append(out, id)
	}
	return out
}

// beat runs until ctx ends: every quarter of silence it touches the jobs
// running here, then rescues those silent for longer than silence.
func (l *liveness) beat(ctx context.Context, silence time.Duration,
	touch func(context.Context, []int64) error, rescue func(context.Context, time.Duration) (int64, error), log *slog.Logger) {
	every := silence / 4
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tctx, cancel := context.WithTimeout(ctx, every)
		if ids := l.ids(); len(ids) > 0 {
			if err := touch(tctx, ids); err != nil && ctx.Err() == nil {
				log.Warn("signe de vie des tâches en cours non enregistré", "erreur", err)
			}
		}
		n, err := rescue(tctx, silence)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("reprise des tâches sans signe de vie impossible", "erreur", err)
		case n > 0:
			log.Warn("tâches reprises : leur exécutant ne donnait plus signe de vie", "nombre", n)
		}
	}
}

// touchSQLite is the beat's UPDATE on SQLite (River's own time format).
func touchSQLite(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return `UPDATE river_job SET attempted_at = datetime('now', 'subsec') WHERE state = 'running' AND id IN (?` +
		strings.Repeat(", ?", len(ids)-1) + `)`, args
}

// touchPostgres is the beat's UPDATE on PostgreSQL.
const touchPostgres = `UPDATE river_job SET attempted_at = now() WHERE state = 'running' AND id = ANY($1)`

// The rescue's UPDATE, as River's rescuer writes it (JobRescueMany): retryable
// now (River moves it to available) with the error appended, or discarded
// once its attempts are spent. $1 is the silence in seconds (SQLite: a datetime
// modifier « -N seconds »), $2 the error.
const (
	rescuePostgres = `UPDATE river_job SET
	state = CASE WHEN attempt >= max_attempts THEN 'discarded'::river_job_state ELSE 'retryable'::river_job_state END,
	finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
	scheduled_at = now(),
	errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt, 'error', $2::text, 'trace', ''))
WHERE state = 'running' AND attempted_at < now() - make_interval(secs => $1)`
	rescueSQLite = `UPDATE river_job SET
	state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,
	finalized_at = CASE WHEN attempt >= max_attempts THEN datetime('now', 'subsec') END,
	scheduled_at = datetime('now', 'subsec'),
	errors = jsonb(json_insert(json(coalesce(errors, jsonb('[]'))), '$[#]',
		json_object('at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'attempt', attempt, 'error', ?2, 'trace', '')))
WHERE state = 'running' AND attempted_at < datetime('now', ?1, 'subsec')`
)

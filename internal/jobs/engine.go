// Package jobs runs Vigie's audits as River jobs (github.com/riverqueue/river)
// in the database Vigie already uses: the embedded SQLite file (driver
// riversqlite) or the shared PostgreSQL (driver riverpgxv5), one code path
// for both. Any number of processes — « vigie serve », « vigie worker » on
// other machines — take jobs from the queues « exposure » and « ad »; a job
// whose worker dies is rescued by River and run again, and its audit is
// stored at most once (the audit's ID derives from the job's run key, stored
// in the same transaction as the audit). The domain engines stay unaware of
// River: the application passes them in Config.Engines.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"vigie/internal/french"
	"vigie/internal/store"
)

// Defaults of Config.
const (
	// DefaultJobTimeout bounds one attempt of an audit.
	DefaultJobTimeout = 2 * time.Hour
	// riverRescueMargin is added to the job timeout for River's own
	// rescuer, the fallback of liveness.go: it takes a job still marked
	// running once its worker's time limit has passed.
	riverRescueMargin = 15 * time.Minute
	// DefaultTickInterval is how often the scheduler looks for due audits.
	DefaultTickInterval = time.Minute
)

// Config sets up an engine.
type Config struct {
	// Store is Vigie's store: the engine opens its own connections to the
	// same database (Store.Location) and saves the audits through Store.
	Store *store.Store
	// Queues gives the number of concurrent jobs per queue (QueueExposure,
	// QueueAD). Empty: the engine only enqueues and reads jobs (Start is
	// then refused).
	Queues map[string]int
	// ID names this process among the workers (default: host-pid).
	ID string
	// Engines run the audits (required to work audit queues).
	Engines Engines
	// Perimeters resolves the perimeter references of exposure jobs
	// (default: StoredPerimeters on Store).
	Perimeters PerimeterSource
	// Connections resolves the directory connections of AD jobs
	// (default: StoredConnections on Store).
	Connections ConnectionSource
	// JobTimeout bounds one attempt (DefaultJobTimeout when zero).
	JobTimeout time.Duration
	// RescueAfter is how long a running job may go without a sign of life
	// from its worker before it is made retryable for another worker
	// (DefaultRescueAfter when zero; liveness.go). Tests shorten it.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs (River's default
	// of one second when zero). PostgreSQL also wakes them on insert.
	PollInterval time.Duration
	// Scheduler, when set, has the elected leader enqueue due audits.
	Scheduler *SchedulerConfig
	// Periodic are housekeeping tasks the elected leader enqueues
	// (alert evaluation, digest flush).
	Periodic []Periodic
	// OnFailure is called when an attempt of an audit job fails (alerts).
	OnFailure func(ctx context.Context, j Job)
	// OnStored is called once an audit job has stored its audit (alerts);
	// kind is store.AuditExposure or store.AuditAD.
	OnStored func(ctx context.Context, kind store.AuditKind, auditID string, args any)
	// Logger receives the engine's logs (discarded when nil).
	Logger *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Location is the time zone of the dates audits are saved with (the
	// application's, as « vigie serve --timezone »; time.Local when nil).
	Location *time.Location
}

// client is what the engine uses of a *river.Client, whatever its driver's
// transaction type: the one code path for SQLite and PostgreSQL.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}

// Engine enqueues, runs and reports audit jobs.
type Engine struct {
	cfg    Config
	client client
	// txInsert inserts a job in a serialised transaction of the driver,
	// after check accepted the unfinished audit jobs (quota.go).
	txInsert func(ctx context.Context, args river.JobArgs, check func([]unfinished) error) (int64, error)
	// touch moves the attempt time of running jobs forward; rescue makes
	// the silent ones retryable (liveness.go).
	touch    func(ctx context.Context, ids []int64) error
	rescue   func(ctx context.Context, silence time.Duration) (int64, error)
	live     liveness
	stopBeat context.CancelFunc
	closeDB  func()
	log      *slog.Logger
	working  bool
	started  bool
}

// Open connects the engine to the store's database, applying River's
// migrations first (see Migrate).
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, errors.New("moteur de tâches : base non ouverte")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		cfg.ID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = DefaultRescueAfter
	}
	if cfg.RescueAfter < minRescueAfter {
		return nil, fmt.Errorf("moteur de tâches : le délai de reprise (%s) doit être d'au moins %s", french.Duration(cfg.RescueAfter), french.Duration(minRescueAfter))
	}
	if cfg.Perimeters == nil {
		cfg.Perimeters = StoredPerimeters{Store: cfg.Store}
	}
	if cfg.Connections == nil {
		cfg.Connections = StoredConnections{Store: cfg.Store}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{cfg: cfg, log: log}
	for q, n := range cfg.Queues {
		switch q {
		case QueueExposure, QueueAD:
		default:
			return nil, fmt.Errorf("file de tâches inconnue %q (exposure, ad)", q)
		}
		if n < 0 || n > 1000 {
			return nil, fmt.Errorf("file %s : %d tâches simultanées (de 0 à 1000)", q, n)
		}
		if n > 0 {
			e.working = true
		}
	}
	if e.working && (cfg.Engines.Exposure == nil || cfg.Engines.AD == nil) {
		return nil, errors.New("moteur de tâches : moteurs d'audit absents")
	}
	rc, err := e.riverConfig()
	if err != nil {
		return nil, err
	}
	engine, where := cfg.Store.Location()
	switch engine {
	case store.Postgres:
		pool, err := pgxpool.New(ctx, where)
		if err != nil {
			return nil, fmt.Errorf("moteur de tâches : connexion à PostgreSQL : %w", err)
		}
		drv := riverpgxv5.New(pool)
		if err := migratePostgres(ctx, pool, drv, riverLogger(log)); err != nil {
			pool.Close()
			return nil, err
		}
		c, err := river.NewClient(drv, rc)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("moteur de tâches : %w", err)
		}
		e.client, e.closeDB = c, pool.Close
		e.touch = func(ctx context.Context, ids []int64) error {
			_, err := pool.Exec(ctx, touchPostgres, ids)
			return err
		}
		e.rescue = func(ctx context.Context, silence time.Duration) (int64, error) {
			tag, err := pool.Exec(ctx, rescuePostgres, silence.Seconds(), rescuedFr)
			return tag.RowsAffected(), err
		}
		e.txInsert = func(ctx context.Context, args river.JobArgs, check func([]unfinished) error) (int64, error) {
			tx, err := pool.Begin(ctx)
			if err != nil {
				return 0, err
			}
			defer tx.Rollback(context.WithoutCancel(ctx))
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, quotaLock); err != nil {
				return 0, err
			}
			rows, err := tx.Query(ctx, fmt.Sprintf(unfinishedSQL, "args::text"))
			if err != nil {
				return 0, err
			}
			jobs, err := readUnfinished(rows)
			rows.Close()
			if err != nil {
				return 0, err
			}
			if err := check(jobs); err != nil {
				return 0, err
			}
			res, err := c.InsertTx(ctx, tx, args, nil)
			if err != nil {
				return 0, err
			}
			return res.Job.ID, tx.Commit(ctx)
		}
	default:
		db, err := openSQLite(ctx, where)
		if err != nil {
			return nil, err
		}
		drv := riversqlite.New(db)
		if err := migrateSQLite(ctx, db, drv, riverLogger(log)); err != nil {
			db.Close()
			return nil, err
		}
		c, err := river.NewClient(drv, rc)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("moteur de tâches : %w", err)
		}
		e.client, e.closeDB = c, func() { db.Close() }
		e.touch = func(ctx context.Context, ids []int64) error {
			q, args := touchSQLite(ids)
			_, err := db.ExecContext(ctx, q, args...)
			return err
		}
		e.rescue = func(ctx context.Context, silence time.Duration) (int64, error) {
			res, err := db.ExecContext(ctx, rescueSQLite, fmt.Sprintf("-%.3f seconds", silence.Seconds()), rescuedFr)
			if err != nil {
				return 0, err
			}
			return res.RowsAffected()
		}
		e.txInsert = func(ctx context.Context, args river.JobArgs, check func([]unfinished) error) (int64, error) {
			tx, err := db.BeginTx(ctx, nil) // immediate (see openSQLite): serialised
			if err != nil {
				return 0, err
			}
			defer tx.Rollback()
			rows, err := tx.QueryContext(ctx, fmt.Sprintf(unfinishedSQL, "json(args)"))
			if err != nil {
				return 0, err
			}
			jobs, err := readUnfinished(rows)
			rows.Close()
			if err != nil {
				return 0, err
			}
			if err := check(jobs); err != nil {
				return 0, err
			}
			res, err := c.InsertTx(ctx, tx, args, nil)
			if err != nil {
				return 0, err
			}
			return res.Job.ID, tx.Commit()
		}
	}
	return e, nil
}

// openSQLite opens River's own pool on Vigie's SQLite file: one connection
// (River's advice for SQLite), WAL, a busy timeout and immediate
// transactions, so that several processes share the file without
// « database is locked » errors.
func openSQLite(ctx context.Context, path string) (*sql.DB, error) {
	const pragmas = "_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("moteur de tâches : ouverture de %s : %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("moteur de tâches : ouverture de %s : %w", path, err)
	}
	return db, nil
}

// riverConfig builds River's configuration from the engine's.
func (e *Engine) riverConfig() (*river.Config, error) {
	cfg := e.cfg
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &exposureWorker{e: e}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &adWorker{e: e}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &tickWorker{e: e}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &periodicWorker{e: e}); err != nil {
		return nil, err
	}
	rc := &river.Config{
		ID:                   cfg.ID,
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.JobTimeout + riverRescueMargin,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, river.FetchCooldownDefault),
		MaxAttempts:          MaxAttempts,
		Logger:               riverLogger(e.log),
		ErrorHandler:         errorHandler{e: e},
	}
	if e.working {
		rc.Middleware = []rivertype.Middleware{&e.live}
		rc.Queues = map[string]river.QueueConfig{QueueVigie: {MaxWorkers: 1}}
		for q, n := range cfg.Queues {
			if n > 0 {
				rc.Queues[q] = river.QueueConfig{MaxWorkers: n}
			}
		}
		if s := cfg.Scheduler; s != nil {
			iv := s.Interval
			if iv <= 0 {
				iv = DefaultTickInterval
			}
			rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(iv),
				func() (river.JobArgs, *river.InsertOpts) { return tickArgs{}, nil },
				&river.PeriodicJobOpts{ID: "vigie-schedule-tick", RunOnStart: true})}
		}
		rc.PeriodicJobs = append(rc.PeriodicJobs, periodicJobs(cfg.Periodic)...)
	}
	return rc, nil
}

// ID names this engine among the workers.
func (e *Engine) ID() string { return e.cfg.ID }

// Start has the engine work its queues until ctx ends or Stop is called.
func (e *Engine) Start(ctx context.Context) error {
	if !e.working {
		return errors.New("moteur de tâches : aucune file à traiter")
	}
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("démarrage du moteur de tâches : %w", err)
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.stopBeat = cancel
	go e.live.beat(bctx, e.cfg.RescueAfter, e.touch, e.rescue, e.log)
	e.started = true
	return nil
}

// Stop waits for the running jobs to end (or ctx to expire, which cancels
// them) and stops working.
func (e *Engine) Stop(ctx context.Context) error {
	if !e.started {
		return nil
	}
	e.started = false
	err := e.client.Stop(ctx)
	e.stopBeat()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Close releases the engine's connections; call Stop first.
func (e *Engine) Close() error {
	e.closeDB()
	return nil
}

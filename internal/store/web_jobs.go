package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"vigie/internal/french"
)

// Job states, in the order a job goes through them.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job kinds.
const (
	JobExposure = "exposure"
	JobAD       = "ad"
)

// WebJob is an audit launched from the web application and run in the
// background: who launched it, when, how far it is and how it ended.
type WebJob struct {
	ID        int64
	Kind      string // JobExposure or JobAD
	Applicant string
	// Target says what is audited (a perimeter summary, a directory ID).
	Target string
	State  string
	// Progress is a percentage (0 to 100); Detail a French progress line.
	Progress   int
	Detail     string
	CreatedBy  string
	CreatedAt  time.Time
	FinishedAt time.Time // zero until done or failed
	// Error is the French reason of a failure.
	Error string
	// AuditID is the stored audit of a finished job.
	AuditID string
	// Entity is the entity an exposure audit covers; Directory the
	// directory an AD audit collects (who may see the job depends on them).
	Entity    string
	Directory string
}

// JobLimits bound the audits running at once (zero: no bound).
type JobLimits struct {
	// PerEntity bounds the queued or running exposure audits of one entity.
	PerEntity int
	// Server bounds every queued or running job of the server.
	Server int
}

// QuotaError is a job refused because a limit is reached; its message is
// French and says which.
type QuotaError struct {
	Entity bool // the entity's limit (else the server's)
	Limit  int
}

func (e *QuotaError) Error() string {
	if e.Entity {
		return "un audit d'exposition de cet établissement est déjà en cours : attendez sa fin avant d'en lancer un autre"
	}
	return "le serveur exécute déjà " + french.Plural(e.Limit, "audit", "audits") + ", son maximum : réessayez quand " + french.Agree(e.Limit, "il", "l'un d'eux") + " sera terminé"
}

// CreateWebJob stores a queued job and returns its ID.
func (s *Store) CreateWebJob(ctx context.Context, j WebJob) (int64, error) {
	return s.CreateWebJobLimited(ctx, j, JobLimits{})
}

// CreateWebJobLimited stores a queued job unless a limit is reached
// (*QuotaError): the count and the insert are one serialised transaction,
// so that concurrent launches cannot both pass.
func (s *Store) CreateWebJobLimited(ctx context.Context, j WebJob, lim JobLimits) (int64, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", j.Applicant); err != nil {
			return err
		}
		if err := s.checkJobLimits(ctx, tx, j, lim); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO web_jobs (kind, applicant, target, state, created_by, created_at, entity, directory)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, j.Kind, j.Applicant, j.Target, JobQueued, j.CreatedBy, webTime(j.CreatedAt),
			j.Entity, j.Directory).Scan(&id); err != nil {
			return fmt.Errorf("création de la tâche : %w", err)
		}
		return s.trail(ctx, tx, j.CreatedBy, ActionJobPrefix+j.Kind, j.Applicant, j.Target)
	})
	return id, err
}

// checkJobLimits counts the unfinished jobs inside tx. On PostgreSQL a
// transaction-level advisory lock serialises the launches (SQLite write
// transactions already are).
func (s *Store) checkJobLimits(ctx context.Context, tx *sql.Tx, j WebJob, lim JobLimits) error {
	if lim.PerEntity <= 0 && lim.Server <= 0 {
		return nil
	}
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7461627)`); err != nil {
			return err
		}
	}
	var n int
	if lim.PerEntity > 0 && j.Kind == JobExposure && j.Entity != "" {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM web_jobs WHERE kind = $1 AND entity = $2 AND state IN ($3, $4)`,
			JobExposure, j.Entity, JobQueued, JobRunning).Scan(&n); err != nil {
			return err
		}
		if n >= lim.PerEntity {
			return &QuotaError{Entity: true, Limit: lim.PerEntity}
		}
	}
	if lim.Server > 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM web_jobs WHERE state IN ($1, $2)`, JobQueued, JobRunning).Scan(&n); err != nil {
			return err
		}
		if n >= lim.Server {
			return &QuotaError{Limit: lim.Server}
		}
	}
	return nil
}

// UpdateWebJobProgress marks a job running with its progress.
func (s *Store) UpdateWebJobProgress(ctx context.Context, id int64, progress int, detail string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE web_jobs SET state = $1, progress = $2, detail = $3 WHERE id = $4 AND state IN ($5, $1)`,
		JobRunning, min(max(progress, 0), 100), detail, id, JobQueued); err != nil {
		return fmt.Errorf("avancement de la tâche %d : %w", id, err)
	}
	return nil
}

// FinishWebJob ends a job: done with the stored audit's ID, or failed with
// a French reason (errMsg not empty).
func (s *Store) FinishWebJob(ctx context.Context, id int64, at time.Time, auditID, errMsg string) error {
	state, progress := JobDone, 100
	if errMsg != "" {
		state, progress = JobFailed, 0
	}
	q := `UPDATE web_jobs SET state = $1, finished_at = $2, audit_id = $3, error = $4 WHERE id = $5`
	if progress == 100 {
		q = `UPDATE web_jobs SET state = $1, finished_at = $2, audit_id = $3, error = $4, progress = 100 WHERE id = $5`
	}
	if _, err := s.w.ExecContext(ctx, q, state, webTime(at), auditID, errMsg, id); err != nil {
		return fmt.Errorf("fin de la tâche %d : %w", id, err)
	}
	return nil
}

// FailUnfinishedWebJobs marks failed the jobs left queued or running (by a
// stopped server), with reason, and returns how many there were.
func (s *Store) FailUnfinishedWebJobs(ctx context.Context, at time.Time, reason string) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE web_jobs SET state = $1, finished_at = $2, error = $3 WHERE state IN ($4, $5)`,
		JobFailed, webTime(at), reason, JobQueued, JobRunning)
	if err != nil {
		return 0, fmt.Errorf("tâches interrompues : %w", err)
	}
	return res.RowsAffected()
}

const webJobColumns = `id, kind, applicant, target, state, progress, detail, created_by, created_at, finished_at, error, audit_id, entity, directory`

func scanWebJob(sc interface{ Scan(...any) error }) (WebJob, error) {
	var j WebJob
	var created, finished string
	if err := sc.Scan(&j.ID, &j.Kind, &j.Applicant, &j.Target, &j.State, &j.Progress, &j.Detail, &j.CreatedBy,
		&created, &finished, &j.Error, &j.AuditID, &j.Entity, &j.Directory); err != nil {
		return WebJob{}, err
	}
	j.CreatedAt, _ = time.Parse(webTimeLayout, created)
	if finished != "" {
		j.FinishedAt, _ = time.Parse(webTimeLayout, finished)
	}
	return j, nil
}

// WebJobByID returns a job (ErrNotFound when absent).
func (s *Store) WebJobByID(ctx context.Context, id int64) (WebJob, error) {
	j, err := scanWebJob(s.r.QueryRowContext(ctx, `SELECT `+webJobColumns+` FROM web_jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return WebJob{}, fmt.Errorf("tâche %d : %w", id, ErrNotFound)
	}
	if err != nil {
		return WebJob{}, fmt.Errorf("lecture de la tâche %d : %w", id, err)
	}
	return j, nil
}

// WebJobs lists an applicant's latest jobs, newest first (at most limit).
func (s *Store) WebJobs(ctx context.Context, applicant string, limit int) ([]WebJob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+webJobColumns+` FROM web_jobs WHERE applicant = $1 ORDER BY id DESC LIMIT $2`, applicant, limit)
	if err != nil {
		return nil, fmt.Errorf("tâches du dossier %s : %w", applicant, err)
	}
	defer rows.Close()
	var out []WebJob
	for rows.Next() {
		j, err := scanWebJob(rows)
		if err != nil {
			return nil, fmt.Errorf("tâches du dossier %s : %w", applicant, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

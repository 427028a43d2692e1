package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditKind names the two kinds of audits the job engine runs.
type AuditKind string

// The audit kinds, as stored in the reports table.
const (
	AuditAD       AuditKind = reportAD
	AuditExposure AuditKind = reportExposure
)

// SavePerimeterSnapshot stores the text of a perimeter file, unchanged, and
// returns its ID: the hex SHA-256 of the text. Storing the same text again
// returns the same ID. Queued exposure audits name the perimeter they scan
// by this ID, never by free text in their arguments.
func (s *Store) SavePerimeterSnapshot(ctx context.Context, text, by string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", errors.New("périmètre vide")
	}
	sum := sha256.Sum256([]byte(text))
	id := hex.EncodeToString(sum[:])
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO job_perimeters (id, text, created_by, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO NOTHING`, id, text, by, webTime(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.trail(ctx, tx, by, ActionJobPerimeter, id, fmt.Sprintf("%d octets", len(text)))
	})
	if err != nil {
		return "", fmt.Errorf("enregistrement du périmètre : %w", err)
	}
	return id, nil
}

// PerimeterSnapshot returns the text stored under id (ErrNotFound when absent).
func (s *Store) PerimeterSnapshot(ctx context.Context, id string) (string, error) {
	var text string
	err := s.r.QueryRowContext(ctx, `SELECT text FROM job_perimeters WHERE id = $1`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("périmètre %s : %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("lecture du périmètre %s : %w", id, err)
	}
	return text, nil
}

// JobProgress is the last progress an attempt of a job reported.
type JobProgress struct {
	JobID   int64
	Attempt int
	// Worker names the worker process that runs the attempt.
	Worker string
	// Pct is a percentage (0 to 100); Detail a French progress line.
	Pct       int
	Detail    string
	UpdatedAt time.Time
}

// SetJobProgress records the progress of a job's attempt. A report from an
// older attempt than the recorded one is ignored.
func (s *Store) SetJobProgress(ctx context.Context, p JobProgress) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO job_progress (job_id, attempt, worker, pct, detail, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, worker = excluded.worker, pct = excluded.pct,
			detail = excluded.detail, updated_at = excluded.updated_at
		WHERE job_progress.attempt <= excluded.attempt`,
		p.JobID, p.Attempt, p.Worker, min(max(p.Pct, 0), 100), p.Detail, webTime(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("avancement de la tâche %d : %w", p.JobID, err)
	}
	return nil
}

// JobProgressOf returns the recorded progress of the given jobs (jobs
// without any are absent from the map).
func (s *Store) JobProgressOf(ctx context.Context, ids []int64) (map[int64]JobProgress, error) {
	out := map[int64]JobProgress{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		batch := ids[:n]
		ids = ids[n:]
		ph := make([]string, len(batch))
		args := make([]any, len(batch))
		for i, id := range batch {
			ph[i] = fmt.Sprintf("$%d", i+1)
			args[i] = id
		}
		rows, err := s.r.QueryContext(ctx, `SELECT job_id, attempt, worker, pct, detail, updated_at FROM job_progress
			WHERE job_id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("avancement des tâches : %w", err)
		}
		for rows.Next() {
			var p JobProgress
			var at string
			if err := rows.Scan(&p.JobID, &p.Attempt, &p.Worker, &p.Pct, &p.Detail, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("avancement des tâches : %w", err)
			}
			p.UpdatedAt, _ = time.Parse(webTimeLayout, at)
			out[p.JobID] = p
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("avancement des tâches : %w", err)
		}
	}
	return out, nil
}

// AuditStored reports whether an audit of that kind is stored under id.
// A job checks it before scanning: a retry of a job whose audit was
// already stored (the worker died before River marked it done) stores
// nothing twice.
func (s *Store) AuditStored(ctx context.Context, kind AuditKind, id string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE kind = $1 AND id = $2`, string(kind), id).Scan(&n); err != nil {
		return false, fmt.Errorf("audit %s : %w", id, err)
	}
	return n > 0, nil
}

// DirectoryApplicant returns the dossier owning a directory (ErrNotFound
// when no dossier lists it).
func (s *Store) DirectoryApplicant(ctx context.Context, directory string) (string, error) {
	var app string
	err := s.r.QueryRowContext(ctx, `SELECT applicant FROM directories WHERE id = $1`, directory).Scan(&app)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("annuaire %s : %w", directory, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("annuaire %s : %w", directory, err)
	}
	return app, nil
}

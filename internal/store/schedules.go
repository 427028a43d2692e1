package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie/internal/civil"
)

// Schedule kinds.
const (
	ScheduleExposure = "exposure"
	ScheduleAD       = "ad"
)

// Schedule plans an audit every EveryDays days: an exposure audit of an
// entity's perimeter, or an AD audit of a directory.
type Schedule struct {
	// ID is « exposure:FINESS » or « ad:DIRECTORY » (ScheduleID).
	ID        string
	Kind      string
	Applicant string
	// Subject is the FINESS (exposure) or the directory ID (ad).
	Subject string
	// Perimeter references the perimeter to scan (exposure only).
	Perimeter string
	Ports     string
	EveryDays int
	Enabled   bool
	UpdatedBy string
	UpdatedAt time.Time
	// LastRun is the due date of the last run enqueued (zero when none).
	LastRun civil.Date
}

// ScheduleID names the schedule of a subject.
func ScheduleID(kind, subject string) string { return kind + ":" + subject }

// SaveSchedule creates or replaces the schedule of a subject.
func (s *Store) SaveSchedule(ctx context.Context, sc Schedule, by string) error {
	switch {
	case sc.Kind != ScheduleExposure && sc.Kind != ScheduleAD:
		return fmt.Errorf("planification : type %q inconnu (exposure, ad)", sc.Kind)
	case sc.EveryDays < 1 || sc.EveryDays > 366:
		return fmt.Errorf("planification : intervalle de %d jours (de 1 à 366)", sc.EveryDays)
	case sc.Kind == ScheduleExposure && sc.Perimeter == "":
		return errors.New("planification : périmètre requis pour un audit d'exposition")
	case sc.Subject == "":
		return errors.New("planification : établissement ou annuaire requis")
	}
	sc.ID = ScheduleID(sc.Kind, sc.Subject)
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", sc.Applicant); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_schedules (id, kind, applicant, subject, perimeter, ports, every_days, enabled, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET applicant = excluded.applicant, perimeter = excluded.perimeter, ports = excluded.ports,
				every_days = excluded.every_days, enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			sc.ID, sc.Kind, sc.Applicant, sc.Subject, sc.Perimeter, sc.Ports, sc.EveryDays, sc.Enabled, by, webTime(s.now()))
		if err != nil {
			return fmt.Errorf("planification %s : %w", sc.ID, err)
		}
		state := "active"
		if !sc.Enabled {
			state = "suspendue"
		}
		return s.trail(WithDossier(ctx, sc.Applicant), tx, by, ActionSchedule, sc.ID, fmt.Sprintf("tous les %d jours, %s", sc.EveryDays, state))
	})
}

// ScheduleOf returns the schedule of a subject (ErrNotFound when none).
func (s *Store) ScheduleOf(ctx context.Context, kind, subject string) (Schedule, error) {
	scs, err := s.schedules(ctx, `WHERE s.id = $1`, ScheduleID(kind, subject))
	if err != nil {
		return Schedule{}, err
	}
	if len(scs) == 0 {
		return Schedule{}, fmt.Errorf("planification %s : %w", ScheduleID(kind, subject), ErrNotFound)
	}
	return scs[0], nil
}

// Schedules lists the schedules (of one dossier when applicant is not
// empty), with their last run.
func (s *Store) Schedules(ctx context.Context, applicant string) ([]Schedule, error) {
	if applicant != "" {
		return s.schedules(ctx, `WHERE s.applicant = $1`, applicant)
	}
	return s.schedules(ctx, ``)
}

// schedules runs the schedule query with a WHERE clause.
func (s *Store) schedules(ctx context.Context, where string, args ...any) ([]Schedule, error) {
	q := `SELECT s.id, s.kind, s.applicant, s.subject, s.perimeter, s.ports, s.every_days, s.enabled, s.updated_by, s.updated_at,
		COALESCE((SELECT MAX(due_on) FROM schedule_runs r WHERE r.schedule = s.id), '')
		FROM audit_schedules s `
	rows, err := s.r.QueryContext(ctx, q+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("planifications : %w", err)
	}
	defer rows.Close()
	var out []Schedule
	for rows.Next() {
		var sc Schedule
		var at, last string
		if err := rows.Scan(&sc.ID, &sc.Kind, &sc.Applicant, &sc.Subject, &sc.Perimeter, &sc.Ports, &sc.EveryDays, &sc.Enabled,
			&sc.UpdatedBy, &at, &last); err != nil {
			return nil, fmt.Errorf("planifications : %w", err)
		}
		sc.UpdatedAt, _ = time.Parse(webTimeLayout, at)
		if last != "" {
			sc.LastRun, _ = civil.Parse(last)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// RecordScheduleRun records that the run of a schedule due on a date got
// its job; it reports false when that run was already recorded.
func (s *Store) RecordScheduleRun(ctx context.Context, schedule string, dueOn civil.Date, jobID int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO schedule_runs (schedule, due_on, job_id, enqueued_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (schedule, due_on) DO NOTHING`, schedule, dueOn.String(), jobID, webTime(s.now()))
	if err != nil {
		return false, fmt.Errorf("lancement planifié %s du %s : %w", schedule, dueOn.French(), err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ScheduleRun is one enqueued run of a schedule.
type ScheduleRun struct {
	Schedule string
	DueOn    civil.Date
	JobID    int64
}

// ScheduleRuns lists the runs of a schedule, oldest first.
func (s *Store) ScheduleRuns(ctx context.Context, schedule string) ([]ScheduleRun, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT due_on, job_id FROM schedule_runs WHERE schedule = $1 ORDER BY due_on`, schedule)
	if err != nil {
		return nil, fmt.Errorf("lancements de %s : %w", schedule, err)
	}
	defer rows.Close()
	var out []ScheduleRun
	for rows.Next() {
		r := ScheduleRun{Schedule: schedule}
		var due string
		if err := rows.Scan(&due, &r.JobID); err != nil {
			return nil, fmt.Errorf("lancements de %s : %w", schedule, err)
		}
		r.DueOn, _ = civil.Parse(due)
		out = append(out, r)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TrailFilter selects audit trail entries. Zero fields select everything.
type TrailFilter struct {
	By     string // exact actor
	Action string // exact action
	// Dossier is one applicant ID; Dossiers restricts to a set of them
	// (a reader's scope: entries of other dossiers, and entries without a
	// dossier, are left out). A nil Dossiers does not restrict.
	Dossier  string
	Dossiers []string
	// From and To bound the entry time (From included, To excluded).
	From, To time.Time
	// Limit caps the number of entries (100 when <= 0, 100,000 at most).
	Limit int
}

// maxTrailEntries bounds one read of the trail (an export).
const maxTrailEntries = 100_000

// TrailEntries returns the entries matching f, newest first.
func (s *Store) TrailEntries(ctx context.Context, f TrailFilter) ([]TrailEntry, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.By != "" {
		where = append(where, "actor = "+arg(f.By))
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	if f.Dossier != "" {
		where = append(where, "dossier = "+arg(f.Dossier))
	}
	if f.Dossiers != nil {
		if len(f.Dossiers) == 0 {
			return nil, nil
		}
		ph := make([]string, len(f.Dossiers))
		for i, d := range f.Dossiers {
			ph[i] = arg(d)
		}
		where = append(where, "dossier IN ("+strings.Join(ph, ", ")+")")
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC().Format(trailTimeLayout)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC().Format(trailTimeLayout)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultTrailPageSize
	}
	limit = min(limit, maxTrailEntries)
	q := `SELECT seq, at, actor, action, object, detail, dossier FROM audit_trail`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT " + arg(limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("lecture du journal d'audit : %w", err)
	}
	return scanTrail(rows)
}

// TrailActions lists the distinct actions recorded in the trail, for a
// filter's choices.
func (s *Store) TrailActions(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT action FROM audit_trail ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("lecture du journal d'audit : %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// TrailLoginFailure adds a failed login to the audit trail: the login
// typed (which may not exist), the client address and the reason. It
// changes no data, so it leaves the data version alone.
func (s *Store) TrailLoginFailure(ctx context.Context, login, address, reason string) error {
	if len(login) > 200 {
		login = login[:200]
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit_trail (at, actor, action, object, detail) VALUES ($1, $2, $3, $4, $5)`,
		s.now().UTC().Format(trailTimeLayout), login, ActionLoginFailed, address, reason)
	if err != nil {
		return fmt.Errorf("journal d'audit : %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Throttle is the failed-login state of one key (an account or a client
// address): how many failures in a row, the last one, and until when the
// next attempt is refused.
type Throttle struct {
	Key          string
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
}

// ThrottlePolicy says how failures delay the next attempt.
type ThrottlePolicy struct {
	// Delay gives the wait after the n-th failure in a row (0: none).
	Delay func(n int) time.Duration
	// Forget: failures older than this (since the last one) start again from zero.
	Forget time.Duration
}

// LoginThrottles returns the state of the given keys (absent keys have none).
func (s *Store) LoginThrottles(ctx context.Context, keys ...string) ([]Throttle, error) {
	var out []Throttle
	for _, k := range keys {
		t, err := scanThrottle(s.r.QueryRowContext(ctx, `SELECT key, failures, last_failure, blocked_until FROM login_throttle WHERE key = $1`, k))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("état des connexions : %w", err)
		}
		out = append(out, t)
	}
	return out, nil
}

func scanThrottle(sc rowScanner) (Throttle, error) {
	var t Throttle
	var last, until string
	if err := sc.Scan(&t.Key, &t.Failures, &last, &until); err != nil {
		return t, err
	}
	t.LastFailure, _ = time.Parse(webTimeLayout, last)
	if until != "" {
		t.BlockedUntil, _ = time.Parse(webTimeLayout, until)
	}
	return t, nil
}

// RecordLoginFailure counts a failure for each key at now and sets when
// the next attempt is allowed, in one transaction; stale rows are purged.
func (s *Store) RecordLoginFailure(ctx context.Context, now time.Time, p ThrottlePolicy, keys ...string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE last_failure < $1`, webTime(now.Add(-p.Forget))); err != nil {
			return fmt.Errorf("état des connexions : %w", err)
		}
		for _, k := range keys {
			t, err := scanThrottle(tx.QueryRowContext(ctx, `SELECT key, failures, last_failure, blocked_until FROM login_throttle WHERE key = $1`, k))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("état des connexions : %w", err)
			}
			n := t.Failures + 1
			until := ""
			if d := p.Delay(n); d > 0 {
				until = webTime(now.Add(d).Add(time.Second - 1).Truncate(time.Second)) // rounded up: never shorter than d
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_failure, blocked_until) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, blocked_until = excluded.blocked_until`,
				k, n, webTime(now), until); err != nil {
				return fmt.Errorf("état des connexions : %w", err)
			}
		}
		return nil
	})
}

// ClearLoginFailures forgets the failures of a key (after a successful login).
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("état des connexions : %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TrailEntry is one line of the audit trail: who changed what, when.
type TrailEntry struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	Object string    `json:"object"`
	Detail string    `json:"detail,omitempty"`
	// Dossier is the applicant the entry concerns, when known.
	Dossier string `json:"dossier,omitempty"`
}

// Actions recorded in the audit trail.
const (
	ActionImport         = "import"
	ActionEntities       = "entites"
	ActionGHT            = "ght"
	ActionSaveAD         = "audit_ad"
	ActionSaveExposure   = "audit_exposition"
	actorUnknown         = "inconnu"
	trailTimeLayout      = "2006-01-02T15:04:05.000000000Z07:00"
	defaultTrailPageSize = 100
)

type actorKey struct{}

// WithActor returns a context naming who acts (a user login, "cli:…"); the
// audit trail records it for the calls that take no explicit author
// (SaveADAudit, SaveExposureAudit, UpsertEntities, UpsertGHT).
func WithActor(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, actorKey{}, who)
}

// actorOf returns the actor set by WithActor, or "inconnu".
func actorOf(ctx context.Context) string {
	if v, ok := ctx.Value(actorKey{}).(string); ok && v != "" {
		return v
	}
	return actorUnknown
}

// trail appends an entry inside the caller's transaction and increments
// the data version (see DataVersion): every write that changes facts is
// audited, hence versioned.
func (s *Store) trail(ctx context.Context, tx *sql.Tx, by, action, object, detail string) error {
	if by == "" {
		by = actorUnknown
	}
	version, err := bumpVersion(ctx, tx)
	if err != nil {
		return err
	}
	dossier, err := trailDossier(ctx, tx, action, object)
	if err != nil {
		return fmt.Errorf("journal d'audit : %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_trail (at, actor, action, object, detail, dossier, data_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.now().UTC().Format(trailTimeLayout), by, action, object, detail, dossier, version)
	if err != nil {
		return fmt.Errorf("journal d'audit : %w", err)
	}
	return nil
}

// AuditTrail returns the latest entries, newest first (at most limit; 100 when limit <= 0).
func (s *Store) AuditTrail(ctx context.Context, limit int) ([]TrailEntry, error) {
	if limit <= 0 {
		limit = defaultTrailPageSize
	}
	rows, err := s.r.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, dossier FROM audit_trail ORDER BY seq DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("lecture du journal d'audit : %w", err)
	}
	return scanTrail(rows)
}

// scanTrail reads trail rows (seq, at, actor, action, object, detail,
// dossier) and closes them.
func scanTrail(rows *sql.Rows) ([]TrailEntry, error) {
	defer rows.Close()
	var out []TrailEntry
	for rows.Next() {
		var e TrailEntry
		var at string
		var err error
		if err = rows.Scan(&e.Seq, &at, &e.By, &e.Action, &e.Object, &e.Detail, &e.Dossier); err != nil {
			return nil, fmt.Errorf("lecture du journal d'audit : %w", err)
		}
		if e.At, err = time.Parse(trailTimeLayout, at); err != nil {
			return nil, fmt.Errorf("journal d'audit, date %q : %w", at, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lecture du journal d'audit : %w", err)
	}
	return out, nil
}

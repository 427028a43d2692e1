package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"vigie/internal/french"
)

// WebUser is a local account of the web application. The role and scope
// are checked by the web package; the store only keeps them.
type WebUser struct {
	Login string `json:"login"`
	// Role is admin, ght, etablissement, ars or auditeur.
	Role string `json:"role"`
	// Scope is a GHT code, a FINESS number or a region, depending on the role.
	Scope string `json:"scope,omitempty"`
	// PasswordHash is an encoded argon2id hash, never the password.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// DisabledAt is when the account was disabled (zero: enabled).
	DisabledAt time.Time `json:"disabled_at,omitzero"`
}

// Disabled reports whether the account is disabled.
func (u WebUser) Disabled() bool { return !u.DisabledAt.IsZero() }

// Actions of the web application recorded in the audit trail.
const (
	ActionUserCreate   = "compte_creation"
	ActionUserPassword = "compte_mot_de_passe"
	ActionTokenCreate  = "jeton_api"
	ActionExercise     = "exercice"
	ActionBudget       = "budget"
	ActionOSIS         = "osis"
)

// webTimeLayout is the text form of web timestamps (UTC, fixed width).
const webTimeLayout = "2006-01-02T15:04:05Z"

func webTime(t time.Time) string { return t.UTC().Format(webTimeLayout) }

// CreateWebUser adds an account; an existing login is refused (ErrExists).
// by names who creates it, for the audit trail.
func (s *Store) CreateWebUser(ctx context.Context, u WebUser, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM web_users WHERE login = $1`, u.Login).Scan(&n); err != nil {
			return fmt.Errorf("compte %s : %w", u.Login, err)
		}
		if n > 0 {
			return fmt.Errorf("compte %s : %w", u.Login, ErrDuplicate)
		}
		now := webTime(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_users (login, role, scope, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, u.Login, u.Role, u.Scope, u.PasswordHash, now); err != nil {
			return fmt.Errorf("création du compte %s : %w", u.Login, err)
		}
		return s.trail(ctx, tx, by, ActionUserCreate, u.Login, fmt.Sprintf("rôle %s, périmètre %q", u.Role, u.Scope))
	})
}

// ErrDuplicate is the "already exists" error of accounts and records
// (ErrExists is about immutable audits); callers test it with errors.Is.
var ErrDuplicate = errors.New("existe déjà")

// SetWebPassword replaces the password hash of an existing account,
// closes its sessions and revokes its API tokens.
func (s *Store) SetWebPassword(ctx context.Context, login, hash, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE web_users SET password_hash = $1, updated_at = $2 WHERE login = $3`,
			hash, webTime(s.now()), login)
		if err != nil {
			return fmt.Errorf("mot de passe de %s : %w", login, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("compte %s : %w", login, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE login = $1`, login); err != nil {
			return fmt.Errorf("sessions de %s : %w", login, err)
		}
		n, err := s.revokeTokensTx(ctx, tx, login, by)
		if err != nil {
			return err
		}
		return s.trail(ctx, tx, by, ActionUserPassword, login, "sessions fermées, "+french.Plural(int(n), "jeton révoqué", "jetons révoqués"))
	})
}

// WebUser returns one account (ErrNotFound when absent).
func (s *Store) WebUser(ctx context.Context, login string) (WebUser, error) {
	var u WebUser
	var created, disabled string
	err := s.r.QueryRowContext(ctx, `SELECT login, role, scope, password_hash, created_at, disabled_at FROM web_users WHERE login = $1`, login).
		Scan(&u.Login, &u.Role, &u.Scope, &u.PasswordHash, &created, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return WebUser{}, fmt.Errorf("compte %s : %w", login, ErrNotFound)
	}
	if err != nil {
		return WebUser{}, fmt.Errorf("lecture du compte %s : %w", login, err)
	}
	u.CreatedAt, _ = time.Parse(webTimeLayout, created)
	if disabled != "" {
		u.DisabledAt, _ = time.Parse(webTimeLayout, disabled)
	}
	return u, nil
}

// WebUsers lists the accounts by login.
func (s *Store) WebUsers(ctx context.Context) ([]WebUser, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT login, role, scope, created_at, disabled_at FROM web_users ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("lecture des comptes : %w", err)
	}
	defer rows.Close()
	var out []WebUser
	for rows.Next() {
		var u WebUser
		var created, disabled string
		if err := rows.Scan(&u.Login, &u.Role, &u.Scope, &created, &disabled); err != nil {
			return nil, fmt.Errorf("lecture des comptes : %w", err)
		}
		u.CreatedAt, _ = time.Parse(webTimeLayout, created)
		if disabled != "" {
			u.DisabledAt, _ = time.Parse(webTimeLayout, disabled)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lecture des comptes : %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"vigie/internal/french"
)

// DefaultTokenTTL is how long an API token lasts unless its creator says otherwise.
const DefaultTokenTTL = 90 * 24 * time.Hour

// Actions of the audit trail about tokens and accounts.
const (
	ActionTokenRevoke = "jeton_api_revocation"
	ActionUserDisable = "compte_desactivation"
	ActionUserEnable  = "compte_reactivation"
)

// APIToken describes an API token (never the token itself: only its hash
// is stored, and the token is shown once, at creation).
type APIToken struct {
	ID         int64     `json:"id"`
	Login      string    `json:"login"`
	Label      string    `json:"label,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	RevokedBy  string    `json:"revoked_by,omitempty"`
}

// Active reports whether the token authenticates at now.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

// CreateAPITokenUntil stores the hash of a new API token of an enabled
// account, valid until expires, and returns its ID.
func (s *Store) CreateAPITokenUntil(ctx context.Context, login, tokenHash, label, by string, expires time.Time) (int64, error) {
	var id int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var disabled string
		err := tx.QueryRowContext(ctx, `SELECT disabled_at FROM web_users WHERE login = $1`, login).Scan(&disabled)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("compte %s : %w", login, ErrNotFound)
		case err != nil:
			return err
		case disabled != "":
			return fmt.Errorf("compte %s désactivé : aucun jeton ne peut lui être créé", login)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO web_tokens (token_hash, login, label, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tokenHash, login, label, webTime(s.now()), webTime(expires)).Scan(&id); err != nil {
			return fmt.Errorf("jeton API pour %s : %w", login, err)
		}
		return s.trail(ctx, tx, by, ActionTokenCreate, login, fmt.Sprintf("jeton %d « %s », valable jusqu'au %s", id, label, expires.UTC().Format("02/01/2006")))
	})
	return id, err
}

const tokenCols = `id, login, label, created_at, expires_at, last_used_at, revoked_at, revoked_by`

func scanToken(sc rowScanner) (APIToken, error) {
	var t APIToken
	var created, expires, used, revoked string
	if err := sc.Scan(&t.ID, &t.Login, &t.Label, &created, &expires, &used, &revoked, &t.RevokedBy); err != nil {
		return t, err
	}
	t.CreatedAt, _ = time.Parse(webTimeLayout, created)
	if expires == "" { // created before tokens expired
		t.ExpiresAt = t.CreatedAt.Add(DefaultTokenTTL)
	} else {
		t.ExpiresAt, _ = time.Parse(webTimeLayout, expires)
	}
	if used != "" {
		t.LastUsedAt, _ = time.Parse(webTimeLayout, used)
	}
	if revoked != "" {
		t.RevokedAt, _ = time.Parse(webTimeLayout, revoked)
	}
	return t, nil
}

// APITokens lists the tokens of an account (every account when login is
// empty), newest first, revoked and expired ones included.
func (s *Store) APITokens(ctx context.Context, login string) ([]APIToken, error) {
	q := `SELECT ` + tokenCols + ` FROM web_tokens`
	var args []any
	if login != "" {
		q += ` WHERE login = $1`
		args = append(args, login)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("lecture des jetons API : %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("lecture des jetons API : %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one token; owner, when not empty, must be its
// account (a user revoking their own). Revoking a revoked token is no error.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64, owner, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var login, revoked string
		err := tx.QueryRowContext(ctx, `SELECT login, revoked_at FROM web_tokens WHERE id = $1`, id).Scan(&login, &revoked)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && owner != "" && login != owner):
			return fmt.Errorf("jeton %d : %w", id, ErrNotFound)
		case err != nil:
			return fmt.Errorf("jeton %d : %w", id, err)
		case revoked != "":
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE web_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3`, webTime(s.now()), by, id); err != nil {
			return fmt.Errorf("révocation du jeton %d : %w", id, err)
		}
		return s.trail(ctx, tx, by, ActionTokenRevoke, login, fmt.Sprintf("jeton %d révoqué", id))
	})
}

// revokeTokensTx revokes every active token of an account inside tx and
// returns how many there were.
func (s *Store) revokeTokensTx(ctx context.Context, tx *sql.Tx, login, by string) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE web_tokens SET revoked_at = $1, revoked_by = $2 WHERE login = $3 AND revoked_at = ''`,
		webTime(s.now()), by, login)
	if err != nil {
		return 0, fmt.Errorf("révocation des jetons de %s : %w", login, err)
	}
	return res.RowsAffected()
}

// RevokeAPITokens revokes every token of an account and returns how many.
func (s *Store) RevokeAPITokens(ctx context.Context, login, by string) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = s.revokeTokensTx(ctx, tx, login, by); err != nil || n == 0 {
			return err
		}
		return s.trail(ctx, tx, by, ActionTokenRevoke, login, french.Plural(int(n), "jeton révoqué", "jetons révoqués"))
	})
	return n, err
}

// SetWebUserDisabled disables an account (its sessions are closed and its
// tokens revoked, in the same transaction) or enables it again.
func (s *Store) SetWebUserDisabled(ctx context.Context, login string, disabled bool, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		at, action, detail := "", ActionUserEnable, "compte réactivé"
		if disabled {
			at, action = webTime(s.now()), ActionUserDisable
		}
		res, err := tx.ExecContext(ctx, `UPDATE web_users SET disabled_at = $1, updated_at = $2 WHERE login = $3`, at, webTime(s.now()), login)
		if err != nil {
			return fmt.Errorf("compte %s : %w", login, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("compte %s : %w", login, ErrNotFound)
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE login = $1`, login); err != nil {
				return fmt.Errorf("sessions de %s : %w", login, err)
			}
			n, err := s.revokeTokensTx(ctx, tx, login, by)
			if err != nil {
				return err
			}
			detail = "compte désactivé : sessions fermées, " + french.Plural(int(n), "jeton révoqué", "jetons révoqués")
		}
		return s.trail(ctx, tx, by, action, login, detail)
	})
}

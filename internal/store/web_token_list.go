package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ActionTokenRevoke is the audit trail action of a revoked API token.
const ActionTokenRevoke = "jeton_api_revocation"

// APIToken is what may be shown of an API token: never the token.
type APIToken struct {
	ID        int64
	Login     string
	Label     string
	CreatedAt time.Time
}

// APITokens lists an account's API tokens, newest first.
func (s *Store) APITokens(ctx context.Context, login string) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, login, label, created_at FROM web_tokens WHERE login = $1 ORDER BY id DESC`, login)
	if err != nil {
		return nil, fmt.Errorf("jetons API de %s : %w", login, err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var at string
		if err := rows.Scan(&t.ID, &t.Login, &t.Label, &at); err != nil {
			return nil, fmt.Errorf("jetons API de %s : %w", login, err)
		}
		t.CreatedAt, _ = time.Parse(webTimeLayout, at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken deletes one of an account's API tokens (ErrNotFound when
// the account holds no token with that ID). by names who revokes it.
func (s *Store) RevokeAPIToken(ctx context.Context, login string, id int64, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var label string
		err := tx.QueryRowContext(ctx, `SELECT label FROM web_tokens WHERE id = $1 AND login = $2`, id, login).Scan(&label)
		if err == sql.ErrNoRows {
			return fmt.Errorf("jeton API %d : %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("jeton API %d : %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_tokens WHERE id = $1`, id); err != nil {
			return fmt.Errorf("jeton API %d : %w", id, err)
		}
		return s.trail(ctx, tx, by, ActionTokenRevoke, login, label)
	})
}

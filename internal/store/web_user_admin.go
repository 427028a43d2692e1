package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Audit trail actions of account administration.
const (
	ActionUserDisable = "compte_desactivation"
	ActionUserEnable  = "compte_reactivation"
)

// SetWebUserDisabled disables (or re-enables) an account. Disabling
// deletes its sessions and API tokens in the same transaction, so that
// nothing opened before keeps working; a re-enabled account logs in again
// with its password and needs new tokens. by names the administrator.
func (s *Store) SetWebUserDisabled(ctx context.Context, login string, disabled bool, by string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		at, action := "", ActionUserEnable
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
			for _, q := range []string{`DELETE FROM web_sessions WHERE login = $1`, `DELETE FROM web_tokens WHERE login = $1`} {
				if _, err := tx.ExecContext(ctx, q, login); err != nil {
					return fmt.Errorf("compte %s : %w", login, err)
				}
			}
		}
		return s.trail(ctx, tx, by, action, login, "")
	})
}

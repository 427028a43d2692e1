package store

import (
	"context"
	"database/sql"
	"fmt"
)

// mustExist fails with ErrNotFound, naming what is missing, when no row of
// table has column = value. table and column are constants of this package.
func mustExist(ctx context.Context, tx *sql.Tx, what, table, column, value string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+column+` = $1`, value).Scan(&n); err != nil {
		return fmt.Errorf("%s %s : %w", what, value, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s : %w", what, value, ErrNotFound)
	}
	return nil
}

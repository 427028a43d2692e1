package store

import (
	"context"
	"database/sql"
)

// Trail appends an entry to the audit trail in its own transaction: for
// actions recorded elsewhere (an audit job launched or cancelled is River's
// record, in River's transaction).
func (s *Store) Trail(ctx context.Context, by, action, object, detail string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error { return s.trail(ctx, tx, by, action, object, detail) })
}

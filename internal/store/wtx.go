package store

import (
	"context"
	"database/sql"
)

// wtx is a write transaction that prepares each distinct statement once
// and reuses it: an import runs the same few statements thousands of
// times, and SQLite would otherwise parse each one every time.
type wtx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func newWTx(tx *sql.Tx) *wtx { return &wtx{Tx: tx, stmts: map[string]*sql.Stmt{}} }

// stmt returns the prepared statement for q (nil if preparing failed: the
// caller then runs q unprepared and gets the error from there).
func (t *wtx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := t.stmts[q]; ok {
		return st
	}
	st, err := t.Tx.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	t.stmts[q] = st
	return st
}

// ExecContext runs q through its prepared statement.
func (t *wtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}

// QueryContext runs q through its prepared statement.
func (t *wtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

// QueryRowContext runs q through its prepared statement.
func (t *wtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}

// writeCached runs fn in a write transaction with statement reuse; the
// statements are closed with the transaction.
func (s *Store) writeCached(ctx context.Context, fn func(tx *wtx) error) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		w := newWTx(tx)
		defer func() {
			for _, st := range w.stmts {
				st.Close()
			}
		}()
		return fn(w)
	})
}

package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrationLock is the PostgreSQL advisory lock that serialises River's
// migrations when several processes start at once (Vigie's own use 7461626).
const riverMigrationLock = 7461627

// migratePostgres brings River's tables up to date while holding an
// advisory lock on a dedicated connection: two workers starting together
// migrate once. (River's migrations cannot share one transaction: one adds
// an enum value that the next uses.)
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, drv *riverpgxv5.Driver, log *slog.Logger) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, riverMigrationLock); err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrationLock)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	return nil
}

// migrateSQLite brings River's tables up to date in one immediate
// transaction (the pool opens them so), which other processes wait for.
func migrateSQLite(ctx context.Context, db *sql.DB, drv *riversqlite.Driver, log *slog.Logger) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		tx.Rollback()
		return fmt.Errorf("migrations de River : %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations de River : %w", err)
	}
	return nil
}

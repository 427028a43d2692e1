package store

import (
	"context"
	"database/sql"
	"fmt"

	"vigie/internal/care"
)

// DataVersion returns the current data version: a counter that every
// audited write (imports, audits, web records, governance, evidence,
// establishments, GHT…) increments inside its own transaction. Two reads
// returning the same version saw the same facts, so a cache keyed by it
// never serves stale data, whichever process wrote.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("version des données : %w", err)
	}
	return v, nil
}

// LoadFactsVersion is LoadFacts that also returns the data version read
// in the same snapshot as the facts: the facts are exactly those of that
// version.
func (s *Store) LoadFactsVersion(ctx context.Context, applicantID string) (care.Facts, int64, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return care.Facts{}, 0, err
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err != nil {
		return care.Facts{}, 0, fmt.Errorf("version des données : %w", err)
	}
	l := loader{ctx: ctx, tx: tx, id: applicantID}
	f, err := l.load()
	if err != nil {
		return care.Facts{}, 0, fmt.Errorf("lecture du dossier %s : %w", applicantID, err)
	}
	SortFacts(&f)
	return f, v, nil
}

// bumpVersion increments the data version inside the caller's write
// transaction (trail calls it, so every audited write does) and returns
// the new version.
func bumpVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`); err != nil {
		return 0, fmt.Errorf("version des données : %w", err)
	}
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("version des données : %w", err)
	}
	return v, nil
}

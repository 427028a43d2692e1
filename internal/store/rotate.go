package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// RotationStats counts what a key rotation re-sealed.
type RotationStats struct {
	Reports, Connections, EvidenceFiles, EvidenceChunks int
}

// sealedTable says where sealed values are and what binds each to its row.
type sealedTable struct {
	what string
	// keys selects the key columns of every sealed row (as text);
	// get selects one row's sealed value and set replaces it, both with
	// the key columns as $1, $2 ($3 for set's value … see below).
	keys, get, set string
	aad            func(k []string) string
	count          *int
}

// RotateKey re-seals, in one transaction, everything sealed with the
// store's key — audit reports, directory connections, evidence files and
// their chunks, the key check — with newKey, then uses newKey. Either
// every row is re-sealed or none: a failure rolls back and the old key
// stays valid. Rows are re-sealed one at a time (memory stays bounded).
// Keeping the new key safe is the caller's job: write it before calling
// and make it the key only once this returns (« vigie key rotate »).
func (s *Store) RotateKey(ctx context.Context, newKey []byte) (RotationStats, error) {
	var st RotationStats
	if s.key == nil {
		return st, ErrNoKey
	}
	if len(newKey) != keySize {
		return st, fmt.Errorf("nouvelle clé : %d octets au lieu de %d", len(newKey), keySize)
	}
	next := &Store{key: newKey}
	check := 0
	tables := []sealedTable{
		{"rapports d'audit", `SELECT kind, id FROM reports`, `SELECT sealed FROM reports WHERE kind = $1 AND id = $2`,
			`UPDATE reports SET sealed = $3 WHERE kind = $1 AND id = $2`, func(k []string) string { return aadOf(k[0], k[1]) }, &st.Reports},
		{"connexions aux annuaires", `SELECT applicant, directory FROM web_ad_credentials`,
			`SELECT sealed FROM web_ad_credentials WHERE applicant = $1 AND directory = $2`,
			`UPDATE web_ad_credentials SET sealed = $3 WHERE applicant = $1 AND directory = $2`,
			func(k []string) string { return aadConnection(k[0], k[1]) }, &st.Connections},
		{"pièces justificatives", `SELECT id, '' FROM evidence_files WHERE chunks = 0`,
			`SELECT sealed FROM evidence_files WHERE id = $1 AND '' = $2`, `UPDATE evidence_files SET sealed = $3 WHERE id = $1 AND '' = $2`,
			func(k []string) string { return aadOfEvidence(k[0]) }, &st.EvidenceFiles},
		{"parties de pièces justificatives", `SELECT c.file, CAST(c.seq AS TEXT), CAST(f.chunks AS TEXT) FROM evidence_chunks c JOIN evidence_files f ON f.id = c.file`,
			`SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = CAST($2 AS INTEGER)`, `UPDATE evidence_chunks SET sealed = $3 WHERE file = $1 AND seq = CAST($2 AS INTEGER)`,
			func(k []string) string {
				seq, _ := strconv.Atoi(k[1])
				n, _ := strconv.Atoi(k[2])
				return aadOfChunk(k[0], seq, n)
			}, &st.EvidenceChunks},
		{"contrôle de clé", `SELECT name, name FROM settings WHERE name = 'key_check'`,
			`SELECT value FROM settings WHERE name = $1 AND name = $2`, `UPDATE settings SET value = $3 WHERE name = $1 AND name = $2`,
			func([]string) string { return "key_check" }, &check},
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, t := range tables {
			keys, err := sealedKeys(ctx, tx, t.keys)
			if err != nil {
				return fmt.Errorf("%s : %w", t.what, err)
			}
			for _, k := range keys {
				var sealed []byte
				if err := tx.QueryRowContext(ctx, t.get, k[0], k[1]).Scan(&sealed); err != nil {
					return fmt.Errorf("%s %v : %w", t.what, k, err)
				}
				plain, err := s.unseal(sealed, t.aad(k))
				if err != nil {
					return fmt.Errorf("%s %v : %w", t.what, k, err)
				}
				again, err := next.seal(plain, t.aad(k))
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, t.set, k[0], k[1], again); err != nil {
					return fmt.Errorf("%s %v : %w", t.what, k, err)
				}
				*t.count++
			}
		}
		return s.trail(ctx, tx, actorOf(ctx), ActionKeyRotation, "base",
			fmt.Sprintf("%d rapports, %d connexions, %d pièces entières, %d parties de pièces rechiffrés", st.Reports, st.Connections, st.EvidenceFiles, st.EvidenceChunks))
	})
	if err != nil {
		return RotationStats{}, fmt.Errorf("rotation de la clé de chiffrement (rien n'a changé) : %w", err)
	}
	s.key = append([]byte(nil), newKey...)
	return st, nil
}

// sealedKeys reads the key columns selected by q, as text.
func sealedKeys(ctx context.Context, tx *sql.Tx, q string) ([][]string, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		k := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range k {
			ptrs[i] = &k[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// backfillProvisional reads back, from their sealed reports, the level's
// caveat of the AD audits stored before migration 0600 (level_provisional
// still NULL): a Vigie report and an ADS result's form data both name it
// level_provisional and level_provisional_points. A report without them,
// or that cannot be read, leaves the level final. Without the key nothing
// is read (the rows stay NULL, read as final, until an Open with the key).
// The data version moves when a level turns out provisional, so that no
// cache keeps the old verdict.
func (s *Store) backfillProvisional(ctx context.Context) error {
	if s.key == nil {
		return nil
	}
	var ids []string
	err := func() error {
		rows, err := s.r.QueryContext(ctx, `SELECT a.id FROM ad_audits a WHERE a.level_provisional IS NULL AND a.id <> ''
			AND EXISTS (SELECT 1 FROM reports r WHERE r.kind = $1 AND r.id = a.id) ORDER BY a.id`, reportAD)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}()
	if err != nil || len(ids) == 0 {
		return wrapBackfill(err)
	}
	return wrapBackfill(s.writeTx(ctx, func(tx *sql.Tx) error {
		changed := false
		for _, id := range ids {
			var sealed []byte
			if err := tx.QueryRowContext(ctx, `SELECT sealed FROM reports WHERE kind = $1 AND id = $2`, reportAD, id).Scan(&sealed); err != nil {
				return err
			}
			var caveat struct {
				Provisional bool     `json:"level_provisional"`
				Points      []string `json:"level_provisional_points"`
			}
			if plain, err := s.unseal(sealed, aadOf(reportAD, id)); err == nil {
				// Not JSON, or another shape: nothing said, the level is final.
				if json.Unmarshal(plain, &caveat) != nil {
					caveat.Provisional, caveat.Points = false, nil
				}
			}
			provisional := caveat.Provisional || len(caveat.Points) > 0
			if _, err := tx.ExecContext(ctx, `UPDATE ad_audits SET level_provisional = $1, provisional_points = $2 WHERE id = $3 AND level_provisional IS NULL`,
				provisional, strings.Join(caveat.Points, " "), id); err != nil {
				return err
			}
			changed = changed || provisional
		}
		if changed {
			_, err := bumpVersion(ctx, tx)
			return err
		}
		return nil
	}))
}

func wrapBackfill(err error) error {
	if err != nil {
		return fmt.Errorf("niveaux provisoires des audits AD enregistrés : %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"vigie/internal/care"
)

// replaceMeasures makes the stored priority-measure checklist of o equal
// to o.Measures (see replaceList for mode) and reports whether it changed.
func replaceMeasures(ctx context.Context, tx execQuerier, o care.OSIS, mode listMode) (bool, error) {
	if mode != listFreshRows {
		rs, err := tx.QueryContext(ctx, `SELECT measure, answer FROM osis_measures WHERE entity = $1 AND year = $2 AND date = $3`,
			string(o.Entity), o.Year, o.Date.String())
		if err != nil {
			return false, err
		}
		old := map[string]string{}
		for rs.Next() {
			var id, a string
			if err := rs.Scan(&id, &a); err != nil {
				rs.Close()
				return false, err
			}
			old[id] = a
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return false, err
		}
		if maps.Equal(old, o.Measures) {
			return false, nil
		}
		if mode == listCompare {
			return true, nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM osis_measures WHERE entity = $1 AND year = $2 AND date = $3`,
			string(o.Entity), o.Year, o.Date.String()); err != nil {
			return false, err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.Measures)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO osis_measures (entity, year, date, measure, answer) VALUES ($1, $2, $3, $4, $5)`,
			string(o.Entity), o.Year, o.Date.String(), id, o.Measures[id]); err != nil {
			return false, fmt.Errorf("mesure %s : %w", id, err)
		}
	}
	return len(o.Measures) > 0 || mode != listFreshRows, nil
}

// osisMeasures attaches the stored checklists to the oSIS records already
// loaded in f.
func (l loader) osisMeasures(f *care.Facts) error {
	idx := map[string]int{}
	for i, o := range f.OSIS {
		idx[fmt.Sprintf("%s@%d@%s", o.Entity, o.Year, o.Date)] = i
	}
	err := l.each(`SELECT entity, year, date, measure, answer FROM osis_measures
		WHERE entity IN (`+ownedEntities+`)`, func(r *sql.Rows) error {
		var e, d, id, a string
		var y int
		if err := r.Scan(&e, &y, &d, &id, &a); err != nil {
			return err
		}
		i, ok := idx[fmt.Sprintf("%s@%d@%s", e, y, d)]
		if !ok {
			return fmt.Errorf("oSIS %s@%d@%s absent", e, y, d)
		}
		o := &f.OSIS[i]
		if o.Measures == nil {
			o.Measures = map[string]string{}
		}
		o.Measures[id] = a
		return nil
	})
	if err != nil {
		return fmt.Errorf("mesures prioritaires oSIS : %w", err)
	}
	return nil
}

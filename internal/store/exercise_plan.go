package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
)

// execQuerier is what the exercise plan helpers need of a transaction
// (*sql.Tx or *wtx).
type execQuerier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// planTables describes the child lists of an exercise: table and columns
// after (entity, date, pos).
var planTables = []struct {
	table string
	cols  []string
}{
	{"exercise_participants", []string{"role", "direction"}},
	{"exercise_actions", []string{"title", "owner", "due", "status"}},
}

// planRows returns x's participants and actions as rows of planTables.
func planRows(x care.Exercise) [2][][]string {
	var out [2][][]string
	for _, p := range x.Participants {
		out[0] = append(out[0], []string{p.Role, p.Direction})
	}
	for _, a := range x.Actions {
		out[1] = append(out[1], []string{a.Title, a.Owner, a.Due.String(), a.Status})
	}
	return out
}

// replacePlan makes the stored participants and action plan of x equal to
// its lists (see replaceList for mode) and reports whether they changed.
func replacePlan(ctx context.Context, tx execQuerier, x care.Exercise, mode listMode) (bool, error) {
	changed := false
	for i, rows := range planRows(x) {
		c, err := replaceRows(ctx, tx, planTables[i].table, planTables[i].cols, string(x.Entity), x.Date.String(), rows, mode)
		if err != nil {
			return false, fmt.Errorf("%s : %w", planTables[i].table, err)
		}
		changed = changed || c
	}
	return changed, nil
}

// replaceRows is replaceList for a child table of exercises with several
// text columns.
func replaceRows(ctx context.Context, tx execQuerier, table string, cols []string, entity, date string, rows [][]string, mode listMode) (bool, error) {
	if mode != listFreshRows {
		old, err := readRows(ctx, tx, table, cols, entity, date)
		if err != nil {
			return false, err
		}
		if slices.EqualFunc(old, rows, slices.Equal) {
			return false, nil
		}
		if mode == listCompare {
			return true, nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE entity = $1 AND date = $2", entity, date); err != nil {
			return false, err
		}
	}
	marks := make([]string, len(cols))
	for i := range cols {
		marks[i] = fmt.Sprintf("$%d", i+4)
	}
	q := fmt.Sprintf("INSERT INTO %s (entity, date, pos, %s) VALUES ($1, $2, $3, %s)", table, strings.Join(cols, ", "), strings.Join(marks, ", "))
	for i, r := range rows {
		args := []any{entity, date, i}
		for _, v := range r {
			args = append(args, v)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return false, fmt.Errorf("ligne %d : %w", i+1, err)
		}
	}
	return len(rows) > 0 || mode != listFreshRows, nil
}

// readRows reads one exercise's rows of a child table, in order.
func readRows(ctx context.Context, tx execQuerier, table string, cols []string, entity, date string) ([][]string, error) {
	rs, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE entity = $1 AND date = $2 ORDER BY pos",
		strings.Join(cols, ", "), table), entity, date)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		r := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// exercisePlans attaches the stored participants and action plans to the
// exercises already loaded in f, in their recorded order.
func (l loader) exercisePlans(f *care.Facts) error {
	idx := map[string]int{}
	for i, x := range f.Exercises {
		idx[string(x.Entity)+"@"+x.Date.String()] = i
	}
	err := l.each(`SELECT entity, date, role, direction FROM exercise_participants
		WHERE entity IN (`+ownedEntities+`) ORDER BY entity, date, pos`, func(r *sql.Rows) error {
		var e, d string
		var p care.Participant
		if err := r.Scan(&e, &d, &p.Role, &p.Direction); err != nil {
			return err
		}
		i, ok := idx[e+"@"+d]
		if !ok {
			return fmt.Errorf("exercice %s@%s absent", e, d)
		}
		f.Exercises[i].Participants = append(f.Exercises[i].Participants, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("participants aux exercices : %w", err)
	}
	err = l.each(`SELECT entity, date, title, owner, due, status FROM exercise_actions
		WHERE entity IN (`+ownedEntities+`) ORDER BY entity, date, pos`, func(r *sql.Rows) error {
		var e, d, due string
		var a care.Action
		if err := r.Scan(&e, &d, &a.Title, &a.Owner, &due, &a.Status); err != nil {
			return err
		}
		if err := dates(due, &a.Due); err != nil {
			return err
		}
		i, ok := idx[e+"@"+d]
		if !ok {
			return fmt.Errorf("exercice %s@%s absent", e, d)
		}
		f.Exercises[i].Actions = append(f.Exercises[i].Actions, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("plans d'action des exercices : %w", err)
	}
	return nil
}

package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// col is a column name and the value to store in it.
type col struct {
	name string
	v    any
}

// upsertRow inserts the row identified by keys, or compares the stored
// values with vals and updates them when they differ. When immutable is
// true a differing row is left alone and reported as kept.
func upsertRow(ctx context.Context, tx *wtx, table string, keys, vals []col, immutable bool) (outcome, error) {
	var where []string
	var args []any
	for i, k := range keys {
		where = append(where, fmt.Sprintf("%s = $%d", k.name, i+1))
		args = append(args, k.v)
	}
	names := make([]string, len(vals))
	for i, v := range vals {
		names[i] = v.name
	}
	old := make([]any, len(vals))
	ptrs := make([]any, len(vals))
	for i := range old {
		ptrs[i] = &old[i]
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(names, ", "), table, strings.Join(where, " AND "))
	err := tx.QueryRowContext(ctx, q, args...).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		all := append(append([]col(nil), keys...), vals...)
		cols := make([]string, len(all))
		marks := make([]string, len(all))
		iargs := make([]any, len(all))
		for i, c := range all {
			cols[i], marks[i], iargs[i] = c.name, fmt.Sprintf("$%d", i+1), c.v
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), strings.Join(marks, ", "))
		if _, err := tx.ExecContext(ctx, q, iargs...); err != nil {
			return 0, err
		}
		return added, nil
	}
	if err != nil {
		return 0, err
	}
	same := true
	for i, v := range vals {
		if norm(old[i]) != norm(v.v) {
			same = false
			break
		}
	}
	switch {
	case same:
		return unchanged, nil
	case immutable:
		return kept, nil
	}
	var sets []string
	for _, v := range vals {
		args = append(args, v.v)
		sets = append(sets, fmt.Sprintf("%s = $%d", v.name, len(args)))
	}
	q = fmt.Sprintf("UPDATE %s SET %s WHERE %s", table, strings.Join(sets, ", "), strings.Join(where, " AND "))
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return 0, err
	}
	return updated, nil
}

// norm maps a Go or driver value to a comparable canonical form: both
// engines then compare equal (SQLite returns booleans as integers).
func norm(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int64, float64, string:
		return x
	case []byte:
		return string(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	}
	return fmt.Sprint(v)
}

// listMode says what replaceList may assume and do.
type listMode int

const (
	listReplace   listMode = iota // compare, then replace when different
	listCompare                   // compare only (immutable parent)
	listFreshRows                 // the parent was just inserted: no list yet
)

// replaceList makes the ordered list (parentCol = parent, pos, itemCol)
// equal to items and reports whether it changed.
func replaceList(ctx context.Context, tx *wtx, table, parentCol, itemCol, parent string, items []string, mode listMode) (bool, error) {
	q := fmt.Sprintf("INSERT INTO %s (%s, pos, %s) VALUES ($1, $2, $3)", table, parentCol, itemCol)
	if mode == listFreshRows {
		for i, it := range items {
			if _, err := tx.ExecContext(ctx, q, parent, i, it); err != nil {
				return false, fmt.Errorf("%s %q : %w", itemCol, it, err)
			}
		}
		return len(items) > 0, nil
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = $1 ORDER BY pos", itemCol, table, parentCol), parent)
	if err != nil {
		return false, err
	}
	var old []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return false, err
		}
		old = append(old, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	if equalStrings(old, items) {
		return false, nil
	}
	if mode == listCompare {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = $1", table, parentCol), parent); err != nil {
		return false, err
	}
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, q, parent, i, it); err != nil {
			return false, fmt.Errorf("%s %q : %w", itemCol, it, err)
		}
	}
	return true, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// newID returns a random identifier with a prefix, e.g. "ad-3f2a…".
func newID(prefix string) string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// nullable helpers turn optional values into SQL NULL.
func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

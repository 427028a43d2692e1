package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"vigie/internal/org"
)

// EntityFilter selects entities; zero fields match everything.
type EntityFilter struct {
	Kind     org.Kind
	Region   string
	Category org.Category
	Parent   org.FINESS // the EG of this EJ
	GHT      string     // the EJ members of this GHT
	Limit    int        // no limit when <= 0
}

const entityColumns = `e.finess, e.kind, e.name, e.parent, e.legal_status, e.category, e.region`

// validateEntity checks what the database cannot: FINESS keys and kinds.
func validateEntity(e org.Entity) error {
	f, err := org.ParseFINESS(string(e.FINESS))
	if err != nil {
		return fmt.Errorf("établissement %q : %w", e.Name, err)
	}
	if f != e.FINESS {
		return fmt.Errorf("établissement %s : numéro FINESS non normalisé (attendu %s)", e.FINESS, f)
	}
	if e.Kind != org.EJ && e.Kind != org.EG {
		return fmt.Errorf("établissement %s : type %q inconnu (EJ ou EG)", e.FINESS, e.Kind)
	}
	if e.Parent != "" {
		if _, err := org.ParseFINESS(string(e.Parent)); err != nil {
			return fmt.Errorf("établissement %s, EJ de rattachement : %w", e.FINESS, err)
		}
	}
	return nil
}

// UpsertEntities adds or updates establishments (e.g. from the FINESS open
// data) in one transaction, keyed by FINESS number.
func (s *Store) UpsertEntities(ctx context.Context, es []org.Entity) (RowStats, error) {
	var st RowStats
	for _, e := range es {
		if err := validateEntity(e); err != nil {
			return RowStats{}, err
		}
	}
	err := s.writeCached(ctx, func(tx *wtx) error {
		for _, e := range es {
			o, err := upsertEntity(ctx, tx, e)
			if err != nil {
				return err
			}
			st.count(o)
		}
		return s.trail(ctx, tx.Tx, actorOf(ctx), ActionEntities, fmt.Sprintf("%d établissements", len(es)),
			fmt.Sprintf("+%d ~%d =%d", st.Added, st.Updated, st.Unchanged))
	})
	if err != nil {
		return RowStats{}, fmt.Errorf("enregistrement des établissements : %w", err)
	}
	return st, nil
}

func upsertEntity(ctx context.Context, tx *wtx, e org.Entity) (outcome, error) {
	old, err := scanEntity(tx.QueryRowContext(ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.finess = $1`, e.FINESS))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO entities (finess, kind, name, parent, legal_status, category, region)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.FINESS, e.Kind, e.Name, e.Parent, e.LegalStatus, e.Category, e.Region)
		if err != nil {
			return 0, fmt.Errorf("établissement %s : %w", e.FINESS, err)
		}
		return added, nil
	case err != nil:
		return 0, fmt.Errorf("établissement %s : %w", e.FINESS, err)
	case old == e:
		return unchanged, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE entities SET kind = $2, name = $3, parent = $4, legal_status = $5, category = $6, region = $7
		WHERE finess = $1`, e.FINESS, e.Kind, e.Name, e.Parent, e.LegalStatus, e.Category, e.Region)
	if err != nil {
		return 0, fmt.Errorf("établissement %s : %w", e.FINESS, err)
	}
	return updated, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanEntity(r rowScanner) (org.Entity, error) {
	var e org.Entity
	var kind, cat string
	err := r.Scan(&e.FINESS, &kind, &e.Name, &e.Parent, &e.LegalStatus, &cat, &e.Region)
	e.Kind, e.Category = org.Kind(kind), org.Category(cat)
	return e, err
}

// Entity returns one establishment.
func (s *Store) Entity(ctx context.Context, f org.FINESS) (org.Entity, error) {
	e, err := scanEntity(s.r.QueryRowContext(ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.finess = $1`, f))
	if errors.Is(err, sql.ErrNoRows) {
		return org.Entity{}, fmt.Errorf("établissement %s : %w", f, ErrNotFound)
	}
	if err != nil {
		return org.Entity{}, fmt.Errorf("lecture de l'établissement %s : %w", f, err)
	}
	return e, nil
}

// Entities returns the establishments matching the filter, by FINESS number.
func (s *Store) Entities(ctx context.Context, f EntityFilter) ([]org.Entity, error) {
	q := `SELECT ` + entityColumns + ` FROM entities e`
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.GHT != "" {
		q += ` JOIN ght_members m ON m.finess = e.finess`
		add("m.ght = $%d", f.GHT)
	}
	if f.Kind != "" {
		add("e.kind = $%d", string(f.Kind))
	}
	if f.Region != "" {
		add("e.region = $%d", f.Region)
	}
	if f.Category != "" {
		add("e.category = $%d", string(f.Category))
	}
	if f.Parent != "" {
		add("e.parent = $%d", string(f.Parent))
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY e.finess"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("lecture des établissements : %w", err)
	}
	defer rows.Close()
	var out []org.Entity
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			return nil, fmt.Errorf("lecture des établissements : %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lecture des établissements : %w", err)
	}
	return out, nil
}

// UpsertGHT adds or updates a GHT and sets its member EJ (which must be
// stored already). Members listed are added; existing members are kept.
func (s *Store) UpsertGHT(ctx context.Context, g org.GHT, members []org.FINESS) error {
	if strings.TrimSpace(g.Code) == "" {
		return errors.New("GHT sans code")
	}
	err := s.writeCached(ctx, func(tx *wtx) error {
		if _, err := upsertGHT(ctx, tx, g); err != nil {
			return err
		}
		for _, f := range members {
			if err := setMembership(ctx, tx, f, g.Code); err != nil {
				return err
			}
		}
		return s.trail(ctx, tx.Tx, actorOf(ctx), ActionGHT, g.Code, fmt.Sprintf("%d membres", len(members)))
	})
	if err != nil {
		return fmt.Errorf("enregistrement du GHT %s : %w", g.Code, err)
	}
	return nil
}

func upsertGHT(ctx context.Context, tx *wtx, g org.GHT) (outcome, error) {
	var old org.GHT
	err := tx.QueryRowContext(ctx, `SELECT code, name, support, region FROM ghts WHERE code = $1`, g.Code).
		Scan(&old.Code, &old.Name, &old.Support, &old.Region)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO ghts (code, name, support, region) VALUES ($1, $2, $3, $4)`,
			g.Code, g.Name, g.Support, g.Region)
		if err != nil {
			return 0, fmt.Errorf("GHT %s : %w", g.Code, err)
		}
		return added, nil
	case err != nil:
		return 0, fmt.Errorf("GHT %s : %w", g.Code, err)
	case old == g:
		return unchanged, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE ghts SET name = $2, support = $3, region = $4 WHERE code = $1`,
		g.Code, g.Name, g.Support, g.Region)
	if err != nil {
		return 0, fmt.Errorf("GHT %s : %w", g.Code, err)
	}
	return updated, nil
}

// setMembership makes the EJ f a member of the GHT (an EJ belongs to one GHT).
func setMembership(ctx context.Context, tx *wtx, f org.FINESS, ght string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ght_members (finess, ght) VALUES ($1, $2)
		ON CONFLICT (finess) DO UPDATE SET ght = excluded.ght`, f, ght)
	if err != nil {
		return fmt.Errorf("appartenance de %s au GHT %s : %w", f, ght, err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ActionControllers is the audit trail action of a directory's declared
// domain controllers.
const ActionControllers = "controleurs_annuaire"

// DomainController is a domain controller an AD audit of a directory may
// connect to: declared by an administrator or the GHT referent.
type DomainController struct {
	Directory  string
	Host       string // DNS name or IP address, lower case
	DeclaredBy string
	DeclaredAt time.Time
}

// SetDomainControllers replaces the declared domain controllers of a
// directory of applicant (hosts already normalised by the caller; an empty
// list withdraws them all), in one transaction with its trail entry. A
// directory of another dossier is refused (ErrOtherApplicant).
func (s *Store) SetDomainControllers(ctx context.Context, applicant, directory string, hosts []string, by string) error {
	hosts = slices.Compact(slices.Sorted(slices.Values(hosts)))
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var owner string
		if err := tx.QueryRowContext(ctx, `SELECT applicant FROM directories WHERE id = $1`, directory).Scan(&owner); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if owner != applicant {
			return ErrOtherApplicant
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM directory_controllers WHERE directory = $1`, directory); err != nil {
			return err
		}
		now := webTime(s.now())
		for _, h := range hosts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO directory_controllers (directory, host, declared_by, declared_at)
				VALUES ($1, $2, $3, $4)`, directory, h, by, now); err != nil {
				return err
			}
		}
		detail := "aucun contrôleur déclaré"
		if len(hosts) > 0 {
			detail = "contrôleurs déclarés : " + strings.Join(hosts, ", ")
		}
		return s.trail(ctx, tx, by, ActionControllers, applicant+"/"+directory, detail)
	})
	if err != nil {
		return fmt.Errorf("contrôleurs de domaine de l'annuaire %s : %w", directory, err)
	}
	return nil
}

// DomainControllers lists the declared domain controllers of a directory, by host.
func (s *Store) DomainControllers(ctx context.Context, directory string) ([]DomainController, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT directory, host, declared_by, declared_at FROM directory_controllers
		WHERE directory = $1 ORDER BY host`, directory)
	if err != nil {
		return nil, fmt.Errorf("contrôleurs de domaine de l'annuaire %s : %w", directory, err)
	}
	defer rows.Close()
	var out []DomainController
	for rows.Next() {
		var c DomainController
		var at string
		if err := rows.Scan(&c.Directory, &c.Host, &c.DeclaredBy, &at); err != nil {
			return nil, fmt.Errorf("contrôleurs de domaine de l'annuaire %s : %w", directory, err)
		}
		c.DeclaredAt, _ = time.Parse(webTimeLayout, at)
		out = append(out, c)
	}
	return out, rows.Err()
}

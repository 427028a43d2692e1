package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vigie/internal/org"
)

// ActionEntity is the audit trail action of an entity recorded or corrected
// from the web application.
const ActionEntity = "entite"

// ErrOtherApplicant is returned when an entity already belongs to another dossier.
var ErrOtherApplicant = errors.New("appartient déjà à un autre dossier")

// RecordEntity adds an entity to a dossier, or corrects one the dossier
// already lists, in one transaction with its audit trail entry. An entity
// of another dossier is refused (ErrOtherApplicant). It reports whether
// the entity was new to the dossier.
func (s *Store) RecordEntity(ctx context.Context, applicant string, e org.Entity, by string) (bool, error) {
	if err := validateEntity(e); err != nil {
		return false, err
	}
	added := false
	err := s.writeCached(ctx, func(tx *wtx) error {
		if err := mustExist(ctx, tx.Tx, "dossier", "applicants", "id", applicant); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT applicant FROM applicant_entities WHERE finess = $1`, string(e.FINESS)).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			added = true
		case err != nil:
			return err
		case owner != applicant:
			return fmt.Errorf("établissement %s : %w", e.FINESS, ErrOtherApplicant)
		}
		if _, err := upsertEntity(ctx, tx, e); err != nil {
			return err
		}
		if added {
			if _, err := tx.ExecContext(ctx, `INSERT INTO applicant_entities (finess, applicant) VALUES ($1, $2)`, string(e.FINESS), applicant); err != nil {
				return fmt.Errorf("établissement %s : %w", e.FINESS, err)
			}
		}
		verb := "correction"
		if added {
			verb = "ajout"
		}
		return s.trail(ctx, tx.Tx, by, ActionEntity, string(e.FINESS),
			fmt.Sprintf("%s au dossier %s : %s %s", verb, applicant, e.Kind, e.Name))
	})
	if err != nil {
		return false, fmt.Errorf("enregistrement de l'établissement %s : %w", e.FINESS, err)
	}
	return added, nil
}

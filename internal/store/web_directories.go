package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"vigie/internal/care"
)

// ActionDirectory is the audit trail action of an Active Directory recorded
// or corrected from the web application.
const ActionDirectory = "annuaire"

// directoryIDRe is the form of a directory identifier: letters, digits and dashes.
var directoryIDRe = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)

// ValidDirectoryID reports whether id is a valid directory identifier.
func ValidDirectoryID(id string) bool { return len(id) <= 100 && directoryIDRe.MatchString(id) }

// RecordDirectory adds an Active Directory to a dossier, or corrects one the
// dossier already has (its name and the list of its entities, which must
// all belong to the dossier), in one transaction with its audit trail
// entry. A directory of another dossier is refused (ErrOtherApplicant). It
// reports whether the directory was new.
func (s *Store) RecordDirectory(ctx context.Context, applicant string, d care.Directory, by string) (bool, error) {
	switch {
	case !ValidDirectoryID(d.ID):
		return false, fmt.Errorf("annuaire %q : identifiant invalide (lettres, chiffres et tirets)", d.ID)
	case strings.TrimSpace(d.Name) == "":
		return false, fmt.Errorf("annuaire %s : nom manquant", d.ID)
	case len(d.Entities) == 0:
		return false, fmt.Errorf("annuaire %s : aucun établissement", d.ID)
	}
	added := false
	err := s.writeCached(ctx, func(tx *wtx) error {
		if err := mustExist(ctx, tx.Tx, "dossier", "applicants", "id", applicant); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT applicant FROM directories WHERE id = $1`, d.ID).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			added = true
		case err != nil:
			return err
		case owner != applicant:
			return fmt.Errorf("annuaire %s : %w", d.ID, ErrOtherApplicant)
		}
		for _, f := range d.Entities {
			var o string
			err := tx.QueryRowContext(ctx, `SELECT applicant FROM applicant_entities WHERE finess = $1`, string(f)).Scan(&o)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("établissement %s : %w", f, ErrNotFound)
			case err != nil:
				return err
			case o != applicant:
				return fmt.Errorf("établissement %s : %w", f, ErrOtherApplicant)
			}
		}
		o, err := upsertRow(ctx, tx, "directories", []col{{"id", d.ID}}, []col{{"applicant", applicant}, {"name", d.Name}}, false)
		if err != nil {
			return err
		}
		if _, err := replaceList(ctx, tx, "directory_entities", "directory", "finess", d.ID, finessStrings(d.Entities), listModeOf(o, false)); err != nil {
			return fmt.Errorf("établissements : %w", err)
		}
		verb := "correction"
		if added {
			verb = "ajout"
		}
		return s.trail(ctx, tx.Tx, by, ActionDirectory, d.ID,
			fmt.Sprintf("%s au dossier %s : %s (%s)", verb, applicant, d.Name, strings.Join(finessStrings(d.Entities), ", ")))
	})
	if err != nil {
		return false, fmt.Errorf("enregistrement de l'annuaire %s : %w", d.ID, err)
	}
	return added, nil
}

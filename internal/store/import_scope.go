package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vigie/internal/care"
	"vigie/internal/org"
)

// ImportPrior is what the store holds, at the start of an import's
// transaction, of the rows the imported file touches.
type ImportPrior struct {
	// Facts is the stored dossier of the file's applicant (nil when new).
	Facts *care.Facts
	// GHT is the stored row of the file's GHT (nil when absent or new).
	GHT *org.GHT
	// Entities are the stored rows of the file's entities, by FINESS
	// (an entity not yet stored is absent).
	Entities map[org.FINESS]org.Entity
}

// ImportCheck inspects an import before anything is written; its error
// aborts the import.
type ImportCheck func(prior ImportPrior) error

// loadPrior reads the ImportPrior of f inside the import's transaction.
func loadPrior(ctx context.Context, tx *wtx, applicant string, f care.Facts) (ImportPrior, error) {
	p := ImportPrior{Entities: map[org.FINESS]org.Entity{}}
	old, err := loader{ctx: ctx, tx: tx.Tx, id: applicant}.load()
	switch {
	case err == nil:
		SortFacts(&old)
		p.Facts = &old
	case !errors.Is(err, ErrNotFound):
		return p, fmt.Errorf("lecture du dossier %s : %w", applicant, err)
	}
	if f.GHT != nil {
		var g org.GHT
		err := tx.QueryRowContext(ctx, `SELECT code, name, support, region FROM ghts WHERE code = $1`, f.GHT.Code).
			Scan(&g.Code, &g.Name, &g.Support, &g.Region)
		switch {
		case err == nil:
			p.GHT = &g
		case !errors.Is(err, sql.ErrNoRows):
			return p, fmt.Errorf("GHT %s : %w", f.GHT.Code, err)
		}
	}
	for _, e := range f.Entities {
		old, err := scanEntity(tx.QueryRowContext(ctx, `SELECT `+entityColumns+` FROM entities e WHERE e.finess = $1`, e.FINESS))
		switch {
		case err == nil:
			p.Entities[e.FINESS] = old
		case !errors.Is(err, sql.ErrNoRows):
			return p, fmt.Errorf("établissement %s : %w", e.FINESS, err)
		}
	}
	return p, nil
}

// mustOwn refuses a record about an entity that is not the applicant's
// (path is the record's JSON path in the dossier file).
func (im importer) mustOwn(path string, f org.FINESS) error {
	if im.owned[f] {
		return nil
	}
	var owner string
	err := im.tx.QueryRowContext(im.ctx, `SELECT applicant FROM applicant_entities WHERE finess = $1`, f).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s : l'établissement %s n'est pas déclaré dans ce dossier", path, f)
	case err != nil:
		return fmt.Errorf("%s : %w", path, err)
	case owner != im.applicant:
		return fmt.Errorf("%s : l'établissement %s appartient à un autre dossier", path, f)
	}
	im.owned[f] = true
	return nil
}

// adAuditInDossier refuses an AD audit whose directory, or whose ID
// already stored, belongs to another dossier: audit IDs are scoped to the
// dossier, and an import never moves another dossier's audit.
func (im importer) adAuditInDossier(i int, a care.ADAudit) error {
	path := fmt.Sprintf("ad_audits[%d]", i)
	var owner string
	err := im.tx.QueryRowContext(im.ctx, `SELECT applicant FROM directories WHERE id = $1`, a.Directory).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s.directory : annuaire %q inconnu", path, a.Directory)
	case err != nil:
		return fmt.Errorf("%s.directory : %w", path, err)
	case owner != im.applicant:
		return fmt.Errorf("%s.directory : l'annuaire %s appartient à un autre dossier", path, a.Directory)
	}
	if a.ID == "" {
		return nil
	}
	err = im.tx.QueryRowContext(im.ctx, `SELECT d.applicant FROM ad_audits x JOIN directories d ON d.id = x.directory
		WHERE x.id = $1`, a.ID).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("%s.id : %w", path, err)
	case owner != im.applicant:
		return fmt.Errorf("%s.id : l'identifiant d'audit %q est déjà celui d'un audit d'un autre dossier : rien n'a été importé", path, a.ID)
	}
	return nil
}

// exposureAuditInDossier refuses an exposure audit about an entity of
// another dossier, or whose ID already stored is another dossier's.
func (im importer) exposureAuditInDossier(i int, a care.ExposureAudit) error {
	path := fmt.Sprintf("exposure_audits[%d]", i)
	for j, e := range a.Entities {
		if err := im.mustOwn(fmt.Sprintf("%s.entities[%d]", path, j), e); err != nil {
			return err
		}
	}
	if a.ID == "" {
		return nil
	}
	rows, err := im.tx.QueryContext(im.ctx, `SELECT COALESCE(ae.applicant, '') FROM exposure_audits x
		JOIN exposure_audit_entities xe ON xe.audit = x.uid
		LEFT JOIN applicant_entities ae ON ae.finess = xe.finess
		WHERE x.id = $1`, a.ID)
	if err != nil {
		return fmt.Errorf("%s.id : %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner string
		if err := rows.Scan(&owner); err != nil {
			return fmt.Errorf("%s.id : %w", path, err)
		}
		if owner != "" && owner != im.applicant {
			return fmt.Errorf("%s.id : l'identifiant d'audit %q est déjà celui d'un audit d'un autre dossier : rien n'a été importé", path, a.ID)
		}
	}
	return rows.Err()
}

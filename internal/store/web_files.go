package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ActionEvidence is the audit trail action of an evidence file upload.
const ActionEvidence = "piece_justificative"

// EvidenceFile describes an evidence file attached to a dossier. Its
// content is stored sealed with the store key and read with EvidenceFileData.
type EvidenceFile struct {
	ID        string
	Applicant string
	// Target names what the file proves: an objective ("objectif:D1.O3")
	// or a record ("exercice:…", "audit-ad:…").
	Target string
	// Entity is the FINESS the file concerns; empty for the whole dossier.
	Entity      string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	UploadedBy  string
	UploadedAt  time.Time
}

// aadOfEvidence binds a sealed evidence file to its ID.
func aadOfEvidence(id string) string { return "vigie-evidence:" + id }

// SaveEvidenceFile stores a new evidence file of an existing applicant,
// sealed with the store key, and records the upload in the audit trail.
// ID, Size, SHA256 and UploadedAt are set here; the new ID is returned.
func (s *Store) SaveEvidenceFile(ctx context.Context, f EvidenceFile, data []byte) (string, error) {
	if f.Applicant == "" || f.Target == "" || f.Name == "" || f.ContentType == "" {
		return "", errors.New("enregistrement de la pièce justificative : dossier, rattachement, nom ou type manquant")
	}
	f.ID = newID("pj")
	f.Size = int64(len(data))
	sum := sha256.Sum256(data)
	f.SHA256 = hex.EncodeToString(sum[:])
	f.UploadedAt = s.now().UTC()
	sealed, err := s.seal(data, aadOfEvidence(f.ID))
	if err != nil {
		return "", fmt.Errorf("enregistrement de la pièce justificative : %w", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", f.Applicant); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_files
			(id, applicant, target, entity, name, content_type, size, sha256, sealed, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			f.ID, f.Applicant, f.Target, f.Entity, f.Name, f.ContentType, f.Size, f.SHA256, sealed, f.UploadedBy,
			f.UploadedAt.Format(trailTimeLayout)); err != nil {
			return err
		}
		return s.trail(ctx, tx, f.UploadedBy, ActionEvidence, f.Applicant,
			fmt.Sprintf("%s (%s, %d octets) pour %s", f.Name, f.ContentType, f.Size, f.Target))
	})
	if err != nil {
		return "", fmt.Errorf("enregistrement de la pièce justificative %s : %w", f.Name, err)
	}
	return f.ID, nil
}

const evidenceCols = `id, applicant, target, entity, name, content_type, size, sha256, uploaded_by, uploaded_at`

func scanEvidence(sc interface{ Scan(...any) error }, extra ...any) (EvidenceFile, error) {
	var f EvidenceFile
	var at string
	dest := append([]any{&f.ID, &f.Applicant, &f.Target, &f.Entity, &f.Name, &f.ContentType, &f.Size, &f.SHA256,
		&f.UploadedBy, &at}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return EvidenceFile{}, err
	}
	t, err := time.Parse(trailTimeLayout, at)
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("date d'envoi %q : %w", at, err)
	}
	f.UploadedAt = t
	return f, nil
}

// EvidenceFiles lists an applicant's evidence files (without content),
// oldest first.
func (s *Store) EvidenceFiles(ctx context.Context, applicant string) ([]EvidenceFile, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+evidenceCols+` FROM evidence_files WHERE applicant = $1
		ORDER BY uploaded_at, id`, applicant)
	if err != nil {
		return nil, fmt.Errorf("pièces justificatives du dossier %s : %w", applicant, err)
	}
	defer rows.Close()
	var out []EvidenceFile
	for rows.Next() {
		f, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("pièces justificatives du dossier %s : %w", applicant, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pièces justificatives du dossier %s : %w", applicant, err)
	}
	return out, nil
}

// EvidenceFileData returns one evidence file of an applicant with its
// decrypted content; ErrNotFound when the applicant has no such file.
func (s *Store) EvidenceFileData(ctx context.Context, applicant, id string) (EvidenceFile, []byte, error) {
	var sealed []byte
	f, err := scanEvidence(s.r.QueryRowContext(ctx, `SELECT `+evidenceCols+`, sealed FROM evidence_files
		WHERE applicant = $1 AND id = $2`, applicant, id), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return EvidenceFile{}, nil, ErrNotFound
	}
	if err != nil {
		return EvidenceFile{}, nil, fmt.Errorf("pièce justificative %s : %w", id, err)
	}
	data, err := s.unseal(sealed, aadOfEvidence(f.ID))
	if err != nil {
		return EvidenceFile{}, nil, fmt.Errorf("pièce justificative %s : %w", id, err)
	}
	return f, data, nil
}

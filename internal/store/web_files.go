package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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
	// OriginalName, when set, is the name the file was sent under, whose
	// extension disagreed with its content: kept in the audit trail only.
	OriginalName string
}

// aadOfEvidence binds a sealed evidence file to its ID.
func aadOfEvidence(id string) string { return "vigie-evidence:" + id }

// SaveEvidenceFile stores a new evidence file of an existing applicant,
// sealed with the store key in chunks, and records the upload in the audit
// trail. ID, Size, SHA256 and UploadedAt are set here; the new ID is
// returned. A dossier over its evidence quota refuses it (*QuotaExceeded).
func (s *Store) SaveEvidenceFile(ctx context.Context, f EvidenceFile, data []byte) (string, error) {
	if f.Target == "" {
		return "", errors.New("enregistrement de la pièce justificative : rattachement manquant")
	}
	if err := prepareEvidence(s, &f, data); err != nil {
		return "", err
	}
	chunks, err := s.sealEvidence(f.ID, data)
	if err != nil {
		return "", fmt.Errorf("enregistrement de la pièce justificative : %w", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error { return s.insertEvidence(ctx, tx, f, chunks) })
	if err != nil {
		return "", fmt.Errorf("enregistrement de la pièce justificative %s : %w", f.Name, err)
	}
	return f.ID, nil
}

// evidenceChunk is the plain-text size of one sealed chunk of evidence.
const evidenceChunk = 256 << 10

// aadOfChunk binds a sealed chunk to its file, its position and the count.
func aadOfChunk(id string, seq, n int) string {
	return fmt.Sprintf("vigie-evidence:%s:%d/%d", id, seq, n)
}

// sealEvidence seals data in chunks (one, possibly empty, at least).
func (s *Store) sealEvidence(id string, data []byte) ([][]byte, error) {
	n := max(1, (len(data)+evidenceChunk-1)/evidenceChunk)
	out := make([][]byte, n)
	for i := range n {
		part := data[i*evidenceChunk : min(len(data), (i+1)*evidenceChunk)]
		var err error
		if out[i], err = s.seal(part, aadOfChunk(id, i, n)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DefaultEvidenceQuota bounds the evidence files of one dossier, in bytes.
const DefaultEvidenceQuota = 2 << 30

// QuotaExceeded refuses an evidence file that would take a dossier over
// its quota; its message is French.
type QuotaExceeded struct {
	Used, Size, Limit int64
}

func (e *QuotaExceeded) Error() string {
	return fmt.Sprintf("le dossier dépasserait son quota de pièces justificatives : %d Mio déjà stockés, %d Mio au plus", e.Used>>20, e.Limit>>20)
}

// insertEvidence adds a sealed evidence file inside the caller's
// transaction, within the dossier's quota.
func (s *Store) insertEvidence(ctx context.Context, tx *sql.Tx, f EvidenceFile, chunks [][]byte) error {
	if err := mustExist(ctx, tx, "dossier", "applicants", "id", f.Applicant); err != nil {
		return err
	}
	if s.evidenceQuota > 0 {
		var used int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM evidence_files WHERE applicant = $1`, f.Applicant).Scan(&used); err != nil {
			return fmt.Errorf("quota des pièces justificatives : %w", err)
		}
		if used+f.Size > s.evidenceQuota {
			return &QuotaExceeded{Used: used, Size: f.Size, Limit: s.evidenceQuota}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_files
		(id, applicant, target, entity, name, content_type, size, sha256, sealed, uploaded_by, uploaded_at, chunks)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		f.ID, f.Applicant, f.Target, f.Entity, f.Name, f.ContentType, f.Size, f.SHA256, []byte{}, f.UploadedBy,
		f.UploadedAt.Format(trailTimeLayout), len(chunks)); err != nil {
		return fmt.Errorf("pièce justificative : %w", err)
	}
	for i, c := range chunks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_chunks (file, seq, sealed) VALUES ($1, $2, $3)`, f.ID, i, c); err != nil {
			return fmt.Errorf("pièce justificative : %w", err)
		}
	}
	detail := fmt.Sprintf("%s (%s, %d octets) pour %s", f.Name, f.ContentType, f.Size, f.Target)
	if f.OriginalName != "" {
		detail += fmt.Sprintf(" ; envoyé sous le nom « %s », dont l'extension ne correspondait pas au contenu", f.OriginalName)
	}
	return s.trail(ctx, tx, f.UploadedBy, ActionEvidence, f.Applicant, detail)
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
	var buf bytes.Buffer
	f, err := s.WriteEvidenceFile(ctx, applicant, id, &buf)
	if err != nil {
		return EvidenceFile{}, nil, err
	}
	return f, buf.Bytes(), nil
}

// EvidenceFileInfo returns one evidence file of an applicant, without its
// content; ErrNotFound when the applicant has no such file.
func (s *Store) EvidenceFileInfo(ctx context.Context, applicant, id string) (EvidenceFile, error) {
	f, err := scanEvidence(s.r.QueryRowContext(ctx, `SELECT `+evidenceCols+` FROM evidence_files
		WHERE applicant = $1 AND id = $2`, applicant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return EvidenceFile{}, ErrNotFound
	}
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("pièce justificative %s : %w", id, err)
	}
	return f, nil
}

// WriteEvidenceFile decrypts one evidence file of an applicant into w,
// one chunk at a time (memory stays bounded whatever its size);
// ErrNotFound when the applicant has no such file. A chunk that fails to
// decrypt stops the copy with ErrWrongKey: w then holds a prefix only.
func (s *Store) WriteEvidenceFile(ctx context.Context, applicant, id string, w io.Writer) (EvidenceFile, error) {
	var n int
	f, err := scanEvidence(s.r.QueryRowContext(ctx, `SELECT `+evidenceCols+`, chunks FROM evidence_files
		WHERE applicant = $1 AND id = $2`, applicant, id), &n)
	if errors.Is(err, sql.ErrNoRows) {
		return EvidenceFile{}, ErrNotFound
	}
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("pièce justificative %s : %w", id, err)
	}
	if n == 0 { // stored before chunks: one sealed blob
		var sealed []byte
		if err := s.r.QueryRowContext(ctx, `SELECT sealed FROM evidence_files WHERE id = $1`, id).Scan(&sealed); err != nil {
			return EvidenceFile{}, fmt.Errorf("pièce justificative %s : %w", id, err)
		}
		plain, err := s.unseal(sealed, aadOfEvidence(f.ID))
		if err != nil {
			return EvidenceFile{}, fmt.Errorf("pièce justificative %s : %w", id, err)
		}
		_, err = w.Write(plain)
		return f, err
	}
	for i := range n {
		var sealed []byte
		if err := s.r.QueryRowContext(ctx, `SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = $2`, id, i).Scan(&sealed); err != nil {
			return EvidenceFile{}, fmt.Errorf("pièce justificative %s, partie %d : %w", id, i, err)
		}
		plain, err := s.unseal(sealed, aadOfChunk(id, i, n))
		if err != nil {
			return EvidenceFile{}, fmt.Errorf("pièce justificative %s : %w", id, err)
		}
		if _, err := w.Write(plain); err != nil {
			return EvidenceFile{}, err
		}
	}
	return f, nil
}

// EvidenceUsage returns the bytes of evidence a dossier stores.
func (s *Store) EvidenceUsage(ctx context.Context, applicant string) (int64, error) {
	var used int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM evidence_files WHERE applicant = $1`, applicant).Scan(&used); err != nil {
		return 0, fmt.Errorf("pièces justificatives du dossier %s : %w", applicant, err)
	}
	return used, nil
}

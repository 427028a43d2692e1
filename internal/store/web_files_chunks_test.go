package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

// testEvidenceChunks: a file larger than a chunk comes back whole, in
// order; a swapped chunk or a dropped last chunk is detected; the legacy
// single-blob form is still read; the dossier's quota is enforced.
func testEvidenceChunks(t *testing.T, s *Store, app string) {
	t.Helper()
	ctx := context.Background()
	data := make([]byte, 3*evidenceChunk+1234)
	for i := range data {
		data[i] = byte(i*7 + i/evidenceChunk)
	}
	id, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: app, Target: "objectif:D1.O3", Name: "gros.pdf", ContentType: "application/pdf", UploadedBy: "t"}, data)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM evidence_chunks WHERE file = $1`, id).Scan(&n); err != nil || n != 4 {
		t.Fatalf("chunks: %d %v, want 4", n, err)
	}
	var buf bytes.Buffer
	f, err := s.WriteEvidenceFile(ctx, app, id, &buf)
	sum := sha256.Sum256(buf.Bytes())
	if err != nil || !bytes.Equal(buf.Bytes(), data) || f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("streamed file: %d bytes, %v", buf.Len(), err)
	}
	// Swap two chunks: each is bound to its position.
	var c0, c1 []byte
	s.r.QueryRow(`SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = 0`, id).Scan(&c0)
	s.r.QueryRow(`SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = 1`, id).Scan(&c1)
	s.w.Exec(`UPDATE evidence_chunks SET sealed = $1 WHERE file = $2 AND seq = 0`, c1, id)
	if _, err := s.WriteEvidenceFile(ctx, app, id, &bytes.Buffer{}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("swapped chunks: %v, want ErrWrongKey", err)
	}
	s.w.Exec(`UPDATE evidence_chunks SET sealed = $1 WHERE file = $2 AND seq = 0`, c0, id)
	// A truncated file (count lowered) fails too: the count is in each chunk.
	s.w.Exec(`UPDATE evidence_files SET chunks = 3 WHERE id = $1`, id)
	if _, err := s.WriteEvidenceFile(ctx, app, id, &bytes.Buffer{}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("truncated file: %v, want ErrWrongKey", err)
	}
	s.w.Exec(`UPDATE evidence_files SET chunks = 4 WHERE id = $1`, id)

	// A file stored before chunks existed: one sealed blob.
	legacy := []byte("ancien format")
	sealed, err := s.seal(legacy, aadOfEvidence("pj-ancien"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO evidence_files (id, applicant, target, entity, name, content_type, size, sha256, sealed, uploaded_by, uploaded_at)
		VALUES ('pj-ancien', $1, 'objectif:D1.O3', '', 'ancien.txt', 'text/plain; charset=utf-8', $2, 'x', $3, 't', '2025-01-01T00:00:00.000000000Z')`,
		app, len(legacy), sealed); err != nil {
		t.Fatal(err)
	}
	if _, back, err := s.EvidenceFileData(ctx, app, "pj-ancien"); err != nil || !bytes.Equal(back, legacy) {
		t.Errorf("legacy file: %q %v", back, err)
	}

	// Quota: the next file would go over.
	used, err := s.EvidenceUsage(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	s.evidenceQuota = used + 10
	_, err = s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: app, Target: "objectif:D1.O3", Name: "x.txt", ContentType: "text/plain"}, make([]byte, 11))
	var qe *QuotaExceeded
	if !errors.As(err, &qe) || qe.Limit != used+10 {
		t.Errorf("over quota: %v", err)
	}
	if _, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: app, Target: "objectif:D1.O3", Name: "x.txt", ContentType: "text/plain"}, make([]byte, 10)); err != nil {
		t.Errorf("within quota: %v", err)
	}
	s.evidenceQuota = DefaultEvidenceQuota
}

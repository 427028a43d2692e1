package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// TestEvidenceFiles runs the evidence file tests on every engine: sealed
// at rest, listed per applicant, read back only through its own applicant.
func TestEvidenceFiles(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.config(t)
			cfg.Key = testKey(9)
			s := open(t, cfg)
			f := ghtFacts(t)
			mustImport(t, s, f, "test")
			as, err := s.Applicants(ctx)
			if err != nil || len(as) != 1 {
				t.Fatalf("Applicants: %v, %v", as, err)
			}
			app := as[0].ID
			data := []byte("%PDF-1.4 compte rendu du comité stratégique : convergence AD validée")
			id, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: app, Target: "objectif:D1.O6.B", Name: "cr-comite.pdf",
				ContentType: "application/pdf", UploadedBy: "rssi"}, data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: "inconnu", Target: "objectif:D1.O3", Name: "x.txt",
				ContentType: "text/plain"}, []byte("x")); err == nil {
				t.Error("file of an unknown applicant accepted")
			}
			var n int
			if err := s.r.QueryRow(`SELECT COUNT(*) FROM evidence_files`).Scan(&n); err != nil || n != 1 {
				t.Errorf("rows after a refused upload: %d, %v (want 1)", n, err)
			}
			var raw []byte
			if err := s.r.QueryRow(`SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = 0`, id).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte("convergence")) || len(raw) <= len(data) {
				t.Error("evidence stored in clear")
			}
			list, err := s.EvidenceFiles(ctx, app)
			if err != nil || len(list) != 1 {
				t.Fatalf("EvidenceFiles: %+v, %v", list, err)
			}
			got := list[0]
			if got.ID != id || got.Name != "cr-comite.pdf" || got.Size != int64(len(data)) || got.Target != "objectif:D1.O6.B" ||
				got.UploadedBy != "rssi" || len(got.SHA256) != 64 || got.UploadedAt.IsZero() {
				t.Errorf("listed file: %+v", got)
			}
			meta, back, err := s.EvidenceFileData(ctx, app, id)
			if err != nil || !bytes.Equal(back, data) || meta.ContentType != "application/pdf" {
				t.Errorf("EvidenceFileData: %+v, %q, %v", meta, back, err)
			}
			if _, _, err := s.EvidenceFileData(ctx, "autre", id); !errors.Is(err, ErrNotFound) {
				t.Errorf("file read through another applicant: %v, want ErrNotFound", err)
			}
			trail, err := s.AuditTrail(ctx, 5)
			if err != nil || len(trail) == 0 || trail[0].Action != ActionEvidence {
				t.Errorf("audit trail: %+v, %v", trail, err)
			}
			testEvidenceChunks(t, s, app)
			// Another key cannot read the file.
			s.key = testKey(8)
			if _, _, err := s.EvidenceFileData(ctx, app, id); err == nil {
				t.Error("file read with the wrong key")
			}
		})
	}
}

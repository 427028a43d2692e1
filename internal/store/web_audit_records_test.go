package store

import (
	"context"
	"errors"
	"testing"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestRecordAuditsAtomic checks, on every engine, that the web record
// functions store everything or nothing.
func TestRecordAuditsAtomic(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := WithActor(context.Background(), "rssi")
			cfg := e.config(t)
			cfg.Key = testKey(4)
			s := open(t, cfg)
			f := ghtFacts(t)
			mustImport(t, s, f, "test")
			as, err := s.Applicants(ctx)
			if err != nil || len(as) != 1 {
				t.Fatal(as, err)
			}
			app := as[0].ID
			count := func() (int, int, int) {
				g, err := s.LoadFacts(ctx, app)
				if err != nil {
					t.Fatal(err)
				}
				var n int
				if err := s.r.QueryRow(`SELECT COUNT(*) FROM evidence_files`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return len(g.ADAudits), len(g.ExposureAudits), n
			}
			ad0, ex0, ev0 := count()
			ej := f.Entities[0].FINESS
			good := care.ExposureAudit{Entities: []org.FINESS{ej}, Date: d("2025-01-02"), Source: care.SourceSILENE, Counts: &care.Counts{}}
			bad := good
			bad.Entities = []org.FINESS{"010000016"} // not stored
			if _, err := s.RecordExposureAudits(ctx, []care.ExposureAudit{good, bad}, []byte("{}")); !errors.Is(err, ErrNotFound) {
				t.Errorf("audit of an unknown entity: %v", err)
			}
			ev := &EvidenceFile{Applicant: app, Name: "ads.pdf", ContentType: "application/pdf", UploadedBy: "rssi"}
			a := care.ADAudit{Directory: "inconnu", Date: d("2025-01-02"), Level: 3, Source: care.SourceADS}
			if _, err := s.RecordADAudit(ctx, a, []byte("{}"), ev, []byte("%PDF-1.4")); !errors.Is(err, ErrNotFound) {
				t.Errorf("audit of an unknown directory: %v", err)
			}
			if ad, ex, n := count(); ad != ad0 || ex != ex0 || n != ev0 {
				t.Fatalf("refused records half-stored: AD %d→%d, exposure %d→%d, files %d→%d", ad0, ad, ex0, ex, ev0, n)
			}
			a.Directory = f.Directories[0].ID
			a.FailedChecks = []string{"vuln3_x"}
			if _, err := s.RecordADAudit(ctx, a, []byte("{}"), ev, []byte("%PDF-1.4")); err != nil {
				t.Fatal(err)
			}
			if ids, err := s.RecordExposureAudits(ctx, []care.ExposureAudit{good, good}, []byte("{}")); err != nil || len(ids) != 2 {
				t.Fatal(ids, err)
			}
			if ad, ex, n := count(); ad != ad0+1 || ex != ex0+2 || n != ev0+1 {
				t.Errorf("after the records: AD %d, exposure %d, files %d", ad, ex, n)
			}
		})
	}
}

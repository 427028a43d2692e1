package store

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestDataVersion checks, on every engine, that each write path that can
// change a dossier's facts increments the data version in its own
// transaction, that a refused write does not, and that LoadFactsVersion
// returns facts and version from one snapshot.
func TestDataVersion(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := WithActor(context.Background(), "test")
			cfg := e.config(t)
			cfg.Key = testKey(7)
			s := open(t, cfg)
			f := ghtFacts(t)
			id := f.GHT.Code
			ej1, ej2 := f.Entities[1].FINESS, f.Entities[0].FINESS
			last := version(t, s)
			step := func(name string, write func() error) {
				t.Helper()
				if err := write(); err != nil {
					t.Fatalf("%s : %v", name, err)
				}
				v := version(t, s)
				if v <= last {
					t.Errorf("%s : version %d after %d, want it incremented", name, v, last)
				}
				last = v
				if _, lv, err := s.LoadFactsVersion(ctx, id); err != nil || lv != v {
					t.Errorf("%s : LoadFactsVersion version %d, %v ; want %d", name, lv, err, v)
				}
			}
			step("ImportFacts", func() error { _, err := s.ImportFacts(ctx, f, "test"); return err })
			step("RecordExercise", func() error {
				return s.RecordExercise(ctx, care.Exercise{Entity: ej1, Date: d("2025-01-10"), Kit: "socle"}, "test")
			})
			step("RecordBudget", func() error {
				return s.RecordBudget(ctx, care.Budget{Entity: ej1, Year: 2025, DigitalSharePct: ptr(3.0)}, "test")
			})
			step("RecordOSIS", func() error {
				return s.RecordOSIS(ctx, care.OSIS{Entity: ej1, Year: 2025, PriorityMeasuresAnswered: 20}, "test")
			})
			step("RecordGovernance", func() error {
				return s.RecordGovernance(ctx, id, care.Governance{Referent: "M. Martin"}, "test")
			})
			step("SaveADAudit", func() error {
				_, err := s.SaveADAudit(ctx, care.ADAudit{Directory: "ARA-99-ad1", Date: d("2025-02-01"), Level: 4, Source: care.SourceADS}, []byte("{}"))
				return err
			})
			step("SaveExposureAudit", func() error {
				_, err := s.SaveExposureAudit(ctx, care.ExposureAudit{Entities: []org.FINESS{ej2}, Date: d("2025-02-02"),
					Counts: &care.Counts{}, Source: care.SourceSILENE}, []byte("{}"))
				return err
			})
			step("SaveEvidenceFile", func() error {
				_, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: id, Target: "objectif:D1.O6.B", Name: "cr.txt",
					ContentType: "text/plain", UploadedBy: "test"}, []byte("compte rendu"))
				return err
			})
			step("UpsertEntities", func() error {
				e := f.Entities[0]
				e.Name = "CH de Corse-Test renommé"
				_, err := s.UpsertEntities(ctx, []org.Entity{e})
				return err
			})
			step("UpsertGHT", func() error { return s.UpsertGHT(ctx, *f.GHT, []org.FINESS{ej1}) })

			// A refused write (duplicate exercise) rolls the version back with it.
			if err := s.RecordExercise(ctx, care.Exercise{Entity: ej1, Date: d("2025-01-10")}, "test"); err == nil {
				t.Error("duplicate exercise accepted")
			}
			if v := version(t, s); v != last {
				t.Errorf("refused write: version %d, want %d", v, last)
			}
			if _, err := s.LoadFacts(ctx, id); err != nil || version(t, s) != last {
				t.Errorf("a read changed the version (%v)", err)
			}
		})
	}
}

// TestDataVersionConcurrent checks, on every engine, that concurrent
// readers never see two different sets of facts under one version while
// writers record (run with -race).
func TestDataVersionConcurrent(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			f := ghtFacts(t)
			mustImport(t, s, f, "test")
			ej1 := f.Entities[1].FINESS
			var mu sync.Mutex
			seen := map[int64]care.Facts{}
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for w := range 2 {
				wg.Go(func() {
					for i := range 10 {
						o := care.OSIS{Entity: ej1, Year: 2000 + 10*w + i, PriorityMeasuresAnswered: i}
						if err := s.RecordOSIS(ctx, o, "test"); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			for range 4 {
				wg.Go(func() {
					for range 15 {
						got, v, err := s.LoadFactsVersion(ctx, f.GHT.Code)
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						if prev, ok := seen[v]; ok && !reflect.DeepEqual(prev, got) {
							errs <- fmt.Errorf("version %d : two different sets of facts", v)
						}
						seen[v] = got
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			got, v, err := s.LoadFactsVersion(ctx, f.GHT.Code)
			if err != nil || len(got.OSIS) != len(f.OSIS)+20 || v != version(t, s) {
				t.Errorf("after the writers: %d oSIS at version %d, %v", len(got.OSIS), v, err)
			}
		})
	}
}

// version reads the current data version.
func version(t testing.TB, s *Store) int64 {
	t.Helper()
	v, err := s.DataVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

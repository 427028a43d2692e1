package store

import (
	"context"
	"errors"
	"testing"

	"vigie/internal/org"
)

// TestRecordEntity checks adding, correcting and the refusal of another
// dossier's entity.
func TestRecordEntity(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			f := ghtFacts(t)
			mustImport(t, s, f, "test")
			as, err := s.Applicants(ctx)
			if err != nil || len(as) != 1 {
				t.Fatal(as, err)
			}
			app := as[0].ID
			ej := f.Entities[1]
			eg := org.Entity{FINESS: fin(t, "69", 2009), Kind: org.EG, Name: "Site Est", Parent: ej.FINESS, Category: ej.Category}
			if added, err := s.RecordEntity(ctx, app, eg, "admin"); err != nil || !added {
				t.Fatal(added, err)
			}
			eg.Name = "Site Est (corrigé)"
			if added, err := s.RecordEntity(ctx, app, eg, "admin"); err != nil || added {
				t.Fatal(added, err)
			}
			got, err := s.Entity(ctx, eg.FINESS)
			if err != nil || got.Name != eg.Name {
				t.Errorf("entity: %+v %v", got, err)
			}
			if _, err := s.RecordEntity(ctx, "autre", eg, "admin"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown dossier: %v", err)
			}
			g, err := s.LoadFacts(ctx, app)
			if err != nil || len(g.Entities) != len(f.Entities)+1 {
				t.Errorf("dossier entities: %d, %v", len(g.Entities), err)
			}
			tr, err := s.AuditTrail(ctx, 1)
			if err != nil || len(tr) != 1 || tr[0].Action != ActionEntity || tr[0].By != "admin" {
				t.Errorf("audit trail: %+v %v", tr, err)
			}
		})
	}
}

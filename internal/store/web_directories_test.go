package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestRecordDirectory checks, on every engine, adding and correcting a
// directory, and the refusal of another dossier's directory or entity.
func TestRecordDirectory(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			f, other := ghtFacts(t), ejFacts(t)
			mustImport(t, s, f, "test")
			mustImport(t, s, other, "test")
			as, err := s.Applicants(ctx)
			if err != nil || len(as) != 2 {
				t.Fatal(as, err)
			}
			app := ""
			for _, a := range as {
				g, err := s.LoadFacts(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(g.Directories) == len(f.Directories) && g.Directories[0].ID != "CLIN-ad" {
					app = a.ID
				}
			}
			if app == "" {
				t.Fatal("GHT dossier not found")
			}
			dirs := func() map[string]care.Directory {
				g, err := s.LoadFacts(ctx, app)
				if err != nil {
					t.Fatal(err)
				}
				m := map[string]care.Directory{}
				for _, d := range g.Directories {
					m[d.ID] = d
				}
				return m
			}
			n0 := len(dirs())
			ej1, ej2 := f.Entities[0].FINESS, f.Entities[1].FINESS
			d := care.Directory{ID: "ad-nouveau", Name: "nouveau.local", Entities: []org.FINESS{ej1}}
			if added, err := s.RecordDirectory(ctx, app, d, "admin"); err != nil || !added {
				t.Fatal(added, err)
			}
			d.Name, d.Entities = "nouveau.lan", []org.FINESS{ej2, ej1}
			if added, err := s.RecordDirectory(ctx, app, d, "admin"); err != nil || added {
				t.Fatal(added, err)
			}
			if got := dirs()["ad-nouveau"]; got.Name != "nouveau.lan" || !slices.Equal(got.Entities, d.Entities) {
				t.Errorf("corrected directory: %+v", got)
			}
			refused := []struct {
				name string
				d    care.Directory
				app  string
				want error
			}{
				{"other dossier's directory", care.Directory{ID: "CLIN-ad", Name: "x", Entities: []org.FINESS{ej1}}, app, ErrOtherApplicant},
				{"other dossier's entity", care.Directory{ID: "ad-x", Name: "x", Entities: []org.FINESS{other.Entities[0].FINESS}}, app, ErrOtherApplicant},
				{"unknown entity", care.Directory{ID: "ad-x", Name: "x", Entities: []org.FINESS{ej1, "010000016"}}, app, ErrNotFound},
				{"unknown dossier", care.Directory{ID: "ad-x", Name: "x", Entities: []org.FINESS{ej1}}, "autre", ErrNotFound},
				{"bad identifier", care.Directory{ID: "ad x", Name: "x", Entities: []org.FINESS{ej1}}, app, nil},
				{"no name", care.Directory{ID: "ad-x", Entities: []org.FINESS{ej1}}, app, nil},
				{"no entity", care.Directory{ID: "ad-x", Name: "x"}, app, nil},
			}
			for _, c := range refused {
				_, err := s.RecordDirectory(ctx, c.app, c.d, "admin")
				if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
					t.Errorf("%s: %v, want %v", c.name, err, c.want)
				}
			}
			if got := dirs(); len(got) != n0+1 {
				t.Errorf("directories after refusals: %d, want %d", len(got), n0+1)
			}
			tr, err := s.AuditTrail(ctx, 1)
			if err != nil || len(tr) != 1 || tr[0].Action != ActionDirectory || tr[0].By != "admin" {
				t.Errorf("audit trail: %+v %v", tr, err)
			}
		})
	}
}

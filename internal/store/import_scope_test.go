package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestImportScope checks, on every engine, that an import never reaches
// outside the importer's dossier: audit IDs and entities of another
// dossier are refused with the JSON path named, and nothing changes.
func TestImportScope(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { testImportScope(t, e.config) })
	}
}

func testImportScope(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	gf, ef := ghtFacts(t), ejFacts(t)
	ef.ADAudits[0].ID = "ads-clinique-1"
	ef.ExposureAudits = []care.ExposureAudit{{ID: "silene-clinique-1", Entities: []org.FINESS{ef.Entities[0].FINESS},
		Date: d("2025-01-20"), CompletePerimeter: true, Counts: &care.Counts{Critical: 2}, Source: care.SourceSILENE}}
	mustImport(t, s, gf, "test")
	mustImport(t, s, ef, "test")
	before, err := s.LoadFacts(ctx, ef.Entities[0].FINESS.String())
	if err != nil {
		t.Fatal(err)
	}
	counts := tableCounts(t, s)

	cases := []struct {
		name, path string
		edit       func(f *care.Facts)
	}{
		{"AD audit ID of another dossier", "ad_audits[3].id", func(f *care.Facts) {
			f.ADAudits = append(f.ADAudits, care.ADAudit{ID: "ads-clinique-1", Directory: "ARA-99-ad1", Date: d("2025-01-15"), Level: 4, Source: care.SourceADS})
		}},
		{"exposure audit ID of another dossier", "exposure_audits[3].id", func(f *care.Facts) {
			f.ExposureAudits = append(f.ExposureAudits, care.ExposureAudit{ID: "silene-clinique-1", Entities: []org.FINESS{f.Entities[1].FINESS},
				Date: d("2025-01-20"), CompletePerimeter: true, Counts: &care.Counts{}, Source: care.SourceSILENE})
		}},
		{"exposure audit of another dossier's entity", "exposure_audits[3].entities[0]", func(f *care.Facts) {
			f.ExposureAudits = append(f.ExposureAudits, care.ExposureAudit{Entities: []org.FINESS{ef.Entities[1].FINESS},
				Date: d("2025-03-01"), CompletePerimeter: true, Counts: &care.Counts{}, Source: care.SourceSILENE})
		}},
		{"AD audit on another dossier's directory", "ad_audits[3].directory", func(f *care.Facts) {
			f.ADAudits = append(f.ADAudits, care.ADAudit{Directory: "CLIN-ad", Date: d("2025-03-01"), Level: 5, Source: care.SourceADS})
		}},
		{"exercise of another dossier's entity", "exercises[2].entity", func(f *care.Facts) {
			f.Exercises = append(f.Exercises, care.Exercise{Entity: ef.Entities[1].FINESS, Date: d("2025-03-01")})
		}},
		{"directory listing another dossier's entity", "directories[1].entities[2]", func(f *care.Facts) {
			f.Directories[1].Entities = append(f.Directories[1].Entities, ef.Entities[0].FINESS)
		}},
		{"entity of another dossier", "entities[5].finess", func(f *care.Facts) {
			f.Entities = append(f.Entities, ef.Entities[2])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := clone(t, gf)
			tc.edit(&f)
			_, err := s.ImportFacts(ctx, f, "referent-ara")
			if err == nil || !strings.Contains(err.Error(), tc.path+" : ") || !strings.Contains(err.Error(), "rien n'a été enregistré") {
				t.Fatalf("import accepted or error without the path %s: %v", tc.path, err)
			}
			after, err := s.LoadFacts(ctx, ef.Entities[0].FINESS.String())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, after) {
				t.Errorf("the other dossier changed:\nbefore %+v\nafter  %+v", before, after)
			}
			if got := tableCounts(t, s); !reflect.DeepEqual(got, counts) {
				t.Errorf("row counts changed: %v → %v", counts, got)
			}
		})
	}

	// Re-importing a dossier with its own audit IDs stays accepted.
	if _, err := s.ImportFacts(ctx, ef, "test"); err != nil {
		t.Fatalf("re-import of the owner: %v", err)
	}

	// The check sees the stored rows before anything is written.
	var seen ImportPrior
	boom := errors.New("refusé par le contrôle")
	f := clone(t, gf)
	f.GHT.Name = "Nouveau nom"
	_, err = s.ImportFactsChecked(ctx, f, "test", func(p ImportPrior) error { seen = p; return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("check error not returned: %v", err)
	}
	if seen.Facts == nil || seen.GHT == nil || seen.GHT.Name != gf.GHT.Name || len(seen.Entities) != len(gf.Entities) {
		t.Errorf("prior: facts %v, GHT %+v, %d entities", seen.Facts != nil, seen.GHT, len(seen.Entities))
	}
	if g, _ := s.LoadFacts(ctx, "ARA-99"); g.GHT.Name != gf.GHT.Name {
		t.Errorf("refused import wrote the GHT name %q", g.GHT.Name)
	}
}

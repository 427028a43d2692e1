package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"vigie/internal/care"
)

// TestADProvisional checks, on every engine, that an AD audit's level
// keeps its caveat when saved and loaded, and that the audits stored
// before migration 0600 get it back from their sealed reports.
func TestADProvisional(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := WithActor(context.Background(), "test")
			cfg := e.config(t)
			cfg.Key = testKey(9)
			s := open(t, cfg)
			f := ghtFacts(t)
			mustImport(t, s, f, "test")

			// A Vigie report at a provisional level 3, an ADS result's form
			// data (no caveat), a Vigie report at a final level.
			prov := care.ADAudit{ID: "vigie-prov", Directory: "ARA-99-ad1", Date: d("2025-03-12"), Level: 3, Source: care.SourceVigie,
				Provisional: true, ProvisionalPoints: []string{"vuln_a", "vuln_b", "vuln_c", "vuln_d"}}
			report := []byte(`{"forest": "ght.local", "level": 3, "level_provisional": true,
				"level_provisional_points": ["vuln_a", "vuln_b", "vuln_c", "vuln_d"], "level_label": "niveau 3 (provisoire : 4 points non évalués)"}`)
			if _, err := s.SaveADAudit(ctx, prov, report); err != nil {
				t.Fatal(err)
			}
			ads := care.ADAudit{Directory: "ARA-99-ad1", Date: d("2025-03-20"), Level: 2, Source: care.SourceADS}
			form, _ := json.Marshal(ads)
			adsID, err := s.RecordADAudit(ctx, ads, form, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			final := care.ADAudit{ID: "vigie-final", Directory: "ARA-99-ad2", Date: d("2025-03-13"), Level: 4, Source: care.SourceVigie}
			if _, err := s.SaveADAudit(ctx, final, []byte(`{"level": 4, "level_provisional": false, "level_provisional_points": []}`)); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{ // audit → its level as people read it
				"vigie-prov":  "niveau 3 (provisoire : 4 points non évalués)",
				adsID:         "niveau 2",
				"vigie-final": "niveau 4",
				// from the dossier: the caveat imported with the level
				"ARA-99-ad2@2024-05-01": "niveau 1 (provisoire : 2 points non évalués)",
				"ads-2024-123":          "niveau 3",
			}
			check := func(when string) {
				t.Helper()
				got, err := s.LoadFacts(ctx, f.GHT.Code)
				if err != nil {
					t.Fatal(err)
				}
				seen := 0
				for _, a := range got.ADAudits {
					key := a.ID
					if key == "" {
						key = a.Directory + "@" + a.Date.String()
					}
					if w, ok := want[key]; ok {
						seen++
						if a.LevelText() != w {
							t.Errorf("%s: %s is %q, want %q", when, key, a.LevelText(), w)
						}
					}
				}
				if seen != len(want) {
					t.Errorf("%s: %d of the %d audits found in %+v", when, seen, len(want), got.ADAudits)
				}
			}
			check("saved")
			if st := mustImport(t, s, f, "test"); st.Sum().Added+st.Sum().Updated != 0 {
				t.Errorf("re-import changed rows: %s", st)
			}

			// The database as it was before migration 0600; then Open.
			for _, q := range []string{`ALTER TABLE ad_audits DROP COLUMN level_provisional`, `ALTER TABLE ad_audits DROP COLUMN provisional_points`,
				`DELETE FROM schema_version WHERE version = 600`} {
				if _, err := s.w.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// The dossier's caveat was not kept before 0600: that audit is final.
			want["ARA-99-ad2@2024-05-01"] = "niveau 1"
			s.Close()
			v0 := version(t, open(t, Config{DSN: cfg.DSN, DataDir: cfg.DataDir})) // no key: nothing read back
			s = open(t, Config{DSN: cfg.DSN, DataDir: cfg.DataDir})
			var nulls int
			if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ad_audits WHERE level_provisional IS NULL`).Scan(&nulls); err != nil || nulls != 3 {
				t.Errorf("without the key, %d rows wait for their report (want the 3 with a sealed report), %v", nulls, err)
			}
			s = open(t, cfg)
			check("after migration 0600")
			if v := version(t, s); v <= v0 {
				t.Errorf("data version %d after the report was read back, was %d", v, v0)
			}
			if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM ad_audits WHERE level_provisional IS NULL`).Scan(&nulls); err != nil || nulls != 0 {
				t.Errorf("%d rows still unread, %v", nulls, err)
			}
			// Open again: nothing left to read, the version stays.
			v1 := version(t, s)
			if v := version(t, open(t, cfg)); v != v1 {
				t.Errorf("second Open moved the data version %d → %d", v1, v)
			}
			if !strings.Contains(trailDetails(t, s, "vigie-prov"), "niveau 3 (provisoire : 4 points non évalués)") {
				t.Errorf("the audit trail lost the caveat: %q", trailDetails(t, s, "vigie-prov"))
			}
		})
	}
}

// trailDetails joins the audit trail details of an object.
func trailDetails(t *testing.T, s *Store, object string) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), `SELECT detail FROM audit_trail WHERE object = $1`, object)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return strings.Join(out, " | ")
}

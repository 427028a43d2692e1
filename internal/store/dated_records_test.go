package store

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"vigie/internal/care"
	"vigie/internal/demo"
	"vigie/internal/dossier"
)

// TestDatedRecords runs, on every engine, the checks of repeated dated
// records and of the evaluation read back from the store.
func TestDatedRecords(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Run("evaluation_equals_file", func(t *testing.T) { testEvaluationEqualsFile(t, e.config) })
			t.Run("migration_keeps_old_rows", func(t *testing.T) { testDatedMigration(t, e.config) })
		})
	}
}

// demoWithRepeats is the demo GHT plus repeated dated records on both sides
// of the deadline, in an order that is not the dates' order.
func demoWithRepeats(t testing.TB) *care.Facts {
	t.Helper()
	f, err := dossier.Parse(demo.GHTDossier())
	if err != nil {
		t.Fatal(err)
	}
	ej := f.Entities[0].FINESS
	f.Prerequisites = append(f.Prerequisites,
		care.Prerequisite{Entity: ej, ID: "PS2.2", Met: false, Date: d("2025-07-15")},
		care.Prerequisite{Entity: ej, ID: "PS2.1", Met: false, Date: d("2024-01-10")})
	f.OSIS = append(f.OSIS,
		care.OSIS{Entity: ej, Year: 2025, Date: d("2025-08-01"), BudgetShare: false, PriorityMeasuresAnswered: 3},
		care.OSIS{Entity: ej, Year: 2025, Date: d("2025-02-01"), BudgetShare: true, PriorityMeasuresAnswered: 1,
			Measures: map[string]string{"MP01": care.MeasureYes}})
	f.Budget = append(f.Budget,
		care.Budget{Entity: ej, Year: 2025, Date: d("2025-07-20"), DigitalSharePct: ptr(3.1), SSIFTE: ptr(2.0)},
		care.Budget{Entity: ej, Year: 2025, Date: d("2025-05-02"), DigitalSharePct: ptr(2.9)})
	g := *f.Governance
	g.Date = d("2025-07-10")
	g.SingleADTeam = ptr(false)
	f.GovernanceHistory = []care.Governance{*f.Governance}
	f.GovernanceHistory[0].Date = d("2025-01-05")
	f.Governance = &g
	f.Dossier.Steps = append(f.Dossier.Steps, care.Step{Step: care.StepDeclared, Date: d("2025-06-20"), By: "RSSI"})
	return f
}

func evalJSON(t testing.TB, f *care.Facts, at string) string {
	t.Helper()
	c, err := care.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := c.Evaluate(f, d(at), care.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

func testEvaluationEqualsFile(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	f := demoWithRepeats(t)
	// Through the file format first: what a user imports.
	var buf bytes.Buffer
	if err := dossier.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	fromFile, err := dossier.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	st := mustImport(t, s, *fromFile, "test")
	loaded, err := s.LoadFacts(ctx, st.Applicant)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.OSIS) != len(fromFile.OSIS) || len(loaded.Budget) != len(fromFile.Budget) ||
		len(loaded.Prerequisites) != len(fromFile.Prerequisites) || len(loaded.GovernanceHistory) != 1 {
		t.Fatalf("records lost: %d/%d oSIS, %d/%d budget, %d/%d prerequisites, %d governance history",
			len(loaded.OSIS), len(fromFile.OSIS), len(loaded.Budget), len(fromFile.Budget),
			len(loaded.Prerequisites), len(fromFile.Prerequisites), len(loaded.GovernanceHistory))
	}
	want := clone(t, *fromFile)
	SortFacts(&want)
	assertFactsEqual(t, loaded, want)
	for _, at := range []string{"2025-06-15", "2025-06-29", "2025-06-30", "2025-07-01", "2025-07-16", "2025-10-01", "2026-03-01"} {
		if a, b := evalJSON(t, &loaded, at), evalJSON(t, fromFile, at); a != b {
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			t.Errorf("%s: the store's evaluation differs from the file's at byte %d\nstore: …%.300s\nfile:  …%.300s", at, i, a[max(0, i-100):], b[max(0, i-100):])
		}
	}
	// The records' order does not matter, in the file or in the store.
	rev := clone(t, *fromFile)
	slices.Reverse(rev.OSIS)
	slices.Reverse(rev.Budget)
	slices.Reverse(rev.Prerequisites)
	if a, b := evalJSON(t, &rev, "2025-07-01"), evalJSON(t, fromFile, "2025-07-01"); a != b {
		t.Errorf("reversed order changes the evaluation")
	}
	if again := mustImport(t, s, rev, "test"); again.Sum().Added+again.Sum().Updated != 0 {
		t.Errorf("re-import in another order changed rows: %s", again)
	}
	// The dated records on both sides of the declaration decide as the memo says.
	ev, _ := care.Evaluate(&loaded, d("2025-07-16"))
	for _, r := range ev.Prerequisites {
		if r.Entity == string(loaded.Entities[0].FINESS) && r.Status != care.Met {
			t.Errorf("%s: a record dated after the declaration counted: %s", r.Objective, r.Reason)
		}
	}
}

// testDatedMigration builds the schema as it was before migration 0200
// with rows in it, then opens the store: the rows come back undated.
func testDatedMigration(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	cfg := newConfig(t)
	s := open(t, cfg)
	f := ejFacts(t)
	mustImport(t, s, f, "test")
	ej := f.Entities[0].FINESS
	old := []string{
		`DROP TABLE osis_measures`, `DROP TABLE osis`, `DROP TABLE budgets`, `DROP TABLE prerequisites`, `DROP TABLE governance`,
		`CREATE TABLE prerequisites (entity TEXT NOT NULL REFERENCES entities (finess), id TEXT NOT NULL, met BOOLEAN NOT NULL,
			date TEXT NOT NULL DEFAULT '', PRIMARY KEY (entity, id))`,
		`CREATE TABLE osis (entity TEXT NOT NULL REFERENCES entities (finess), year INTEGER NOT NULL, budget_share BOOLEAN NOT NULL,
			priority_measures_answered INTEGER NOT NULL CHECK (priority_measures_answered >= 0), PRIMARY KEY (entity, year))`,
		`CREATE TABLE budgets (entity TEXT NOT NULL REFERENCES entities (finess), year INTEGER NOT NULL,
			digital_share_pct DOUBLE PRECISION, ssi_fte DOUBLE PRECISION, PRIMARY KEY (entity, year))`,
		`CREATE TABLE governance (applicant TEXT PRIMARY KEY REFERENCES applicants (id), referent TEXT NOT NULL DEFAULT '',
			single_ad_team BOOLEAN, governance BOOLEAN, convergence_validated_on TEXT NOT NULL DEFAULT '',
			already_converged BOOLEAN NOT NULL, converged_description TEXT NOT NULL DEFAULT '')`,
		`CREATE TABLE osis_measures (entity TEXT NOT NULL, year INTEGER NOT NULL, measure TEXT NOT NULL,
			answer TEXT NOT NULL CHECK (answer IN ('oui', 'partiel', 'non', 'na')), PRIMARY KEY (entity, year, measure),
			FOREIGN KEY (entity, year) REFERENCES osis (entity, year))`,
		`INSERT INTO prerequisites (entity, id, met, date) VALUES ('` + string(ej) + `', 'PS2.1', TRUE, '2024-03-01')`,
		`INSERT INTO osis (entity, year, budget_share, priority_measures_answered) VALUES ('` + string(ej) + `', 2024, TRUE, 1)`,
		`INSERT INTO osis_measures (entity, year, measure, answer) VALUES ('` + string(ej) + `', 2024, 'MP01', 'oui')`,
		`INSERT INTO budgets (entity, year, digital_share_pct, ssi_fte) VALUES ('` + string(ej) + `', 2024, 2.5, 1)`,
		`DELETE FROM schema_version WHERE version = 200`,
	}
	for _, q := range old {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	s = open(t, cfg)
	got, err := s.LoadFacts(ctx, string(ej))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Prerequisites) != 1 || got.Prerequisites[0].Date.String() != "2024-03-01" || len(got.OSIS) != 1 ||
		got.OSIS[0].Measures["MP01"] != care.MeasureYes || !got.OSIS[0].Date.IsZero() || len(got.Budget) != 1 || *got.Budget[0].SSIFTE != 1 {
		t.Fatalf("after the migration: %+v %+v %+v", got.Prerequisites, got.OSIS, got.Budget)
	}
	// A dated record of the same year now sits next to the undated one.
	g := clone(t, got)
	g.OSIS = append(g.OSIS, care.OSIS{Entity: ej, Year: 2024, Date: d("2024-10-01"), BudgetShare: true, PriorityMeasuresAnswered: 43})
	if st := mustImport(t, s, g, "test"); st.ByKind[KindOSIS].Added != 1 {
		t.Errorf("dated oSIS: %+v", st.ByKind[KindOSIS])
	}
}

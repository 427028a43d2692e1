package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sync"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestStore runs the same suite on every engine.
func TestStore(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { testSuite(t, e.config) })
	}
}

// testSuite is the storage test suite; newConfig gives a fresh, empty database.
func testSuite(t *testing.T, newConfig func(testing.TB) Config) {
	tests := []struct {
		name string
		fn   func(t *testing.T, newConfig func(testing.TB) Config)
	}{
		{"migrations", testMigrations},
		{"round_trip", testRoundTrip},
		{"idempotent_import", testIdempotentImport},
		{"update_on_change", testUpdateOnChange},
		{"rollback", testRollback},
		{"entities_and_applicants", testEntitiesAndApplicants},
		{"claim_conflict", testClaimConflict},
		{"reports_encrypted", testReportsEncrypted},
		{"wrong_key", testWrongKey},
		{"concurrent_readers", testConcurrentReaders},
		{"audit_trail", testAuditTrail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newConfig) })
	}
}

// testKey is a fixed test key (tests need no randomness here).
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, keySize) }

func open(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open : %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustImport(t testing.TB, s *Store, f care.Facts, by string) ImportStats {
	t.Helper()
	st, err := s.ImportFacts(context.Background(), f, by)
	if err != nil {
		t.Fatalf("ImportFacts : %v", err)
	}
	return st
}

// tableCounts counts the rows of every data table.
func tableCounts(t testing.TB, s *Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range []string{"ghts", "entities", "ght_members", "applicants", "applicant_entities", "prerequisites",
		"directories", "directory_entities", "ad_audits", "ad_audit_checks", "exposure_audits", "exposure_audit_entities",
		"exercises", "exercise_participants", "exercise_actions", "osis", "osis_measures", "budgets", "governance", "dossier_steps", "payments", "reports"} {
		var n int
		if err := s.r.QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatalf("COUNT %s : %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

func assertFactsEqual(t testing.TB, got, want care.Facts) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("LoadFacts differs from what was imported\n got: %s\nwant: %s", g, w)
	}
}

func testMigrations(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	cfg := newConfig(t)
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v (%d)", err, len(files))
	}
	for i := range 2 {
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatalf("Open #%d : %v", i+1, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		if err := s.r.QueryRow(`SELECT COUNT(*) FROM schema_version`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != len(files) {
			t.Errorf("Open #%d: %d schema_version rows, want %d (one per migration)", i+1, rows, len(files))
		}
		ms, _ := s.migrations()
		if want := ms[len(ms)-1].version; v != want {
			t.Errorf("Open #%d: schema version %d, want %d", i+1, v, want)
		}
		if i == 0 {
			mustImport(t, s, ejFacts(t), "test")
		} else if as, err := s.Applicants(ctx); err != nil || len(as) != 1 {
			t.Errorf("data lost across a re-open: %v, %v", as, err)
		}
		s.Close()
	}
}

func testRoundTrip(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	for _, f := range []care.Facts{ghtFacts(t), ejFacts(t)} {
		st := mustImport(t, s, f, "test")
		got, err := s.LoadFacts(ctx, st.Applicant)
		if err != nil {
			t.Fatal(err)
		}
		want := clone(t, f)
		SortFacts(&want)
		if len(got.ExposureAudits) != len(f.ExposureAudits) || len(got.Entities) != len(f.Entities) {
			t.Fatalf("lengths differ")
		}
		assertFactsEqual(t, got, want)
	}
	if _, err := s.LoadFacts(ctx, "ARA-00"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadFacts(unknown) = %v, want ErrNotFound", err)
	}
}

func testIdempotentImport(t *testing.T, newConfig func(testing.TB) Config) {
	s := open(t, newConfig(t))
	f := ghtFacts(t)
	first := mustImport(t, s, f, "test")
	if first.Applicant != "ARA-99" {
		t.Errorf("applicant %q, want ARA-99", first.Applicant)
	}
	want := map[Kind]int{KindEntity: 5, KindGHT: 1, KindApplicant: 1, KindPrerequisite: 3, KindDirectory: 2,
		KindADAudit: 3, KindExposureAudit: 3, KindExercise: 2, KindOSIS: 2, KindBudget: 2, KindGovernance: 1,
		KindStep: 2, KindPayment: 2}
	for k, n := range want {
		if got := first.ByKind[k]; got.Added != n || got.Total() != n {
			t.Errorf("first import %s: %+v, want %d added", k, got, n)
		}
	}
	before := tableCounts(t, s)
	second := mustImport(t, s, clone(t, f), "test")
	if sum := second.Sum(); sum.Added != 0 || sum.Updated != 0 || sum.Kept != 0 {
		t.Errorf("second import changed rows: %s", second)
	}
	for k, n := range want {
		if got := second.ByKind[k].Unchanged; got != n {
			t.Errorf("second import %s: %d unchanged, want %d", k, got, n)
		}
	}
	if after := tableCounts(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("row counts changed on re-import:\n%v\n%v", before, after)
	}
	// What LoadFacts returns imports as a no-op too.
	loaded, err := s.LoadFacts(context.Background(), "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	if st := mustImport(t, s, loaded, "test"); st.Sum().Added+st.Sum().Updated != 0 {
		t.Errorf("re-importing loaded facts changed rows: %s", st)
	}
}

func testUpdateOnChange(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	f := ghtFacts(t)
	mustImport(t, s, f, "test")

	g := clone(t, f)
	g.GHT.Name = "GHT renommé"
	g.Entities[0].Name = "CH de Corse (nouveau nom)"
	g.Exercises[1].Clinical = ptr(true)
	g.Budget[0].SSIFTE = ptr(1.2)
	g.ExposureAudits[1].Counts = &care.Counts{High: 1} // was unknown
	g.ADAudits[1].FailedChecks = []string{"vuln1_spn_priv"}
	g.Directories[1].Entities = []org.FINESS{g.Directories[1].Entities[1]}
	g.Governance.Governance = ptr(false)
	g.Dossier.CeilingEUR = 175000
	g.Prerequisites[0].Met = true
	st := mustImport(t, s, g, "test")
	wantUpdated := map[Kind]int{KindGHT: 1, KindEntity: 1, KindExercise: 1, KindBudget: 1, KindExposureAudit: 1,
		KindADAudit: 1, KindDirectory: 1, KindGovernance: 1, KindApplicant: 1, KindPrerequisite: 1}
	for _, k := range Kinds() {
		if got := st.ByKind[k]; got.Updated != wantUpdated[k] || got.Added != 0 {
			t.Errorf("%s: %+v, want %d updated and none added", k, got, wantUpdated[k])
		}
	}
	got, err := s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	want := clone(t, g)
	SortFacts(&want)
	assertFactsEqual(t, got, want)

	// A new item on a new natural key is added next to the old ones.
	h := clone(t, g)
	h.Exercises = append(h.Exercises, care.Exercise{Entity: h.Exercises[0].Entity, Date: d("2025-03-01")})
	if st := mustImport(t, s, h, "test"); st.ByKind[KindExercise].Added != 1 || st.ByKind[KindExercise].Unchanged != 2 {
		t.Errorf("new exercise: %+v", st.ByKind[KindExercise])
	}

	// A change in an exercise's action plan alone updates the exercise; in
	// an oSIS checklist alone, the oSIS record.
	p := clone(t, h)
	p.Exercises[1].Actions[0].Status = care.ActionDone
	p.Exercises[1].Participants = p.Exercises[1].Participants[:1]
	p.OSIS[1].Measures["MP02"] = care.MeasureYes
	st = mustImport(t, s, p, "test")
	if st.ByKind[KindExercise].Updated != 1 || st.ByKind[KindExercise].Unchanged != 2 {
		t.Errorf("changed action plan: %+v", st.ByKind[KindExercise])
	}
	if st.ByKind[KindOSIS].Updated != 1 || st.ByKind[KindOSIS].Unchanged != 1 {
		t.Errorf("changed oSIS checklist: %+v", st.ByKind[KindOSIS])
	}
	got, err = s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	want = clone(t, p)
	SortFacts(&want)
	assertFactsEqual(t, got, want)
}

func testRollback(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	empty := tableCounts(t, s)

	// An exercise in the middle of the dossier names an unknown entity: a
	// foreign-key violation after many rows were written.
	bad := ghtFacts(t)
	bad.Exercises = append(bad.Exercises[:1], append([]care.Exercise{{Entity: fin(t, "01", 999), Date: d("2024-01-01")}}, bad.Exercises[1:]...)...)
	if _, err := s.ImportFacts(ctx, bad, "test"); err == nil {
		t.Fatal("import with an unknown entity succeeded")
	}
	if got := tableCounts(t, s); !reflect.DeepEqual(got, empty) {
		t.Errorf("failed import left rows: %v", got)
	}
	trail, err := s.AuditTrail(ctx, 10)
	if err != nil || len(trail) != 0 {
		t.Errorf("failed import left a trail entry: %v, %v", trail, err)
	}

	// A check done in Go half-way through (an exposure audit without
	// perimeter, after entities and AD audits were written) rolls back too.
	bad = ghtFacts(t)
	bad.ExposureAudits[1].Entities = nil
	if _, err := s.ImportFacts(ctx, bad, "test"); err == nil {
		t.Fatal("import with an empty exposure perimeter succeeded")
	}
	if got := tableCounts(t, s); !reflect.DeepEqual(got, empty) {
		t.Errorf("failed import left rows: %v", got)
	}

	// On a stored dossier, a failing re-import with changed values changes nothing.
	f := ghtFacts(t)
	mustImport(t, s, f, "test")
	before, err := s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	counts := tableCounts(t, s)
	bad = clone(t, f)
	bad.GHT.Name = "ne doit pas rester"
	bad.Budget[0].DigitalSharePct = ptr(99.0)
	bad.ADAudits[0].Level = 9 // violates the level constraint
	bad.Exercises[0].Kit = "ne doit pas rester"
	if _, err := s.ImportFacts(ctx, bad, "test"); err == nil {
		t.Fatal("import with AD level 9 succeeded")
	}
	after, err := s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	assertFactsEqual(t, after, before)
	if got := tableCounts(t, s); !reflect.DeepEqual(got, counts) {
		t.Errorf("failed re-import changed row counts: %v -> %v", counts, got)
	}

	// Invalid input rejected before any write.
	bad = clone(t, f)
	bad.Entities[0].FINESS = "690001000" // wrong key
	if _, err := s.ImportFacts(ctx, bad, "test"); err == nil {
		t.Error("import with an invalid FINESS succeeded")
	}
}

func testEntitiesAndApplicants(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	gf, ef := ghtFacts(t), ejFacts(t)
	mustImport(t, s, gf, "test")
	mustImport(t, s, ef, "test")

	// National entities outside any dossier: an EJ member of the GHT and its site.
	ej3, eg4 := fin(t, "69", 1003), fin(t, "69", 2004)
	st, err := s.UpsertEntities(ctx, []org.Entity{
		{FINESS: ej3, Kind: org.EJ, Name: "EHPAD public", LegalStatus: "21", Category: org.Public, Region: "Auvergne-Rhône-Alpes"},
		{FINESS: eg4, Kind: org.EG, Name: "Site EHPAD", Parent: ej3, Region: "Auvergne-Rhône-Alpes"},
		gf.Entities[0],
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != 2 || st.Unchanged != 1 {
		t.Errorf("UpsertEntities: %+v", st)
	}
	if err := s.UpsertGHT(ctx, *gf.GHT, []org.FINESS{ej3}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntities(ctx, []org.Entity{{FINESS: "123", Kind: org.EJ}}); err == nil {
		t.Error("UpsertEntities accepted a bad FINESS")
	}

	e, err := s.Entity(ctx, eg4)
	if err != nil || e.Parent != ej3 || e.Name != "Site EHPAD" {
		t.Errorf("Entity(%s) = %+v, %v", eg4, e, err)
	}
	if _, err := s.Entity(ctx, fin(t, "01", 5)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Entity(unknown) = %v, want ErrNotFound", err)
	}
	members, err := s.Entities(ctx, EntityFilter{GHT: "ARA-99"})
	if err != nil {
		t.Fatal(err)
	}
	if got := finessOf(members); !reflect.DeepEqual(got, sortedFINESS(gf.Entities[0].FINESS, gf.Entities[1].FINESS, ej3)) {
		t.Errorf("GHT members = %v", got)
	}
	sites, err := s.Entities(ctx, EntityFilter{Kind: org.EG, Parent: ef.Entities[0].FINESS})
	if err != nil || len(sites) != 2 {
		t.Errorf("sites of %s = %v, %v", ef.Entities[0].FINESS, sites, err)
	}
	if lim, err := s.Entities(ctx, EntityFilter{Region: "Île-de-France", Limit: 2}); err != nil || len(lim) != 2 {
		t.Errorf("limit: %v, %v", lim, err)
	}

	as, err := s.Applicants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantApps := []Applicant{
		{ID: string(ef.Entities[0].FINESS), Kind: ApplicantEJ, FINESS: ef.Entities[0].FINESS, Name: "Clinique Test SAS", Region: "Île-de-France", Wave: "D1"},
		{ID: "ARA-99", Kind: ApplicantGHT, GHT: "ARA-99", FINESS: gf.GHT.Support, Name: gf.GHT.Name, Region: gf.GHT.Region, Wave: "D1"},
	}
	if !reflect.DeepEqual(as, wantApps) {
		t.Errorf("Applicants =\n%+v\nwant\n%+v", as, wantApps)
	}
	for f, want := range map[org.FINESS]string{
		gf.Entities[2].FINESS: "ARA-99",                      // EG listed in the GHT dossier
		ej3:                   "ARA-99",                      // EJ member of the GHT, not in the dossier
		eg4:                   "ARA-99",                      // its site
		ef.Entities[2].FINESS: string(ef.Entities[0].FINESS), // EG of the EJ applicant
	} {
		a, err := s.ApplicantOf(ctx, f)
		if err != nil || a.ID != want {
			t.Errorf("ApplicantOf(%s) = %q, %v; want %q", f, a.ID, err, want)
		}
	}
	lone := fin(t, "13", 7)
	if _, err := s.UpsertEntities(ctx, []org.Entity{{FINESS: lone, Kind: org.EJ, Name: "Sans dossier"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicantOf(ctx, lone); !errors.Is(err, ErrNotFound) {
		t.Errorf("ApplicantOf(no dossier) = %v, want ErrNotFound", err)
	}
}

func finessOf(es []org.Entity) []org.FINESS {
	var out []org.FINESS
	for _, e := range es {
		out = append(out, e.FINESS)
	}
	return out
}

func sortedFINESS(fs ...org.FINESS) []org.FINESS {
	out := append([]org.FINESS(nil), fs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testClaimConflict(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	gf := ghtFacts(t)
	mustImport(t, s, gf, "test")
	// The second GHT claims an EJ of the first.
	other := care.Facts{Wave: "D1", GHT: &org.GHT{Code: "ARA-98", Name: "Autre", Support: gf.Entities[1].FINESS},
		Entities: []org.Entity{gf.Entities[1]}}
	if _, err := s.ImportFacts(ctx, other, "test"); err == nil {
		t.Fatal("an entity was claimed by two applicants")
	}
	if _, err := s.LoadFacts(ctx, "ARA-98"); !errors.Is(err, ErrNotFound) {
		t.Errorf("rejected applicant stored: %v", err)
	}
}

func testReportsEncrypted(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := WithActor(context.Background(), "auditeur")
	cfg := newConfig(t)
	cfg.Key = testKey(7)
	s := open(t, cfg)
	f := ghtFacts(t)
	mustImport(t, s, f, "test")

	report := []byte(`{"findings":[{"check":"vuln1_spn_priv","object":"CN=svc-backup,OU=Secret"}]}`)
	sum := care.ADAudit{Directory: "ARA-99-ad2", Date: d("2025-01-10"), Level: 2, Source: care.SourceVigie,
		FailedChecks: []string{"vuln2_a", "vuln2_b"}}
	id, err := s.SaveADAudit(ctx, sum, report)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ADReport(ctx, id)
	if err != nil || !bytes.Equal(got, report) {
		t.Fatalf("ADReport = %q, %v", got, err)
	}
	var raw []byte
	if err := s.r.QueryRow(`SELECT sealed FROM reports WHERE id = $1`, id).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("svc-backup")) || len(raw) <= len(report) {
		t.Error("report stored in clear")
	}
	exReport := []byte(`{"assets":[{"ip":"192.0.2.10","port":3389}]}`)
	xsum := care.ExposureAudit{Entities: []org.FINESS{f.Entities[1].FINESS}, Date: d("2025-01-12"),
		CompletePerimeter: true, Counts: &care.Counts{Critical: 1}, Source: care.SourceVigie}
	xid, err := s.SaveExposureAudit(ctx, xsum, exReport)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.ExposureReport(ctx, xid); err != nil || !bytes.Equal(got, exReport) {
		t.Fatalf("ExposureReport = %q, %v", got, err)
	}
	if _, err := s.ExposureReport(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("an AD id read as an exposure report: %v", err)
	}

	// The summaries appear in the applicant's facts.
	loaded, err := s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	sum.ID, xsum.ID = id, xid
	want := clone(t, f)
	want.ADAudits = append(want.ADAudits, sum)
	want.ExposureAudits = append(want.ExposureAudits, xsum)
	SortFacts(&want)
	assertFactsEqual(t, loaded, want)

	// Stored audits are immutable: same ID refused, import keeps the stored values.
	if _, err := s.SaveADAudit(ctx, sum, report); !errors.Is(err, ErrExists) {
		t.Errorf("SaveADAudit with an existing id = %v, want ErrExists", err)
	}
	changed := clone(t, loaded)
	for i := range changed.ADAudits {
		if changed.ADAudits[i].ID == id {
			changed.ADAudits[i].Level = 5
		}
	}
	st := mustImport(t, s, changed, "test")
	if r := st.ByKind[KindADAudit]; r.Kept != 1 || r.Updated != 0 {
		t.Errorf("import over a stored audit: %+v", r)
	}
	again, err := s.LoadFacts(ctx, "ARA-99")
	if err != nil {
		t.Fatal(err)
	}
	assertFactsEqual(t, again, loaded)

	// A report for an unknown directory is refused and leaves nothing behind.
	counts := tableCounts(t, s)
	if _, err := s.SaveADAudit(ctx, care.ADAudit{Directory: "inconnu", Date: d("2025-01-11"), Level: 1, Source: care.SourceVigie}, report); err == nil {
		t.Error("SaveADAudit accepted an unknown directory")
	}
	if got := tableCounts(t, s); !reflect.DeepEqual(got, counts) {
		t.Errorf("failed SaveADAudit left rows: %v -> %v", counts, got)
	}
	// Changing the failed checks of a stored audit is ignored as well.
	for i := range changed.ADAudits {
		if changed.ADAudits[i].ID == id {
			changed.ADAudits[i].Level = sum.Level
			changed.ADAudits[i].FailedChecks = []string{"vuln1_autre"}
		}
	}
	if st := mustImport(t, s, changed, "test"); st.ByKind[KindADAudit].Kept != 1 {
		t.Errorf("import over stored failed checks: %+v", st.ByKind[KindADAudit])
	}
	if again, err := s.LoadFacts(ctx, "ARA-99"); err != nil {
		t.Fatal(err)
	} else {
		assertFactsEqual(t, again, loaded)
	}

	// Tampering is detected, never returned as garbage.
	raw[len(raw)-1] ^= 1
	if _, err := s.w.Exec(`UPDATE reports SET sealed = $1 WHERE id = $2`, raw, id); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ADReport(ctx, id); !errors.Is(err, ErrWrongKey) || got != nil {
		t.Errorf("tampered report = %q, %v; want ErrWrongKey", got, err)
	}
	if _, err := s.ADReport(ctx, "ad-inconnu"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown report: %v", err)
	}
}

func testWrongKey(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	cfg := newConfig(t)
	cfg.Key = testKey(1)
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, s, ejFacts(t), "test")
	secret := []byte(`{"secret":"TLP:AMBER"}`)
	id, err := s.SaveADAudit(ctx, care.ADAudit{Directory: "CLIN-ad", Date: d("2025-02-02"), Level: 1, Source: care.SourceVigie}, secret)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	wrong := cfg
	wrong.Key = testKey(2)
	if s, err := Open(ctx, wrong); !errors.Is(err, ErrWrongKey) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("Open with the wrong key = %v, want ErrWrongKey", err)
	}
	short := cfg
	short.Key = []byte("trop courte")
	if s, err := Open(ctx, short); err == nil {
		s.Close()
		t.Error("Open accepted a short key")
	}
	nokey := cfg
	nokey.Key = nil
	s2 := open(t, nokey)
	if got, err := s2.ADReport(ctx, id); !errors.Is(err, ErrNoKey) || got != nil {
		t.Errorf("ADReport without key = %q, %v", got, err)
	}
	if _, err := s2.SaveADAudit(ctx, care.ADAudit{Directory: "CLIN-ad", Date: d("2025-02-03"), Source: care.SourceVigie}, secret); !errors.Is(err, ErrNoKey) {
		t.Errorf("SaveADAudit without key = %v", err)
	}
	s3 := open(t, cfg)
	if got, err := s3.ADReport(ctx, id); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("right key after a wrong one: %q, %v", got, err)
	}
}

func testConcurrentReaders(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	f := ghtFacts(t)
	mustImport(t, s, f, "test")
	want := clone(t, f)
	SortFacts(&want)

	const readers, rounds = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, readers*rounds+rounds)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				got, err := s.LoadFacts(ctx, "ARA-99")
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if !reflect.DeepEqual(got, want) {
					errs <- fmt.Errorf("reader %d: facts differ", r)
					return
				}
			}
		}()
	}
	// Meanwhile a writer imports another applicant, over and over.
	wg.Add(1)
	go func() {
		defer wg.Done()
		ef := ejFacts(t)
		for i := range rounds {
			ef.Dossier.CeilingEUR = float64(i)
			if _, err := s.ImportFacts(ctx, ef, "writer"); err != nil {
				errs <- fmt.Errorf("writer: %w", err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The connections a burst opened stay open for the next one: closing
	// them at the end of each burst (idle bound below the open bound) made
	// the web server open a PostgreSQL backend per request under load.
	if st := s.r.Stats(); st.MaxIdleClosed != 0 {
		t.Errorf("%d connections closed for exceeding the idle bound (open at most %d)", st.MaxIdleClosed, st.MaxOpenConnections)
	}
	got, err := s.LoadFacts(ctx, string(ejFacts(t).Entities[0].FINESS))
	if err != nil || got.Dossier.CeilingEUR != rounds-1 {
		t.Errorf("writer's last import: %v, %v", got.Dossier.CeilingEUR, err)
	}
}

func testAuditTrail(t *testing.T, newConfig func(testing.TB) Config) {
	clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	cfg := newConfig(t)
	cfg.Key = testKey(3)
	cfg.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	s := open(t, cfg)
	ctx := context.Background()
	f := ejFacts(t)
	mustImport(t, s, f, "alice")
	if _, err := s.SaveADAudit(WithActor(ctx, "bob"),
		care.ADAudit{ID: "ads-1", Directory: "CLIN-ad", Date: d("2025-02-02"), Level: 3, Source: care.SourceVigie}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveExposureAudit(WithActor(ctx, "carole"),
		care.ExposureAudit{ID: "exp-1", Entities: []org.FINESS{f.Entities[0].FINESS}, Date: d("2025-02-03"), Source: care.SourceVigie}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEntities(ctx, f.Entities[:1]); err != nil {
		t.Fatal(err)
	}
	all, err := s.AuditTrail(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	type line struct{ by, action, object string }
	var got []line
	for _, e := range all {
		got = append(got, line{e.By, e.Action, e.Object})
	}
	want := []line{
		{"inconnu", ActionEntities, "1 établissements"},
		{"carole", ActionSaveExposure, "exp-1"},
		{"bob", ActionSaveAD, "ads-1"},
		{"alice", ActionImport, string(f.Entities[0].FINESS)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trail = %v\nwant %v", got, want)
	}
	for i := 1; i < len(all); i++ {
		if !all[i].At.Before(all[i-1].At) {
			t.Errorf("trail not newest first: %v then %v", all[i-1].At, all[i].At)
		}
	}
	if last, err := s.AuditTrail(ctx, 2); err != nil || len(last) != 2 || last[0].Object != "1 établissements" {
		t.Errorf("AuditTrail(2) = %v, %v", last, err)
	}
	if all[len(all)-1].Detail == "" {
		t.Error("import entry without detail")
	}
}

package web

import (
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestADAuditPageKeepsWarningsApart: the ANSSI warnings and informations
// of a stored report are shown in their own collapsed section, after the
// failed control points, without changing the level; a shared directory
// hides their objects.
func TestADAuditPageKeepsWarningsApart(t *testing.T) {
	e := newKeyedEnvDemo(t)
	_, page := e.login("rssi-valmont").get("/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2")
	sec := between(page, `<details id="avertissements-anssi">`, "</details>")
	if sec == "" {
		t.Fatalf("no collapsed warnings section:\n%.4000s", between(page, "<main", "</main>"))
	}
	for _, want := range []string{"sans effet sur le niveau", "warning_rid500", "Administrateur", "info_laps", "412 sur 437", "warning_sysvol_files_acl"} {
		if !strings.Contains(sec, want) {
			t.Errorf("warnings section lacks %q", want)
		}
	}
	if strings.Contains(between(page, `id="points-echec"`, "</table>"), "warning_") {
		t.Error("a warning is listed among the failed control points")
	}
	if !strings.Contains(page, "Niveau ANSSI : 2 sur 5") || strings.Index(page, `id="points-echec"`) > strings.Index(page, `id="avertissements-anssi"`) {
		t.Error("level or section order changed")
	}
}

// TestSharedADAuditHidesWarningObjects: in a partial view of a shared
// directory, the warnings are listed without the directory's objects.
func TestSharedADAuditHidesWarningObjects(t *testing.T) {
	e := newKeyedEnvDemo(t)
	ctx := store.WithActor(context.Background(), "test")
	if _, err := e.st.RecordDirectory(ctx, "CVL-99", care.Directory{ID: "ad-commun", Name: "commun.local",
		Entities: []org.FINESS{"010000016", "010000040"}}, "test"); err != nil {
		t.Fatal(err)
	}
	r := demo.ADReports()[1].Report
	blob, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	sum := r.Summary()
	if _, err := e.st.SaveADAudit(ctx, care.ADAudit{ID: "test-ad-commun", Directory: "ad-commun", Date: civil.Date{Year: 2025, Month: 6, Day: 3},
		Level: sum.Level, Source: care.SourceVigie, FailedChecks: sum.FailedIDs}, blob); err != nil {
		t.Fatal(err)
	}
	_, page := e.login("rssi-valmont").get("/dossiers/CVL-99/rapports/ad/test-ad-commun?at=" + demoAt)
	sec := html.UnescapeString(between(page, `<details id="avertissements-anssi">`, "</details>"))
	if !strings.Contains(sec, "warning_rid500") || !strings.Contains(sec, "non communiqués") {
		t.Errorf("shared audit warnings section:\n%s", sec)
	}
	for _, leak := range []string{"412 sur 437", "CN=Administrateur"} {
		if strings.Contains(page, leak) {
			t.Errorf("partial view shows %q", leak)
		}
	}
}

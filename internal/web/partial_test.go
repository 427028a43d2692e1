package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestPartialViewSharedAudits: the demo GHT's SILENE audits cover three
// establishments; the CISO of one sees them with his establishment only,
// without the audit's figures (which are the three's) — on the dashboard,
// its charts, the API and the bundle.
func TestPartialViewSharedAudits(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("rssi-valmont")
	_, page := c.get("/dossiers/CVL-99?at=" + demoAt)
	page = html.UnescapeString(page)
	for _, leak := range []string{"CH de Rivebelle", "CHS Les Tilleuls", "1 critique, 3 élevées", "2 vulnérabilités critiques", "010000040", "010000065"} {
		if strings.Contains(page, leak) {
			t.Errorf("partial dashboard shows %q", leak)
		}
	}
	if !strings.Contains(page, "CH de Valmont") {
		t.Error("own establishment missing")
	}
	// The GHT referent (whole view) still sees everything.
	_, whole := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	if whole = html.UnescapeString(whole); !strings.Contains(whole, "CH de Rivebelle") || !strings.Contains(whole, "1 critique, 3 élevées") || !strings.Contains(whole, "2 vulnérabilités critiques") {
		t.Error("whole view lost names or figures")
	}
	tok, _, err := IssueAPITokenFor(context.Background(), e.st, "rssi-valmont", "", "test", 24*60*60*1e9, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	wholeTok, _, err := IssueAPITokenFor(context.Background(), e.st, "referent-ght", "", "test", 24*60*60*1e9, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Audits of the whole GHT, by ID: those with several establishments
	// are shared.
	shared := map[string]bool{}
	code, body := e.api(wholeTok, "/api/v1/applicants/CVL-99/facts")
	if code != http.StatusOK {
		t.Fatalf("facts of the whole view: %d", code)
	}
	for _, a := range body["exposure_audits"].([]any) {
		m := a.(map[string]any)
		shared[fmt.Sprint(m["id"])] = len(m["entities"].([]any)) > 1
	}
	code, body = e.api(tok, "/api/v1/applicants/CVL-99/facts")
	if code != http.StatusOK {
		t.Fatalf("facts: %d", code)
	}
	nShared := 0
	for _, a := range body["exposure_audits"].([]any) {
		m := a.(map[string]any)
		if fmt.Sprint(m["entities"]) != "[010000016]" {
			t.Errorf("audit with other establishments in the API: %v", m)
		}
		if shared[fmt.Sprint(m["id"])] {
			nShared++
			if m["counts"] != nil {
				t.Errorf("shared audit in the API: %v", m)
			}
		}
	}
	if nShared == 0 {
		t.Error("no shared exposure audit in the partial view: the test checks nothing")
	}
	resp, data := c.get("/dossiers/CVL-99/bundle.zip?at=" + demoAt)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bundle: %d", resp.StatusCode)
	}
	for name, content := range zipParts(t, []byte(data)) {
		if strings.Contains(string(content), "Rivebelle") || strings.Contains(string(content), "010000040") {
			t.Errorf("bundle part %s names another establishment", name)
		}
	}
}

// TestMaskSharedReason: the figures care writes in a reason (with its
// French plurals) are replaced when they are a shared audit's.
func TestMaskSharedReason(t *testing.T) {
	rs := []care.Result{{Objective: "D1.O2.B", Reason: "1 vulnérabilité critique au dernier audit d'exposition du 14/07/2024 (1 critique, 1 élevée, 6 moyennes, 3 faibles)",
		Evidence: []care.Evidence{{Kind: "exposure_audit", Ref: "silene-2024-07", Detail: "1 critique, 1 élevée, 6 moyennes, 3 faibles"}}}}
	out := maskShared(rs, map[string]bool{"silene-2024-07": true})
	if strings.Contains(out[0].Reason, "6 moyennes") || !strings.Contains(out[0].Reason, sharedFigures) {
		t.Errorf("reason not masked: %q", out[0].Reason)
	}
	if out[0].Evidence[0].Detail != sharedFigures {
		t.Errorf("evidence detail not masked: %q", out[0].Evidence[0].Detail)
	}
	if rs[0].Evidence[0].Detail == sharedFigures {
		t.Error("the input results were written")
	}
}

// TestAuditPagesSharedRecords: an AD audit of a directory shared with
// another establishment keeps, in a partial view, its level and failed
// points but not the directory's objects; a Vigie exposure audit shared
// with another establishment shows neither its hosts nor its counts. The
// GHT referent sees both in full.
func TestAuditPagesSharedRecords(t *testing.T) {
	e := newKeyedEnvDemo(t)
	ctx := store.WithActor(context.Background(), "test")
	if _, err := e.st.RecordDirectory(ctx, "CVL-99", care.Directory{ID: "ad-commun", Name: "commun.local",
		Entities: []org.FINESS{"010000016", "010000040"}}, "test"); err != nil {
		t.Fatal(err)
	}
	r := demo.ADReports()[0].Report
	blob, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	sum := r.Summary()
	if _, err := e.st.SaveADAudit(ctx, care.ADAudit{ID: "test-ad-commun", Directory: "ad-commun", Date: civil.Date{Year: 2025, Month: 4, Day: 22},
		Level: sum.Level, Source: care.SourceVigie, FailedChecks: sum.FailedIDs}, blob); err != nil {
		t.Fatal(err)
	}
	x := demo.ExposureAudits()[0]
	if blob, err = json.Marshal(x); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SaveExposureAudit(ctx, care.ExposureAudit{ID: "test-exp-commune", Entities: []org.FINESS{"010000016", "010000040"},
		Date: civil.Date{Year: 2025, Month: 4, Day: 12}, CompletePerimeter: true, Source: care.SourceVigie,
		Counts: &care.Counts{Critical: x.Summary.Critical, High: x.Summary.High, Medium: x.Summary.Medium, Low: x.Summary.Low}}, blob); err != nil {
		t.Fatal(err)
	}
	valmont, referent := e.login("rssi-valmont"), e.login("referent-ght")

	_, adp := valmont.get("/dossiers/CVL-99/rapports/ad/test-ad-commun?at=" + demoAt)
	adp = html.UnescapeString(adp)
	for _, want := range []string{"Niveau ANSSI : 1 sur 5", "vuln_spn_priv", `id="annuaire-commun"`, "non communiqués"} {
		if !strings.Contains(adp, want) {
			t.Errorf("shared AD audit, partial view, lacks %q", want)
		}
	}
	for _, leak := range []string{"svc-sauvegarde", "adm-dupont", "objets analysés", "Renouvellement planifié"} {
		if strings.Contains(adp, leak) {
			t.Errorf("shared AD audit, partial view, shows %q", leak)
		}
	}
	if _, full := referent.get("/dossiers/CVL-99/rapports/ad/test-ad-commun?at=" + demoAt); !strings.Contains(full, "svc-sauvegarde") {
		t.Error("the GHT referent does not see the directory's objects")
	}

	_, xp := valmont.get("/dossiers/CVL-99/rapports/exposition/test-exp-commune?at=" + demoAt)
	xp = html.UnescapeString(xp)
	for _, leak := range []string{"198.51.100.5", "RDP", `id="compteurs"`, "Rivebelle", "010000040"} {
		if strings.Contains(xp, leak) {
			t.Errorf("shared exposure audit, partial view, shows %q", leak)
		}
	}
	if !strings.Contains(xp, "Au moins une vulnérabilité critique") || !strings.Contains(xp, "audit commun") {
		t.Errorf("shared exposure audit, partial view:\n%.3000s", between(xp, "<main", "</main>"))
	}
	if _, full := referent.get("/dossiers/CVL-99/rapports/exposition/test-exp-commune?at=" + demoAt); !strings.Contains(full, "198.51.100.5") ||
		!strings.Contains(full, `id="compteurs"`) {
		t.Error("the GHT referent does not see the shared audit in full")
	}
	// The shared audit is not the same perimeter as Valmont's own audits.
	_, own := valmont.get("/dossiers/CVL-99/rapports/exposition/vigie-demo-exposition-2?at=" + demoAt)
	if strings.Contains(between(own, `id="comparaison"`, `id="pieces"`), "test-exp-commune") {
		t.Error("a shared audit is compared with an audit of Valmont alone")
	}
}

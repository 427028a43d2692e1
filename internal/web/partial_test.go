package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
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
	for _, leak := range []string{"CH de Rivebelle", "CHS Les Tilleuls", "2 critique(s), 3 élevée(s)", "010000040", "010000065"} {
		if strings.Contains(page, leak) {
			t.Errorf("partial dashboard shows %q", leak)
		}
	}
	if !strings.Contains(page, "CH de Valmont") {
		t.Error("own establishment missing")
	}
	// The GHT referent (whole view) still sees everything.
	_, whole := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	if whole = html.UnescapeString(whole); !strings.Contains(whole, "CH de Rivebelle") || !strings.Contains(whole, "critique(s), ") {
		t.Error("whole view lost names or figures")
	}
	tok, _, err := IssueAPITokenFor(context.Background(), e.st, "rssi-valmont", "", "test", 24*60*60*1e9, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.api(tok, "/api/v1/applicants/CVL-99/facts")
	if code != http.StatusOK {
		t.Fatalf("facts: %d", code)
	}
	for _, a := range body["exposure_audits"].([]any) {
		m := a.(map[string]any)
		if fmt.Sprint(m["entities"]) != "[010000016]" || m["counts"] != nil {
			t.Errorf("shared audit in the API: %v", m)
		}
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

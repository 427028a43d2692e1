package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
)

// postMultipart posts a multipart form, with one file when name is not empty.
func (c *client) postMultipart(path string, fields url.Values, name string, data []byte) (*http.Response, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("fichier", name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return c.do(http.MethodPost, path, &body, map[string]string{"Content-Type": mw.FormDataContentType()})
}

// statusOf evaluates the stored demo dossier at demoAt for an objective and
// an entity or directory.
func statusOf(t *testing.T, e *env, objective, entity string) care.Status {
	t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := care.Evaluate(&f, civil.MustParse(demoAt))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ev.Results {
		if r.Objective == objective && r.Entity == entity {
			return r.Status
		}
	}
	return ""
}

func demoFacts(t *testing.T, e *env) care.Facts {
	t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestADSResultForm(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("rssi-rivebelle")
	const path = "/dossiers/CVL-99/audits-ad/ads"
	resp, page := c.get(path)
	if resp.StatusCode != 200 || strings.Contains(page, "ad-valmont") || !strings.Contains(page, "ad-rivebelle") {
		t.Fatalf("form: %d, or another establishment's directory offered", resp.StatusCode)
	}
	tok := csrfOf(t, page)
	good := func() url.Values {
		return url.Values{"csrf": {tok}, "annuaire": {"ad-rivebelle"}, "date": {"2025-06-14"}, "niveau": {"4"}, "points": {"vuln4_x vuln5_y, vuln4_x"}}
	}
	before := len(demoFacts(t, e).ADAudits)
	cases := []struct{ field, value, want string }{
		{"annuaire", "ad-valmont", "choix « ad-valmont » inconnu"},
		{"annuaire", "", "choisissez l'annuaire audité"},
		{"date", "2025-13-01", "n'est pas une date valide"},
		{"date", "2025-06-16", "date dans le futur"},
		{"niveau", "6", "choix « 6 » inconnu"},
		{"points", "VULN1_krbtgt", "n'est pas un identifiant de point de contrôle ANSSI"},
		{"points", "vuln1_krbtgt", "incohérent avec le niveau 4"},
	}
	for _, tc := range cases {
		f := good()
		f.Set(tc.field, tc.value)
		resp, body := c.postMultipart(path, f, "", nil)
		if resp.StatusCode != 400 || !strings.Contains(body, escapeHTML(tc.want)) || !strings.Contains(body, `<a href="#`+tc.field+`">`) {
			t.Errorf("%s=%q: %d, want 400 naming the field with %q", tc.field, tc.value, resp.StatusCode, tc.want)
		}
	}
	if resp, body := c.postMultipart(path, good(), "rapport.html", []byte("<html><script>x</script></html>")); resp.StatusCode != 400 || !strings.Contains(body, `href="#fichier"`) {
		t.Errorf("HTML report: %d, want 400 on the file field", resp.StatusCode)
	}
	if resp, body := c.postMultipart(path, good(), "rapport.txt", []byte("texte brut")); resp.StatusCode != 400 || !strings.Contains(body, "PDF") {
		t.Errorf("text report: %d, want 400", resp.StatusCode)
	}
	f := good()
	f.Del("csrf")
	if resp, _ := c.postMultipart(path, f, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: %d", resp.StatusCode)
	}
	if resp, _ := e.login("rssi-clinique").get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other dossier: %d, want 404", resp.StatusCode)
	}
	if resp, _ := e.login("auditeur").get(path); resp.StatusCode != http.StatusForbidden {
		t.Errorf("read-only role: %d, want 403", resp.StatusCode)
	}
	if n := len(demoFacts(t, e).ADAudits); n != before || evidenceCount(t, e.st, "CVL-99") != 0 {
		t.Fatalf("refused forms stored data: %d → %d audits", before, n)
	}

	old := statusOf(t, e, "D1.O1.B", "ad-rivebelle")
	resp, _ = c.postMultipart(path, good(), "ads.pdf", []byte("%PDF-1.4\nrapport ADS\n"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ADS result: %d", resp.StatusCode)
	}
	var got *care.ADAudit
	for _, a := range demoFacts(t, e).ADAudits {
		if a.Directory == "ad-rivebelle" && a.Date.String() == "2025-06-14" {
			got = &a
		}
	}
	if got == nil || got.Source != care.SourceADS || got.Level != 4 || len(got.FailedChecks) != 2 || got.Report != "ads.pdf" {
		t.Fatalf("stored audit: %+v", got)
	}
	if n := evidenceCount(t, e.st, "CVL-99"); n != 1 {
		t.Errorf("%d evidence files, want the report", n)
	}
	if now := statusOf(t, e, "D1.O1.B", "ad-rivebelle"); now == old || now != care.Met {
		t.Errorf("D1.O1.B for ad-rivebelle: %s → %s, want met", old, now)
	}
	trail, err := e.st.AuditTrail(t.Context(), 2)
	if err != nil || len(trail) != 2 || trail[0].By != "rssi-rivebelle" {
		t.Errorf("audit trail: %+v %v", trail, err)
	}
}

func TestExposureEntryForm(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	const path = "/dossiers/CVL-99/audits-exposition/nouveau"
	_, page := c.get(path)
	tok := csrfOf(t, page)
	good := func() url.Values {
		return url.Values{"csrf": {tok}, "date": {"2025-06-14"}, "source": {"CERT Santé"}, "entites": {"010000040"},
			"perimetre": {"oui"}, "critiques": {"2"}, "elevees": {"0"}, "moyennes": {"1"}, "faibles": {"0"}}
	}
	before := len(demoFacts(t, e).ExposureAudits)
	cases := []struct{ field, value, want string }{
		{"source", "nmap", "choix « nmap » inconnu"},
		{"entites", "750000010", "choix « 750000010 » inconnu"},
		{"entites", "", "cochez au moins un établissement"},
		{"perimetre", "", "répondez par oui ou non"},
		{"critiques", "-1", "entre 0 et"},
		{"elevees", "beaucoup", "n'est pas un nombre entier"},
		{"date", "", "date obligatoire"},
	}
	for _, tc := range cases {
		f := good()
		if tc.value == "" {
			f.Del(tc.field)
		} else {
			f.Set(tc.field, tc.value)
		}
		resp, body := c.postMultipart(path, f, "", nil)
		if resp.StatusCode != 400 || !strings.Contains(body, escapeHTML(tc.want)) || !strings.Contains(body, `<a href="#`+tc.field+`">`) {
			t.Errorf("%s=%q: %d, want 400 naming the field with %q", tc.field, tc.value, resp.StatusCode, tc.want)
		}
	}
	for name, data := range map[string]string{"x.json": "{pas du json", "y.json": `{"format":"autre"}`, "z.json": `{"events":[]}`} {
		if resp, body := c.postMultipart(path, good(), name, []byte(data)); resp.StatusCode != 400 || !strings.Contains(body, `href="#fichier"`) {
			t.Errorf("file %s: %d, want 400 on the file field", data, resp.StatusCode)
		}
	}
	if n := len(demoFacts(t, e).ExposureAudits); n != before {
		t.Fatalf("refused forms stored data: %d → %d", before, n)
	}
	// A manual entry with a critical vulnerability on the latest audit.
	old := statusOf(t, e, "D1.O2.B", "010000040")
	if resp, _ := c.postMultipart(path, good(), "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("manual entry: %d", resp.StatusCode)
	}
	if now := statusOf(t, e, "D1.O2.B", "010000040"); now == old {
		t.Errorf("D1.O2.B unchanged after a critical finding: %s", now)
	}
	// A Vigie exposure audit file, without critical finding.
	au := exposure.Audit{FinishedAt: time.Date(2025, 6, 15, 8, 0, 0, 0, time.UTC), Complete: true, Summary: exposure.Summary{Medium: 1}}
	blob, _ := json.Marshal(au)
	f := url.Values{"csrf": {tok}, "entites": {"010000040"}}
	if resp, body := c.postMultipart(path, f, "vigie.json", blob); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Vigie file: %d %s", resp.StatusCode, body)
	}
	if n := len(demoFacts(t, e).ExposureAudits); n != before+2 {
		t.Errorf("%d audits, want %d", n, before+2)
	}
	// Vigie audits are indicative: the official critical finding still counts.
	if now := statusOf(t, e, "D1.O2.B", "010000040"); now != care.NotMet {
		t.Errorf("D1.O2.B after a clean Vigie audit: %s, want not met", now)
	}
	var sources []string
	for _, a := range demoFacts(t, e).ExposureAudits {
		if a.Date.String() >= "2025-06-14" {
			sources = append(sources, a.Source)
		}
	}
	if strings.Join(sources, ",") != "CERT Santé,vigie" && strings.Join(sources, ",") != "vigie,CERT Santé" {
		t.Errorf("stored sources: %v", sources)
	}
}

func TestExposureOPSSIESUpload(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	const path = "/dossiers/CVL-99/audits-exposition/nouveau"
	_, page := c.get(path)
	au := &exposure.Audit{FinishedAt: time.Date(2025, 6, 14, 8, 0, 0, 0, time.UTC), Complete: true,
		Perimeter: exposure.Perimeter{Entities: []string{"010000040"}, Domains: []string{"rivebelle.example"}}}
	var doc bytes.Buffer
	if err := opssies.Write(&doc, au, opssies.Params{ProviderSIREN: "732829320", ProviderName: "Prestataire", Entity: "010000040", EntityName: "CH de Rivebelle"}); err != nil {
		t.Fatal(err)
	}
	before := len(demoFacts(t, e).ExposureAudits)
	f := url.Values{"csrf": {csrfOf(t, page)}}
	if resp, body := c.postMultipart(path, f, "opssies.json", doc.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("OPSSIES file: %d %s", resp.StatusCode, body)
	}
	if n := len(demoFacts(t, e).ExposureAudits); n != before+1 {
		t.Errorf("%d audits, want %d", n, before+1)
	}
	if resp, body := c.postMultipart(path, f, "opssies.json", doc.Bytes()); resp.StatusCode != 400 || !strings.Contains(body, "déjà été enregistré") {
		t.Errorf("same file again: %d, want 400", resp.StatusCode)
	}
	// Another establishment may not file an audit naming Rivebelle.
	v := e.login("rssi-valmont")
	_, page = v.get(path)
	if resp, body := v.postMultipart(path, url.Values{"csrf": {csrfOf(t, page)}}, "opssies.json", doc.Bytes()); resp.StatusCode != 400 || !strings.Contains(body, "ne fait pas partie") {
		t.Errorf("out-of-scope entity in the file: %d", resp.StatusCode)
	}
}

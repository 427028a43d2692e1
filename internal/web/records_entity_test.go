package web

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/org"
)

func TestEntityEntryForm(t *testing.T) {
	e := newEnv(t)
	const path = "/dossiers/CVL-99/entites/saisie"
	if resp, _ := e.login("rssi-rivebelle").get(path); resp.StatusCode != http.StatusForbidden {
		t.Errorf("establishment role: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.login("auditeur").get(path); resp.StatusCode != http.StatusForbidden {
		t.Errorf("auditor: %d, want 403", resp.StatusCode)
	}
	c := e.login("referent-ght")
	_, page := c.get(path + "?finess=010000057")
	if !strings.Contains(page, `value="CH de Rivebelle"`) {
		t.Error("correction not pre-filled")
	}
	tok := csrfOf(t, page)
	eg := func() url.Values {
		return url.Values{"csrf": {tok}, "finess": {"010000081"}, "type": {"EG"}, "nom": {"CH de Rivebelle — annexe"}, "ej": {"010000040"}}
	}
	cases := []struct{ field, value, want string }{
		{"finess", "010000082", "FINESS"},
		{"finess", "", "numéro FINESS obligatoire"},
		{"finess", "750000010", "appartient déjà à un autre dossier"},
		{"type", "XX", "choix « XX » inconnu"},
		{"nom", "", "raison sociale obligatoire"},
		{"ej", "", "choisissez l'EJ de rattachement"},
		{"ej", "750000010", "choix « 750000010 » inconnu"},
		{"statut", "13", "laissez ce champ vide"},
	}
	for _, tc := range cases {
		f := eg()
		f.Set(tc.field, tc.value)
		resp, body := c.post(path, f)
		if resp.StatusCode != 400 || !strings.Contains(body, escapeHTML(tc.want)) || !strings.Contains(body, `<a href="#`+tc.field+`">`) {
			t.Errorf("%s=%q: %d, want 400 naming the field with %q", tc.field, tc.value, resp.StatusCode, tc.want)
		}
	}
	ej := url.Values{"csrf": {tok}, "finess": {"010000081"}, "type": {"EJ"}, "nom": {"X"}, "statut": {"abc"}}
	if resp, body := c.post(path, ej); resp.StatusCode != 400 || !strings.Contains(body, `href="#statut"`) {
		t.Errorf("bad legal status: %d", resp.StatusCode)
	}
	if n := len(demoFacts(t, e).Entities); n != 7 {
		t.Fatalf("refused forms stored entities: %d", n)
	}
	if resp, _ := c.post(path, eg()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new EG: %d", resp.StatusCode)
	}
	fix := eg()
	fix.Set("finess", "010000057")
	fix.Set("nom", "CH de Rivebelle — site principal")
	if resp, _ := c.post(path, fix); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d", resp.StatusCode)
	}
	got := map[org.FINESS]org.Entity{}
	for _, x := range demoFacts(t, e).Entities {
		got[x.FINESS] = x
	}
	if len(got) != 8 || got["010000081"].Parent != "010000040" || got["010000057"].Name != "CH de Rivebelle — site principal" {
		t.Errorf("entities after the forms: %+v", got)
	}
	trail, err := e.st.AuditTrail(t.Context(), 1)
	if err != nil || len(trail) != 1 || trail[0].By != "referent-ght" || trail[0].Action != "entite" {
		t.Errorf("audit trail: %+v %v", trail, err)
	}
}

func TestEtalabUpload(t *testing.T) {
	e := newEnv(t)
	const path = "/finess/import"
	if resp, _ := e.login("referent-ght").get(path); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GHT referent: %d, want 403", resp.StatusCode)
	}
	c := e.login("admin")
	_, page := c.get(path)
	f := url.Values{"csrf": {csrfOf(t, page)}}
	if resp, body := c.postMultipart(path, f, "", nil); resp.StatusCode != 400 || !strings.Contains(body, `href="#fichier"`) {
		t.Errorf("no file: %d", resp.StatusCode)
	}
	sample, err := os.ReadFile(filepath.Join("..", "org", "testdata", "etalab-sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := append(bytes.Clone(sample), []byte("structureet;01000008X;010000099;court\n")...)
	resp, body := c.postMultipart(path, f, "etalab.csv", bad)
	if resp.StatusCode != 400 || !strings.Contains(body, "rien n&#39;a été importé") || !strings.Contains(body, "ligne ") {
		t.Errorf("invalid rows: %d, want 400 listing the rows", resp.StatusCode)
	}
	if _, err := e.st.Entity(t.Context(), "010000081"); err == nil {
		t.Fatal("a refused extraction stored entities")
	}
	resp, body = c.postMultipart(path, f, "etalab.csv", sample)
	if resp.StatusCode != 200 || !strings.Contains(body, "Extraction importée") {
		t.Fatalf("valid extraction: %d", resp.StatusCode)
	}
	if _, err := e.st.Entity(t.Context(), "010000081"); err != nil {
		t.Errorf("entity of the extraction: %v", err)
	}
}

func TestRecordLinksOnDossier(t *testing.T) {
	e := newEnv(t)
	_, body := e.login("referent-ght").get("/dossiers/CVL-99")
	for _, l := range []string{"/audits-ad/ads", "/audits-exposition/nouveau", "/entites/saisie"} {
		if !strings.Contains(body, `href="/dossiers/CVL-99`+l+`"`) {
			t.Errorf("no link to %s for the GHT referent", l)
		}
	}
	_, body = e.login("rssi-rivebelle").get("/dossiers/CVL-99")
	if strings.Contains(body, "/entites/saisie") || !strings.Contains(body, "/audits-ad/ads") {
		t.Error("establishment links: the entity form is for administrators and GHT referents")
	}
	if _, body = e.login("auditeur").get("/dossiers/CVL-99"); strings.Contains(body, "/audits-ad/ads") {
		t.Error("read-only role offered a record form")
	}
}

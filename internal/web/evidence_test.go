package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie/internal/store"
)

// newEvidenceEnv is newEnv with a store encryption key, which evidence files need.
func newEvidenceEnv(t *testing.T) *env { return newEvidenceEnvWith(t, store.Config{}, Config{}) }

// newEvidenceEnvWith is newEvidenceEnv with store and server settings
// (their store, key, clock and logger are set here).
func newEvidenceEnvWith(t *testing.T, sc store.Config, wc Config, opts ...func(*store.Store, *Config)) *env {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 6, 15, 9, 0, 0, 0, time.UTC)}
	sc.DSN, sc.Key = "sqlite:"+t.TempDir()+"/vigie.db", bytes.Repeat([]byte{3}, 32)
	sc.Now = clock.Now
	st, err := store.Open(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	accs, err := SetupDemo(ctx, st, cheapArgon2)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, clock: clock, accounts: map[string]string{}}
	for _, a := range accs {
		e.accounts[a.Login] = a.Password
	}
	if _, err := st.ImportFacts(ctx, privateFacts(t), "test"); err != nil {
		t.Fatal(err)
	}
	if err := CreateUser(ctx, st, "rssi-clinique", RoleEstablishment, "750000010", "clinique-mot-de-passe", "test", cheapArgon2); err != nil {
		t.Fatal(err)
	}
	e.accounts["rssi-clinique"] = "clinique-mot-de-passe"
	wc.Store, wc.Now, wc.Logger = st, e.clock.Now, slog.New(slog.NewTextHandler(testWriter{t}, nil))
	for _, o := range opts {
		o(st, &wc)
	}
	s, err := New(wc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e.server = s
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// upload posts the evidence form of a dossier.
func (c *client) uploadEvidence(dossierID, csrf, target, name string, data []byte) (*http.Response, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	mw.WriteField("rattachement", target)
	fw, err := mw.CreateFormFile("fichier", name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.do(http.MethodPost, "/dossiers/"+dossierID+"/preuves", &body, map[string]string{"Content-Type": mw.FormDataContentType()})
}

var fileLinkRe = regexp.MustCompile(`href="(/dossiers/[^/"]+/preuves/[^"]+)"`)

// evidenceCount counts the stored evidence files of a dossier.
func evidenceCount(t *testing.T, st *store.Store, id string) int {
	t.Helper()
	fs, err := st.EvidenceFiles(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(fs)
}

func TestEvidenceUploadAndDownload(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/preuves")
	csrf := csrfOf(t, page)
	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ncompte rendu du comité stratégique\n%%EOF\n")

	resp, body := c.uploadEvidence("CVL-99", csrf, "objectif:D1.O6.B@", "C:\\Users\\rssi\\CR comité \"final\".pdf", pdf)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: status %d\n%s", resp.StatusCode, body)
	}
	_, dash := c.get("/dossiers/CVL-99")
	m := fileLinkRe.FindStringSubmatch(dash)
	if m == nil || !strings.Contains(dash, "CR comité final.pdf") {
		t.Fatalf("file not listed on the dossier page")
	}
	resp, got := c.get(m[1])
	if resp.StatusCode != http.StatusOK || got != string(pdf) {
		t.Fatalf("download: %d, %q", resp.StatusCode, got)
	}
	h := resp.Header
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Type") != "application/pdf" {
		t.Errorf("headers: %v", h)
	}

	// Out of scope: another establishment's user gets 404, as for a missing file.
	other := e.login("rssi-clinique")
	if resp, _ := other.get(m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("out-of-scope download: %d, want 404", resp.StatusCode)
	}
	if resp, _ := c.get("/dossiers/CVL-99/preuves/pj-inexistant"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown file: %d, want 404", resp.StatusCode)
	}
	// An establishment inside the GHT sees only its own entities' files.
	if resp, _ := e.login("rssi-valmont").get(m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("whole-dossier file downloaded by a partial view: %d, want 404", resp.StatusCode)
	}
}

func TestEvidenceRefused(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/preuves")
	csrf := csrfOf(t, page)
	target := "objectif:D1.O3@"
	cases := []struct {
		name, file string
		data       []byte
		status     int
		want       string
	}{
		{"html", "retex.html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 400, "type de fichier refusé"},
		{"svg", "schema.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 400, "type de fichier refusé"},
		{"exe", "outil.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...), 400, "type de fichier refusé"},
		{"empty", "vide.txt", nil, 400, "le fichier est vide"},
		{"too big", "gros.pdf", append([]byte("%PDF-1.4\n"), make([]byte, maxEvidenceBytes)...), 400, "20 Mio au plus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.uploadEvidence("CVL-99", csrf, target, tc.file, tc.data)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d, want %d with %q\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
			if !strings.Contains(body, `id="fichier"`) || !strings.Contains(body, `href="#fichier">Fichier</a>`) {
				t.Error("form not re-displayed with the field named")
			}
		})
	}
	// Beyond the body limit the request is cut short: a French 400, nothing stored.
	if resp, body := c.uploadEvidence("CVL-99", csrf, target, "enorme.pdf", make([]byte, maxEvidenceBytes+2<<20)); resp.StatusCode != 400 ||
		!strings.Contains(body, "Envoi trop volumineux") {
		t.Errorf("body over the limit: %d", resp.StatusCode)
	}
	if resp, body := c.uploadEvidence("CVL-99", csrf, "objectif:D9.O9@", "ok.txt", []byte("texte")); resp.StatusCode != 400 ||
		!strings.Contains(body, `href="#rattachement"`) {
		t.Errorf("unknown target: %d", resp.StatusCode)
	}
	if resp, _ := c.uploadEvidence("CVL-99", "", target, "ok.txt", []byte("texte brut")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("missing CSRF: %d, want 403", resp.StatusCode)
	}
	ro := e.login("auditeur")
	_, p := ro.get("/dossiers/CVL-99/preuves")
	if resp, _ := ro.uploadEvidence("CVL-99", csrfOf(t, p), target, "ok.txt", []byte("texte brut")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("read-only upload: %d, want 403", resp.StatusCode)
	}
	if n := evidenceCount(t, e.st, "CVL-99"); n != 0 {
		t.Errorf("%d files stored after refused uploads", n)
	}
}

func TestDetectEvidence(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png"},
		{"text", []byte("RETEX : bascule en mode dégradé réussie.\n"), "text/plain; charset=utf-8"},
		{"xml", []byte(`<?xml version="1.0"?><svg/>`), ""},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00"), ""},
		{"svg without prolog", []byte("Note\n<svg onload=alert(1)>"), ""},
	} {
		if got, _ := detectEvidence(tc.data); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	docx := evidenceZip(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
	if got, msg := detectEvidence(docx); got != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("docx: %q %s", got, msg)
	}
	macro := evidenceZip(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"})
	if got, _ := detectEvidence(macro); got != "" {
		t.Errorf("macro document accepted as %q", got)
	}
	if got, _ := detectEvidence(evidenceZip(t, map[string]string{"a.exe": "MZ"})); got != "" {
		t.Errorf("plain zip accepted as %q", got)
	}
}

// evidenceZip builds a zip archive in memory.
func evidenceZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEvidencePartialScope(t *testing.T) {
	e := newEvidenceEnv(t)
	valmont := e.login("rssi-valmont")
	_, page := valmont.get("/dossiers/CVL-99/preuves")
	if strings.Contains(page, `value="objectif:D1.O3@"`) {
		t.Error("a partial view may attach a file to the whole dossier")
	}
	resp, body := valmont.uploadEvidence("CVL-99", csrfOf(t, page), "objectif:D1.O3@010000016", "retex.txt", []byte("RETEX Valmont\n"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
	}
	_, list := valmont.get(resp.Header.Get("Location"))
	if !strings.Contains(list, "Pièce « retex.txt » enregistrée") {
		t.Error("no confirmation after the redirect")
	}
	m := fileLinkRe.FindStringSubmatch(list)
	if m == nil {
		t.Fatal("own file not listed")
	}
	if resp, _ := e.login("referent-ght").get(m[1]); resp.StatusCode != http.StatusOK {
		t.Errorf("GHT referent download: %d, want 200", resp.StatusCode)
	}
	rive := e.login("rssi-rivebelle")
	if resp, _ := rive.get(m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another establishment of the GHT downloads it: %d, want 404", resp.StatusCode)
	}
	if _, l := rive.get("/dossiers/CVL-99/preuves"); strings.Contains(l, "retex.txt") {
		t.Error("another establishment of the GHT sees the file in its list")
	}
}

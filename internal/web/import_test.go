package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"vigie/internal/demo"
	"vigie/internal/dossier"
)

// upload posts a dossier file (and a CSRF token unless empty) to /import.
func (c *client) upload(csrf string, file io.Reader) (*http.Response, string) {
	c.e.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		if csrf != "" {
			mw.WriteField("csrf", csrf)
		}
		if file != nil {
			part, _ := mw.CreateFormFile("dossier", "dossier.json")
			if _, err := io.Copy(part, file); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	return c.do(http.MethodPost, "/import", pr, map[string]string{"Content-Type": mw.FormDataContentType()})
}

func TestImportForm(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	_, page := admin.get("/import")
	tok := csrfOf(t, page)
	before := len(e.exercises(t))

	bad := []struct {
		name, body, want string
	}{
		{"not JSON", "ceci n'est pas du JSON", "pas été importé"},
		{"wrong format", `{"format": "autre/1"}`, "pas été importé"},
		{"bad FINESS", strings.Replace(string(demo.GHTDossier()), `"010000040"`, `"010000041"`, 1), "entities"},
	}
	for _, tc := range bad {
		resp, body := admin.upload(tok, strings.NewReader(tc.body))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, escapeHTML(tc.want)) || !strings.Contains(body, `<a href="#dossier">`) {
			t.Errorf("%s: %d, want 400 naming the file field and %q", tc.name, resp.StatusCode, tc.want)
		}
	}
	// A file with several errors lists all of them, each at its place.
	several := strings.Replace(strings.Replace(string(demo.GHTDossier()), `"level": 3`, `"level": 9`, 1), `"kit": "debutant"`, `"kit": "expert"`, 1)
	if resp, body := admin.upload(tok, strings.NewReader(several)); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "2 erreurs") || !strings.Contains(body, "<code>ad_audits[16].level</code>") || !strings.Contains(body, "<code>exercises[0].kit</code>") {
		t.Errorf("several errors: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := admin.upload(tok, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Choisissez un fichier") {
		t.Errorf("no file: %d", resp.StatusCode)
	}
	if resp, _ := admin.upload("", strings.NewReader(string(demo.GHTDossier()))); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: %d, want 403", resp.StatusCode)
	}
	huge := io.MultiReader(strings.NewReader(`{"format": "vigie-dossier/1", "x": "`), io.LimitReader(zeros{}, dossier.MaxSize+2<<20))
	if resp, body := admin.upload(tok, huge); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "64 Mio au plus") {
		t.Errorf("oversized upload: %d", resp.StatusCode)
	}

	// An establishment may not import the GHT's dossier; ARS may not import at all.
	own := e.login("rssi-valmont")
	_, p2 := own.get("/import")
	resp, body := own.upload(csrfOf(t, p2), bytes.NewReader(demo.GHTDossier()))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "périmètre") {
		t.Errorf("establishment imports the GHT dossier: %d", resp.StatusCode)
	}
	if resp, _ := e.login("ars-cvl").get("/import"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ARS import form: %d, want 403", resp.StatusCode)
	}
	if after := len(e.exercises(t)); after != before {
		t.Fatalf("refused imports changed the data: %d → %d exercises", before, after)
	}

	// A good import by the GHT referent adds the new exercise.
	f, err := dossier.Read(bytes.NewReader(demo.GHTDossier()))
	if err != nil {
		t.Fatal(err)
	}
	f.Exercises = append(f.Exercises, exerciseFor("010000065", "2025-05-20"))
	var buf bytes.Buffer
	if err := dossier.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	ref := e.login("referent-ght")
	_, p3 := ref.get("/import")
	resp, body = ref.upload(csrfOf(t, p3), &buf)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "1 ligne ajoutée") || !strings.Contains(body, `href="/dossiers/CVL-99"`) {
		t.Errorf("good import: %d\n%s", resp.StatusCode, body)
	}
	if after := len(e.exercises(t)); after != before+1 {
		t.Errorf("exercises after the import: %d, want %d", after, before+1)
	}
	if got := e.d1o3("010000065"); got != "met" {
		t.Errorf("D1.O3 of CHS Les Tilleuls after the import: %s", got)
	}
}

// zeros is an endless reader of 'a' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

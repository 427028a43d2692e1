package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
	"vigie/internal/store"
)

// fuzzServer is the web application on the demo data, for fuzzing: a
// GHT referent's session and the other dossier's facts, which no input
// may change.
type fuzzServer struct {
	st    *store.Store
	srv   *httptest.Server
	c     *http.Client
	csrf  string
	other care.Facts
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: "sqlite:" + f.TempDir() + "/vigie.db", Key: bytes.Repeat([]byte{4}, 32)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	accs, err := SetupDemo(ctx, st, cheapArgon2)
	if err != nil {
		f.Fatal(err)
	}
	var pw string
	for _, a := range accs {
		if a.Login == "referent-ght" {
			pw = a.Password
		}
	}
	if _, err := st.ImportFacts(ctx, privateFacts(f), "test"); err != nil {
		f.Fatal(err)
	}
	now := time.Date(2025, 6, 15, 9, 0, 0, 0, time.UTC)
	s, err := New(Config{Store: st, Now: func() time.Time { return now }, UploadsPerWindow: 1 << 30})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	fs := &fuzzServer{st: st, srv: httptest.NewServer(s.Handler())}
	f.Cleanup(fs.srv.Close)
	jar, _ := cookiejar.New(nil)
	fs.c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tok := fs.token(f, "/connexion")
	resp, err := fs.c.PostForm(fs.srv.URL+"/connexion", url.Values{"csrf": {tok}, "login": {"referent-ght"}, "password": {pw}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		f.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	fs.csrf = fs.token(f, "/import")
	if fs.other, err = st.LoadFacts(ctx, "750000010"); err != nil {
		f.Fatal(err)
	}
	return fs
}

func (fs *fuzzServer) token(tb testing.TB, path string) string {
	resp, err := fs.c.Get(fs.srv.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		tb.Fatalf("%s: no CSRF token", path)
	}
	return string(m[1])
}

// upload posts a multipart form with the file field and returns the status.
func (fs *fuzzServer) upload(t *testing.T, path, field string, fields url.Values, data []byte) int {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", fs.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, "fichier.json")
	fw.Write(data)
	mw.Close()
	resp, err := fs.c.Post(fs.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// checkOther fails when the other dossier changed.
func (fs *fuzzServer) checkOther(t *testing.T) {
	got, err := fs.st.LoadFacts(context.Background(), "750000010")
	if err != nil || !reflect.DeepEqual(got, fs.other) {
		t.Fatalf("the other dossier changed (%v)", err)
	}
}

// FuzzImportDossier sends any file to the dossier import as a GHT
// referent: the answer is the import, a refusal naming the problem, or the
// role refusal — never a server error — and the other dossier never changes.
func FuzzImportDossier(f *testing.F) {
	fs := newFuzzServer(f)
	small := demoFactsFile(f)
	f.Add(small)
	f.Add([]byte(`{"format":"vigie-dossier/1","wave":"D1-2024","ght":{"code":"CVL-99","name":"x","support":"010000016"},"entities":[{"finess":"750000010","kind":"EJ","name":"x"}]}`))
	f.Add([]byte(`{"format":"vigie-dossier/1","wave":"D1-2024","entities":[{"finess":"750000010","kind":"EJ","name":"Clinique"}],"ad_audits":[{"id":"x","directory":"d","date":"2025-01-01","level":2,"source":"ADS"}]}`))
	f.Add([]byte("pas du JSON"))
	f.Fuzz(func(t *testing.T, data []byte) {
		switch code := fs.upload(t, "/import", "dossier", nil, data); code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden:
		default:
			t.Fatalf("import answered %d", code)
		}
		fs.checkOther(t)
	})
}

// FuzzImportExposureFile sends any file as an exposure audit file (Vigie
// JSON or OPSSIES CaRE D1) of the GHT dossier: stored or refused with a
// French reason, never a server error, never touching the other dossier.
func FuzzImportExposureFile(f *testing.F) {
	fs := newFuzzServer(f)
	au := &exposure.Audit{FinishedAt: time.Date(2025, 6, 14, 8, 0, 0, 0, time.UTC), Complete: true,
		Perimeter: exposure.Perimeter{Entities: []string{"010000040"}, Domains: []string{"rivebelle.example"}}}
	var doc bytes.Buffer
	if err := opssies.Write(&doc, au, opssies.Params{ProviderSIREN: "732829320", ProviderName: "Prestataire", Entity: "010000040", EntityName: "CH de Rivebelle"}); err != nil {
		f.Fatal(err)
	}
	var compact bytes.Buffer
	json.Compact(&compact, doc.Bytes())
	f.Add(compact.Bytes())
	vigie, _ := json.Marshal(au)
	f.Add(vigie)
	f.Add([]byte(`{"events":{"event":[{"eventType":29,"stakeholders":[{"stakeholderRoleType":4,"stakeholderId":{"stakeholderIdType":3,"__text":"750000010"}}],"dates":[{"dateType":7,"__text":"20240101-000000"}],"outcome":{"level":1}}]}}`))
	fields := url.Values{"entites": {"010000040"}, "date": {"2025-06-14"}, "source": {care.SourceSILENE}, "perimetre": {"oui"},
		"critiques": {"0"}, "elevees": {"0"}, "moyennes": {"0"}, "faibles": {"0"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		switch code := fs.upload(t, "/dossiers/CVL-99/audits-exposition/nouveau", "fichier", fields, data); code {
		case http.StatusSeeOther, http.StatusBadRequest:
		default:
			t.Fatalf("exposure file answered %d", code)
		}
		fs.checkOther(t)
	})
}

// demoFactsFile is a small dossier of the demo GHT (one exercise more).
func demoFactsFile(tb testing.TB) []byte {
	f := care.Facts{Wave: "D1-2024"}
	b, err := json.Marshal(map[string]any{"format": "vigie-dossier/1", "wave": f.Wave,
		"ght":       map[string]string{"code": "CVL-99", "name": "GHT Exemple Val-de-Loire (fictif)", "support": "010000016", "region": "Centre-Val de Loire"},
		"entities":  []map[string]string{{"finess": "010000016", "kind": "EJ", "name": "CH de Valmont", "legal_status": "13"}},
		"exercises": []map[string]any{{"entity": "010000016", "date": civil.MustParse("2025-05-20").String(), "kit": "debutant"}}})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

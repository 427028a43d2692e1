package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// cheapArgon2 keeps the tests fast; the production cost is DefaultArgon2.
var cheapArgon2 = Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// demoAt is the date the demo data is meant to be read at.
const demoAt = "2025-06-15"

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a running test server on the demo data.
type env struct {
	t        *testing.T
	st       *store.Store
	srv      *httptest.Server
	server   *Server
	clock    *testClock
	accounts map[string]string // login → password
}

// newEnv starts a server on 127.0.0.1 with the demo GHT and accounts, and a
// private EJ outside any GHT in another region.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Config{DSN: "sqlite:" + dir + "/vigie.db"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	accs, err := SetupDemo(ctx, st, cheapArgon2)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, clock: &testClock{t: time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)}, accounts: map[string]string{}}
	for _, a := range accs {
		e.accounts[a.Login] = a.Password
	}
	if _, err := st.ImportFacts(ctx, privateFacts(t), "test"); err != nil {
		t.Fatal(err)
	}
	for login, pw := range map[string]string{"rssi-clinique": "clinique-mot-de-passe", "ars-idf": "ars-idf-mot-de-passe"} {
		role, scope := RoleEstablishment, "750000010"
		if login == "ars-idf" {
			role, scope = RoleARS, "Île-de-France"
		}
		if err := CreateUser(ctx, st, login, role, scope, pw, "test", cheapArgon2); err != nil {
			t.Fatal(err)
		}
		e.accounts[login] = pw
	}
	s, err := New(Config{Store: st, Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.server = s
	e.srv = httptest.NewServer(s.Handler()) // listens on 127.0.0.1:0
	t.Cleanup(e.srv.Close)
	return e
}

// privateFacts is a for-profit clinic outside any GHT, in Île-de-France.
func privateFacts(t testing.TB) care.Facts {
	t.Helper()
	ej, eg := mustFINESS(t, "750000010"), mustFINESS(t, "750000028")
	return care.Facts{
		Wave: "D1-2024",
		Entities: []org.Entity{
			{FINESS: ej, Kind: org.EJ, Name: "Clinique du Parc SAS", LegalStatus: "72", Category: org.ForProfit, Region: "Île-de-France"},
			{FINESS: eg, Kind: org.EG, Name: "Clinique du Parc", Parent: ej, Category: org.ForProfit, Region: "Île-de-France"},
		},
		Exercises: []care.Exercise{{Entity: eg, Date: civil.MustParse("2025-01-20"), Kit: "debutant"}},
	}
}

func mustFINESS(t testing.TB, s string) org.FINESS {
	t.Helper()
	f, err := org.ParseFINESS(s)
	if err != nil {
		t.Fatalf("FINESS %s : %v", s, err)
	}
	return f
}

// client is a browser-like client that does not follow redirects.
type client struct {
	e  *env
	hc *http.Client
}

func (e *env) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs in and fails the test unless it succeeds.
func (e *env) login(login string) *client {
	e.t.Helper()
	c := e.anonymous()
	resp, _ := c.postLogin(login, e.accounts[login])
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", login, resp.StatusCode)
	}
	return c
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf extracts the first CSRF token of a page.
func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in page:\n%s", body)
	}
	return m[1]
}

func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	return c.do(http.MethodGet, path, nil, nil)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.e.t.Helper()
	return c.do(http.MethodPost, path, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

func (c *client) do(method, path string, body io.Reader, headers map[string]string) (*http.Response, string) {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp, string(b)
}

// postLogin submits the login form with the token of a freshly loaded form.
func (c *client) postLogin(login, password string) (*http.Response, string) {
	c.e.t.Helper()
	_, page := c.get("/connexion")
	return c.post("/connexion", url.Values{"csrf": {csrfOf(c.e.t, page)}, "login": {login}, "password": {password}})
}

// api calls the API with a bearer token ("" for none).
func (e *env) api(token, path string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("%s: Content-Type %q, want JSON", path, ct)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		e.t.Fatalf("%s: JSON: %v", path, err)
	}
	return resp.StatusCode, body
}

// d1o3 returns the D1.O3 status of an entity in the stored dossier at demoAt.
func (e *env) d1o3(entity string) care.Status {
	e.t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		e.t.Fatal(err)
	}
	ev, err := care.Evaluate(&f, civil.MustParse(demoAt))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range ev.Results {
		if r.Objective == "D1.O3" && r.Entity == entity {
			return r.Status
		}
	}
	e.t.Fatalf("no D1.O3 result for %s", entity)
	return ""
}

// exercises returns the stored exercises of the demo GHT.
func (e *env) exercises(t *testing.T) []care.Exercise {
	t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	return f.Exercises
}

// testWriter sends the server's log to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// exerciseFor is a complete exercise (management and clinical directions present).
func exerciseFor(entity, date string) care.Exercise {
	yes := true
	return care.Exercise{Entity: org.FINESS(entity), Date: civil.MustParse(date), Kit: "intermediaire", Scenario: "Panne du DPI",
		GeneralManagement: &yes, Clinical: &yes}
}

// excerpt returns the part of s from the first from to the next to
// (s itself when from is absent), for readable failure messages.
func excerpt(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return s
	}
	in, _, _ := strings.Cut(rest, to)
	return from + in + to
}

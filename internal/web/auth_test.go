package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("un mot de passe assez long", cheapArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	if !VerifyPassword(h, "un mot de passe assez long") {
		t.Error("right password refused")
	}
	if VerifyPassword(h, "un mot de passe assez lonG") {
		t.Error("wrong password accepted")
	}
	h2, _ := HashPassword("un mot de passe assez long", cheapArgon2)
	if h2 == h {
		t.Error("two hashes of the same password are equal: no random salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA",
		strings.Replace(h, "$argon2id$", "$bcrypt$", 1)} {
		if VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	if err := CheckPasswordPolicy("court"); err == nil || !strings.Contains(err.Error(), "au moins 12") {
		t.Errorf("short password: %v", err)
	}
}

func TestPagesNeedLogin(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	for _, p := range []string{"/", "/dossiers/CVL-99", "/entites/010000016", "/entites/010000016/exercices/nouveau"} {
		resp, _ := c.get(p)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/connexion") {
			t.Errorf("GET %s without session: %d → %q, want 303 to /connexion", p, resp.StatusCode, loc)
		}
	}
	before := len(e.exercises(t))
	resp, _ := c.post("/entites/010000016/exercices", url.Values{"date": {"2025-06-10"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("POST without session: %d, want 303 to the login page", resp.StatusCode)
	}
	if n := len(e.exercises(t)); n != before {
		t.Errorf("%d exercises stored after an anonymous POST, want %d", n, before)
	}
}

func TestLoginErrors(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	_, page := c.get("/connexion")
	tok := csrfOf(t, page)
	// A token one character off (never the same character: a token that
	// starts with « x » stays valid if « x » replaces its first one).
	wrong := "x" + tok[1:]
	if tok[0] == 'x' {
		wrong = "y" + tok[1:]
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"no CSRF", url.Values{"login": {"admin"}, "password": {e.accounts["admin"]}}, 403, "jeton de sécurité"},
		{"wrong CSRF", url.Values{"csrf": {wrong}, "login": {"admin"}, "password": {e.accounts["admin"]}}, 403, "jeton de sécurité"},
		{"empty login", url.Values{"csrf": {tok}, "password": {"x"}}, 400, "Indiquez votre identifiant"},
		{"empty password", url.Values{"csrf": {tok}, "login": {"admin"}}, 400, "Indiquez votre mot de passe"},
		{"wrong password", url.Values{"csrf": {tok}, "login": {"admin"}, "password": {"pas le bon mot de passe"}}, 401, "Identifiant ou mot de passe incorrect"},
		{"unknown login", url.Values{"csrf": {tok}, "login": {"personne"}, "password": {"pas le bon mot de passe"}}, 401, "Identifiant ou mot de passe incorrect"},
	}
	for _, tc := range cases {
		resp, body := c.post("/connexion", tc.form)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %d with %q", tc.name, resp.StatusCode, tc.status, tc.want)
		}
		if resp.StatusCode != 403 && !strings.Contains(body, `<form method="post" action="/connexion"`) {
			t.Errorf("%s: the form is not re-displayed", tc.name)
		}
		if got := resp.Header.Get("Set-Cookie"); strings.Contains(got, sessionCookie+"=") {
			t.Errorf("%s: a session cookie was set", tc.name)
		}
	}
	// A good login sets a hardened session cookie and returns to the asked page.
	resp, _ := c.post("/connexion", url.Values{"csrf": {tok}, "login": {"admin"}, "password": {e.accounts["admin"]}, "suite": {"/dossiers/CVL-99"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dossiers/CVL-99" {
		t.Fatalf("good login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == sessionCookie {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || len(ck.Value) < 43 {
		t.Errorf("session cookie: %+v", ck)
	}
	// An open redirect target is ignored.
	c2 := e.anonymous()
	_, page = c2.get("/connexion")
	resp, _ = c2.post("/connexion", url.Values{"csrf": {csrfOf(t, page)}, "login": {"admin"}, "password": {e.accounts["admin"]}, "suite": {"//evil.example/"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("open redirect: Location %q", loc)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	for i := range FreeLoginFailures {
		resp, _ := c.postLogin("rssi-valmont", "mauvais mot de passe")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
		}
	}
	// The free failures pass: the right password still works at once…
	if resp, _ := e.anonymous().postLogin("rssi-valmont", e.accounts["rssi-valmont"]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after %d failures: %d", FreeLoginFailures, resp.StatusCode)
	}
	// … and a success starts the account's count again.
	for i := range FreeLoginFailures + 3 {
		if resp, _ := c.postLogin("rssi-valmont", "mauvais mot de passe"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
		}
		e.clock.Advance(time.Hour / 60) // 1 min: past each delay so far
	}
	// Now each failure doubles the wait: after 7 failures in a row, 8 s.
	resp, _ := c.postLogin("rssi-valmont", "mauvais mot de passe")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("7th failure: %d", resp.StatusCode)
	}
	resp, body := c.postLogin("rssi-valmont", e.accounts["rssi-valmont"])
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "8" || !strings.Contains(body, "patientez 8 secondes") {
		t.Fatalf("right password during the delay: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another account from the same address is not delayed (an address gets
	// many more free failures: a hospital's users share one).
	if resp, _ := e.anonymous().postLogin("admin", e.accounts["admin"]); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("other account, same address: %d, want 303", resp.StatusCode)
	}
	// The state is in the store: a new server (a restart, another instance) keeps it.
	s2, err := New(Config{Store: e.st, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(s2.Handler())
	defer other.Close()
	if code := loginStatus(t, other.URL, "rssi-valmont", e.accounts["rssi-valmont"], ""); code != http.StatusTooManyRequests {
		t.Errorf("after a restart: %d, want 429", code)
	}
	e.clock.Advance(8 * time.Second)
	if resp, _ := c.postLogin("rssi-valmont", e.accounts["rssi-valmont"]); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the delay: %d, want 303", resp.StatusCode)
	}
}

// loginStatus submits the login form of the server at base, with an
// X-Forwarded-For header when xff is not empty, and returns the status.
func loginStatus(t *testing.T, base, login, password, xff string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) (*http.Response, string) {
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/connexion", nil)
	_, page := do(req)
	form := url.Values{"csrf": {csrfOf(t, page)}, "login": {login}, "password": {password}}
	req, _ = http.NewRequest(http.MethodPost, base+"/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := do(req)
	return resp.StatusCode
}

// TestLoginThrottlePerAddress: behind a trusted proxy, the client address
// comes from X-Forwarded-For, and an address that fails too often waits.
func TestLoginThrottlePerAddress(t *testing.T) {
	e := newEnv(t)
	s, err := New(Config{Store: e.st, Now: e.clock.Now, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for i := range FreeAddressFailures {
		if code := loginStatus(t, srv.URL, fmt.Sprintf("inconnu-%d", i), "x", "198.51.100.7, 127.0.0.2"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	if code := loginStatus(t, srv.URL, "inconnu-x", "x", "198.51.100.7"); code != http.StatusUnauthorized {
		t.Fatalf("failure %d: %d", FreeAddressFailures+1, code)
	}
	if code := loginStatus(t, srv.URL, "admin", e.accounts["admin"], "198.51.100.7"); code != http.StatusTooManyRequests {
		t.Errorf("address over its free failures: %d, want 429", code)
	}
	if code := loginStatus(t, srv.URL, "admin", e.accounts["admin"], "198.51.100.8"); code != http.StatusSeeOther {
		t.Errorf("another address behind the proxy: %d, want 303", code)
	}
	// Without trusted proxies the header is ignored: the peer is the client.
	if code := loginStatus(t, e.srv.URL, "admin", e.accounts["admin"], "198.51.100.7"); code != http.StatusSeeOther {
		t.Errorf("untrusted X-Forwarded-For believed: %d", code)
	}
}

func TestClientIP(t *testing.T) {
	s := &Server{proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	for _, tc := range []struct{ remote, xff, want string }{
		{"192.0.2.1:4000", "203.0.113.9", "192.0.2.1"},
		{"10.1.1.1:4000", "203.0.113.9", "203.0.113.9"},
		{"10.1.1.1:4000", "203.0.113.9, 10.2.2.2", "203.0.113.9"},
		{"10.1.1.1:4000", "6.6.6.6, 203.0.113.9", "203.0.113.9"},
		{"10.1.1.1:4000", "", "10.1.1.1"},
		{"10.1.1.1:4000", "pas une adresse", "10.1.1.1"},
		{"[::1]:4000", "2001:db8::5", "2001:db8::5"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("%s via %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin")
	_, page := c.get("/")
	resp, body := c.post("/deconnexion", url.Values{})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "jeton de sécurité") {
		t.Errorf("logout without CSRF: %d, want 403", resp.StatusCode)
	}
	resp, _ = c.post("/deconnexion", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("home after logout: %d, want a redirect to the login page", resp.StatusCode)
	}
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin")
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", resp.StatusCode)
	}
	e.clock.Advance(13 * time.Hour)
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("home after 13 h: %d, want a redirect to the login page", resp.StatusCode)
	}
}

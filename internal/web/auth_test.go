package web

import (
	"net/http"
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
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"no CSRF", url.Values{"login": {"admin"}, "password": {e.accounts["admin"]}}, 403, "jeton de sécurité"},
		{"wrong CSRF", url.Values{"csrf": {"x" + tok[1:]}, "login": {"admin"}, "password": {e.accounts["admin"]}}, 403, "jeton de sécurité"},
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
	for i := range MaxLoginFailures {
		resp, _ := c.postLogin("rssi-valmont", "mauvais mot de passe")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp, body := c.postLogin("rssi-valmont", e.accounts["rssi-valmont"])
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Trop de tentatives") {
		t.Fatalf("right password after %d failures: %d, want 429 with a French message", MaxLoginFailures, resp.StatusCode)
	}
	// The lock is per login: another account from another test client logs in
	// (the per-address lock also applies: all test clients share 127.0.0.1).
	resp, _ = e.anonymous().postLogin("admin", e.accounts["admin"])
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("same address, other login during the lock: %d, want 429 (per-address lock)", resp.StatusCode)
	}
	e.clock.Advance(LoginLockout + time.Second)
	resp, _ = c.postLogin("rssi-valmont", e.accounts["rssi-valmont"])
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lock: %d, want 303", resp.StatusCode)
	}
}

func TestLimiterPerLogin(t *testing.T) {
	l := newLimiter()
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for range MaxLoginFailures - 1 {
		l.fail(now, "login:a", "ip:1")
	}
	if _, locked := l.locked(now, "login:a"); locked {
		t.Fatal("locked before the limit")
	}
	l.fail(now, "login:a", "ip:2")
	if _, locked := l.locked(now, "login:a"); !locked {
		t.Error("login not locked at the limit")
	}
	if _, locked := l.locked(now, "login:b", "ip:2"); locked {
		t.Error("another login from another address is locked")
	}
	// Failures older than the window are forgotten.
	l2 := newLimiter()
	for i := range MaxLoginFailures - 1 {
		l2.fail(now.Add(time.Duration(i)*time.Second), "login:c")
	}
	l2.fail(now.Add(LoginLockout+time.Minute), "login:c")
	if _, locked := l2.locked(now.Add(LoginLockout+time.Minute), "login:c"); locked {
		t.Error("old failures counted")
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

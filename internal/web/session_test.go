package web

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSessionIdleTimeout: a session ends after 30 minutes without a
// request, slides while used, and never outlives its 12 hours.
func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin")
	for range 3 {
		e.clock.Advance(29 * time.Minute)
		if resp, _ := c.get("/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("active session after 29 min idle: %d", resp.StatusCode)
		}
	}
	e.clock.Advance(31 * time.Minute)
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("session idle for 31 min: %d, want a redirect to the login page", resp.StatusCode)
	}
	c = e.login("admin")
	for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
		e.clock.Advance(20 * time.Minute)
		if resp, _ := c.get("/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("active session at %v: %d", elapsed, resp.StatusCode)
		}
	}
	e.clock.Advance(21 * time.Minute)
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session past 12 h: %d, want a redirect", resp.StatusCode)
	}
}

// TestLogoutEverywhere closes every session of the account, not others'.
func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t)
	a, b, other := e.login("referent-ght"), e.login("referent-ght"), e.login("admin")
	_, page := a.get("/")
	if !strings.Contains(page, `action="/deconnexion-partout"`) {
		t.Fatal("no « se déconnecter partout » button")
	}
	resp, _ := a.post("/deconnexion-partout", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion?au-revoir=partout" {
		t.Fatalf("logout everywhere: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for name, c := range map[string]*client{"this browser": a, "another browser": b} {
		if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s still logged in: %d", name, resp.StatusCode)
		}
	}
	if resp, _ := other.get("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("another account logged out: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/deconnexion-partout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout everywhere without a session: %d, want a redirect", resp.StatusCode)
	}
}

// TestCSRFStoredHashed: the store holds neither the session token nor the
// form token, only their hashes.
func TestCSRFStoredHashed(t *testing.T) {
	e, path := newKeyedEnv(t, nil)
	c := e.login("admin")
	_, page := c.get("/")
	tok := csrfOf(t, page)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRow(`SELECT group_concat(csrf || ' ' || token_hash, ' ') FROM web_sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, tok) || !strings.Contains(stored, HashToken(tok)) {
		t.Errorf("stored CSRF %q for the form token %q: want its hash only", stored, tok)
	}
	// A token of another session does not pass.
	other := e.login("admin")
	if resp, _ := other.post("/deconnexion", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", resp.StatusCode)
	}
}

// TestLoginCSRFPreSession: a login form token made up by another site
// (cookie and field chosen together, as a double-submit check would
// accept) has no pre-session in the store and is refused.
func TestLoginCSRFPreSession(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	forged := strings.Repeat("A", 43)
	u, _ := url.Parse(e.srv.URL + "/connexion")
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: loginCSRFCookie, Value: forged, Path: "/connexion"}})
	resp, body := c.post("/connexion", url.Values{"csrf": {csrfToken(forged, "connexion")}, "login": {"admin"}, "password": {e.accounts["admin"]}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "jeton de sécurité") {
		t.Fatalf("forged pre-session: %d", resp.StatusCode)
	}
	// The refused form gives a fresh pre-session: logging in then works.
	if resp, _ := c.postLogin("admin", e.accounts["admin"]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with a real pre-session: %d", resp.StatusCode)
	}
	// A pre-session serves one login only.
	resp, _ = c.post("/connexion", url.Values{"csrf": {csrfToken(forged, "connexion")}, "login": {"admin"}, "password": {e.accounts["admin"]}})
	if resp.StatusCode == http.StatusSeeOther {
		t.Error("a used pre-session logged in again")
	}
	// It expires.
	c2 := e.anonymous()
	_, page := c2.get("/connexion")
	e.clock.Advance(61 * time.Minute)
	if resp, _ := c2.post("/connexion", url.Values{"csrf": {csrfOf(t, page)}, "login": {"admin"}, "password": {e.accounts["admin"]}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired pre-session: %d, want 403", resp.StatusCode)
	}
}

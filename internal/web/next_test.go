package web

import (
	"net/http"
	"net/url"
	"testing"
)

// TestSafeNext: the post-login target is a path of this site or "/".
func TestSafeNext(t *testing.T) {
	for _, bad := range []string{
		"", "https://evil.example/", "//evil.example/", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/%2F%2Fevil.example", "/%5Cevil.example",
		"javascript:alert(1)", "/dossiers\x00", "/\u2028/evil.example", "/\u00a0/x", "evil.example", "http:/evil.example",
		"/x\u202e", "//", "///evil.example",
	} {
		if got := safeNext(bad); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", bad, got)
		}
	}
	for in, want := range map[string]string{
		"/dossiers/CVL-99":               "/dossiers/CVL-99",
		"/dossiers/CVL-99?at=2025-06-15": "/dossiers/CVL-99?at=2025-06-15",
		"/entites/010000016#obj":         "/entites/010000016",
		"/a%20b":                         "/a%20b",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginRedirect: after login, a hostile « suite » lands on the home page.
func TestLoginRedirect(t *testing.T) {
	e := newEnv(t)
	for suite, want := range map[string]string{"/\t/evil.example": "/", "/dossiers/CVL-99": "/dossiers/CVL-99", "/\\evil.example": "/"} {
		c := e.anonymous()
		_, page := c.get("/connexion?suite=" + url.QueryEscape(suite))
		resp, _ := c.post("/connexion", url.Values{"csrf": {csrfOf(t, page)}, "login": {"admin"}, "password": {e.accounts["admin"]}, "suite": {suite}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("suite %q: %d → %q, want %q", suite, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

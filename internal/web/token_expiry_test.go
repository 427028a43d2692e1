package web

import (
	"context"
	"net/http"
	"testing"
	"time"

	"vigie/internal/store"
)

// TestAPITokenExpiry: a token works until its expiry (90 days by
// default), not after; revoked or belonging to a disabled account, never.
func TestAPITokenExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok, exp, err := IssueAPITokenFor(ctx, e.st, "admin", "test", "test", store.DefaultTokenTTL, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(90 * 24 * time.Hour); !exp.Equal(want) {
		t.Errorf("expiry %v, want %v", exp, want)
	}
	if code, _ := e.api(tok, "/api/v1/applicants"); code != http.StatusOK {
		t.Fatalf("fresh token: %d", code)
	}
	e.clock.Advance(90*24*time.Hour + time.Minute)
	if code, _ := e.api(tok, "/api/v1/applicants"); code != http.StatusUnauthorized {
		t.Errorf("token after 90 days: %d, want 401", code)
	}
	tok2, _, err := IssueAPITokenFor(ctx, e.st, "referent-ght", "", "test", 24*time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := e.api(tok2, "/api/v1/applicants"); code != http.StatusOK {
		t.Fatalf("second token: %d", code)
	}
	if err := e.st.SetWebUserDisabled(ctx, "referent-ght", true, "admin"); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.api(tok2, "/api/v1/applicants"); code != http.StatusUnauthorized {
		t.Errorf("token of a disabled account: %d, want 401", code)
	}
	c := e.anonymous()
	if resp, body := c.postLogin("referent-ght", e.accounts["referent-ght"]); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login of a disabled account: %d\n%s", resp.StatusCode, body)
	}
	if _, _, err := IssueAPITokenFor(ctx, e.st, "admin", "", "test", 400*24*time.Hour, e.clock.Now()); err == nil {
		t.Error("a 400-day token was issued")
	}
}

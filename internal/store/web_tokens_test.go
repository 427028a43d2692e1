package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// testTokenLife (run by the web suite on every engine, with an account
// "rssi" holding the token "tok"): tokens expire, are revoked one by one,
// all at once on a password change and when the account is disabled;
// a disabled account has no session either.
func testTokenLife(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.APITokenUser(ctx, "tok", now.Add(DefaultTokenTTL+time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("token used after 90 days: %v", err)
	}
	short, err := s.CreateAPITokenUntil(ctx, "rssi", "short", "une heure", "test", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.APITokenUser(ctx, "short", now.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired token accepted: %v", err)
	}
	toks, err := s.APITokens(ctx, "rssi")
	if err != nil || len(toks) != 2 || toks[0].ID != short || toks[1].LastUsedAt.IsZero() || !toks[0].LastUsedAt.IsZero() {
		t.Fatalf("tokens: %+v %v", toks, err)
	}
	if err := s.RevokeAPIToken(ctx, short, "autre", "autre"); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking another account's token: %v", err)
	}
	if err := s.RevokeAPIToken(ctx, toks[1].ID, "rssi", "rssi"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.APITokenUser(ctx, "tok", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token accepted: %v", err)
	}
	if _, err := s.CreateAPITokenUntil(ctx, "rssi", "tok2", "", "test", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWebPassword(ctx, "rssi", "h4", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.APITokenUser(ctx, "tok2", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("token kept after a password change: %v", err)
	}
	if _, err := s.CreateAPITokenUntil(ctx, "rssi", "tok3", "", "test", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebSession(ctx, WebSession{TokenHash: "s3", Login: "rssi", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWebUserDisabled(ctx, "rssi", true, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.APITokenUser(ctx, "tok3", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("token of a disabled account accepted: %v", err)
	}
	if _, _, err := s.WebSessionByHash(ctx, "s3", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of a disabled account: %v", err)
	}
	if _, err := s.CreateAPITokenUntil(ctx, "rssi", "tok4", "", "test", now.Add(time.Hour)); err == nil {
		t.Error("token created for a disabled account")
	}
	if u, _ := s.WebUser(ctx, "rssi"); !u.Disabled() {
		t.Error("account not marked disabled")
	}
	// Enabling again does not bring the revoked tokens back.
	if err := s.SetWebUserDisabled(ctx, "rssi", false, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.APITokenUser(ctx, "tok3", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token back after re-enabling: %v", err)
	}
	all, _ := s.APITokens(ctx, "")
	for _, tk := range all {
		if tk.Active(now) {
			t.Errorf("token %d still active", tk.ID)
		}
	}
}

package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestUserTokens: a token is printed once with its expiry, listed without
// its value, revoked by ID or all at once, and revoked when the account's
// password changes or the account is disabled.
func TestUserTokens(t *testing.T) {
	data := t.TempDir()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runAt(t, now, append(args, "--data", data)...)
	}
	pw := writeFile(t, "pw", "mot-de-passe-assez-long\n")
	if code, _, errb := run("user", "create", "--login", "rssi", "--role", "etablissement", "--scope", "010000016", "--password-file", pw); code != 0 {
		t.Fatalf("create: %d %s", code, errb)
	}
	code, tok, errb := run("user", "token", "--login", "rssi", "--label", "tableur ARS", "--expires", "30d")
	if code != 0 || !strings.HasPrefix(tok, "vigie_") || !strings.Contains(errb, "valable jusqu'au 31/03/2026") {
		t.Fatalf("token: %d %q %s", code, tok, errb)
	}
	if code, _, errb := run("user", "token", "--login", "rssi", "--expires", "400d"); code != 2 || !strings.Contains(errb, "366 jours au plus") {
		t.Errorf("too long validity: %d %s", code, errb)
	}
	run("user", "token", "--login", "rssi", "--label", "second")
	code, list, _ := run("user", "token", "list", "--login", "rssi")
	if code != 0 || strings.Contains(list, strings.TrimSpace(tok)) || !strings.Contains(list, "tableur ARS") || strings.Count(list, "actif") != 2 {
		t.Fatalf("list: %d\n%s", code, list)
	}
	ids := regexp.MustCompile(`(?m)^(\d+) `).FindAllStringSubmatch(list, -1)
	if len(ids) != 2 {
		t.Fatalf("ids in %q", list)
	}
	if code, out, _ := run("user", "token", "revoke", ids[1][1]); code != 0 || !strings.Contains(out, "révoqué") {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, _, errb := run("user", "token", "revoke", "999"); code != 2 || !strings.Contains(errb, "jeton 999 inconnu") {
		t.Errorf("revoke unknown: %d %s", code, errb)
	}
	_, list, _ = run("user", "token", "list")
	if strings.Count(list, "actif") != 1 || strings.Count(list, "révoqué") != 1 {
		t.Errorf("after revoke:\n%s", list)
	}
	// A password change revokes the remaining token.
	if code, _, errb := run("user", "password", "--login", "rssi", "--password-file", pw); code != 0 {
		t.Fatalf("password: %s", errb)
	}
	if _, list, _ = run("user", "token", "list"); strings.Contains(list, "actif") {
		t.Errorf("token active after a password change:\n%s", list)
	}
	run("user", "token", "--login", "rssi")
	if code, out, _ := run("user", "disable", "--login", "rssi"); code != 0 || !strings.Contains(out, "désactivé") {
		t.Fatalf("disable: %d %s", code, out)
	}
	if _, list, _ = run("user", "token", "list"); strings.Contains(list, "actif") {
		t.Errorf("token active after disabling:\n%s", list)
	}
	if code, _, errb := run("user", "token", "--login", "rssi"); code != 2 || !strings.Contains(errb, "désactivé") {
		t.Errorf("token for a disabled account: %d %s", code, errb)
	}
	if _, out, _ := run("user", "list"); !strings.Contains(out, "(désactivé)") {
		t.Errorf("user list: %s", out)
	}
	if code, _, _ := run("user", "enable", "--login", "rssi"); code != 0 {
		t.Error("enable")
	}
	if code, _, _ := run("user", "token", "revoke", "--login", "rssi", "--all"); code != 0 {
		t.Error("revoke --all")
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/demo"
	"vigie/internal/dossier"
	"vigie/internal/store"
	"vigie/internal/testenv"
	"vigie/internal/web"
)

// TestAlertCommand subscribes accounts with « vigie alert subscribe », then
// « vigie alert check » evaluates the demo GHT in January (baseline) and
// March 2025: the three D1.O2.B results that turned « non atteint » go to
// the webhook at once (signed) and, as a digest, by e-mail through the
// mail lab (Exim on 127.0.0.1:2525, STARTTLS, authentication) configured
// with the --smtp-* options, when « vigie alert flush » runs.
func TestAlertCommand(t *testing.T) {
	testenv.NeedCommand(t, "exim4")
	testenv.NeedRoot(t)
	const labDir = "/tmp/vigie-smtp"
	script := filepath.Join("..", "..", "scripts", "lab", "smtp.sh")
	for _, action := range []string{"install", "start"} {
		if out, err := exec.Command("bash", script, action, labDir).CombinedOutput(); err != nil {
			t.Fatalf("smtp.sh %s : %v\n%s", action, err, out)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	key, err := store.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	f, err := dossier.Read(bytes.NewReader(demo.GHTDossier()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportFacts(ctx, *f, "test"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		login string
		role  web.Role
		scope string
	}{{"referent", web.RoleGHT, "CVL-99"}, {"clinique", web.RoleEstablishment, "750000010"}} {
		if err := web.CreateUser(ctx, st, u.login, u.role, u.scope, "mot-de-passe-de-test-42", "test", web.DefaultArgon2()); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	var mu sync.Mutex
	var hooks []payloadOf
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Vigie-Signature") == "" {
			http.Error(w, "non signé", http.StatusUnauthorized)
			return
		}
		var p payloadOf
		json.Unmarshal(b, &p)
		mu.Lock()
		hooks = append(hooks, p)
		mu.Unlock()
	}))
	defer srv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("secret-du-soc-du-ght-42\n"), 0o600)
	pw := filepath.Join(t.TempDir(), "smtp")
	os.WriteFile(pw, []byte("vigie-lab\n"), 0o600)
	rcpt := fmt.Sprintf("referent-%d@vigie.test", time.Now().UnixNano()) // the lab's maildir keeps earlier runs' mail

	data := []string{"--data", dir}
	if code, _, errb := run(t, append([]string{"alert", "subscribe", "--user", "clinique", "--dossier", "CVL-99", "--kinds", "objective_not_met", "--email", "x@vigie.test"}, data...)...); code != 2 ||
		!strings.Contains(errb, "clinique ne voit pas CVL-99") {
		t.Errorf("subscription out of scope: exit %d %s", code, errb)
	}
	if code, _, errb := run(t, append([]string{"alert", "subscribe", "--user", "referent", "--dossier", "CVL-99", "--kinds", "objective_not_met,bidon", "--email", rcpt}, data...)...); code != 2 ||
		!strings.Contains(errb, "type \"bidon\" inconnu") {
		t.Errorf("unknown kind: exit %d %s", code, errb)
	}
	if code, out, errb := run(t, append([]string{"alert", "subscribe", "--user", "referent", "--dossier", "CVL-99", "--kinds", "objective_not_met",
		"--webhook", srv.URL + "/soc", "--secret-file", secret, "--allow-private-targets"}, data...)...); code != 0 || !strings.Contains(out, "webhook") {
		t.Fatalf("webhook subscription: exit %d %s %s", code, out, errb)
	}
	if code, out, errb := run(t, append([]string{"alert", "subscribe", "--user", "referent", "--dossier", "CVL-99", "--kinds", "objective_not_met", "--digest",
		"--email", rcpt}, data...)...); code != 0 {
		t.Fatalf("e-mail subscription: exit %d %s %s", code, out, errb)
	}
	if code, out, _ := run(t, append([]string{"alert", "list", "--user", "referent"}, data...)...); code != 0 || !strings.Contains(out, "résumé") ||
		strings.Contains(out, "secret-du-soc") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	smtp := []string{"--smtp-addr", "127.0.0.1:2525", "--smtp-user", "alertes", "--smtp-password-file", pw,
		"--smtp-ca-file", filepath.Join(labDir, "cert.pem"), "--smtp-from", "vigie@vigie.test", "--allow-private-targets"}
	for _, at := range []string{"2025-01-15", "2025-03-15"} {
		if code, out, errb := run(t, append(append([]string{"alert", "check", "--at", at}, data...), smtp...)...); code != 0 {
			t.Fatalf("check %s: exit %d %s %s", at, code, out, errb)
		}
	}
	mu.Lock()
	var turned []string
	for _, h := range hooks {
		for _, a := range h.Alerts {
			turned = append(turned, a.Subject)
		}
	}
	mu.Unlock()
	if strings.Join(turned, ",") != "010000016,010000040,010000065" {
		t.Errorf("webhook alerts: %v", turned)
	}
	if msgs := maildirTo(t, labDir, rcpt, 0); len(msgs) != 0 {
		t.Fatalf("digest sent before the flush: %d message(s)", len(msgs))
	}
	if code, out, errb := run(t, append(append([]string{"alert", "flush"}, data...), smtp...)...); code != 0 {
		t.Fatalf("flush: exit %d %s %s", code, out, errb)
	}
	msgs := maildirTo(t, labDir, rcpt, 1)
	if len(msgs) != 1 || strings.Count(msgs[0], "D1.O2.B non atteint") != 3 || !strings.Contains(msgs[0], "3 alertes Vigie") {
		t.Errorf("digest by e-mail: %q", msgs)
	}
}

// payloadOf is the webhook body as a receiver reads it.
type payloadOf struct {
	Alerts []struct {
		Kind, Subject, Title string
	} `json:"alerts"`
}

// maildirTo returns the decoded messages of the mail lab sent to addr,
// waiting up to 20 s for at least want of them.
func maildirTo(t *testing.T, labDir, addr string, want int) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out []string
		files, _ := filepath.Glob(filepath.Join(labDir, "maildir", "new", "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil || !strings.Contains(string(b), "To: "+addr+"\r\n") && !strings.Contains(string(b), "To: "+addr+"\n") {
				continue
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(b))))
			out = append(out, string(body))
		}
		if len(out) >= want || time.Now().After(deadline) {
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
}

package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/cli"
)

// runVigie runs the command line in-process.
func runVigie(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Now: time.Now,
	})
	return code, stdout.String(), stderr.String()
}

func TestCLICollect(t *testing.T) {
	l := needLab(t)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(l.Get("LAB_AD_ADMIN_PASSWORD")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	builtin := "CN=Builtin," + l.Get("LAB_AD_BASE_DN")
	env := map[string]string{"VIGIE_AD_PASSWORD": l.Get("LAB_AD_ADMIN_PASSWORD")}
	ca := l.Get("LAB_AD_CA_CERT")
	user := l.Get("LAB_AD_ADMIN_UPN")
	out := filepath.Join(dir, "ok.gz")

	code, stdout, stderr := runVigie(t, nil, "ad", "collect", "--dc", "127.0.0.1", "--user", user, "--password-file", pwFile, "--ca-file", ca, "--base", builtin, "-o", out)
	if code != 0 || !strings.Contains(stdout, "Instantané écrit") {
		t.Fatalf("collect with --password-file: code %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runVigie(t, env, "ad", "collect", "--dc", "127.0.0.1", "--port", "389", "--tls", "starttls", "--auth", "ntlm", "--user", user, "--ca-file", ca, "--base", builtin, "-o", filepath.Join(dir, "ntlm.gz"))
	if code != 0 {
		t.Fatalf("collect NTLM + StartTLS with VIGIE_AD_PASSWORD: code %d: %s", code, stderr)
	}

	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"wrong password": {map[string]string{"VIGIE_AD_PASSWORD": "wrong"}, []string{"--ca-file", ca}, "identifiants refusés"},
		"unreachable":    {env, []string{"--ca-file", ca, "--port", "1"}, "injoignable"},
		"unknown CA":     {env, nil, "--ca-file"},
		"cleartext":      {env, []string{"--tls", "none"}, "--allow-cleartext"},
		"password flag":  {env, []string{"--ca-file", ca, "--password", "x"}, "jamais"},
		"no password":    {nil, []string{"--ca-file", ca}, "VIGIE_AD_PASSWORD"},
		"bad base":       {env, []string{"--ca-file", ca, "--base", "DC=elsewhere,DC=example"}, "DC=elsewhere,DC=example"},
		"wrong NTLM":     {map[string]string{"VIGIE_AD_PASSWORD": "wrong"}, []string{"--ca-file", ca, "--auth", "ntlm"}, "identifiants refusés"},
	} {
		t.Run(name, func(t *testing.T) {
			o := filepath.Join(t.TempDir(), "s.gz")
			args := append([]string{"ad", "collect", "--dc", "127.0.0.1", "--user", user, "-o", o}, c.args...)
			code, _, stderr := runVigie(t, c.env, args...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("code %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
			if _, err := os.Stat(o); err == nil {
				t.Errorf("snapshot written despite the failure")
			}
		})
	}
}

func TestCLIAudit(t *testing.T) {
	l := needLab(t)
	env := map[string]string{"VIGIE_AD_PASSWORD": l.Get("LAB_AD_ADMIN_PASSWORD")}
	if code, _, _ := runVigie(t, env, "ad", "audit", "--dc", "127.0.0.1", "--user", "x", "--fail-below", "6"); code != 2 {
		t.Errorf("--fail-below 6: code %d, want 2", code)
	}
	// one audit: JSON report to a file, exit code 3 when the level is below 5
	reportPath := filepath.Join(t.TempDir(), "rapport.json")
	code, _, stderr := runVigie(t, env, "ad", "audit", "--dc", "127.0.0.1", "--port", "636", "--tls", "ldaps",
		"--user", l.Get("LAB_AD_ADMIN_UPN"), "--ca-file", l.Get("LAB_AD_CA_CERT"), "--format", "json",
		"--fail-below", "5", "--report", reportPath)
	if code != 0 && code != 3 {
		t.Fatalf("audit: code %d: %s", code, stderr)
	}
	f, err := os.Open(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ad.ReadReport(f)
	if err != nil {
		t.Fatalf("audit JSON: %v", err)
	}
	if rep.Forest != l.Get("LAB_AD_DNS_DOMAIN") || rep.Level < 1 || rep.Level > 5 || rep.Stats.Objects < 1000 {
		t.Errorf("report: forest %q level %d objects %d", rep.Forest, rep.Level, rep.Stats.Objects)
	}
	if want := map[bool]int{true: 3, false: 0}[rep.Level < 5]; code != want {
		t.Errorf("level %d with --fail-below 5: code %d, want %d", rep.Level, code, want)
	}
}

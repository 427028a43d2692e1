package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
)

func adTestEnv() (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC) }}, &out, &errb
}

func adTestSnapshot(t *testing.T, name string, mutate func(*adtest.Forest)) string {
	t.Helper()
	f := adtest.NewForest("lab.test", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if mutate != nil {
		mutate(f)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := f.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestADAnalyzeFormats(t *testing.T) {
	snap := adTestSnapshot(t, "a.snapshot.gz", func(f *adtest.Forest) { f.BySam("Guest").SetUAC(0x220) })
	env, out, _ := adTestEnv()
	if err := adAnalyze(context.Background(), env, []string{snap}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "Audit Active Directory") || !strings.Contains(out.String(), "NIVEAU ANSSI : 2 / 5") {
		t.Fatalf("table:\n%s", out.String())
	}
	out.Reset()
	if err := adAnalyze(context.Background(), env, []string{"--format", "json", snap}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil || m["level"].(float64) != 2 {
		t.Fatalf("json: %v %v", err, m["level"])
	}
	html := filepath.Join(t.TempDir(), "rapport.html")
	if err := adAnalyze(context.Background(), env, []string{snap, "--format", "html", "-o", html}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(b), "Niveau ANSSI : 2 / 5") {
		t.Fatalf("html: %v", err)
	}
	var st ExitStatus
	if err := adAnalyze(context.Background(), env, []string{snap, "--fail-below", "3"}); !errors.As(err, &st) || st != 3 {
		t.Fatalf("fail-below: %v", err)
	}
}

func TestADAnalyzeErrors(t *testing.T) {
	env, _, errb := adTestEnv()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "x.gz")
	os.WriteFile(garbage, []byte("pas un instantané"), 0o600)
	snap := adTestSnapshot(t, "a.gz", nil)
	badExc := filepath.Join(dir, "exc.json")
	os.WriteFile(badExc, []byte(`[{"id":"vuln_guest","dn":"*"}]`), 0o600)
	cases := [][]string{{}, {filepath.Join(dir, "absent")}, {garbage}, {snap, "--format", "pdf"}, {snap, "--exceptions", badExc},
		{snap, "--checks", badExc}, {snap, "--inconnu"}}
	for _, args := range cases {
		errb.Reset()
		code := exitCode(errb, adAnalyze(context.Background(), env, args))
		if code != 2 || !strings.Contains(errb.String(), "vigie :") {
			t.Errorf("%v: code %d, stderr %q", args, code, errb.String())
		}
	}
}

func TestADDiff(t *testing.T) {
	a := adTestSnapshot(t, "a.gz", func(f *adtest.Forest) { f.BySam("Guest").SetUAC(0x220) })
	b := adTestSnapshot(t, "b.gz", func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("ms-ds-machineaccountquota", 10) })
	env, out, _ := adTestEnv()
	// Before as a report JSON, after as a snapshot.
	rep := filepath.Join(t.TempDir(), "a.json")
	if err := adAnalyze(context.Background(), env, []string{a, "--format", "json", "-o", rep}); err != nil {
		t.Fatal(err)
	}
	if err := adDiff(context.Background(), env, []string{rep, b, "--format", "json"}); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Fixed []struct{ ID string } `json:"fixed"`
		New   []struct{ ID string } `json:"new"`
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Fixed) != 1 || d.Fixed[0].ID != "vuln_guest" || len(d.New) != 1 || d.New[0].ID != "vuln_user_accounts_machineaccountquota" {
		t.Fatalf("diff %+v", d)
	}
	out.Reset()
	if err := adDiff(context.Background(), env, []string{a, b}); err != nil || !strings.Contains(out.String(), "Corrigés (1)") ||
		!strings.Contains(out.String(), "=== Avertissements ANSSI nouveaux (hors niveau)") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if code := exitCode(&bytes.Buffer{}, adDiff(context.Background(), env, []string{a})); code != 2 {
		t.Errorf("one argument: code %d", code)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
)

// outTestEnv returns an environment writing to buffers, with a fixed clock.
func outTestEnv(vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] },
		Now:    func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) },
	}, &out, &errb
}

// runOut runs a function-style subcommand and returns its exit code.
func runOut(env *Env, f func(context.Context, *Env, []string) error, args ...string) int {
	return exitCode(env.Stderr, f(context.Background(), env, args))
}

func outWriteAudit(t *testing.T, dir, name string, a *exposure.Audit) string {
	t.Helper()
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func outAudit(end time.Time, fs ...exposure.Finding) *exposure.Audit {
	return &exposure.Audit{
		StartedAt: end.Add(-time.Hour), FinishedAt: end, Complete: true,
		Perimeter: exposure.Perimeter{Domains: []string{"chu-exemple.fr"}, Networks: []string{"192.0.2.0/28"}},
		Findings:  fs,
		Summary:   exposure.Summarize(fs),
	}
}

var (
	outRDP = exposure.Finding{ID: "rdp-exposed", Host: "192.0.2.1", Port: 3389, Severity: exposure.Critical, Confidence: exposure.Confirmed, Title: "RDP exposé"}
	outTLS = exposure.Finding{ID: "tls-self-signed", Host: "192.0.2.2", Port: 443, Severity: exposure.Low, Confidence: exposure.Confirmed, Title: "Certificat autosigné"}
)

func TestExposureDiffCommand(t *testing.T) {
	dir := t.TempDir()
	d0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a := outWriteAudit(t, dir, "a.json", outAudit(d0, outRDP, outTLS))
	b := outWriteAudit(t, dir, "b.json", outAudit(d0.AddDate(0, 0, 50), outTLS))
	env, out, errb := outTestEnv(nil)
	if code := runOut(env, exposureDiff, a, b); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"Nouvelles : 0, corrigées : 1, toujours présentes : 1", "RDP exposé", "écart : 50 jours", "non (l'audit précédent relève 1 vulnérabilité critique)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff table lacks %q:\n%s", want, out)
		}
	}
	env, out, _ = outTestEnv(nil)
	if code := runOut(env, exposureDiff, a, b, "--format", "json"); code != 0 {
		t.Fatal("json diff failed")
	}
	var got struct {
		Fixed []exposure.Finding    `json:"fixed"`
		D1    struct{ GapDays int } `json:"d1o2b"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Fixed) != 1 || got.D1.GapDays != 50 {
		t.Errorf("json diff %s (%v)", out, err)
	}
	// Usage and input errors exit 2 with a French message naming the file.
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, exposureDiff, a); code != 2 {
		t.Errorf("one file: exit %d", code)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"finished_at\": \"2026-01-01T00:00:00Z\",\n  \"findings\": [{\"id\": \"x\", \"host\": \"h\", \"severity\": \"grave\"}]\n}"), 0o600)
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, exposureDiff, a, bad); code != 2 || !strings.Contains(errb.String(), "bad.json") || !strings.Contains(errb.String(), "findings[0].severity") {
		t.Errorf("bad audit: exit %d, %q", code, errb)
	}
	os.WriteFile(bad, []byte("{\n  \"finished_at\": \n}"), 0o600)
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, exposureDiff, a, bad); code != 2 || !strings.Contains(errb.String(), "ligne 3") {
		t.Errorf("syntax error: exit %d, %q", code, errb)
	}
}

func TestExposureOpssiesCommand(t *testing.T) {
	dir := t.TempDir()
	a := outWriteAudit(t, dir, "a.json", outAudit(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), outTLS))
	outFile := filepath.Join(dir, "o.json")
	env, _, errb := outTestEnv(nil)
	if code := runOut(env, exposureOpssies, a, "--provider-siren", "732829320", "--entity", "750712184", "-o", outFile); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := opssies.Read(f)
	if err != nil || len(ss) != 1 || ss[0].Entities[0] != "750712184" || ss[0].Level != 1 {
		t.Fatalf("written file reads back as %+v (%v)", ss, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{a, "--provider-siren", "732829321", "--entity", "750712184"}, "--provider-siren"},
		{[]string{a, "--provider-siren", "732829320", "--entity", "750712185"}, "--entity"},
		{[]string{a, "--provider-siren", "732829320", "--entity", "750712184", "--entity-kind", "GHT"}, "--entity-kind"},
		{[]string{a, "--entity", "750712184"}, "obligatoires"},
	} {
		env, _, errb := outTestEnv(nil)
		if code := runOut(env, exposureOpssies, c.args...); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errb)
		}
	}
	// An incomplete audit is refused unless asked.
	inc := outAudit(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	inc.Complete = false
	ip := outWriteAudit(t, dir, "inc.json", inc)
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, exposureOpssies, ip, "--provider-siren", "732829320", "--entity", "750712184"); code != 2 || !strings.Contains(errb.String(), "incomplet") {
		t.Errorf("incomplete: exit %d %q", code, errb)
	}
	env, out, _ := outTestEnv(nil)
	if code := runOut(env, exposureOpssies, ip, "--provider-siren", "732829320", "--entity", "750712184", "--allow-incomplete"); code != 0 || !strings.Contains(out.String(), `"eventType": 29`) {
		t.Errorf("--allow-incomplete: exit %d", code)
	}
}

func TestExposureReportCommand(t *testing.T) {
	dir := t.TempDir()
	d0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	prev := outWriteAudit(t, dir, "a.json", outAudit(d0, outTLS))
	cur := outWriteAudit(t, dir, "b.json", outAudit(d0.AddDate(0, 0, 46), outTLS))
	html := filepath.Join(dir, "r.html")
	env, _, errb := outTestEnv(nil)
	if code := runOut(env, exposureReport, cur, "--previous", prev, "-o", html, "--title", "CH Test"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	page, _ := os.ReadFile(html)
	if !strings.Contains(string(page), "Deux audits successifs conformes : OUI") || !strings.Contains(string(page), "CH Test") {
		t.Error("HTML report lacks the pair verdict")
	}
	for _, format := range []string{"csv", "sarif", "jsonl", "table", "json"} {
		env, out, errb := outTestEnv(nil)
		if code := runOut(env, exposureReport, cur, "--format", format); code != 0 || out.Len() == 0 {
			t.Errorf("%s: exit %d, %s", format, code, errb)
		}
	}
	env, _, _ = outTestEnv(nil)
	if code := runOut(env, exposureReport, cur, "--format", "pdf"); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}
}

func TestRenderExposureFormats(t *testing.T) {
	a := outAudit(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), outRDP, outTLS)
	for _, f := range []string{"table", "json", "jsonl", "csv", "sarif"} {
		var buf bytes.Buffer
		if err := renderExposure(&buf, a, f); err != nil || buf.Len() == 0 {
			t.Errorf("%s: %v", f, err)
		}
		if f == "json" {
			var back exposure.Audit
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Findings) != 2 {
				t.Errorf("json does not round-trip: %v", err)
			}
		}
	}
	if err := renderExposure(&bytes.Buffer{}, a, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func FuzzDecodeAudit(f *testing.F) {
	good, _ := json.Marshal(outAudit(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), outRDP))
	f.Add(good)
	f.Add([]byte(`{"finished_at":"2026-01-01T00:00:00Z","findings":[{"id":"x","host":"h","severity":"low","port":70000}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := decodeAudit(data)
		if err != nil {
			return
		}
		if a.FinishedAt.IsZero() {
			t.Fatal("audit without end date accepted")
		}
		for _, f := range a.Findings {
			if f.Severity.Rank() >= len(exposure.Severities) {
				t.Fatalf("bad severity accepted %q", f.Severity)
			}
		}
	})
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie/internal/demo"
)

// run executes vigie with args on 2025-06-15 (inside the demo's phase) and
// returns the exit code and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runAt(t, time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC), args...)
}

// runAt executes vigie at a fixed time with a private XDG data directory.
func runAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	xdg := t.TempDir()
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			switch k {
			case "USER":
				return "testeur"
			case "XDG_DATA_HOME":
				return xdg
			}
			return ""
		},
		Now: func() time.Time { return now },
	}
	code := Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDemo(t *testing.T) {
	code, out, errs := run(t, "demo")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"D1.O1.A", "D1.O6.B", "non atteint", "pour le pilotage, prochain audit ADS de valmont.local au plus tard le 25/07/2025",
		"15/06/2025", "audits : 8 réalisés / 6 attendus", "kit intermédiaire"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	code, out, _ = run(t, "demo", "--format", "json", "--at", "2025-07-01")
	var ev struct {
		AsOf     string `json:"as_of"`
		Eligible bool   `json:"eligible"`
		Results  []struct {
			Objective, Entity, Status, Reason string
		} `json:"results"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &ev) != nil || ev.AsOf != "2025-07-01" || !ev.Eligible || len(ev.Results) < 20 {
		t.Fatalf("json demo: exit %d %.300s", code, out)
	}
}

func TestEvaluateBadInput(t *testing.T) {
	bad := strings.Replace(string(demo.GHTDossier()), `"finess": "010000024"`, `"finess": "010000025"`, 1)
	code, _, errs := run(t, "evaluate", writeFile(t, "bad.json", bad))
	if code != 2 || !strings.Contains(errs, "entities[1].finess : 010000025 : clé de contrôle invalide") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, args := range [][]string{
		{"evaluate"},
		{"evaluate", "/nonexistent.json"},
		{"evaluate", writeFile(t, "x.json", "{"), "--at", "2025-06-15"},
		{"evaluate", writeFile(t, "y.json", string(demo.GHTDossier())), "--at", "31/06/2025"},
		{"evaluate", writeFile(t, "y.json", string(demo.GHTDossier())), "--at", "2025-6-15"},
		{"evaluate", writeFile(t, "z.json", string(demo.GHTDossier())), "--format", "xml"},
		{"frobnicate"},
		{"status", "--entity", "123"},
	} {
		if code, _, errs := run(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestEvaluateFlagsAfterFile(t *testing.T) {
	p := writeFile(t, "d.json", string(demo.GHTDossier()))
	code, out, errs := run(t, "evaluate", p, "--at", "2024-06-01", "--brief")
	if code != 0 || !strings.Contains(out, "01/06/2024") || strings.Contains(out, "Détail par entité") {
		t.Fatalf("exit %d %s %s", code, errs, out)
	}
}

func TestImportStatusDue(t *testing.T) {
	data := t.TempDir()
	p := writeFile(t, "d.json", string(demo.GHTDossier()))
	for i := 0; i < 2; i++ {
		code, out, errs := run(t, "import", p, "--data", data)
		if code != 0 || !strings.Contains(out, "CVL-99") {
			t.Fatalf("import %d: exit %d %s %s", i, code, errs, out)
		}
		if i == 1 && (!strings.Contains(out, "établissements : 0 ajouté, 0 modifié, 7 inchangés") || regexp.MustCompile(`[1-9] (ajouté|modifié)`).MatchString(out)) {
			t.Errorf("second import is not idempotent: %s", out)
		}
	}
	code, fromStore, errs := run(t, "status", "--data", data, "--at", "2025-06-15", "--format", "json")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errs)
	}
	_, fromFile, _ := run(t, "evaluate", p, "--at", "2025-06-15", "--format", "json")
	if canonical(t, fromStore) != canonical(t, fromFile) {
		t.Errorf("status from the store differs from evaluating the file:\n%s\n%s", fromStore, fromFile)
	}
	code, out, _ := run(t, "status", "--data", data, "--at", "2025-06-15", "--entity", "010000065", "--format", "json")
	if code != 0 || strings.Contains(out, `"entity": "010000016"`) || !strings.Contains(out, `"entity": "ad-tilleuls"`) {
		t.Errorf("status --entity: %d %.500s", code, out)
	}
	code, out, _ = run(t, "due", "--data", data, "--at", "2025-06-15", "--within", "30d")
	if code != 0 || !strings.Contains(out, "24/06/2025") || !strings.Contains(out, "déclarer l'atteinte des objectifs au plus tard le 30/06/2025") ||
		strings.Contains(out, "25/07/2025") {
		t.Errorf("due: %d\n%s", code, out)
	}
	// A past due date is marked.
	code, out, _ = run(t, "due", "--data", data, "--at", "2025-06-26", "--within", "10d")
	if code != 0 || !strings.Contains(out, "24/06/2025 (en retard)") {
		t.Errorf("due late: %d\n%s", code, out)
	}
	// After the window: no objective proposes a date, the dossier says it
	// was never declared.
	code, out, _ = run(t, "due", "--data", data, "--at", "01/07/2025", "--within", "365d")
	if code != 0 || !strings.Contains(out, "non déclaré à la clôture de la fenêtre de déclaration le 30/06/2025") || !strings.Contains(out, "Aucune échéance") {
		t.Errorf("due after the window: %d\n%s", code, out)
	}
	if code, _, _ := run(t, "due", "--data", data, "--within", "soon"); code != 2 {
		t.Errorf("bad --within: exit %d", code)
	}
}

func TestStatusEmptyStore(t *testing.T) {
	code, _, errs := run(t, "status", "--data", t.TempDir())
	if code != 2 || !strings.Contains(errs, "vigie import") {
		t.Fatalf("exit %d %q", code, errs)
	}
}

func TestFinessImport(t *testing.T) {
	data := t.TempDir()
	sample := filepath.Join("..", "org", "testdata", "etalab-sample.csv")
	code, out, errs := run(t, "finess", "import", sample, "--data", data)
	if code != 0 || !strings.Contains(out, "5 ajoutés") {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, "finess", "import", sample, "--data", data)
	if code != 0 || !strings.Contains(out, "0 ajouté,") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	b, _ := os.ReadFile(sample)
	broken := writeFile(t, "broken.csv", strings.Replace(string(b), "010000107", "010000108", 1))
	code, _, errs = run(t, "finess", "import", broken, "--data", data)
	if code != 2 || !strings.Contains(errs, "ligne 3") || !strings.Contains(errs, "rien n'a été importé") {
		t.Fatalf("broken: exit %d %q", code, errs)
	}
	if code, out, _ := run(t, "finess", "import", broken, "--data", data, "--skip-invalid"); code != 0 || !strings.Contains(out, "2 établissements lus") || !strings.Contains(out, "2 inchangés") {
		t.Fatalf("skip-invalid: %d %s", code, out)
	}
}

// canonical re-encodes JSON so that two documents compare by content.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %.200s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

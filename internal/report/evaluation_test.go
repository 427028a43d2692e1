package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/dossier"
	"vigie/internal/french/frenchtest"
)

func demoEval(t *testing.T, at string) (*care.Evaluation, *care.Wave) {
	t.Helper()
	f, err := dossier.Parse(demo.GHTDossier())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := care.DefaultCatalogue()
	ev, err := c.Evaluate(f, civil.MustParse(at), care.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Wave(ev.Wave)
	return ev, w
}

var noAccent = regexp.MustCompile(`\b(intermediaire|debutant|confirme)\b`)

// The report a CISO reads: French dates, agreed plurals, accents; a closed
// wave shows its frozen verdict and, apart, the current posture.
func TestEvaluationTableFrench(t *testing.T) {
	for _, at := range []string{"2024-06-01", "2025-06-15", "2025-06-30", "2025-07-01", "2026-01-10"} {
		ev, w := demoEval(t, at)
		var b bytes.Buffer
		if err := EvaluationTable(&b, ev, w, true); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		frenchtest.Check(t, at, out)
		if m := noAccent.FindString(out); m != "" {
			t.Errorf("%s: %q in the report", at, m)
		}
		closed := civil.MustParse(at).After(civil.MustParse("2025-06-30"))
		if strings.Contains(out, "NE COMPTE PAS pour la vague") != closed || strings.Contains(out, "Verdict de la vague") != closed {
			t.Errorf("%s: frozen verdict and current posture shown = %v, want %v", at, !closed, closed)
		}
		if closed && strings.Contains(out, "→ ") {
			t.Errorf("%s: next action for a closed wave", at)
		}
	}
}

// A success with a warning (lenient cadence reading) never gets the green mark.
func TestWarningIsNotGreen(t *testing.T) {
	r := care.Result{Objective: "D1.O1.A", Entity: "ad", Status: care.Met, Reason: "x", Warnings: []string{"écart"}}
	if ResultMark(r) == StatusMark(care.Met) {
		t.Error("a result with a warning is shown as a plain success")
	}
	ev := &care.Evaluation{AsOf: civil.MustParse("2025-01-01"), Results: []care.Result{r},
		Objectives: []care.ObjectiveSummary{{Objective: "D1.O1.A", Status: care.Met, Met: 1, Total: 1}}}
	var b bytes.Buffer
	if err := OverviewTable(&b, []*care.Evaluation{ev}, ev.AsOf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "✔ 1/1") || !strings.Contains(b.String(), "! 1/1") {
		t.Errorf("overview:\n%s", b.String())
	}
}

func TestOverviewAfterTheWindow(t *testing.T) {
	ev, _ := demoEval(t, "2025-09-15")
	var b bytes.Buffer
	if err := OverviewTable(&b, []*care.Evaluation{ev}, ev.AsOf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "JUGÉ AU") || !strings.Contains(b.String(), "30/06/2025 (non déclaré)") {
		t.Errorf("overview:\n%s", b.String())
	}
}

package cli

import (
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/demo"
)

// An AD analysis saved for a declared directory feeds D1.O1 when Vigie
// audits are included, and only then.
func TestADAnalyzeSave(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "import", writeFile(t, "d.json", string(demo.GHTDossier())), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	// Guest enabled is a grade-2 point: the forest is at level 2 at most.
	snap := adTestSnapshot(t, "s.gz", func(f *adtest.Forest) { f.BySam("Guest").SetUAC(0x220) })
	if code, _, errs := run(t, "ad", "analyze", snap, "--save", "--data", data); code != 2 || !strings.Contains(errs, "--directory") {
		t.Fatalf("--save without --directory: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "ad", "analyze", snap, "--save", "--directory", "ad-inconnu", "--data", data); code != 2 || !strings.Contains(errs, "ad-inconnu") {
		t.Fatalf("unknown directory: exit %d %q", code, errs)
	}
	code, _, errs := run(t, "ad", "analyze", snap, "--save", "--directory", "ad-tilleuls", "--data", data, "--format", "json")
	if code != 0 || !strings.Contains(errs, "Audit enregistré") {
		t.Fatalf("save: exit %d %q", code, errs)
	}
	status := []string{"status", "--data", data, "--at", "2026-06-15", "--entity", "010000065", "--format", "json"}
	_, official, _ := run(t, status...)
	_, steering, _ := run(t, append(status, "--include-vigie")...)
	if strings.Contains(official, "(vigie)") {
		t.Errorf("a Vigie audit counted without --include-vigie:\n%.1500s", official)
	}
	if !strings.Contains(steering, `"detail": "niveau 2 (vigie)"`) {
		t.Errorf("the saved audit must appear as evidence with --include-vigie:\n%.3000s", steering)
	}
}

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"

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
	// The analysis is dated 01/06/2026, after the D1-2024 window closed:
	// it never enters that wave's frozen verdict, only the current posture.
	status := []string{"status", "--data", data, "--at", "2026-06-15", "--entity", "010000065", "--format", "json"}
	_, closed, _ := run(t, append(status, "--include-vigie")...)
	if strings.Contains(closed, `"detail": "niveau 2 (vigie)"`) ||
		!strings.Contains(closed, `"directory": "ad-tilleuls",
        "name": "tilleuls.local",
        "date": "2026-06-01",
        "level": 2,
        "source": "vigie"`) {
		t.Errorf("closed wave: the Vigie audit must be in the current posture only:\n%.6000s", closed)
	}
	// With a wave still open at that date, it counts when Vigie audits are
	// included, and only then.
	status = append(status, "--catalogue", openWaveCatalogue(t, "2026-12-31"))
	_, official, _ := run(t, status...)
	_, steering, _ := run(t, append(status, "--include-vigie")...)
	if strings.Contains(official, "(vigie)") {
		t.Errorf("a Vigie audit counted without --include-vigie:\n%.1500s", official)
	}
	if !strings.Contains(steering, `"detail": "niveau 2 (vigie)"`) {
		t.Errorf("the saved audit must appear as evidence with --include-vigie:\n%.3000s", steering)
	}
}

// openWaveCatalogue writes a catalogue file where the D1-2024 declaration
// window and operational phase end on end.
func openWaveCatalogue(t *testing.T, end string) string {
	t.Helper()
	c, err := care.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Wave("D1-2024")
	w.Phase.End = civil.MustParse(end)
	for i := range w.Calendar {
		if w.Calendar[i].ID == "declaration" {
			w.Calendar[i].End = civil.MustParse(end)
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "catalogue.json", string(b))
}

package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/demo"
)

// A Vigie AD analysis whose level is provisional keeps its caveat once
// saved: in the evaluation's JSON (evidence, warnings, current posture)
// and in the status table, with the engine's own wording.
func TestADProvisionalSaved(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "import", writeFile(t, "d.json", string(demo.GHTDossier())), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	// Guest enabled (grade 2) and the DPAPI backup key object not seen by
	// the collecting account: the grade-1 DPAPI point cannot be evaluated,
	// level 2 is provisional.
	snap := adTestSnapshot(t, "s.gz", func(f *adtest.Forest) {
		f.BySam("Guest").SetUAC(0x220)
		f.Remove(f.Get("CN=BCKUPKEY_P Secret,CN=System," + f.DomainDN))
		f.CollectedBy(f.User("auditeur")) // an account that may not see it
	})
	code, out, errs := run(t, "ad", "analyze", snap, "--save", "--directory", "ad-tilleuls", "--data", data, "--format", "json")
	if code != 0 || !strings.Contains(errs, "Audit enregistré") {
		t.Fatalf("save: exit %d %q", code, errs)
	}
	var rep struct {
		Level       int      `json:"level"`
		Provisional bool     `json:"level_provisional"`
		Points      []string `json:"level_provisional_points"`
		Label       string   `json:"level_label"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Level != 2 || !rep.Provisional || len(rep.Points) == 0 || !strings.HasPrefix(rep.Label, "niveau 2 (provisoire : ") {
		t.Fatalf("analysis: level %d, provisional %v %v, %q", rep.Level, rep.Provisional, rep.Points, rep.Label)
	}

	// Closed wave: the current posture says it.
	status := []string{"status", "--data", data, "--at", "2026-06-15", "--entity", "010000065"}
	_, closed, _ := run(t, append(status, "--format", "json")...)
	var ev struct {
		Current struct {
			Directories []struct {
				Directory   string   `json:"directory"`
				Level       int      `json:"level"`
				Provisional bool     `json:"level_provisional"`
				Points      []string `json:"level_provisional_points"`
			} `json:"directories"`
		} `json:"current_posture"`
	}
	if err := json.Unmarshal([]byte(closed), &ev); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, d := range ev.Current.Directories {
		if d.Directory == "ad-tilleuls" {
			seen = d.Level == 2 && d.Provisional && strings.Join(d.Points, " ") == strings.Join(rep.Points, " ")
		}
	}
	if !seen {
		t.Errorf("current posture lost the caveat:\n%.3000s", closed)
	}
	if _, table, _ := run(t, status...); !strings.Contains(table, "annuaire tilleuls.local : "+rep.Label+" au dernier audit (vigie, 01/06/2026)") {
		t.Errorf("status table, posture:\n%s", table)
	}

	// Open wave, Vigie audits counted: the last ADS level was 1, then the
	// provisional 2: still in progress, with the caveat as a warning.
	status = append(status, "--catalogue", openWaveCatalogue(t, "2026-12-31"), "--include-vigie")
	_, table, _ := run(t, status...)
	for _, want := range []string{rep.Label + " le 01/06/2026", "! niveau 2 provisoire (", "sur l'audit du 01/06/2026 : à confirmer par un audit complet"} {
		if !strings.Contains(table, want) {
			t.Errorf("status table lacks %q:\n%s", want, table)
		}
	}
	if _, js, _ := run(t, append(status, "--format", "json")...); !strings.Contains(js, `"detail": "`+rep.Label+`, source vigie"`) {
		t.Errorf("evidence detail lacks the caveat:\n%.4000s", js)
	}
}

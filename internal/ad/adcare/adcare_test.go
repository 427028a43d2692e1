package adcare

import (
	"strings"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/care"
)

func TestAuditKeepsTheCaveat(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// 23:30 UTC on 11/03 is already the 12th in Paris.
	at := time.Date(2025, 3, 11, 23, 30, 0, 0, time.UTC)
	r := &ad.Report{Forest: "lab.test", CollectedAt: at, Level: 3, LevelProvisional: true,
		LevelProvisionalPoints: []string{"vuln_a", "vuln_b", "vuln_c", "vuln_d"},
		Findings:               []ad.Finding{{ID: "vuln_z", Grade: 3}, {ID: "vuln_y", Grade: 3}}}
	a := Audit(r.Summary(), "ad-1", "ad-lab", paris)
	if a.ID != "ad-1" || a.Directory != "ad-lab" || a.Source != care.SourceVigie || a.Level != 3 || a.Date.String() != "2025-03-12" {
		t.Errorf("summary %+v", a)
	}
	if strings.Join(a.FailedChecks, " ") != "vuln_y vuln_z" {
		t.Errorf("failed checks %v", a.FailedChecks)
	}
	if !a.Provisional || len(a.ProvisionalPoints) != 4 || a.LevelText() != "niveau 3 (provisoire : 4 points non évalués)" {
		t.Errorf("caveat lost: %+v %q", a, a.LevelText())
	}
	// A final level stays final; no zone means UTC.
	r.LevelProvisional, r.LevelProvisionalPoints = false, []string{}
	a = Audit(r.Summary(), "", "ad-lab", nil)
	if a.Provisional || a.ProvisionalPoints != nil || a.LevelText() != "niveau 3" || a.Date.String() != "2025-03-11" {
		t.Errorf("final level: %+v %q", a, a.LevelText())
	}
}

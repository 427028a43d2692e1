package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"vigie/internal/demo"
	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
	"vigie/internal/testenv"
)

// An OPSSIES file from a provider lands as an exposure-audit summary and
// feeds D1.O2.B; importing it again adds nothing.
func TestImportOPSSIES(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "import", writeFile(t, "d.json", string(demo.GHTDossier())), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	writeAudit := func(end time.Time, critical bool) string {
		a := &exposure.Audit{StartedAt: end.Add(-time.Hour), FinishedAt: end, Complete: true,
			Perimeter: exposure.Perimeter{Domains: []string{"valmont.example"}, Networks: []string{"192.0.2.0/28"}}}
		if critical {
			a.Findings = []exposure.Finding{{ID: "rdp-exposed", Host: "192.0.2.3", Port: 3389, Severity: exposure.Critical, Confidence: exposure.Confirmed, Title: "RDP exposé"}}
		}
		a.Summary = exposure.Summarize(a.Findings)
		var buf bytes.Buffer
		err := opssies.Write(&buf, a, opssies.Params{ProviderSIREN: "732829320", ProviderName: "Prestataire fictif", Entity: "010000016", EntityName: "CH de Valmont"})
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, "PRESTA-D1-"+end.Format("20060102")+".json", buf.String())
	}
	critical := writeAudit(time.Date(2025, 6, 14, 18, 0, 0, 0, time.UTC), true)
	code, out, errs := run(t, "import", critical, "--data", data)
	if code != 0 || !strings.Contains(out, "prestataire, 14/06/2025, 1 entité") || !strings.Contains(out, "critique") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, _ := run(t, "import", critical, "--data", data); code != 0 || !strings.Contains(out, "déjà importé") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	code, out, _ = run(t, "status", "--data", data, "--at", "2025-06-15", "--entity", "010000016", "--format", "json")
	if code != 0 || !strings.Contains(out, `"objective": "D1.O2.B"`) || !strings.Contains(out, "au moins une vulnérabilité critique selon la source") {
		t.Fatalf("status after a critical provider audit:\n%s", out)
	}
}

func TestImportOPSSIESUnknownEntity(t *testing.T) {
	data := t.TempDir()
	fixture, err := os.ReadFile("../exposure/opssies/testdata/care-d1-prestataire.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "prestataire.json", strings.ReplaceAll(string(fixture), "010000024", "000000001"))
	code, _, errs := run(t, "import", bad, "--data", data)
	if code != 2 || !strings.Contains(errs, "événement 1, entité 1 : 000000001 : clé de contrôle invalide") {
		t.Fatalf("exit %d %q", code, errs)
	}
}

// The official example (cross-check) names an entity whose FINESS key is invalid.
func TestImportOfficialOPSSIESExample(t *testing.T) {
	data := t.TempDir()
	example := testenv.SharedFile(t, "formats/opssies/ng-msp-opssies-instance-care_d1-v13.json")
	code, _, errs := run(t, "import", example, "--data", data)
	if code != 2 || !strings.Contains(errs, "événement 1, entité 1 : 000000001 : clé de contrôle invalide") {
		t.Fatalf("exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "import", writeFile(t, "x.json", `{"hello": 1}`), "--data", data); code != 2 || !strings.Contains(errs, "format non reconnu") {
		t.Fatalf("unknown format: %d %q", code, errs)
	}
}

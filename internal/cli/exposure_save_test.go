package cli

import (
	"strings"
	"testing"

	"vigie/internal/demo"
)

// A Vigie exposure scan saved for an establishment feeds D1.O2 when Vigie
// audits are included, and only then.
func TestExposureScanSave(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := run(t, "import", writeFile(t, "d.json", string(demo.GHTDossier())), "--data", data); code != 0 {
		t.Fatal(errs)
	}
	port := fakeVNC(t)
	scan := []string{"exposure", "scan", "--allow-private-targets", "127.0.44.2", "--ports", port, "--quiet", "--save", "--data", data}

	if code, _, errs := run(t, append(scan, "--entity", "750712184")...); code != 2 || !strings.Contains(errs, "750712184") || !strings.Contains(errs, "vigie import") {
		t.Fatalf("unknown entity: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, scan...); code != 2 || !strings.Contains(errs, "--entity") {
		t.Fatalf("--save without entity: exit %d %q", code, errs)
	}
	code, _, errs := run(t, append(scan, "--entity", "010000016")...)
	if code != 0 || !strings.Contains(errs, "Audit enregistré") {
		t.Fatalf("save: exit %d %q", code, errs)
	}
	status := []string{"status", "--data", data, "--at", "2025-06-15", "--entity", "010000016", "--format", "json"}
	_, official, _ := run(t, status...)
	_, steering, _ := run(t, append(status, "--include-vigie")...)
	if !strings.Contains(official, "aucune vulnérabilité critique aux audits du 20/04/2025 et du 12/06/2025") {
		t.Errorf("without Vigie audits D1.O2.B rests on SILENE:\n%.2000s", official)
	}
	if !strings.Contains(steering, "au dernier audit d'exposition du 15/06/2025") {
		t.Errorf("with Vigie audits the critical VNC finding must count:\n%.2000s", steering)
	}
}

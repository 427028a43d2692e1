package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/probe/probetest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runAt(t, time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), args...)
}

// fakeVNC starts an RFB server offering "None" on 127.0.44.2 and returns its port.
func fakeVNC(t *testing.T) string {
	t.Helper()
	l, err := probetest.Serve("127.0.44.2:0", probetest.VNC(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func writeExposureFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExposureScanRefusesOutsidePerimeter(t *testing.T) {
	var n int
	l, err := probetest.Serve("127.0.44.9:0", func(c net.Conn) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	perim := writeExposureFile(t, "perimetre.txt", "net 127.0.44.2\ndomain chu-test.fr\n")
	code, _, stderr := runCLI(t, "exposure", "scan", "--allow-private-targets", "127.0.44.9", "--perimeter", perim, "--ports", port, "--quiet")
	if code != 2 || !strings.Contains(stderr, "cible 127.0.44.9 refusée : hors du périmètre déclaré") || !strings.Contains(stderr, perim) {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "exposure", "scan", "--allow-private-targets", "intranet.autre-chu.fr", "--perimeter", perim, "--ports", port)
	if code != 2 || !strings.Contains(stderr, "nom hors du périmètre") {
		t.Fatalf("nom hors périmètre : code %d, stderr %q", code, stderr)
	}
	if n != 0 {
		t.Fatalf("la cible refusée a reçu %d connexion(s)", n)
	}
}

func TestExposureScanInputErrors(t *testing.T) {
	bad := writeExposureFile(t, "p.txt", "domain chu-test.fr\nnet 10.0.0.0/99\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"exposure", "scan"}, "indiquez des cibles"},
		{[]string{"exposure", "scan", "127.0.44.2", "--ports", "80-22"}, "à l'envers"},
		{[]string{"exposure", "scan", "127.0.44.2", "--format", "xml"}, "format inconnu"},
		{[]string{"exposure", "scan", "127.0.44.2", "--fail-on", "grave"}, "--fail-on"},
		{[]string{"exposure", "scan", "--perimeter", bad}, "ligne 2 : réseau invalide"},
		{[]string{"exposure", "scan", "10.0.0.0/8", "--ports", "1", "--allow-private-targets"}, "trop grand"},
		{[]string{"exposure", "scan", "127.0.44.2", "--ports", "1"}, "boucle locale"},
		{[]string{"exposure", "scan", "--perimeter", "/nonexistent/p.txt"}, "fichier de périmètre"},
		{[]string{"exposure", "frobnicate"}, "sous-commande inconnue"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v : code %d, stderr %q (attendu %q)", c.args, code, stderr, c.want)
		}
	}
}

func TestExposureScanOutputs(t *testing.T) {
	port := fakeVNC(t)
	base := []string{"exposure", "scan", "--allow-private-targets", "127.0.44.2", "--ports", port, "--quiet"}

	code, out, stderr := runCLI(t, base...)
	if code != 0 || !strings.Contains(out, "critique") || !strings.Contains(out, "couverture complète : oui") || !strings.Contains(out, "Services identifiés") || !strings.Contains(out, "vnc") {
		t.Fatalf("table : code %d\n%s\n%s", code, out, stderr)
	}

	code, out, _ = runCLI(t, append(base, "--format", "json")...)
	var a exposure.Audit
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil {
		t.Fatalf("json : code %d %s", code, out)
	}
	if !a.Complete || len(a.Hosts) != 1 || a.Summary.Critical == 0 || !a.StartedAt.Equal(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("audit JSON : %+v", a)
	}
	foundNoAuth := false
	for _, f := range a.Findings {
		foundNoAuth = foundNoAuth || (f.ID != "" && f.Severity == exposure.Critical && f.Confidence == exposure.Confirmed && f.Port > 0)
	}
	if !foundNoAuth {
		t.Fatalf("constat critique confirmé attendu : %+v", a.Findings)
	}

	code, _, _ = runCLI(t, append(base, "--fail-on", "critical")...)
	if code != 3 {
		t.Fatalf("--fail-on critical : code %d, attendu 3", code)
	}

	outFile := filepath.Join(t.TempDir(), "res.csv")
	code, out, _ = runCLI(t, append(base, "--format", "csv", "-o", outFile)...)
	b, _ := os.ReadFile(outFile)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if code != 0 || out != "" || err != nil || len(recs) < 2 || !strings.Contains(string(b), "127.0.44.2") {
		t.Fatalf("csv : code %d, %v, %q", code, err, b)
	}

	code, out, _ = runCLI(t, append(base, "--format", "jsonl")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first map[string]any
	if code != 0 || len(lines) < 1 || json.Unmarshal([]byte(lines[0]), &first) != nil || first["severity"] != "critical" || first["host"] != "127.0.44.2" {
		t.Fatalf("jsonl : %s", out)
	}

	code, out, _ = runCLI(t, append(base, "--format", "sarif")...)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &sarif) != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) == 0 ||
		sarif.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "tcp://127.0.44.2:"+port {
		t.Fatalf("sarif : %s", out)
	}
}

func TestExposureScanClosedPortNothing(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.44.3:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	code, out, _ := runCLI(t, "exposure", "scan", "--allow-private-targets", "127.0.44.3", "--ports", port, "--format", "json", "--quiet")
	var a exposure.Audit
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil || len(a.Hosts) != 0 || len(a.Findings) != 0 || !a.Complete {
		t.Fatalf("port fermé : code %d %s", code, out)
	}
}

func TestExposureScanRestrictedIsPartial(t *testing.T) {
	port := fakeVNC(t)
	perim := writeExposureFile(t, "p.txt", "entity 750000001\nnet 127.0.44.2/31\n")
	code, out, stderr := runCLI(t, "exposure", "scan", "--allow-private-targets", "127.0.44.2", "--perimeter", perim, "--ports", port, "--format", "json")
	var a exposure.Audit
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil {
		t.Fatalf("code %d %s %s", code, out, stderr)
	}
	if a.Complete || len(a.Perimeter.Networks) != 1 || a.Perimeter.Networks[0] != "127.0.44.2/31" || a.Perimeter.Entities[0] != "750000001" {
		t.Fatalf("audit partiel : complete=%v périmètre=%+v", a.Complete, a.Perimeter)
	}
	if !strings.Contains(stderr, "pas entièrement audité") {
		t.Fatalf("avertissement attendu : %q", stderr)
	}
	// The whole perimeter: complete.
	code, out, _ = runCLI(t, "exposure", "scan", "--allow-private-targets", "--perimeter", perim, "--ports", port, "--format", "json", "--quiet")
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil || !a.Complete {
		t.Fatalf("périmètre entier : code %d complete=%v", code, a.Complete)
	}
}

func TestExposureScanProgressOnlyOnTerminal(t *testing.T) {
	port := fakeVNC(t)
	for _, c := range []struct {
		terminal, quiet, want bool
	}{{true, false, true}, {true, true, false}, {false, false, false}} {
		var out, errb bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, IsTerminal: c.terminal}
		args := []string{"exposure", "scan", "--allow-private-targets", "127.0.44.2", "--ports", port, "--nmap-probes", ""}
		if c.quiet {
			args = append(args, "--quiet")
		}
		if code := Main(context.Background(), args, env); code != 0 {
			t.Fatalf("code %d : %s", code, errb.String())
		}
		if got := strings.Contains(errb.String(), "tentatives"); got != c.want {
			t.Errorf("terminal=%v quiet=%v : progression affichée=%v (%q)", c.terminal, c.quiet, got, errb.String())
		}
	}
}

// At the end of a scan, the command says which open ports it could not
// identify and why.
func TestExposureScanPrintsUnidentified(t *testing.T) {
	l, err := probetest.Serve("127.0.44.4:0", func(c net.Conn) { time.Sleep(5 * time.Second) })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	code, out, stderr := runCLI(t, "exposure", "scan", "127.0.44.4", "--ports", port, "--nmap-probes", "", "--allow-private-targets")
	if code != 0 || !strings.Contains(stderr, "1 port ouvert sans service identifié") ||
		!strings.Contains(stderr, "127.0.44.4:"+port+" : service non identifié") || !strings.Contains(stderr, "sans réponse") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, "Service non identifié") {
		t.Fatalf("constat info attendu dans le tableau : %s", out)
	}
	_, _, stderr = runCLI(t, "exposure", "scan", "127.0.44.4", "--ports", port, "--nmap-probes", "", "--quiet")
	if strings.Contains(stderr, "sans service identifié") {
		t.Fatalf("--quiet : %q", stderr)
	}
}

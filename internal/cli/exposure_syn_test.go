package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"vigie/internal/exposure"
	"vigie/internal/testenv"
)

// TestExposureScanSYN: with --syn (root), the port is found by a SYN scan and
// then identified as usual; no fallback warning.
func TestExposureScanSYN(t *testing.T) {
	testenv.NeedRoot(t)
	port := fakeVNC(t)
	code, out, stderr := runCLI(t, "exposure", "scan", "127.0.44.2", "--ports", port, "--syn", "--allow-private-targets", "--format", "json", "--quiet")
	var a exposure.Audit
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil || len(a.Hosts) != 1 || a.Summary.Critical == 0 {
		t.Fatalf("--syn : code %d %s %s", code, out, stderr)
	}
	if strings.Contains(stderr, "scan SYN impossible") {
		t.Fatalf("repli inattendu : %s", stderr)
	}
}

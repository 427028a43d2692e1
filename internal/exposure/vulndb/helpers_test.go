package vulndb

import (
	"os"
	"path/filepath"
	"testing"

	"vigie/internal/testenv"
)

// kevSample is the project's own KEV fixture: the real entries of every CVE
// the version ranges flag as KEV, plus a few others (testdata/kev-sample.json).
func kevSample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "kev-sample.json"))
	if err != nil {
		t.Fatalf("KEV sample: %v", err)
	}
	return data
}

// kevSnapshot is the full reference snapshot in ../shared, for cross-checks
// (skipped on a clone of the project alone, required under CI).
func kevSnapshot(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(testenv.SharedFile(t, "data/kev/known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatalf("KEV snapshot: %v", err)
	}
	return data
}

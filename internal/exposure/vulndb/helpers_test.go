package vulndb

import (
	"os"
	"path/filepath"
	"testing"

	"vigie/internal/testenv"
)

func kevSnapshot(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.SharedDir(t), "data", "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatalf("KEV snapshot: %v", err)
	}
	return data
}

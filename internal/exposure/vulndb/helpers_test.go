package vulndb

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir finds /work/shared as ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func kevSnapshot(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "data", "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatalf("KEV snapshot: %v", err)
	}
	return data
}

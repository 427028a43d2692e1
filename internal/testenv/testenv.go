// Package testenv lets tests that need a real component (Samba AD DC, Debian
// daemons, PostgreSQL, Chromium) skip on a laptop that lacks it, and fail under
// CI, where .ci/run sets VIGIE_REQUIRE_COMPONENTS=1 after installing them.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Required reports whether missing components must fail the tests.
func Required() bool { return os.Getenv("VIGIE_REQUIRE_COMPONENTS") == "1" }

// Need skips (or, under CI, fails) the test when ok is false.
func Need(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if Required() {
		t.Fatalf("composant requis absent : %s (VIGIE_REQUIRE_COMPONENTS=1)", what)
	}
	t.Skipf("composant absent, test ignoré : %s", what)
}

// NeedCommand needs an executable on PATH (or at an absolute path) and returns its path.
func NeedCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	Need(t, err == nil, name)
	return p
}

// NeedRoot needs root (network namespaces, binding low ports, adding lo addresses).
func NeedRoot(t testing.TB) {
	t.Helper()
	Need(t, os.Geteuid() == 0, "droits root")
}

// SharedDir returns the reference directory every developer and CI run has
// beside the project: ../shared relative to the module root.
func SharedDir(t testing.TB) string {
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
			t.Fatal("go.mod introuvable : les tests se lancent depuis le projet")
		}
		dir = parent
	}
}

// SharedFile returns the path of a reference file under ../shared (rel is
// slash-separated, e.g. "data/kev/known_exploited_vulnerabilities.json").
// A clone of the project alone has no ../shared: the cross-check is then
// skipped, and fails under CI where the folder is required.
func SharedFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(SharedDir(t), filepath.FromSlash(rel))
	_, err := os.Stat(p)
	Need(t, err == nil, "fichier de référence ../shared/"+rel)
	return p
}

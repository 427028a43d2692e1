package sysvolfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tree writes files under root (paths with slashes) and returns root.
func tree(t *testing.T, files ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("[General]\r\nVersion=1\r\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const ddp = "{31B2F340-016D-11D2-945F-00C04FB984F9}"

// TestReadShare: the share (one folder per domain) and one domain's folder
// both read; every file and folder is listed with its policy, its path
// with backslashes and its last write time.
func TestReadShare(t *testing.T) {
	root := tree(t, "lab.test/Policies/"+ddp+"/GPT.INI", "lab.test/Policies/"+strings.ToLower(ddp)+"/Machine/Registry.pol", "lab.test/scripts/logon.bat")
	when := time.Date(2026, 11, 20, 17, 45, 12, 0, time.UTC)
	gpt := filepath.Join(root, "lab.test", "Policies", ddp, "GPT.INI")
	if err := os.Chtimes(gpt, when, when); err != nil {
		t.Fatal(err)
	}
	sv, err := Read(root, "")
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]int{}
	for i, e := range sv.Entries {
		byPath[e.Path] = i
		if e.Domain != "lab.test" {
			t.Errorf("%s: domain %q", e.Path, e.Domain)
		}
	}
	e := sv.Entries[byPath[`Policies\`+ddp+`\GPT.INI`]]
	if e.GUID != ddp || e.Dir || e.Name != "GPT.INI" || !e.LastWrite.Equal(when) || e.SD != nil {
		t.Errorf("GPT.INI: %+v", e)
	}
	if r := sv.Entries[byPath[`Policies\`+ddp]]; !r.PolicyRoot() {
		t.Errorf("policy root: %+v", r)
	}
	if r := sv.Entries[byPath[`Policies\`+strings.ToLower(ddp)]]; !r.PolicyRoot() || r.GUID != ddp {
		t.Errorf("policy root in lower case: %+v", r)
	}
	if s := sv.Entries[byPath[`scripts\logon.bat`]]; s.GUID != "" {
		t.Errorf("a script outside the policies: %+v", s)
	}
	if len(sv.Entries) != 8 {
		t.Errorf("%d entries, want 8: %+v", len(sv.Entries), sv.Entries)
	}
	// One domain's folder: its name is the domain unless given.
	one, err := Read(filepath.Join(root, "lab.test"), "")
	if err != nil || len(one.Entries) != 8 || one.Entries[0].Domain != "lab.test" {
		t.Errorf("domain folder: %v %+v", err, one)
	}
	if named, err := Read(filepath.Join(root, "lab.test"), "LAB.Example"); err != nil || named.Entries[0].Domain != "lab.example" {
		t.Errorf("domain folder with its name given: %v", err)
	}
}

// TestReadRefusesWhatIsNotSysvol: a file, a missing folder or a folder
// without Policies is refused with the reason.
func TestReadRefusesWhatIsNotSysvol(t *testing.T) {
	root := tree(t, "notes/readme.txt")
	for _, c := range []struct{ path, want string }{
		{filepath.Join(root, "notes", "readme.txt"), "un dossier est attendu"},
		{filepath.Join(root, "absent"), "absent"},
		{root, "Policies"},
	} {
		if _, err := Read(c.path, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
}

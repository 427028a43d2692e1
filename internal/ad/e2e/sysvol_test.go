package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/snapshot"
)

// TestCLICollectSysvol collects the lab DC with --sysvol on its SYSVOL
// share's folder (what a cifs mount of \\dc\SYSVOL shows): the snapshot
// lists the default policies' files with their real last write times, the
// analysis gives info_gpo_sysvol, and warning_sysvol_files_acl says the
// descriptors are unreadable (a local folder has no cifs_acl attribute),
// never that the files are clean. A folder that is not SYSVOL is refused
// before the directory is read.
func TestCLICollectSysvol(t *testing.T) {
	l := needLab(t)
	share := filepath.Join(l.Dir, "state", "sysvol")
	gpt := filepath.Join(share, strings.ToLower(l.Get("LAB_AD_DNS_DOMAIN")), "Policies", "{31B2F340-016D-11D2-945F-00C04FB984F9}", "GPT.INI")
	st, err := os.Stat(gpt)
	if err != nil {
		t.Fatalf("the lab DC's SYSVOL: %v", err)
	}
	dir := t.TempDir()
	env := map[string]string{"VIGIE_AD_PASSWORD": l.Get("LAB_AD_ADMIN_PASSWORD")}
	out := filepath.Join(dir, "s.gz")
	base := []string{"ad", "collect", "--dc", "127.0.0.1", "--user", l.Get("LAB_AD_ADMIN_UPN"), "--ca-file", l.Get("LAB_AD_CA_CERT")}
	code, stdout, stderr := runVigie(t, env, append(base, "--sysvol", share, "-o", out)...)
	if code != 0 || !strings.Contains(stdout, "SYSVOL : ") || !strings.Contains(stdout, "sans descripteur de sécurité") {
		t.Fatalf("collect --sysvol: code %d\n%s%s", code, stdout, stderr)
	}
	r, c, err := snapshot.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	sv := r.Header.Sysvol
	c.Close()
	if sv == nil {
		t.Fatal("no SYSVOL listing in the snapshot")
	}
	var found *snapshot.SysvolEntry
	for i, e := range sv.Entries {
		if strings.EqualFold(e.Name, "GPT.INI") && strings.EqualFold(e.GUID, "{31B2F340-016D-11D2-945F-00C04FB984F9}") {
			found = &sv.Entries[i]
		}
	}
	if found == nil || found.Dir || !found.LastWrite.Equal(st.ModTime().UTC()) {
		t.Fatalf("GPT.INI of the Default Domain Policy: %+v (mtime %v)", found, st.ModTime().UTC())
	}

	rep := analyze(t, out)
	raised := false
	for _, a := range rep.Informations {
		if a.ID == "info_gpo_sysvol" {
			for _, o := range a.Objects {
				raised = raised || strings.HasSuffix(o.DN, `\GPT.INI`)
			}
		}
	}
	if !raised {
		t.Errorf("info_gpo_sysvol does not list GPT.INI: %+v", rep.Informations)
	}
	why := ""
	for _, n := range rep.AdvisoryCoverage.NotEvaluated {
		if n.ID == "warning_sysvol_files_acl" {
			why = n.Why
		}
	}
	if !strings.Contains(why, "illisibles") {
		t.Errorf("warning_sysvol_files_acl without descriptors: not evaluated %q", why)
	}

	code, _, stderr = runVigie(t, env, append(base, "--sysvol", dir, "-o", filepath.Join(dir, "no.gz"))...)
	if code != 2 || !strings.Contains(stderr, "Policies") {
		t.Errorf("--sysvol on a folder that is not SYSVOL: code %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "no.gz")); err == nil {
		t.Error("snapshot written despite the wrong --sysvol")
	}
}

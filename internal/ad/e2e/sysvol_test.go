package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/oradad"
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

// TestORADADSysvolFromLabDC writes, beside an ORADAD-format extraction of
// the lab DC, the sysvol.tsv ORADAD would write for the DC's real SYSVOL
// folder (its files, folders, attributes and last write times; no
// descriptors, which only Windows gives): the import reads it as the
// SYSVOL listing, and the analysis lists the GPO files.
func TestORADADSysvolFromLabDC(t *testing.T) {
	l := needLab(t)
	c := adminConn(t, l)
	dir, _ := writeORADAD(t, c, t.TempDir())
	dom := strings.ToLower(l.Get("LAB_AD_DNS_DOMAIN"))
	share := filepath.Join(l.Dir, "state", "sysvol", dom)
	var rows [][]string
	err := filepath.WalkDir(share, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == share {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(share, p)
		rel = strings.ReplaceAll(rel, "/", `\`)
		guid := ""
		if parts := strings.Split(rel, `\`); len(parts) >= 2 && parts[0] == "Policies" {
			guid = parts[1]
		}
		attrs := "32"
		if d.IsDir() {
			attrs = "16"
		}
		at := info.ModTime().UTC().Format("2006-01-02 15:04:05")
		rows = append(rows, []string{dom, dom, guid, rel, d.Name(), "0", "", attrs, at, at, at, fmt.Sprint(info.Size()), "0", "5"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &oradadWriter{t: t, dir: dir}
	w.writeUTF16(`domain/`+dom+`/sysvol.tsv`, rows)
	cols := "forest\tnvarchar(64)\tdomain\tnvarchar(64)\tguid\tnvarchar(39)\tpath\tnvarchar(260)\tfilename\tnvarchar(260)\tarchivename\tnvarchar(21)\t" +
		"securitydescriptor\tnvarchar(max)\tfileattributes\tint\tftCreationTime\tdatetime2\tftLastAccessTime\tdatetime2\t" +
		"ftCreaftLastWriteTimetionTime\tdatetime2\tfilesize\tbigint\ttake\ttinyint\terrorCode\tint"
	idx, err := os.OpenFile(filepath.Join(dir, "tables.tsv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(idx, "domain\\%s\\sysvol.tsv\tdomain_%s_sysvol\tdomain_sysvol\t14\t%s\n", dom, dom, cols)
	idx.Close()

	out := filepath.Join(t.TempDir(), "oradad.vigie-ad.gz")
	sum, err := oradad.Convert(context.Background(), dir, out)
	if err != nil {
		t.Fatalf("import ORADAD : %v", err)
	}
	if sum.Sysvol == nil || len(sum.Sysvol.Entries) != len(rows) {
		t.Fatalf("SYSVOL listing: %d rows written, %+v read", len(rows), sum.Sysvol)
	}
	rep := analyze(t, out)
	listed := 0
	for _, a := range rep.Informations {
		if a.ID == "info_gpo_sysvol" {
			for _, o := range a.Objects {
				if strings.HasSuffix(o.DN, `\GPT.INI`) {
					listed++
				}
			}
		}
	}
	if listed < 2 { // the Default Domain and Default Domain Controllers policies
		t.Errorf("info_gpo_sysvol lists %d GPT.INI, want the two default policies'", listed)
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
}

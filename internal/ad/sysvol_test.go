package ad

import (
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// sysvolSD builds a file's descriptor: owner Domain Admins, a DACL whose
// ACEs are inherited unless explicit names a trustee.
func sysvolSD(t *testing.T, f *adtest.Forest, explicit secdesc.SID) []byte {
	t.Helper()
	aces := []secdesc.ACE{
		{Type: secdesc.AceAccessAllowed, Flags: secdesc.FlagInherited, Mask: 0x1f01ff, SID: f.DomainSID(512)},
		{Type: secdesc.AceAccessAllowed, Flags: secdesc.FlagInherited, Mask: 0x1200a9, SID: "S-1-5-11"},
	}
	if explicit != "" {
		aces = append(aces, secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: 0x1301bf, SID: explicit})
	}
	sd := secdesc.SecurityDescriptor{Control: secdesc.ControlDACLPresent | secdesc.ControlDACLAutoInherited,
		Owner: f.DomainSID(512), DACL: &secdesc.ACL{Revision: 2, ACEs: aces}}
	b, err := sd.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sysvolForest is a forest with one group policy in its SYSVOL listing:
// the policy's root folder carries explicit ACEs (as GPMC sets them), its
// files inherit, except Registry.pol when helpdesk is given.
func sysvolForest(t *testing.T, helpdesk bool) *adtest.Forest {
	f := adtest.NewForest("lab.test", now)
	const guid = "{31B2F340-016D-11D2-945F-00C04FB984F9}"
	var explicit secdesc.SID
	if helpdesk {
		explicit = f.User("helpdesk").SID()
	}
	root := sysvolSD(t, f, "S-1-5-9")
	entry := func(path string, dir bool, sd []byte, at time.Time) snapshot.SysvolEntry {
		name := path[strings.LastIndexByte(path, '\\')+1:]
		return snapshot.SysvolEntry{Domain: "lab.test", GUID: guid, Path: path, Name: name, Dir: dir, SD: sd, LastWrite: at}
	}
	p := `Policies\` + guid
	f.Header.Sysvol = &snapshot.Sysvol{Source: "oradad", Entries: []snapshot.SysvolEntry{
		{Domain: "lab.test", Path: "Policies", Name: "Policies", Dir: true, SD: root},
		entry(p, true, root, now.AddDate(0, -6, 0)),
		entry(p+`\GPT.INI`, false, sysvolSD(t, f, ""), now.AddDate(0, -2, 0)),
		entry(p+`\Machine`, true, sysvolSD(t, f, ""), now.AddDate(0, -6, 0)),
		entry(p+`\Machine\Registry.pol`, false, sysvolSD(t, f, explicit), now.AddDate(0, 0, -3)),
	}}
	return f
}

// TestSysvolFilesACL: a GPO file with an explicit ACE raises
// warning_sysvol_files_acl (naming the file and the trustee); the policy's
// root folder, whose ACEs are explicit by design, never does; with every
// file inheriting, the warning is evaluated and not raised. The level is
// left alone.
func TestSysvolFilesACL(t *testing.T) {
	r := analyze(t, sysvolForest(t, true), Options{})
	w := advisory(r, "warning_sysvol_files_acl")
	if w == nil || len(w.Objects) != 1 || !strings.HasSuffix(w.Objects[0].DN, `\Machine\Registry.pol`) ||
		!strings.Contains(w.Objects[0].Detail, "helpdesk") {
		t.Fatalf("warning_sysvol_files_acl: %+v", w)
	}
	if r.Level != 5 {
		t.Errorf("level %d: a warning leaves the level", r.Level)
	}
	clean := analyze(t, sysvolForest(t, false), Options{})
	if w := advisory(clean, "warning_sysvol_files_acl"); w != nil {
		t.Errorf("raised on inherited ACEs only: %+v", w)
	}
	if !contains(clean.AdvisoryCoverage.NotRaised, "warning_sysvol_files_acl") {
		t.Errorf("not among the evaluated, not raised: %v", clean.AdvisoryCoverage.NotRaised)
	}
	// The GPO files, most recently written first.
	info := advisory(clean, "info_gpo_sysvol")
	if info == nil || len(info.Objects) != 2 || !strings.HasSuffix(info.Objects[0].DN, `Registry.pol`) ||
		!strings.Contains(info.Objects[1].Detail, "écrit le ") {
		t.Fatalf("info_gpo_sysvol: %+v", info)
	}
	// Without a SYSVOL listing (LDAP collection), both are « non évalués »,
	// as are the two points that need default descriptors Vigie lacks.
	bare := analyze(t, adtest.NewForest("lab.test", now), Options{})
	why := map[string]string{}
	for _, n := range bare.AdvisoryCoverage.NotEvaluated {
		why[n.ID] = n.Why
	}
	for _, n := range clean.AdvisoryCoverage.NotEvaluated {
		if n.ID == "warning_sysvol_files_sd" || n.ID == "warning_sysvol_root_sd" {
			why[n.ID+"/oradad"] = n.Why
		}
	}
	if !strings.Contains(why["warning_sysvol_files_acl"], "sysvol.tsv") || !strings.Contains(why["info_gpo_sysvol"], "sysvol.tsv") ||
		!strings.Contains(why["warning_sysvol_root_sd/oradad"], "descripteurs par défaut") || why["warning_sysvol_files_sd/oradad"] == "" {
		t.Errorf("reasons: %v", why)
	}
}

// advisory returns the raised warning or information id of r, or nil.
func advisory(r *Report, id string) *Advisory {
	for _, l := range [][]Advisory{r.Warnings, r.Informations} {
		for i := range l {
			if l[i].ID == id {
				return &l[i]
			}
		}
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

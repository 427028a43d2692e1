package ad

import (
	"os/exec"
	"path/filepath"
	"testing"

	"vigie/internal/ad/checks"
	"vigie/internal/ad/model"
	"vigie/internal/ad/snapshot"
	"vigie/internal/testenv"
)

// TestSambaProvisionedDirectory checks the parser and the model on real
// data: a Samba AD domain provisioned offline (no daemon, no network) and
// dumped with raw security descriptors by testdata/samba_dump.py.
func TestSambaProvisionedDirectory(t *testing.T) {
	tool := testenv.NeedCommand(t, "samba-tool")
	py := "/usr/bin/python3"
	err := exec.Command(py, "-c", "import samba.samdb").Run()
	testenv.Need(t, err == nil, "/usr/bin/python3 avec le module samba (paquet python3-samba)")
	dir := t.TempDir()
	prov := exec.Command(tool, "domain", "provision", "--targetdir="+filepath.Join(dir, "prov"), "--realm=LAB.TEST",
		"--domain=LAB", "--host-name=DC1", "--server-role=dc", "--adminpass=Passw0rd!Lab123", "--dns-backend=SAMBA_INTERNAL", "--host-ip=127.0.0.1")
	if out, err := prov.CombinedOutput(); err != nil {
		t.Fatalf("samba-tool domain provision: %v\n%s", err, out)
	}
	snap := filepath.Join(dir, "samba.snapshot.gz")
	dump := exec.Command(py, "testdata/samba_dump.py", filepath.Join(dir, "prov", "private", "sam.ldb"), snap, "lab.test")
	if out, err := dump.CombinedOutput(); err != nil {
		t.Fatalf("samba_dump.py: %v\n%s", err, out)
	}
	r, c, err := snapshot.Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := model.Load(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range d.Objects {
		if o.SDError != "" {
			t.Errorf("%s: Samba descriptor rejected: %s", o.DN, o.SDError)
		}
	}
	if d.SDCount != len(d.Objects)-1 || len(d.Objects) < 1000 { // all but the root DSE
		t.Fatalf("%d descriptors for %d objects", d.SDCount, len(d.Objects))
	}
	if len(d.Domains) != 1 || d.Domains[0].SID == "" || len(d.DCs) != 1 {
		t.Fatalf("domains %d, DCs %d", len(d.Domains), len(d.DCs))
	}
	adm := d.BySID(d.Domains[0].SID.WithRID(500))
	if adm == nil || !d.IsPrivileged(d.NodeOf(adm)) || !d.IsTier0(adm.SID) {
		t.Fatal("Administrator not seen as privileged")
	}
	// Samba keeps S-1-5-11 under CN=WellKnown Security Principals.
	pre := d.BySID(model.SIDPreWindows2000Compat)
	found := false
	for _, m := range d.DirectMembers(d.NodeOf(pre)) {
		found = found || d.SIDOf(m) == model.SIDAuthenticatedUsers
	}
	if !found {
		t.Error("Authenticated Users not resolved in Pre-Windows 2000 Compatible Access")
	}
	rep, err := AnalyzeDirectory(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]string{}
	for _, id := range rep.Passed {
		res[id] = "passed"
	}
	for _, f := range rep.Findings {
		res[f.ID] = "failed"
	}
	for _, n := range rep.Coverage.NotEvaluated {
		res[n.ID] = "not_evaluated"
		t.Logf("non évalué : %s — %s", n.ID, n.Why)
	}
	want := map[string]string{
		// Default ACLs of a fresh domain hold no control path for non-Tier-0.
		"vuln_permissions_naming_context": "passed", "vuln_permissions_adminsdholder": "passed",
		"vuln_privileged_members_perm": "passed", "vuln_permissions_dc": "passed", "vuln_owner": "passed",
		"vuln_dc_inconsistent_uac": "passed", "vuln_compatible_2000_anonymous": "passed", "vuln_critical_objects": "passed",
		// Samba defaults ANSSI does not like.
		"vuln_user_accounts_machineaccountquota": "failed", "vuln_dsheuristics_bad": "failed",
		// Nobody ever logged on to an offline provision: accounts just
		// created are not dormant.
		"vuln_user_accounts_dormant": "passed",
	}
	for id, st := range want {
		if res[id] != st {
			t.Errorf("%s: %s, want %s", id, res[id], st)
		}
	}
	// A fresh domain with its default ACLs (the schema's
	// defaultSecurityDescriptor values, which Samba provisions as Windows
	// does) raises no permission finding at all, at any grade.
	for _, c := range checks.All() {
		if c.Needs.SD && res[c.ID] != "passed" {
			t.Errorf("permission point %s on default ACLs: %s", c.ID, res[c.ID])
		}
	}
	for _, f := range rep.Findings {
		if f.Grade == 1 {
			t.Errorf("grade-1 finding on a fresh domain: %s %+v", f.ID, f.Objects)
		}
	}
	if rep.Coverage.Total != len(checks.All()) {
		t.Errorf("coverage total %d", rep.Coverage.Total)
	}
	t.Logf("Samba %d objets : niveau %d, %d points évalués, échecs %v", len(d.Objects), rep.Level, rep.Coverage.Evaluated, rep.Summary().FailedIDs)
}

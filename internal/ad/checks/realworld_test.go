package checks

import (
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

// permissionPoints are the control points that read security descriptors.
func permissionPoints() []string {
	var ids []string
	for _, c := range All() {
		if c.Needs.SD {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// TestRealForestShapesPassPermissionPoints: a forest shaped like real ones
// — an enterprise CA publishing to AIA/CDP, Exchange prepared and patched,
// Azure AD Connect installed as its installer and ANSSI recommend — on
// default ACLs raises no permission finding.
func TestRealForestShapesPassPermissionPoints(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.EnterpriseCA(t, "LAB-CA", "PKI01")
	f.Exchange(true)
	msol := f.AzureADConnect(true)
	res := evaluate(t, f)
	for _, id := range permissionPoints() {
		if r := res[id]; r.Status != Passed {
			t.Errorf("%s: %s %s %+v", id, r.Status, r.Why, r.Failures)
		}
	}
	if r := res["vuln_certificates_vuln"]; r.Status != Passed {
		t.Errorf("RSA 2048 SHA-256 CA certificate: %s %+v", r.Status, r.Failures)
	}
	// ANSSI notes that ADCS setup adds the CA host to Pre-Windows 2000
	// Compatible Access: a real grade-3 finding, not a permission one.
	if r := res["vuln_compatible_2000_not_default"]; r.Status != Failed || !strings.Contains(r.Failures[0].Objects[0].Detail, "PKI01") {
		t.Errorf("CA host in Pre-Windows 2000 group: %s %+v", r.Status, r.Failures)
	}
	d := load(t, f)
	if !d.AcceptedDelegate(msol.SID()) {
		t.Error("restricted MSOL account not accepted as extra Tier 0")
	}
}

func TestRealForestShapesFailWhereANSSISays(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.Exchange(false)
	res := evaluate(t, f)
	for _, id := range []string{"vuln_permissions_naming_context", "vuln_permissions_adminsdholder"} {
		r := res[id]
		if r.Status != Failed || r.Failures[0].Grade != 1 || !strings.Contains(r.Failures[0].Objects[0].Detail, "groupe Exchange") {
			t.Errorf("unpatched Exchange, %s: %s %+v", id, r.Status, r.Failures)
		}
	}

	f = adtest.NewForest("lab.test", testNow)
	f.AzureADConnect(false)
	r := evaluate(t, f)["vuln_permissions_naming_context"]
	if r.Status != Failed || r.Failures[0].Grade != 1 || !strings.Contains(r.Failures[0].Objects[0].Detail, "MSOL_") {
		t.Errorf("MSOL account without restricted permissions: %s %+v", r.Status, r.Failures)
	}

	// The CA host writing its own objects is fine; another computer given
	// the same right on a CA's AIA entry is not, nor a user in Cert
	// Publishers.
	f = adtest.NewForest("lab.test", testNow)
	f.EnterpriseCA(t, "LAB-CA", "PKI01")
	other := f.Computer("APP1", "Windows Server 2022 Standard")
	f.Get("CN=LAB-CA,CN=AIA,CN=Public Key Services,CN=Services,"+f.ConfigDN).Grant(other.SID(), adtest.MaskFull, zeroGUID)
	r = evaluate(t, f)["vuln_adcs_control"]
	if r.Status != Failed || !strings.Contains(r.Failures[0].Objects[0].Detail, "APP1$") {
		t.Errorf("foreign computer on AIA: %s %+v", r.Status, r.Failures)
	}
	f = adtest.NewForest("lab.test", testNow)
	f.EnterpriseCA(t, "LAB-CA", "PKI01")
	f.ByRID(517).AddMember(f.User("stagiaire"))
	if r := evaluate(t, f)["vuln_adcs_control"]; r.Status != Failed {
		t.Errorf("user in Cert Publishers: %s", r.Status)
	}
}

// TestKB5008383OwnerNuance: owning a computer account is directly
// exploitable only while dSHeuristics disables KB5008383's protection.
func TestKB5008383OwnerNuance(t *testing.T) {
	build := func(heuristics string) map[string]Result {
		f := adtest.NewForest("lab.test", testNow)
		f.Get("CN=Directory Service,CN=Windows NT,CN=Services,"+f.ConfigDN).Set("dsheuristics", heuristics)
		f.BySam("DC1$").SetOwner(f.User("poseur").SID())
		return evaluate(t, f)
	}
	r := build("0000000001000000000200000001130")["vuln_permissions_dc"]
	if r.Status != Failed || r.Failures[0].Grade != 2 || !strings.Contains(r.Failures[0].Objects[0].Detail, "KB5008383") {
		t.Errorf("protection on: %s %+v", r.Status, r.Failures)
	}
	r = build("0000000001000000000200000001230")["vuln_permissions_dc"]
	if r.Status != Failed || r.Failures[0].Grade != 1 {
		t.Errorf("protection disabled (position 29 = 2): %s %+v", r.Status, r.Failures)
	}
}

var zeroGUID secdesc.GUID

func load(t *testing.T, f *adtest.Forest) *model.Directory {
	t.Helper()
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAttributeWritesGradedBySchema: writing a harmless attribute (mail)
// is no control path; a sensitive one (userPrincipalName) is potentially
// dangerous; a property set is as dangerous as its worst member
// (Public-Information holds servicePrincipalName: directly exploitable).
func TestAttributeWritesGradedBySchema(t *testing.T) {
	cases := []struct {
		attr  string
		grade int // 0: passes
	}{
		{"bf967961-0de6-11d0-a285-00aa003049e2", 0}, // mail
		{"28630ebb-41d5-11d1-a9c1-0000f80367c1", 2}, // userPrincipalName
		{"e48d0154-bcf8-11d1-8702-00c04fb96050", 1}, // Public-Information property set
		{"4c164200-20c0-11d0-a768-00aa006e0529", 1}, // Account-Restrictions (userAccountControl, RBCD)
		{"77b5b886-944a-11d1-aebd-0000f80367c1", 2}, // Personal-Information (msDS-HostServiceAccount…)
		{"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", 2}, // unknown to the schema
	}
	for _, tc := range cases {
		f := adtest.NewForest("lab.test", testNow)
		f.BySam("Administrator").Grant(f.User("x").SID(), 0x20, secdesc.MustGUID(tc.attr))
		r := evaluate(t, f)["vuln_privileged_members_perm"]
		switch {
		case tc.grade == 0 && r.Status != Passed:
			t.Errorf("%s: %s %+v", tc.attr, r.Status, r.Failures)
		case tc.grade > 0 && (r.Status != Failed || r.Failures[0].Grade != tc.grade):
			t.Errorf("%s: %s %+v, want grade %d", tc.attr, r.Status, r.Failures, tc.grade)
		}
	}
}

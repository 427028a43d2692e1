package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
)

func TestWithoutSDsPermissionChecksAreNotEvaluated(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.WithoutSDs()
	res := evaluate(t, f)
	for _, c := range All() {
		if c.Needs.SD && res[c.ID].Status != NotEvaluated {
			t.Errorf("%s: %s without any SD, want not_evaluated", c.ID, res[c.ID].Status)
		}
	}
	// Missing SDs on privileged objects is itself a (grade 3) finding.
	if r := res["vuln_sd_failed_sd_read_on_priv"]; r.Status != Failed {
		t.Errorf("vuln_sd_failed_sd_read_on_priv: %s", r.Status)
	}
}

func TestGapOnOneDescriptorMakesItsCheckNotEvaluated(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	ash := f.Get("CN=AdminSDHolder,CN=System," + f.DomainDN)
	ash.SD = nil
	f.AddGap(ash.DN, "ntsecuritydescriptor", "security-descriptor", "accès refusé")
	r := evaluate(t, f)["vuln_permissions_adminsdholder"]
	if r.Status != NotEvaluated || !strings.Contains(r.Why, "AdminSDHolder") {
		t.Fatalf("got %s %q", r.Status, r.Why)
	}
}

func TestMissingAttributeMakesCheckNotEvaluated(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.NotCollected("lastlogontimestamp")
	res := evaluate(t, f)
	for _, id := range []string{"vuln_user_accounts_dormant", "vuln_password_change_inactive_dc", "vuln_password_change_inactive_servers"} {
		if res[id].Status != NotEvaluated || !strings.Contains(res[id].Why, "lastlogontimestamp non collecté") {
			t.Errorf("%s: %s %q", id, res[id].Status, res[id].Why)
		}
	}
	// Collected but set on no object: evaluated (never logged on).
	f = adtest.NewForest("lab.test", testNow)
	for _, o := range f.Objects() {
		o.Del("lastlogontimestamp")
	}
	if r := evaluate(t, f)["vuln_password_change_inactive_servers"]; r.Status != Passed {
		t.Errorf("attribute collected, never set: %s %q", r.Status, r.Why)
	}
}

// TestOldSnapshotWithoutAttributeList: a snapshot that does not say what was
// collected cannot tell "never set" from "not collected".
func TestOldSnapshotWithoutAttributeList(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.Header.Attributes = nil
	res := evaluate(t, f)
	if r := res["vuln_delegation_a2d2"]; r.Status != NotEvaluated || !strings.Contains(r.Why, "msds-allowedtodelegateto") {
		t.Errorf("rare attribute on an old snapshot: %s %q", r.Status, r.Why)
	}
	if r := res["vuln_krbtgt"]; r.Status != Passed {
		t.Errorf("attribute present on objects: %s %q", r.Status, r.Why)
	}
}

// TestAdminOnlyTargets: DPAPI backup keys and KDS root keys are visible to
// administrators only; their absence counts only for an administrator's
// collection.
func TestAdminOnlyTargets(t *testing.T) {
	remove := func(f *adtest.Forest) {
		f.Remove(f.Get("CN=BCKUPKEY_P Secret,CN=System," + f.DomainDN))
		f.Remove(f.Get("CN=11111111-2222-3333-4444-555555555555,CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services," + f.ConfigDN))
	}
	f := adtest.NewForest("lab.test", testNow)
	remove(f)
	f.CollectedBy(f.User("auditeur"))
	res := evaluate(t, f)
	for _, id := range []string{"vuln_permissions_dpapi", "vuln_permissions_gmsa_keys"} {
		if r := res[id]; r.Status != NotEvaluated || !strings.Contains(r.Why, "administrateurs") {
			t.Errorf("%s, plain collector: %s %q", id, r.Status, r.Why)
		}
	}
	f = adtest.NewForest("lab.test", testNow)
	remove(f)
	f.CollectedBy(nil)
	if r := evaluate(t, f)["vuln_permissions_dpapi"]; r.Status != NotEvaluated {
		t.Errorf("unknown collector: %s", r.Status)
	}
	f = adtest.NewForest("lab.test", testNow)
	remove(f)
	for id, r := range evaluate(t, f) {
		if (id == "vuln_permissions_dpapi" || id == "vuln_permissions_gmsa_keys") && r.Status != Passed {
			t.Errorf("%s, administrator's collection: %s %q", id, r.Status, r.Why)
		}
	}
}

func TestRequiredTargetAbsent(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.Remove(f.Get("CN=MicrosoftDNS,CN=System," + f.DomainDN))
	f.Remove(f.Get("CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System," + f.DomainDN))
	res := evaluate(t, f)
	for _, id := range []string{"vuln_permissions_msdns", "vuln_adupdate_bad"} {
		if r := res[id]; r.Status != NotEvaluated || !strings.Contains(r.Why, "introuvables") {
			t.Errorf("%s: %s %q", id, r.Status, r.Why)
		}
	}
}

func TestMissingConfigurationPartition(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.AddGap(f.ConfigDN, "", "naming-context", "partition refusée")
	res := evaluate(t, f)
	for _, id := range []string{"vuln_dsheuristics_bad", "vuln_functional_level", "vuln_adcs_control"} {
		if res[id].Status != NotEvaluated {
			t.Errorf("%s: %s", id, res[id].Status)
		}
	}
}

func TestCleanForestWithRODCPasses(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	r := f.RODC("RODC1")
	r.Set("msds-revealedusers", "B:8:01000000:"+f.User("agent").DN)
	for id, res := range evaluate(t, f) {
		if res.Status != Passed {
			t.Errorf("%s: %s %s %+v", id, res.Status, res.Why, res.Failures)
		}
	}
}

func TestRODCRevealedNeedsPrivilegedRead(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.RODC("RODC1")
	f.CollectedBy(f.User("auditeur"))
	if r := evaluate(t, f)["vuln_rodc_priv_revealed"]; r.Status != NotEvaluated {
		t.Fatalf("plain collector: got %s", r.Status)
	}
	f = adtest.NewForest("lab.test", testNow)
	f.RODC("RODC1")
	if r := evaluate(t, f)["vuln_rodc_priv_revealed"]; r.Status != Passed {
		t.Fatalf("administrator's collection, nothing revealed: got %s %q", r.Status, r.Why)
	}
}

func TestCatalogOverrides(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "points.json")
	os.WriteFile(p, []byte(`{"vuln_krbtgt": {"params": {"max_days": 20}}, "vuln_guest": {"disabled": true}}`), 0o600)
	if err := cat.LoadOverrides(p); err != nil {
		t.Fatal(err)
	}
	if cat.Entries["vuln_krbtgt"].Title == "" || cat.Entries["vuln_krbtgt"].Params["max_days"] != 20 {
		t.Fatalf("merge lost fields: %+v", cat.Entries["vuln_krbtgt"])
	}
	f := adtest.NewForest("lab.test", testNow) // krbtgt password is 30 days old
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]Result{}
	for _, r := range Run(d, cat, testNow) {
		res[r.ID] = r
	}
	if res["vuln_krbtgt"].Status != Failed {
		t.Errorf("vuln_krbtgt with 20-day threshold: %s", res["vuln_krbtgt"].Status)
	}
	if res["vuln_guest"].Status != NotEvaluated {
		t.Errorf("disabled vuln_guest: %s", res["vuln_guest"].Status)
	}
	for _, bad := range []string{`{"vuln_inconnu": {}}`, `{"vuln_krbtgt": {"grades": [7]}}`, `{"vuln_krbtgt": {"grades": []}}`, `pas du json`} {
		os.WriteFile(p, []byte(bad), 0o600)
		if err := cat.LoadOverrides(p); err == nil {
			t.Errorf("override %s accepted", bad)
		}
	}
}

func TestParseDNSPropertyBounds(t *testing.T) {
	if _, err := ParseDNSProperty(make([]byte, 10)); err == nil {
		t.Error("short value accepted")
	}
	b := adtest.DNSProperty(2, []byte{1})
	b[0] = 0xff
	if _, err := ParseDNSProperty(b); err == nil {
		t.Error("overlong data length accepted")
	}
	p, err := ParseDNSProperty(adtest.DNSProperty(2, []byte{1}))
	if err != nil || p.ID != 2 || len(p.Data) != 1 || p.Data[0] != 1 {
		t.Fatalf("%+v %v", p, err)
	}
}

func FuzzParseDNSProperty(f *testing.F) {
	f.Add(adtest.DNSProperty(2, []byte{1}))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseDNSProperty(b)
		if err == nil && len(p.Data) > len(b) {
			t.Fatal("data longer than input")
		}
	})
}

func TestRoastingToleranceRule(t *testing.T) {
	build := func(minLen int64, aes bool) *adtest.Forest {
		f := adtest.NewForest("lab.test", testNow)
		pso := f.Add("CN=PSO-Services,CN=Password Settings Container,CN=System,"+f.DomainDN, "msDS-PasswordSettings")
		pso.SetInt("msds-minimumpasswordlength", minLen).SetInt("msds-maximumpasswordage", -365*24*3600*10_000_000)
		pso.Set("whenchanged", testNow.AddDate(0, -6, 0).Format("20060102150405.0Z"))
		u := f.Privileged("svcsql").Set("serviceprincipalname", "MSSQLSvc/sql").Set("msds-resultantpso", pso.DN)
		u.SetAge("pwdlastset", adtest.Days(30))
		if aes {
			u.SetInt("msds-supportedencryptiontypes", 0x18)
		} else {
			u.SetInt("msds-supportedencryptiontypes", 0x1c)
		}
		return f
	}
	if r := evaluate(t, build(40, true))["vuln_spn_priv"]; r.Status != Passed {
		t.Errorf("tolerated account: %s %+v", r.Status, r.Failures)
	}
	if r := evaluate(t, build(20, true))["vuln_spn_priv"]; r.Status != Failed {
		t.Errorf("short PSO: %s", r.Status)
	}
	if r := evaluate(t, build(40, false))["vuln_spn_priv"]; r.Status != Failed {
		t.Errorf("RC4 allowed: %s", r.Status)
	}
}

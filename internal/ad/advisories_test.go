package ad

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/secdesc"
)

// warningsOnlyForest passes every control point but raises several ANSSI
// warnings and informations.
func warningsOnlyForest() *adtest.Forest {
	f := adtest.NewForest("lab.test", now)
	f.User("ancien").SetInt("admincount", 1)                                      // warning_admincount
	f.BySam("Administrator").Set("scriptpath", "logon.bat")                       // warning_logonscript_priv
	f.BySam("Administrator").SetAge("lastlogontimestamp", adtest.Days(2))         // warning_rid500
	f.ByRID(512).AddMember(f.FSP("S-1-5-21-4-4-4-1106"))                          // warning_privileged_members_foreign
	f.Add("DC=lab.test,CN=MicrosoftDNS,DC=ForestDnsZones,"+f.DomainDN, "dnsZone") // warning_dnszone_duplicated_zones
	f.User("cible").Grant(f.DomainSID(4321), secdesc.RightWriteProperty, secdesc.GUID{})
	f.Add("OU=Bloquee,"+f.DomainDN, "organizationalUnit").Protect() // info_sd_protected_ou
	return f
}

// TestWarningsNeverLowerTheLevel: a forest that fails only warnings keeps
// level 5, final, and the warnings stay out of the findings and summary.
func TestWarningsNeverLowerTheLevel(t *testing.T) {
	r := analyze(t, warningsOnlyForest(), Options{})
	if r.Level != 5 || r.LevelWithAcceptedRisks != 5 || r.LevelProvisional || r.LevelLabel != "niveau 5" || len(r.Findings) != 0 {
		t.Fatalf("level %d %q provisional %v %v, findings %+v", r.Level, r.LevelLabel, r.LevelProvisional, r.LevelProvisionalPoints, r.Findings)
	}
	raised := map[string]bool{}
	for _, w := range r.Warnings {
		raised[w.ID] = true
		if w.Kind != "warning" || !strings.HasPrefix(w.ID, "warning_") || len(w.Grades) == 0 || len(w.Objects) == 0 {
			t.Errorf("warning %+v", w)
		}
	}
	for _, id := range []string{"warning_admincount", "warning_logonscript_priv", "warning_rid500", "warning_privileged_members_foreign",
		"warning_dnszone_duplicated_zones", "warning_sd_unknown_sid"} {
		if !raised[id] {
			t.Errorf("%s not raised: %+v", id, r.Warnings)
		}
	}
	info := false
	for _, i := range r.Informations {
		info = info || i.ID == "info_sd_protected_ou"
		if i.Kind != "info" || len(i.Grades) != 0 {
			t.Errorf("information %+v", i)
		}
	}
	if !info {
		t.Errorf("info_sd_protected_ou not raised: %+v", r.Informations)
	}
	if s := r.Summary(); s.Level != 5 || len(s.FailedIDs) != 0 || s.LevelProvisional {
		t.Errorf("summary %+v", s)
	}
	if len(r.Passed) != 76 || r.Coverage.Total != 76 {
		t.Errorf("control points: %d passed of %d", len(r.Passed), r.Coverage.Total)
	}
}

// TestNotEvaluatedAdvisoryNeverMakesTheLevelProvisional: warnings Vigie
// cannot evaluate (SYSVOL, ORADAD version on an LDAP collection…) are
// listed apart and leave a level-5 forest final.
func TestNotEvaluatedAdvisoryNeverMakesTheLevelProvisional(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.Header.Source, f.Header.ToolVersion = "oradad", "" // warning_tool_version raised: unknown ORADAD version
	r := analyze(t, f, Options{})
	ne := map[string]string{}
	for _, n := range r.AdvisoryCoverage.NotEvaluated {
		ne[n.ID] = n.Why
	}
	for _, id := range []string{"warning_sysvol_files_acl", "warning_schema_posssuperiors", "info_privileged_members_recent_changes"} {
		if ne[id] == "" {
			t.Errorf("%s should be not evaluated with a reason: %v", id, ne)
		}
	}
	if r.Level != 5 || r.LevelProvisional || len(r.LevelProvisionalPoints) != 0 || len(r.Coverage.NotEvaluated) != 0 {
		t.Fatalf("level %d provisional %v %v, not evaluated %+v", r.Level, r.LevelProvisional, r.LevelProvisionalPoints, r.Coverage.NotEvaluated)
	}
	cov := r.AdvisoryCoverage
	if cov.Total != 50 || cov.Evaluated+len(cov.NotEvaluated) != 50 || cov.Evaluated != 50-len(ne) {
		t.Errorf("advisory coverage %+v", cov)
	}
	raised := false
	for _, w := range r.Warnings {
		raised = raised || w.ID == "warning_tool_version"
	}
	if !raised {
		t.Error("unknown ORADAD version not raised")
	}
	for _, id := range cov.NotRaised {
		if ne[id] != "" {
			t.Errorf("%s both not raised and not evaluated", id)
		}
	}

	// On an LDAP collection the ORADAD version warning is not evaluated,
	// and the level stays final.
	r = analyze(t, adtest.NewForest("lab.test", now), Options{})
	found := false
	for _, n := range r.AdvisoryCoverage.NotEvaluated {
		found = found || (n.ID == "warning_tool_version" && strings.Contains(n.Why, "collecte LDAP"))
	}
	if !found || r.LevelProvisional {
		t.Errorf("warning_tool_version on LDAP: %+v, provisional %v", r.AdvisoryCoverage.NotEvaluated, r.LevelProvisional)
	}
}

// TestReportKeepsAdvisoriesApart: the JSON has separate fields; the
// findings list of existing consumers holds only control points.
func TestReportKeepsAdvisoriesApart(t *testing.T) {
	f := warningsOnlyForest()
	f.BySam("krbtgt").SetAge("pwdlastset", adtest.Days(500)) // vuln_krbtgt, grade 2
	r := analyze(t, f, Options{})
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"warnings", "informations", "advisory_coverage"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	for _, fd := range m["findings"].([]any) {
		if id := fd.(map[string]any)["id"].(string); !strings.HasPrefix(id, "vuln_") {
			t.Errorf("%s in findings", id)
		}
	}
	w := m["warnings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "kind", "title", "indicative_grades", "objects", "remediation"} {
		if _, ok := w[k]; !ok {
			t.Errorf("warning key %s missing: %v", k, w)
		}
	}
	if m["level"].(float64) != 2 {
		t.Errorf("level %v", m["level"])
	}
	back, err := ReadReport(&buf)
	if err != nil || len(back.Warnings) != len(r.Warnings) || len(back.Informations) != len(r.Informations) {
		t.Fatalf("round trip: %v", err)
	}
}

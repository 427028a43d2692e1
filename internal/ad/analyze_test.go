package ad

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/secdesc"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func analyze(t *testing.T, f *adtest.Forest, opts Options) *Report {
	t.Helper()
	r, err := Analyze(f.Reader(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCleanForestIsLevel5(t *testing.T) {
	r := analyze(t, adtest.NewForest("lab.test", now), Options{})
	if r.Level != 5 || r.LevelWithAcceptedRisks != 5 || len(r.Findings) != 0 {
		t.Fatalf("level %d, findings %+v", r.Level, r.Findings)
	}
	if r.Coverage.Total != 76 || r.Coverage.Evaluated != 76 || len(r.Coverage.NotEvaluated) != 0 {
		t.Fatalf("coverage %+v", r.Coverage)
	}
	if r.Forest != "lab.test" || !r.CollectedAt.Equal(now) || len(r.Passed) != 76 {
		t.Fatalf("header: %s %s %d", r.Forest, r.CollectedAt, len(r.Passed))
	}
}

func TestLevelIsLowestFailedGrade(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.Get(f.DomainDN).SetInt("ms-ds-machineaccountquota", 10) // grade 4
	f.BySam("krbtgt").SetAge("pwdlastset", adtest.Days(500))  // grade 2
	r := analyze(t, f, Options{})
	if r.Level != 2 {
		t.Fatalf("level %d, want 2", r.Level)
	}
	s := r.Summary()
	if strings.Join(s.FailedIDs, ",") != "vuln_krbtgt,vuln_user_accounts_machineaccountquota" || s.Level != 2 {
		t.Fatalf("summary %+v", s)
	}
}

func TestNotEvaluatedNeverPasses(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.WithoutSDs()
	r := analyze(t, f, Options{})
	if len(r.Coverage.NotEvaluated) == 0 || r.Coverage.Evaluated+len(r.Coverage.NotEvaluated) != 76 {
		t.Fatalf("coverage %+v", r.Coverage)
	}
	for _, ne := range r.Coverage.NotEvaluated {
		for _, p := range r.Passed {
			if p == ne.ID {
				t.Errorf("%s both passed and not evaluated", p)
			}
		}
		if ne.Why == "" {
			t.Errorf("%s without reason", ne.ID)
		}
	}
}

func spnAdmin(f *adtest.Forest) *adtest.Obj {
	return f.Privileged("svcsql").Set("serviceprincipalname", "MSSQLSvc/sql.lab.test").SetInt("msds-supportedencryptiontypes", 0x18)
}

func TestAcceptedRisks(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	u := spnAdmin(f)
	exc, err := ParseExceptions([]byte(`[
		{"id": "vuln_spn_priv", "dn": "`+u.DN+`", "justification": "compte SQL historique, migration gMSA prévue", "expires": "2026-12-31"},
		{"id": "vuln_krbtgt", "dn": "*", "justification": "ancienne", "expires": "2025-01-01"}
	]`), "test")
	if err != nil {
		t.Fatal(err)
	}
	r := analyze(t, f, Options{Exceptions: exc, Now: now})
	if r.Level != 1 {
		t.Fatalf("official level %d, want 1 (exceptions never change it)", r.Level)
	}
	if r.LevelWithAcceptedRisks != 5 {
		t.Fatalf("level with accepted risks %d, want 5: %+v", r.LevelWithAcceptedRisks, r.Findings)
	}
	if !r.Findings[0].Accepted || r.Findings[0].Objects[0].Accepted == nil {
		t.Fatal("finding not shown as accepted")
	}
	if r.Exceptions[0].Status != "appliquée" || r.Exceptions[1].Status != "expirée" {
		t.Fatalf("uses %+v", r.Exceptions)
	}
	// After expiry, the same exception no longer applies.
	r2 := analyze(t, f, Options{Exceptions: exc, Now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	if r2.LevelWithAcceptedRisks != 1 || r2.Findings[0].Accepted {
		t.Fatalf("expired exception applied: %d", r2.LevelWithAcceptedRisks)
	}
}

func TestBadExceptions(t *testing.T) {
	for _, in := range []string{`{}`, `[{"id":"x","dn":"*","justification":"j","expires":"2026-01-01"}]`,
		`[{"id":"vuln_guest","dn":"","justification":"j","expires":"2026-01-01"}]`,
		`[{"id":"vuln_guest","dn":"*","justification":"","expires":"2026-01-01"}]`,
		`[{"id":"vuln_guest","dn":"*","justification":"j","expires":"31/12/2026"}]`} {
		_, err := ParseExceptions([]byte(in), "exceptions.json")
		if err == nil || !strings.Contains(err.Error(), "exceptions.json") {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestReportJSONShape(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	spnAdmin(f)
	r := analyze(t, f, Options{})
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"forest", "collected_at", "level", "level_with_accepted_risks", "coverage", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	cov := m["coverage"].(map[string]any)
	if cov["evaluated"].(float64) != 76 || cov["not_evaluated"] == nil {
		t.Errorf("coverage %v", cov)
	}
	fd := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "grade", "title", "objects", "remediation"} {
		if _, ok := fd[k]; !ok {
			t.Errorf("finding key %s missing", k)
		}
	}
	obj := fd["objects"].([]any)[0].(map[string]any)
	if obj["dn"] == "" || obj["sam"] != "svcsql" {
		t.Errorf("object %v", obj)
	}
	back, err := ReadReport(&buf)
	if err != nil || back.Level != 1 || back.Findings[0].ID != "vuln_spn_priv" {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	if _, err := ReadReport(strings.NewReader(`{"format":"autre"}`)); err == nil {
		t.Error("foreign JSON accepted")
	}
}

func TestDiff(t *testing.T) {
	f1 := adtest.NewForest("lab.test", now)
	spnAdmin(f1)
	f1.BySam("Guest").SetUAC(0x220)
	a := analyze(t, f1, Options{})

	f2 := adtest.NewForest("lab.test", now.AddDate(0, 0, 50))
	spnAdmin(f2)                                                                  // still failing
	f2.Get(f2.DomainDN).Grant("S-1-5-11", secdesc.RightWriteDACL, secdesc.GUID{}) // new
	b := analyze(t, f2, Options{})

	d := Diff(a, b)
	if len(d.Fixed) != 1 || d.Fixed[0].ID != "vuln_guest" {
		t.Errorf("fixed %+v", d.Fixed)
	}
	if len(d.StillFailing) != 1 || d.StillFailing[0].ID != "vuln_spn_priv" {
		t.Errorf("still %+v", d.StillFailing)
	}
	found := false
	for _, n := range d.New {
		found = found || n.ID == "vuln_permissions_naming_context"
	}
	if !found {
		t.Errorf("new %+v", d.New)
	}
}

func TestControlPathsInReport(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.BySam("Administrator").Grant(f.User("helpdesk").SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
	r := analyze(t, f, Options{})
	if len(r.ControlPaths) == 0 || !strings.Contains(r.ControlPaths[0].Principal, "helpdesk") {
		t.Fatalf("paths %+v", r.ControlPaths)
	}
}

func TestReportIsDeterministic(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	a, b := f.Group("A"), f.Group("B")
	a.AddMember(b)
	b.AddMember(a)
	helpdesk := f.Group("Helpdesk")
	f.BySam("Administrator").Grant(helpdesk.SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
	f.ByRID(512).Grant(f.User("x").SID(), secdesc.RightWriteProperty, secdesc.GUIDMember)
	var first string
	for i := 0; i < 5; i++ {
		var buf bytes.Buffer
		if err := analyze(t, f, Options{}).WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.String()
		} else if buf.String() != first {
			t.Fatal("two analyses of the same snapshot differ")
		}
	}
}

// provisionalForest is at level 3 with four grade-1/2 points not
// evaluated (no DPAPI keys and no KDS root keys visible to a plain
// collector, revision and msDS-RevealedUsers not collected) and one
// grade-4 point not evaluated, which cannot change the level.
func provisionalForest() *adtest.Forest {
	f := adtest.NewForest("lab.test", now)
	f.Remove(f.Get("CN=BCKUPKEY_P Secret,CN=System," + f.DomainDN))
	f.Remove(f.Get("CN=11111111-2222-3333-4444-555555555555,CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services," + f.ConfigDN))
	f.NotCollected("revision")
	f.NotCollected("msds-assignedauthnpolicysilo")
	f.RODC("RODC1")
	f.CollectedBy(f.User("auditeur"))
	f.Add("OU=Sans PSO,"+f.DomainDN, "organizationalUnit")
	f.User("svcweb").Set("serviceprincipalname", "HTTP/web.lab.test") // grade 3: AES not declared
	return f
}

func TestProvisionalLevel(t *testing.T) {
	r := analyze(t, provisionalForest(), Options{})
	if r.Level != 3 {
		t.Fatalf("level %d, findings %+v", r.Level, r.Findings)
	}
	want := []string{"vuln_adupdate_bad", "vuln_permissions_dpapi", "vuln_permissions_gmsa_keys", "vuln_privileged_members_password", "vuln_rodc_priv_revealed"}
	if !r.LevelProvisional || strings.Join(r.LevelProvisionalPoints, ",") != strings.Join(want, ",") {
		t.Fatalf("provisional %v %v, not evaluated %+v", r.LevelProvisional, r.LevelProvisionalPoints, r.Coverage.NotEvaluated)
	}
	if r.LevelLabel != "niveau 3 (provisoire : 5 points non évalués)" {
		t.Errorf("label %q", r.LevelLabel)
	}
	silo := false
	for _, n := range r.Coverage.NotEvaluated {
		silo = silo || n.ID == "vuln_silo_priv"
	}
	if !silo {
		t.Error("grade-4 silo point should be not evaluated (attribute not collected)")
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["level_provisional"] != true || len(m["level_provisional_points"].([]any)) != 5 || m["level_label"] != r.LevelLabel {
		t.Errorf("JSON: %v %v %v", m["level_provisional"], m["level_provisional_points"], m["level_label"])
	}
	if s := r.Summary(); !s.LevelProvisional || strings.Join(s.LevelProvisionalPoints, ",") != strings.Join(want, ",") {
		t.Errorf("summary lost the caveat: %v %v", s.LevelProvisional, s.LevelProvisionalPoints)
	}

	// Only a point of a grade at or above the level not evaluated: final.
	f := adtest.NewForest("lab.test", now)
	f.NotCollected("msds-assignedauthnpolicysilo")
	f.BySam("krbtgt").SetAge("pwdlastset", adtest.Days(500)) // grade 2
	r = analyze(t, f, Options{})
	if r.Level != 2 || r.LevelProvisional || r.LevelLabel != "niveau 2" || len(r.Coverage.NotEvaluated) != 1 {
		t.Errorf("final level: %d %v %q %+v", r.Level, r.LevelProvisional, r.LevelLabel, r.Coverage.NotEvaluated)
	}
}

// TestDiffWarnings compares the ANSSI warnings of two audits by warning
// and object, apart from the control points, and not at all against a
// report that predates the warnings.
func TestDiffWarnings(t *testing.T) {
	f1 := adtest.NewForest("lab.test", now)
	f1.User("ancien").SetInt("admincount", 1)                // warning_admincount, fixed below
	f1.BySam("Administrator").Set("scriptpath", "logon.bat") // warning_logonscript_priv, still
	a := analyze(t, f1, Options{})

	f2 := adtest.NewForest("lab.test", now.AddDate(0, 0, 50))
	f2.BySam("Administrator").Set("scriptpath", "logon.bat")
	f2.ByRID(512).AddMember(f2.FSP("S-1-5-21-4-4-4-1106")) // warning_privileged_members_foreign, new
	b := analyze(t, f2, Options{})

	has := func(l []DiffItem, id string) bool {
		for _, it := range l {
			if it.ID == id && it.Title != "" {
				return true
			}
		}
		return false
	}
	d := Diff(a, b)
	if !d.WarningsCompared || !has(d.WarningsFixed, "warning_admincount") || has(d.WarningsNew, "warning_admincount") ||
		!has(d.WarningsStill, "warning_logonscript_priv") || !has(d.WarningsNew, "warning_privileged_members_foreign") {
		t.Errorf("warnings: compared %v, fixed %+v, new %+v, still %+v", d.WarningsCompared, d.WarningsFixed, d.WarningsNew, d.WarningsStill)
	}
	for _, l := range [][]DiffItem{d.Fixed, d.New, d.StillFailing} {
		for _, it := range l {
			if strings.HasPrefix(it.ID, "warning_") {
				t.Errorf("warning %s among the control points", it.ID)
			}
		}
	}
	old := *a
	old.Warnings, old.AdvisoryCoverage = nil, AdvisoryCoverage{}
	if d := Diff(&old, b); d.WarningsCompared || len(d.WarningsNew) != 0 || len(d.WarningsFixed) != 0 {
		t.Errorf("against a report without warnings: %+v", d)
	}
}

package e2e

import (
	"strings"
	"testing"

	"vigie/internal/ad"
	"vigie/internal/ad/snapshot"
)

// seededFindings maps each seeded weakness to the ANSSI control point that
// must report it, and the object the finding must name ("" = none needed).
var seededFindings = []struct{ id, object string }{
	{"vuln_spn_priv", spnAdmin},
	{"vuln_kerberos_properties_preauth", asrepUser},
	{"vuln_dont_expire_priv", noexpAdmin},
	{"vuln_delegation_t4d", unconHost},
	{"vuln_compatible_2000_anonymous", ""},
	{"vuln_guest", ""},
	{"vuln_permissions_adminsdholder", helpdesk},
}

func analyze(t *testing.T, path string) *ad.Report {
	t.Helper()
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := ad.Analyze(r, ad.Options{})
	if err != nil {
		t.Fatalf("analyse : %v", err)
	}
	return rep
}

// reported tells whether the report has finding id, naming object when given.
func reported(rep *ad.Report, id, object string) bool {
	for _, f := range rep.Findings {
		if f.ID != id {
			continue
		}
		if object == "" {
			return true
		}
		for _, o := range f.Objects {
			if strings.Contains(strings.ToLower(o.DN+" "+o.Sam+" "+o.Detail), strings.ToLower(object)) {
				return true
			}
		}
		if strings.Contains(strings.ToLower(f.Detail), strings.ToLower(object)) {
			return true
		}
	}
	return false
}

// warned reports whether a raised ANSSI warning or information names
// the object (any object when empty).
func warned(rep *ad.Report, id, object string) bool {
	for _, a := range append(append([]ad.Advisory(nil), rep.Warnings...), rep.Informations...) {
		if a.ID != id {
			continue
		}
		if object == "" {
			return true
		}
		for _, o := range a.Objects {
			if strings.Contains(strings.ToLower(o.DN+" "+o.Sam+" "+o.Detail), strings.ToLower(object)) {
				return true
			}
		}
	}
	return false
}

// checkSeededAnalysis asserts the analysis of the seeded forest.
func checkSeededAnalysis(t *testing.T, path string) {
	t.Helper()
	rep := analyze(t, path)
	for _, w := range seededFindings {
		if !reported(rep, w.id, w.object) {
			t.Errorf("seeded weakness not reported: %s (%s)", w.id, w.object)
		}
	}
	if rep.Level != 1 {
		t.Errorf("ANSSI level = %d, want 1 (grade-1 weaknesses seeded)", rep.Level)
	}
}

// checkCleanAnalysis asserts the seeded findings are gone.
func checkCleanAnalysis(t *testing.T, path string) {
	t.Helper()
	rep := analyze(t, path)
	for _, w := range seededFindings {
		if w.object == "" && (w.id == "vuln_compatible_2000_anonymous" || w.id == "vuln_guest") && reported(rep, w.id, "") {
			t.Errorf("%s still reported after cleaning", w.id)
		}
		if w.object != "" && reported(rep, w.id, w.object) {
			t.Errorf("%s still reports %s after cleaning", w.id, w.object)
		}
	}
	// What remains is Samba's own baseline: no grade-1 point, and the
	// default domain password policy (7 characters) applying to the
	// administrators, a grade-2 point.
	for _, f := range rep.Findings {
		if f.Grade == 1 {
			t.Errorf("grade-1 finding left after cleaning: %s %+v", f.ID, f.Objects)
		}
	}
	if rep.Level != 2 || !reported(rep, "vuln_privileged_members_password", "Administrator") {
		t.Errorf("ANSSI level after cleaning = %d, want 2 (default password policy on the administrators)", rep.Level)
	}
}

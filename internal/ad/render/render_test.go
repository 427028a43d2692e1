package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/ad/adtest"
	"vigie/internal/french/frenchtest"
)

func sample(t *testing.T) *ad.Report {
	t.Helper()
	f := adtest.NewForest("lab.test", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	f.Privileged("svc<sql>").Set("serviceprincipalname", "MSSQLSvc/sql").SetInt("msds-supportedencryptiontypes", 0x18)
	f.NotCollected("lastlogontimestamp")
	r, err := ad.Analyze(f.Reader(t), ad.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestText(t *testing.T) {
	r := sample(t)
	var b bytes.Buffer
	if err := Report(&b, r, Table, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lvl := strings.Index(out, "NIVEAU ANSSI : 1 / 5")
	fd := strings.Index(out, "[vuln_spn_priv]")
	if lvl < 0 || fd < 0 || lvl > fd {
		t.Fatalf("level must come first:\n%s", out)
	}
	for _, want := range []string{"Points en échec — niveau 1", "Correction :", "ATTENTION", "non évalués", "vuln_user_accounts_dormant"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestHTMLSelfContainedAndEscaped(t *testing.T) {
	r := sample(t)
	var b bytes.Buffer
	if err := Report(&b, r, HTML, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<sql>") || !strings.Contains(out, "svc&lt;sql&gt;") {
		t.Error("object names not escaped")
	}
	for _, bad := range []string{"<link", "<script", "src=", "@import", "http://", "https://"} {
		if strings.Contains(out, bad) {
			t.Errorf("external resource %q", bad)
		}
	}
	if !strings.Contains(out, `lang="fr"`) || strings.Index(out, "Niveau ANSSI") > strings.Index(out, "vuln_spn_priv") {
		t.Error("verdict not first")
	}
}

func TestJSONAndFormat(t *testing.T) {
	r := sample(t)
	var b bytes.Buffer
	if err := Report(&b, r, JSON, nil); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) {
		t.Fatal("invalid JSON")
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("pdf accepted")
	}
}

func TestDiffText(t *testing.T) {
	r := sample(t)
	var b bytes.Buffer
	if err := WriteDiffText(&b, ad.Diff(r, r), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Toujours en échec (1)") || !strings.Contains(b.String(), "Corrigés (0)") {
		t.Fatal(b.String())
	}
}

// TestProvisionalLevelInEveryOutput: the level's caveat appears in the
// table, the HTML page and the JSON.
func TestProvisionalLevelInEveryOutput(t *testing.T) {
	f := adtest.NewForest("lab.test", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	f.NotCollected("revision")
	f.User("svcweb").Set("serviceprincipalname", "HTTP/web.lab.test") // grade 3
	r, err := ad.Analyze(f.Reader(t), ad.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "niveau 3 (provisoire : 1 point non évalué)"
	if r.LevelLabel != want {
		t.Fatalf("label %q", r.LevelLabel)
	}
	for _, fm := range []Format{Table, HTML, JSON} {
		var b bytes.Buffer
		if err := Report(&b, r, fm, nil); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, want) || !strings.Contains(out, "vuln_adupdate_bad") {
			t.Errorf("%s output lacks the caveat:\n%s", fm, out)
		}
		if fm == Table && !strings.Contains(out, "NIVEAU ANSSI : 3 / 5 (provisoire : 1 point non évalué)") {
			t.Errorf("table headline:\n%s", out)
		}
		if fm == JSON && !strings.Contains(out, `"level_provisional": true`) {
			t.Errorf("JSON lacks level_provisional")
		}
	}
}

// advisorySample fails one control point and raises warnings and
// informations, one of them with more objects than the reports list.
func advisorySample(t *testing.T) *ad.Report {
	t.Helper()
	f := adtest.NewForest("lab.test", time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	f.BySam("krbtgt").SetAge("pwdlastset", adtest.Days(500)) // vuln_krbtgt
	f.User("ancien<x>").SetInt("admincount", 1)              // warning_admincount
	for i := 0; i < 105; i++ {
		f.User(fmt.Sprintf("dormeur%03d", i)).SetAge("lastlogontimestamp", adtest.Days(800)) // info_user_accounts_dormant
	}
	r, err := ad.Analyze(f.Reader(t), ad.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAdvisoriesSectionApart: text and HTML reports put the warnings and
// informations in their own section after the failed control points,
// and say they never change the level.
func TestAdvisoriesSectionApart(t *testing.T) {
	r := advisorySample(t)
	for _, f := range []Format{Table, HTML} {
		var b bytes.Buffer
		if err := Report(&b, r, f, nil); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		vuln := strings.Index(out, "vuln_krbtgt")
		sec := strings.Index(out, AdvisoriesTitle)
		warn := strings.Index(out, "warning_admincount")
		info := strings.Index(out, "info_user_accounts_dormant")
		if vuln < 0 || sec < 0 || warn < 0 || info < 0 || !(vuln < sec && sec < warn && sec < info) {
			t.Errorf("%s: section order vuln %d, section %d, warning %d, info %d", f, vuln, sec, warn, info)
		}
		for _, want := range []string{"ne changent jamais le niveau", "niveau indicatif 1, 3", "et 5 autres", "Non évalués", "warning_sysvol_files_acl"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: missing %q", f, want)
			}
		}
		if f == HTML && (strings.Contains(out, "ancien<x>") || !strings.Contains(out, "ancien&lt;x&gt;")) {
			t.Error("HTML: advisory objects not escaped")
		}
		if f == Table && strings.Contains(out[:sec], "warning_") {
			t.Error("text: a warning appears before its section")
		}
		if f == HTML {
			frenchtest.CheckHTML(t, "rapport HTML", out[sec:])
		} else {
			frenchtest.Check(t, "rapport texte", out[sec:])
		}
	}
}

// TestOldReportWithoutAdvisories: a report written before warnings
// existed renders without the section.
func TestOldReportWithoutAdvisories(t *testing.T) {
	r := sample(t)
	r.Warnings, r.Informations, r.AdvisoryCoverage = nil, nil, ad.AdvisoryCoverage{}
	for _, f := range []Format{Table, HTML} {
		var b bytes.Buffer
		if err := Report(&b, r, f, nil); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), AdvisoriesTitle) {
			t.Errorf("%s: empty advisories section shown", f)
		}
	}
}

// TestTimesInZone: the text and HTML reports give the collection time in
// the reader's zone (naming it), the comparison its dates; UTC without one.
func TestTimesInZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("zone data absent:", err)
	}
	r := sample(t)
	r.CollectedAt = time.Date(2026, 1, 10, 23, 30, 0, 0, time.UTC) // already the 11th in Paris
	for _, tc := range []struct {
		f    Format
		loc  *time.Location
		want string
	}{
		{Table, paris, "Collecte du 11/01/2026 00:30 (Europe/Paris)"},
		{HTML, paris, "11/01/2026 00:30 (Europe/Paris)"},
		{Table, nil, "Collecte du 10/01/2026 23:30 (UTC)"},
	} {
		var b bytes.Buffer
		if err := Report(&b, r, tc.f, tc.loc); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s in %v: no %q", tc.f, tc.loc, tc.want)
		}
	}
	var b bytes.Buffer
	if err := WriteDiffText(&b, ad.Diff(r, r), paris); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Après : collecte du 11/01/2026") {
		t.Errorf("diff dates not in the zone:\n%s", b.String())
	}
}

package vulndb

import (
	"strings"
	"testing"
)

func TestParseRealKEVSnapshot(t *testing.T) {
	c, err := ParseKEV(kevSnapshot(t))
	if err != nil {
		t.Fatalf("ParseKEV: %v", err)
	}
	if c.CatalogVersion == "" || c.DateReleased.IsZero() || c.Count != len(c.Vulnerabilities) || c.Count < 1000 {
		t.Fatalf("catalog header %q %v %d/%d", c.CatalogVersion, c.DateReleased, c.Count, len(c.Vulnerabilities))
	}
	var found bool
	for _, e := range c.Vulnerabilities {
		if e.CVEID == "CVE-2018-13379" {
			found = true
			if e.VendorProject != "Fortinet" || !e.Ransomware() {
				t.Errorf("CVE-2018-13379 entry: %+v", e)
			}
		}
	}
	if !found {
		t.Error("CVE-2018-13379 missing from parsed catalogue")
	}
}

func TestParseKEVSample(t *testing.T) {
	c, err := ParseKEV(kevSample(t))
	if err != nil {
		t.Fatalf("ParseKEV: %v", err)
	}
	if c.CatalogVersion == "" || c.DateReleased.IsZero() || c.Count != len(c.Vulnerabilities) || c.Count == 0 {
		t.Fatalf("catalog header %q %v %d/%d", c.CatalogVersion, c.DateReleased, c.Count, len(c.Vulnerabilities))
	}
	e, ok := findKEV(c, "CVE-2024-3400")
	if !ok || e.VendorProject != "Palo Alto Networks" || e.DateAdded == "" {
		t.Errorf("CVE-2024-3400 entry: %+v (found %v)", e, ok)
	}
	// The sample must hold every CVE the ranges flag, so that the tests
	// built on it see the same KEV flags as on the real catalogue.
	checkRangesKEVFlags(t, c)
}

func findKEV(c *Catalog, cve string) (KEVEntry, bool) {
	for _, e := range c.Vulnerabilities {
		if e.CVEID == cve {
			return e, true
		}
	}
	return KEVEntry{}, false
}

// Every CVE flagged "kev" in ranges.json is in the snapshot, and every range
// CVE present in the snapshot is flagged (the data file must not drift).
func TestRangesKEVFlagsMatchSnapshot(t *testing.T) {
	c, err := ParseKEV(kevSnapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	checkRangesKEVFlags(t, c)
}

func checkRangesKEVFlags(t *testing.T, c *Catalog) {
	t.Helper()
	in := map[string]bool{}
	for _, e := range c.Vulnerabilities {
		in[e.CVEID] = true
	}
	rs, err := ParseRanges(embeddedRanges)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rs.Products {
		for _, v := range p.Vulns {
			if v.KEV != in[v.CVE] {
				t.Errorf("%s (%s): kev flag %v, snapshot says %v", v.CVE, p.Name, v.KEV, in[v.CVE])
			}
		}
	}
}

func TestParseKEVErrors(t *testing.T) {
	good := `{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19.9796Z","count":1,"vulnerabilities":[
{"cveID":"CVE-2024-0001","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2024-01-01","shortDescription":"d","requiredAction":"a","dueDate":"2024-01-21","cwes":["CWE-79"]}]}`
	if _, err := ParseKEV([]byte(good)); err != nil {
		t.Fatalf("good document rejected: %v", err)
	}
	cases := map[string]string{
		strings.Replace(good, `"CVE-2024-0001"`, `"CVE-24-1"`, 1):         "vulnerabilities[0].cveID",
		strings.Replace(good, `"2024-01-01"`, `"01/01/2024"`, 1):          "vulnerabilities[0].dateAdded",
		strings.Replace(good, `"count":1`, `"count":2`, 1):                "count",
		strings.Replace(good, `"vendorProject":"V",`, ``, 1):              "vulnerabilities[0].vendorProject",
		strings.Replace(good, `"CWE-79"`, `"XSS"`, 1):                     "vulnerabilities[0].cwes[0]",
		strings.Replace(good, `"2025-08-25T17:04:19.9796Z"`, `"hier"`, 1): "dateReleased",
		strings.Replace(good, `"count":1`, `"count":"1"`, 1):              "count",
		"{\n\"catalogVersion\": \"1\",\n oops}":                           "ligne 3",
		`{"title":"autre chose"}`:                                         "catalogVersion",
		`[1,2]`:                                                           "racine du document JSON",
		``:                                                                "vide",
	}
	for doc, want := range cases {
		_, err := ParseKEV([]byte(doc))
		if err == nil {
			t.Errorf("accepted: %.80q", doc)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should mention %q", err, want)
		}
	}
}

func FuzzParseKEV(f *testing.F) {
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":0,"vulnerabilities":[]}`))
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19.9796Z","count":1,"vulnerabilities":[{"cveID":"CVE-2024-0001","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2024-01-01","shortDescription":"d","requiredAction":"a","dueDate":"2024-01-21"}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseKEV(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if c.Count != len(c.Vulnerabilities) {
			t.Fatalf("count %d vs %d", c.Count, len(c.Vulnerabilities))
		}
		for _, e := range c.Vulnerabilities {
			if !cvePattern.MatchString(e.CVEID) {
				t.Fatalf("invalid CVE accepted: %q", e.CVEID)
			}
		}
	})
}

func BenchmarkParseKEVSnapshot(b *testing.B) {
	data := kevSnapshot(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseKEV(data); err != nil {
			b.Fatal(err)
		}
	}
}

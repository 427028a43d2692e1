package vulndb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
)

func cves(vs []Vuln) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.CVE)
	}
	slices.Sort(out)
	return out
}

func TestMatch(t *testing.T) {
	db, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		product, version string
		has, hasNot      []string
	}{
		{"OpenSSH", "9.2p1", []string{"CVE-2024-6387", "CVE-2023-48795"}, []string{"CVE-2021-41617", "CVE-2018-15473"}},
		{"openssh", "9.8p1", []string{"CVE-2025-26465"}, []string{"CVE-2024-6387", "CVE-2023-48795"}},
		{"OpenSSH", "9.9p2", nil, []string{"CVE-2025-26465", "CVE-2024-6387"}},
		{"OpenSSH", "7.4", []string{"CVE-2018-15473", "CVE-2021-41617"}, []string{"CVE-2024-6387"}},
		{"nginx", "1.22.1", nil, []string{"CVE-2022-41741", "CVE-2021-23017"}},
		{"nginx", "1.22.0", []string{"CVE-2022-41741"}, []string{"CVE-2021-23017"}},
		{"nginx", "1.18.0", []string{"CVE-2021-23017", "CVE-2022-41741"}, []string{"CVE-2019-20372"}},
		{"Redis", "7.0.15", []string{"CVE-2025-49844", "CVE-2024-31449"}, []string{"CVE-2022-24834"}},
		{"Redis key-value store", "7.4.6", nil, []string{"CVE-2025-49844", "CVE-2024-31449"}},
		{"vsftpd", "3.0.3", nil, []string{"CVE-2015-1419", "CVE-2011-2523"}},
		{"vsftpd", "2.3.4", []string{"CVE-2011-2523", "CVE-2015-1419"}, nil},
		{"Fortinet FortiOS", "7.2.4", []string{"CVE-2023-27997", "CVE-2024-21762"}, []string{"CVE-2022-40684", "CVE-2022-42475"}},
		{"FortiOS", "7.4.3", nil, []string{"CVE-2024-21762"}},
		{"Citrix ADC", "13.1-49.13", []string{"CVE-2023-4966", "CVE-2025-5777"}, []string{"CVE-2023-3519"}},
		{"Ivanti Connect Secure", "22.7R2.4", []string{"CVE-2025-0282", "CVE-2025-22457"}, nil},
		{"Ivanti Connect Secure", "22.7R2.6", nil, []string{"CVE-2025-0282", "CVE-2025-22457"}},
		{"Palo Alto PAN-OS", "11.1.2-h3", nil, []string{"CVE-2024-3400"}},
		{"Palo Alto PAN-OS", "11.1.2", []string{"CVE-2024-3400"}, nil},
		{"Microsoft Exchange", "15.1.2176.2", []string{"CVE-2021-26855", "CVE-2021-34473"}, nil},
		{"Microsoft Exchange", "15.2.1118.7", nil, []string{"CVE-2021-26855", "CVE-2021-34473"}},
		{"Apache httpd", "2.4.49", []string{"CVE-2021-41773", "CVE-2021-42013"}, nil},
		{"Apache httpd", "2.4.50", []string{"CVE-2021-42013"}, []string{"CVE-2021-41773"}},
		{"Apache httpd", "2.4.51", nil, []string{"CVE-2021-42013"}},
		{"UnknownProduct", "1.0", nil, []string{"CVE-2024-6387"}},
	}
	for _, c := range cases {
		got := cves(db.Match(c.product, c.version))
		for _, h := range c.has {
			if !slices.Contains(got, h) {
				t.Errorf("%s %s: missing %s (got %v)", c.product, c.version, h, got)
			}
		}
		for _, h := range c.hasNot {
			if slices.Contains(got, h) {
				t.Errorf("%s %s: unexpected %s", c.product, c.version, h)
			}
		}
	}
	if _, err := db.MatchVersion("OpenSSH", "nope"); err == nil {
		t.Error("malformed version accepted")
	}
	if vs := db.Match("OpenSSH", "nope"); vs != nil {
		t.Errorf("malformed version matched %v", vs)
	}
}

func TestSeverityAndFindings(t *testing.T) {
	c, err := ParseKEV(kevSample(t))
	if err != nil {
		t.Fatal(err)
	}
	db, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	// KEV on an edge device → critical even when CVSS is lower (CVE-2023-46805 is 8.2).
	for _, v := range db.Match("Ivanti Connect Secure", "22.4R1") {
		if v.CVE == "CVE-2023-46805" && (v.Severity != exposure.Critical || !v.KEV) {
			t.Errorf("CVE-2023-46805: %s kev=%v", v.Severity, v.KEV)
		}
	}
	// Non-edge, non-KEV: CVSS band.
	sev := map[string]exposure.Severity{}
	for _, v := range db.Match("OpenSSH", "9.2p1") {
		sev[v.CVE] = v.Severity
	}
	if sev["CVE-2024-6387"] != exposure.High || sev["CVE-2023-48795"] != exposure.Medium {
		t.Errorf("OpenSSH severities %v", sev)
	}
	// Version-only, not in KEV, CVSS 9.9 → capped at high; KEV non-edge keeps its band.
	for _, v := range db.Match("Redis", "7.0.15") {
		if v.CVE == "CVE-2025-49844" && (v.Severity != exposure.High || !v.Capped) {
			t.Errorf("RediShell version-only: %s capped=%v", v.Severity, v.Capped)
		}
	}
	for _, v := range db.Match("Apache httpd", "2.4.49") {
		if v.CVE == "CVE-2021-42013" && (v.Severity != exposure.Critical || v.Capped) {
			t.Errorf("Apache KEV 9.8: %s capped=%v", v.Severity, v.Capped)
		}
	}
	if f := (db.Match("Redis", "7.0.15")[0]).Finding("h", 6379, "redis"); !strings.Contains(f.Evidence, "plafonnée") {
		t.Errorf("cap not explained: %q", f.Evidence)
	}
	fs := db.Findings([]exposure.Observation{
		{Class: exposure.ClassVPNGateway, Host: "vpn.example.fr", Port: 443, Product: "Fortinet FortiOS", Version: "7.2.4", Confidence: exposure.Confirmed},
		{Class: exposure.ClassServiceVersion, Host: "vpn.example.fr", Port: 443, Product: "Fortinet FortiOS", Version: "7.2.4"},
		{Class: exposure.ClassSSHExposed, Host: "ssh.example.fr", Port: 22, Product: "OpenSSH"},
	})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Key()] {
			t.Errorf("duplicate %s", f.Key())
		}
		seen[f.Key()] = true
		if f.Host != "vpn.example.fr" || f.Confidence != exposure.VersionBased || f.Severity != exposure.Critical {
			t.Errorf("finding %+v", f)
		}
		if f.Category != Category || !strings.Contains(f.Title, VersionOnlyLabel) || !strings.Contains(f.Evidence, "KEV") || len(f.CVEs) != 1 || f.ID != strings.ToLower(f.CVEs[0]) {
			t.Errorf("finding text %+v", f)
		}
	}
}

func TestInstallOpenStatus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vulndb")
	st, err := ReadStatus(dir)
	if err != nil || st.Installed || st.CVEs == 0 {
		t.Fatalf("empty status %+v %v", st, err)
	}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	if _, err := Install(dir, []byte(`{"catalogVersion":"x"}`), "bad.json", now); err == nil {
		t.Fatal("invalid feed installed")
	}
	if _, err := os.Stat(filepath.Join(dir, kevFile)); err == nil {
		t.Fatal("invalid feed written")
	}
	c, err := Install(dir, kevSample(t), "snapshot.json", now)
	if err != nil {
		t.Fatal(err)
	}
	st, err = ReadStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Installed || st.CatalogVersion != c.CatalogVersion || st.KEVCount != c.Count || st.Meta.Source != "snapshot.json" || !st.Meta.ImportedAt.Equal(now) || st.CVEsInKEV == 0 {
		t.Errorf("status %+v", st)
	}
	db, err := Open(dir)
	if err != nil || db.Catalog() == nil {
		t.Fatalf("Open: %v", err)
	}
	if e, ok := db.KEV("CVE-2024-3400"); !ok || e.Product != "PAN-OS" {
		t.Errorf("KEV lookup %+v %v", e, ok)
	}
}

func TestFetchLoopback(t *testing.T) {
	data := kevSample(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/kev.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	defer srv.Close()
	got, err := Fetch(context.Background(), srv.Client(), srv.URL+"/kev.json")
	if err != nil || len(got) != len(data) {
		t.Fatalf("Fetch: %v (%d bytes)", err, len(got))
	}
	if _, err := Fetch(context.Background(), srv.Client(), srv.URL+"/absent"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404 not reported: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	env := map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}
	if d, _ := DefaultDir(func(k string) string { return env[k] }); d != "/x/vigie/vulndb" {
		t.Errorf("XDG: %s", d)
	}
	delete(env, "XDG_DATA_HOME")
	if d, _ := DefaultDir(func(k string) string { return env[k] }); d != "/h/.local/share/vigie/vulndb" {
		t.Errorf("HOME: %s", d)
	}
	if _, err := DefaultDir(func(string) string { return "" }); err == nil {
		t.Error("no dir: no error")
	}
}

func BenchmarkMatch(b *testing.B) {
	db, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db.Match("Fortinet FortiOS", "7.2.4")
		db.Match("OpenSSH", "9.2p1")
	}
}

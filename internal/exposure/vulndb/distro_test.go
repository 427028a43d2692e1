package vulndb

import (
	"strings"
	"testing"

	"vigie/internal/exposure"
)

// A version-only match on a distribution package is lowered and explained;
// the same version from an upstream build is not.
func TestDistributionBuildLowersVersionOnlyFindings(t *testing.T) {
	c, err := ParseKEV(kevSample(t))
	if err != nil {
		t.Fatal(err)
	}
	db, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	obs := exposure.Observation{Class: exposure.ClassServiceVersion, Host: "127.0.0.3", Port: 22, Product: "OpenSSH", Version: "9.2p1"}
	severity := func(build string) (exposure.Finding, bool) {
		o := obs
		o.Build = build
		for _, f := range db.Findings([]exposure.Observation{o}) {
			if f.ID == "cve-2024-6387" {
				return f, true
			}
		}
		return exposure.Finding{}, false
	}
	up, ok := severity("")
	if !ok || up.Severity != exposure.High {
		t.Fatalf("upstream OpenSSH 9.2p1: %+v", up)
	}
	deb, ok := severity("Debian-2+deb12u10")
	if !ok || deb.Severity != exposure.Low || !strings.Contains(deb.Evidence, "Debian-2+deb12u10") || !strings.Contains(deb.Remediation, "distribution") {
		t.Fatalf("Debian OpenSSH 9.2p1: %+v", deb)
	}
}

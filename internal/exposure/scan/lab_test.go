package scan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/policy"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/exposure/vulndb"
	"vigie/internal/testenv"
)

// labPorts are exactly the ports the lab opened (on one address each).
var labPorts = []int{21, 22, 23, 80, 104, 443, 445, 3306, 3389, 5432, 6379, 8443}

// labExpect is what each lab port must reveal: service, product, the
// observation classes that must be present, and the worst severity the
// policy must give.
var labExpect = map[string]struct {
	service, product string
	classes          []string
	worst            exposure.Severity
}{
	"127.0.42.2:80":    {"http", "nginx", []string{exposure.ClassHTTPCleartext}, exposure.Low},
	"127.0.42.2:443":   {"https", "nginx", []string{exposure.ClassTLSProtocolOld, exposure.ClassTLSSelfSigned}, exposure.Medium},
	"127.0.42.2:8443":  {"https", "nginx", []string{exposure.ClassTLSCertExpired}, exposure.Medium},
	"127.0.42.3:22":    {"ssh", "OpenSSH", []string{exposure.ClassSSHExposed}, exposure.Info},
	"127.0.42.4:21":    {"ftp", "vsftpd", []string{exposure.ClassFTPAnonymous, exposure.ClassFTPCleartext}, exposure.High},
	"127.0.42.5:6379":  {"redis", "Redis", []string{exposure.ClassRedisNoAuth}, exposure.Critical},
	"127.0.42.6:5432":  {"postgresql", "PostgreSQL", []string{exposure.ClassPostgresTrust}, exposure.Critical},
	"127.0.42.7:3306":  {"mysql", "MariaDB", []string{exposure.ClassMySQLExposed, exposure.ClassMySQLNoPassword}, exposure.Critical},
	"127.0.42.8:23":    {"telnet", "", []string{exposure.ClassTelnetExposed}, exposure.Critical},
	"127.0.42.9:445":   {"smb", "SMB", []string{exposure.ClassSMBExposed, exposure.ClassSMBv1}, exposure.Critical},
	"127.0.42.10:104":  {"dicom", "DCMTK", []string{exposure.ClassDICOMAssociation}, exposure.Critical},
	"127.0.42.11:3389": {"rdp", "RDP", []string{exposure.ClassRDPExposed}, exposure.Critical},
}

func TestLabEndToEnd(t *testing.T) {
	testenv.Need(t, labErr == "", "lab réseau : "+labErr)
	p, err := scope.Parse(strings.NewReader("entity 750000001\nnet 127.0.42.2/31 127.0.42.4/30 127.0.42.8/30 127.0.42.10/31\n"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(t.TempDir()) // embedded version ranges, no KEV feed
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	ticks := 0
	now := func() time.Time { ticks++; return clock.Add(time.Duration(ticks) * time.Second) }
	res, err := Run(context.Background(), Config{
		Perimeter: p, Ports: labPorts, Now: now, Judges: []Judge{pol.Judge, db.Findings},
		Scan:                portscan.Options{Concurrency: 64, Timeout: time.Second},
		AllowPrivateTargets: true, // the lab lives on 127.0.42.x
	})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Audit
	if !a.Complete || !a.FinishedAt.After(a.StartedAt) {
		t.Fatalf("audit incomplet ou mal daté : complete=%v %v → %v", a.Complete, a.StartedAt, a.FinishedAt)
	}
	open := map[string]exposure.Port{}
	for _, h := range a.Hosts {
		for _, pt := range h.Ports {
			open[fmt.Sprintf("%s:%d", h.Address, pt.Port)] = pt
		}
	}
	var keys []string
	for k := range open {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(open) != len(labExpect) {
		t.Errorf("ports ouverts = %v, attendu exactement les %d du lab", keys, len(labExpect))
	}
	obs := map[string]map[string]bool{}
	for _, o := range res.Observations {
		k := fmt.Sprintf("%s:%d", o.Host, o.Port)
		if obs[k] == nil {
			obs[k] = map[string]bool{}
		}
		obs[k][o.Class] = true
	}
	worst := map[string]exposure.Severity{}
	for _, f := range a.Findings {
		if f.Confidence != exposure.Confirmed {
			// Version-only CVE matches are labelled as such; they are
			// not what the protocol answers proved.
			if f.Confidence != exposure.VersionBased || len(f.CVEs) == 0 && f.ID != exposure.ClassServiceVersion {
				t.Errorf("constat ni confirmé ni par version : %+v", f)
			}
			continue
		}
		k := fmt.Sprintf("%s:%d", f.Host, f.Port)
		if w, ok := worst[k]; !ok || f.Severity.Rank() < w.Rank() {
			worst[k] = f.Severity
		}
	}
	for k, want := range labExpect {
		pt, ok := open[k]
		if !ok {
			t.Errorf("%s : port non trouvé", k)
			continue
		}
		if pt.Service != want.service || pt.Product != want.product {
			t.Errorf("%s : service %q produit %q, attendu %q %q (bannière %q)", k, pt.Service, pt.Product, want.service, want.product, pt.Banner)
		}
		for _, c := range want.classes {
			if !obs[k][c] {
				t.Errorf("%s : observation %s absente (obtenu %v)", k, c, obs[k])
			}
		}
		if worst[k] != want.worst {
			t.Errorf("%s : sévérité la plus grave %q, attendu %q", k, worst[k], want.worst)
		}
	}
	// No false critical: what the protocols prove about web, TLS and SSH is
	// never critical; a closed port says nothing.
	for _, f := range a.Findings {
		if f.Severity == exposure.Critical && f.Confidence == exposure.Confirmed && (f.Service == "ssh" || f.Service == "https" || f.Service == "http") {
			t.Errorf("faux critique : %+v", f)
		}
		if _, ok := labExpect[fmt.Sprintf("%s:%d", f.Host, f.Port)]; !ok {
			t.Errorf("constat sur un port non ouvert par le lab : %+v", f)
		}
	}
	if a.Summary != exposure.Summarize(a.Findings) || a.Summary.Critical < 8 {
		t.Errorf("résumé : %+v", a.Summary)
	}
	// The certificate names are reported as candidates, never scanned.
	found := false
	for _, c := range a.Candidates {
		found = found || c.Name == "portail.lab.vigie"
	}
	if !found {
		t.Errorf("le nom du certificat doit figurer parmi les candidats : %+v", a.Candidates)
	}
}

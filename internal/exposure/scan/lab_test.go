package scan

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/policy"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/probe"
	"vigie/internal/exposure/scope"
	"vigie/internal/exposure/vulndb"
	"vigie/internal/testenv"
)

// labWant is what one lab port must reveal: service, product, the
// observation classes that must be present (and those that must not), and
// the worst severity the policy must give to what the protocol proved.
type labWant struct {
	service, product string
	classes          []string
	absent           []string
	worst            exposure.Severity
	// usual is, for a service moved to an unusual port, the address of the
	// same service on its usual port: same severity, and the evidence says so.
	usual string
}

// labExpect is the lab's truth (scripts/lab/netlab.sh), usual and moved ports.
var labExpect = map[string]labWant{
	"127.0.42.2:80":   {"http", "nginx", []string{exposure.ClassHTTPCleartext}, nil, exposure.Low, ""},
	"127.0.42.2:443":  {"https", "nginx", []string{exposure.ClassTLSProtocolOld, exposure.ClassTLSSelfSigned}, nil, exposure.Medium, ""},
	"127.0.42.2:8443": {"https", "nginx", []string{exposure.ClassTLSCertExpired}, nil, exposure.Medium, ""},
	"127.0.42.2:7080": {"http", "nginx", []string{exposure.ClassHTTPCleartext}, nil, exposure.Low, "127.0.42.2:80"},
	// The lab's certificate is made when the lab starts, after the audit's
	// clock below: "not yet valid" (medium), as on 443.
	"127.0.42.2:7443":   {"https", "nginx", []string{exposure.ClassTLSSelfSigned, exposure.ClassHTTPExposed}, []string{exposure.ClassHTTPCleartext, exposure.ClassTLSProtocolOld}, exposure.Medium, ""},
	"127.0.42.3:22":     {"ssh", "OpenSSH", []string{exposure.ClassSSHExposed}, nil, exposure.Info, ""},
	"127.0.42.3:2244":   {"ssh", "OpenSSH", []string{exposure.ClassSSHExposed}, nil, exposure.Info, "127.0.42.3:22"},
	"127.0.42.4:21":     {"ftp", "vsftpd", []string{exposure.ClassFTPAnonymous, exposure.ClassFTPCleartext}, nil, exposure.High, ""},
	"127.0.42.5:6379":   {"redis", "Redis", []string{exposure.ClassRedisNoAuth}, nil, exposure.Critical, ""},
	"127.0.42.5:7000":   {"redis", "Redis", []string{exposure.ClassRedisNoAuth}, nil, exposure.Critical, "127.0.42.5:6379"},
	"127.0.42.6:5432":   {"postgresql", "PostgreSQL", []string{exposure.ClassPostgresTrust}, nil, exposure.Critical, ""},
	"127.0.42.6:15432":  {"postgresql", "PostgreSQL", []string{exposure.ClassPostgresTrust}, nil, exposure.Critical, "127.0.42.6:5432"},
	"127.0.42.7:3306":   {"mysql", "MariaDB", []string{exposure.ClassMySQLExposed, exposure.ClassMySQLNoPassword}, nil, exposure.Critical, ""},
	"127.0.42.7:13306":  {"mysql", "MariaDB", []string{exposure.ClassMySQLNoPassword}, nil, exposure.Critical, "127.0.42.7:3306"},
	"127.0.42.8:23":     {"telnet", "", []string{exposure.ClassTelnetExposed}, nil, exposure.Critical, ""},
	"127.0.42.8:10023":  {"telnet", "", []string{exposure.ClassTelnetExposed}, nil, exposure.Critical, "127.0.42.8:23"},
	"127.0.42.9:445":    {"smb", "SMB", []string{exposure.ClassSMBExposed, exposure.ClassSMBv1}, nil, exposure.Critical, ""},
	"127.0.42.9:4450":   {"smb", "SMB", []string{exposure.ClassSMBExposed, exposure.ClassSMBv1}, nil, exposure.Critical, "127.0.42.9:445"},
	"127.0.42.10:104":   {"dicom", "DCMTK", []string{exposure.ClassDICOMAssociation}, nil, exposure.Critical, ""},
	"127.0.42.10:2104":  {"dicom", "DCMTK", []string{exposure.ClassDICOMAssociation}, nil, exposure.Critical, "127.0.42.10:104"},
	"127.0.42.11:3389":  {"rdp", "RDP", []string{exposure.ClassRDPExposed}, nil, exposure.Critical, ""},
	"127.0.42.11:33890": {"rdp", "RDP", []string{exposure.ClassRDPExposed}, nil, exposure.Critical, "127.0.42.11:3389"},
	"127.0.42.12:4242":  {"dicom", "DCMTK", []string{exposure.ClassDICOMAssociation}, nil, exposure.Critical, ""},
	"127.0.42.12:8042":  {"http", "Orthanc", []string{exposure.ClassPACSWebExposed, exposure.ClassPACSAnonymous, exposure.ClassDICOMwebAnonymous}, nil, exposure.Critical, ""},
	"127.0.42.12:8765":  {"http", "Orthanc", []string{exposure.ClassPACSAnonymous, exposure.ClassDICOMwebAnonymous}, nil, exposure.Critical, "127.0.42.12:8042"},
	"127.0.42.14:8080":  {"http", "Serveur FHIR du laboratoire Vigie", []string{exposure.ClassFHIRExposed, exposure.ClassFHIRAnonymous}, nil, exposure.Critical, ""},
	"127.0.42.14:18080": {"http", "Serveur FHIR du laboratoire Vigie", []string{exposure.ClassFHIRAnonymous}, nil, exposure.Critical, "127.0.42.14:8080"},
	"127.0.42.14:8081":  {"http", "Serveur FHIR du laboratoire Vigie", []string{exposure.ClassFHIRExposed}, []string{exposure.ClassFHIRAnonymous}, exposure.High, ""},
}

// labTiming is generous: the lab runs beside other work on a shared
// machine, and these tests check what is identified, not how fast (the
// bench measures that, with the defaults).
var labTiming = probe.Timing{Wait: 1500 * time.Millisecond, Budget: 5 * time.Second}

// labProbes is the probe set a user gets: Vigie's probers plus nmap's file
// when installed (CI installs nmap).
func labProbes(t *testing.T) *probe.Set {
	set := probe.DefaultSet().WithTiming(labTiming)
	if _, err := os.Stat(probe.DefaultNmapProbes); err != nil {
		testenv.Need(t, false, "nmap-common ("+probe.DefaultNmapProbes+")")
		return set
	}
	db, err := probe.LoadNmapProbes(probe.DefaultNmapProbes)
	if err != nil {
		t.Fatal(err)
	}
	return set.WithNmap(db)
}

// oddListeners opens, on 127.0.42.15, a silent listener and a talker of
// random bytes; it returns their addresses.
func oddListeners(t *testing.T) (silent, talker string) {
	t.Helper()
	open := func(h func(net.Conn)) string {
		l, err := net.Listen("tcp", "127.0.42.15:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					_ = c.SetDeadline(time.Now().Add(10 * time.Second))
					h(c)
				}()
			}
		}()
		return l.Addr().String()
	}
	silent = open(func(c net.Conn) { _, _ = c.Read(make([]byte, 1)) })
	talker = open(func(c net.Conn) {
		b := make([]byte, 200)
		for i := 0; i < 20; i++ {
			_, _ = rand.Read(b)
			if _, err := c.Write(b); err != nil {
				return
			}
			if _, err := c.Read(make([]byte, 4096)); err != nil {
				return
			}
		}
	})
	return silent, talker
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var n int
	fmt.Sscanf(p, "%d", &n)
	return n
}

func TestLabEndToEnd(t *testing.T) {
	testenv.Need(t, labErr == "", "lab réseau : "+labErr)
	silent, talker := oddListeners(t)
	p, err := scope.Parse(strings.NewReader("entity 750000001\nnet 127.0.42.2/31 127.0.42.4/30 127.0.42.8/30 127.0.42.10/31 127.0.42.12 127.0.42.14/31\n"))
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
	seen := map[int]bool{}
	var ports []int
	for k := range labExpect {
		if n := portOf(k); !seen[n] {
			seen[n] = true
			ports = append(ports, n)
		}
	}
	ports = append(ports, portOf(silent), portOf(talker))
	clock := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	ticks := 0
	now := func() time.Time { ticks++; return clock.Add(time.Duration(ticks) * time.Second) }
	res, err := Run(context.Background(), Config{
		Perimeter: p, Ports: ports, Now: now, Judges: []Judge{pol.Judge, db.Findings}, Probes: labProbes(t), ProbeTimeout: 8 * time.Second,
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
	if len(open) != len(labExpect)+2 {
		t.Errorf("ports ouverts = %v, attendu exactement les %d du lab et les 2 écouteurs du test", keys, len(labExpect))
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
	byPort := map[string][]exposure.Finding{}
	for _, f := range a.Findings {
		k := fmt.Sprintf("%s:%d", f.Host, f.Port)
		byPort[k] = append(byPort[k], f)
		if f.Confidence != exposure.Confirmed {
			// Version-only CVE matches are labelled as such; they are
			// not what the protocol answers proved.
			if f.Confidence != exposure.VersionBased || len(f.CVEs) == 0 && f.ID != exposure.ClassServiceVersion {
				t.Errorf("constat ni confirmé ni par version : %+v", f)
			}
			continue
		}
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
		for _, c := range want.absent {
			if obs[k][c] {
				t.Errorf("%s : observation %s inattendue", k, c)
			}
		}
		if worst[k] != want.worst {
			t.Errorf("%s : sévérité la plus grave %q, attendu %q (%+v)", k, worst[k], want.worst, byPort[k])
		}
		if want.usual != "" {
			if worst[k] != worst[want.usual] {
				t.Errorf("%s : sévérité %q sur le port inhabituel, %q sur le port habituel %s", k, worst[k], worst[want.usual], want.usual)
			}
			for _, f := range byPort[k] {
				if f.Confidence == exposure.Confirmed && f.ID != exposure.ClassServiceVersion && !strings.Contains(f.Evidence, "port inhabituel") {
					t.Errorf("%s : le constat %s ne dit pas que le port est inhabituel : %q", k, f.ID, f.Evidence)
				}
			}
		}
	}
	// The silent listener and the random talker: one info finding each,
	// "unknown service", with the reason; they are listed as unidentified.
	for _, addr := range []string{silent, talker} {
		fs := byPort[addr]
		if len(fs) != 1 || fs[0].ID != exposure.ClassServiceUnknown || fs[0].Severity != exposure.Info || fs[0].Evidence == "" {
			t.Errorf("%s : attendu un seul constat info « service non identifié », obtenu %+v", addr, fs)
		}
		found := false
		for _, u := range res.Unidentified {
			found = found || fmt.Sprintf("%s:%d", u.Host, u.Port) == addr && u.Why != ""
		}
		if !found {
			t.Errorf("%s absent de la liste des ports non identifiés : %+v", addr, res.Unidentified)
		}
	}
	if len(res.Unidentified) != 2 {
		t.Errorf("ports non identifiés : %+v, attendu les 2 écouteurs du test", res.Unidentified)
	}
	// No false critical: what the protocols prove about web, TLS and SSH is
	// never critical unless a health application gives data away; a closed
	// port says nothing.
	for _, f := range a.Findings {
		k := fmt.Sprintf("%s:%d", f.Host, f.Port)
		if f.Severity == exposure.Critical && f.Confidence == exposure.Confirmed && (f.Service == "ssh" || f.Service == "https" || f.Service == "http") &&
			f.ID != exposure.ClassPACSAnonymous && f.ID != exposure.ClassDICOMwebAnonymous && f.ID != exposure.ClassFHIRAnonymous {
			t.Errorf("faux critique : %+v", f)
		}
		if _, ok := labExpect[k]; !ok && k != silent && k != talker {
			t.Errorf("constat sur un port non ouvert par le lab : %+v", f)
		}
	}
	if a.Summary != exposure.Summarize(a.Findings) || a.Summary.Critical < 20 {
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

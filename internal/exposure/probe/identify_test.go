package probe

import (
	"context"
	"crypto/rand"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/probe/probetest"
)

// serveHTTP runs an HTTP handler on a fresh 127.0.0.1 port.
func serveHTTP(t *testing.T, h http.Handler) Target {
	t.Helper()
	l, err := probetest.ServeHTTP("127.0.0.1:0", h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return Target{Addr: netip.MustParseAddr("127.0.0.1"), Port: l.Addr().(*net.TCPAddr).Port,
		Now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), Timeout: 2 * time.Second}
}

// sets are the probe sets a port-independence case must pass with: Vigie's
// own probers, and with nmap's probe file when it is installed.
func sets(t testing.TB) map[string]*Set {
	out := map[string]*Set{"sans nmap": DefaultSet()}
	if _, err := os.Stat(DefaultNmapProbes); err == nil {
		db, err := LoadNmapProbes(DefaultNmapProbes)
		if err != nil {
			t.Fatal(err)
		}
		out["avec nmap"] = DefaultSet().WithNmap(db)
	}
	return out
}

func identifyWithin(t *testing.T, s *Set, tg Target) *Result {
	t.Helper()
	done := make(chan *Result, 1)
	go func() { done <- s.Identify(context.Background(), tg) }()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatalf("identification de %s non bornée dans le temps", tg.Address())
	}
	return nil
}

// Every protocol is recognised on a port that is not its own (a random one
// here), with the same observations as on its usual port, and the evidence
// says the port is unusual.
func TestIdentifyOnAnyPort(t *testing.T) {
	cases := []struct {
		name             string
		conn             probetest.Handler
		web              http.Handler
		service, product string
		classes          []string
	}{
		{"MongoDB", probetest.MongoDB(false), nil, "mongodb", "MongoDB", []string{exposure.ClassMongoNoAuth}},
		{"SQL Server", probetest.MSSQL, nil, "mssql", "Microsoft SQL Server", []string{exposure.ClassMSSQLExposed}},
		{"HL7 MLLP", probetest.HL7, nil, "hl7-mllp", "MIRTH", []string{exposure.ClassHL7MLLP}},
		{"VNC", probetest.VNC(1), nil, "vnc", "RFB", []string{exposure.ClassVNCNoAuth}},
		{"RDP", probetest.RDP(1), nil, "rdp", "RDP", []string{exposure.ClassRDPExposed, exposure.ClassRDPNoNLA}},
		{"LDAP d'un AD", probetest.LDAP(true), nil, "ldap", "Microsoft Active Directory", []string{exposure.ClassLDAPExposed, exposure.ClassADExposed}},
		{"OpenLDAP", probetest.LDAP(false), nil, "ldap", "OpenLDAP", []string{exposure.ClassLDAPExposed}},
		{"Kerberos", probetest.Kerberos, nil, "kerberos", "Kerberos KDC", []string{exposure.ClassKerberosExposed}},
		{"RPC d'un AD", probetest.MSRPC(true), nil, "msrpc", "Microsoft RPC", []string{exposure.ClassMSRPCExposed, exposure.ClassADExposed}},
		{"Elasticsearch", probetest.Elasticsearch, nil, "elasticsearch", "Elasticsearch", []string{exposure.ClassElasticNoAuth}},
		{"Orthanc ouvert", nil, probetest.Orthanc(true), "http", "Orthanc", []string{exposure.ClassPACSWebExposed, exposure.ClassPACSAnonymous, exposure.ClassDICOMwebAnonymous}},
		{"Orthanc protégé", nil, probetest.Orthanc(false), "http", "Orthanc", []string{exposure.ClassPACSWebExposed}},
		{"FHIR ouvert", nil, probetest.FHIR(true), "http", "HAPI FHIR Server", []string{exposure.ClassFHIRExposed, exposure.ClassFHIRAnonymous}},
		{"FHIR protégé", nil, probetest.FHIR(false), "http", "HAPI FHIR Server", []string{exposure.ClassFHIRExposed}},
		{"WinRM", nil, probetest.WinRM(), "winrm", "Microsoft WinRM", []string{exposure.ClassWinRMExposed}},
		{"FortiGate", nil, probetest.Edge("fortinet"), "http", "Fortinet FortiGate SSL VPN", []string{exposure.ClassVPNGateway}},
		{"Exchange", nil, probetest.Edge("owa"), "http", "Microsoft Exchange", []string{exposure.ClassExchangeOWA}},
	}
	for setName, s := range sets(t) {
		for _, c := range cases {
			var tg Target
			if c.web != nil {
				tg = serveHTTP(t, c.web)
			} else {
				tg = serve(t, c.conn)
			}
			r := identifyWithin(t, s, tg)
			if r.Service != c.service || r.Product != c.product || !r.Unusual {
				t.Errorf("%s, %s : service %q produit %q inhabituel %v, attendu %q %q (inconnu : %s)", setName, c.name, r.Service, r.Product, r.Unusual, c.service, c.product, r.Unknown)
				continue
			}
			for _, cl := range c.classes {
				if !hasClass(r, cl) {
					t.Errorf("%s, %s : observation %s absente (%s)", setName, c.name, cl, classes(r))
				}
			}
			for _, o := range r.Observations {
				if o.Class != exposure.ClassServiceVersion && !strings.Contains(o.Evidence, "port inhabituel") {
					t.Errorf("%s, %s : la preuve ne dit pas que le port est inhabituel : %q", setName, c.name, o.Evidence)
				}
			}
			if c.name == "FHIR protégé" || c.name == "Orthanc protégé" {
				if hasClass(r, exposure.ClassFHIRAnonymous) || hasClass(r, exposure.ClassPACSAnonymous) {
					t.Errorf("%s, %s : accès anonyme annoncé à tort (%s)", setName, c.name, classes(r))
				}
			}
		}
	}
}

// randomTalker sends random bytes at once and after everything it reads.
func randomTalker(c net.Conn) {
	b := make([]byte, 256)
	for i := 0; i < 20; i++ {
		_, _ = rand.Read(b)
		if _, err := c.Write(b[:64+mrand.IntN(192)]); err != nil {
			return
		}
		if _, err := c.Read(make([]byte, 4096)); err != nil {
			return
		}
	}
}

// A silent listener and a random-bytes talker are "unknown services": one
// info observation saying why, no hang, nothing else.
func TestUnknownServices(t *testing.T) {
	silent := func(c net.Conn) { time.Sleep(8 * time.Second) }
	for setName, s := range sets(t) {
		for name, h := range map[string]probetest.Handler{"muet": silent, "bavard aléatoire": randomTalker} {
			for i := 0; i < 3; i++ {
				tg := serve(t, h)
				r := identifyWithin(t, s, tg)
				if r.Service != "" || len(r.Observations) != 1 || r.Observations[0].Class != exposure.ClassServiceUnknown {
					t.Fatalf("%s, %s : attendu un seul constat « service non identifié », obtenu %q %s (%s)", setName, name, r.Service, classes(r), r.Unknown)
				}
				want := "sans réponse"
				if name != "muet" {
					want = "non reconnue"
				}
				if !strings.Contains(r.Unknown, want) || r.Observations[0].Evidence != r.Unknown {
					t.Errorf("%s, %s : raison %q, attendu la mention %q", setName, name, r.Unknown, want)
				}
			}
		}
	}
}

// Random bytes never pass for Telnet (a critical finding) nor for the
// other banners a server sends first.
func TestRandomBytesAreNoBanner(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(13, 42))
	b := make([]byte, 128)
	for i := 0; i < 200000; i++ {
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		n := 3 + rng.IntN(len(b)-3)
		if IsTelnet(b[:n]) {
			t.Fatalf("octets aléatoires pris pour Telnet : % x", b[:n])
		}
	}
	for _, ok := range [][]byte{{0xff, 0xfd, 0x18}, {0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0x83, 0x12}, []byte("\xff\xfb\x01login: ")} {
		if !IsTelnet(ok) {
			t.Errorf("négociation Telnet non reconnue : % x", ok)
		}
	}
}

// A TLS service whose inner protocol is not HTTP is still named (LDAPS).
func TestProtocolInsideTLS(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	cert := makeCert(t, 2048, 0, "dc01.chu.test", now.AddDate(1, 0, 0))
	l, err := probetest.ServeTLS("127.0.0.1:0", cert, probetest.LDAP(true))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tg := Target{Addr: netip.MustParseAddr("127.0.0.1"), Port: l.Addr().(*net.TCPAddr).Port, Now: now, Timeout: 2 * time.Second}
	for setName, s := range sets(t) {
		r := identifyWithin(t, s, tg)
		if r.Service != "ldaps" || !r.TLS || !hasClass(r, exposure.ClassADExposed) || !hasClass(r, exposure.ClassTLSSelfSigned) {
			t.Errorf("%s : %+v %s", setName, r, classes(r))
		}
	}
}

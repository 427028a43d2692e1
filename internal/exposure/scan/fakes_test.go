package scan

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie/internal/exposure"
	"vigie/internal/exposure/policy"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/probe/probetest"
	"vigie/internal/exposure/scope"
)

// fakeServices puts the in-process fakes on their real ports, each on its
// own 127.0.43.x address (ports above 1024: no root needed).
var fakeServices = []struct {
	addr    string
	h       probetest.Handler
	service string
	class   string
	worst   exposure.Severity
}{
	{"127.0.43.2:27017", probetest.MongoDB(false), "mongodb", exposure.ClassMongoNoAuth, exposure.Critical},
	{"127.0.43.3:1433", probetest.MSSQL, "mssql", exposure.ClassMSSQLExposed, exposure.High},
	{"127.0.43.4:2575", probetest.HL7, "hl7-mllp", exposure.ClassHL7MLLP, exposure.Critical},
	{"127.0.43.5:9200", probetest.Elasticsearch, "elasticsearch", exposure.ClassElasticNoAuth, exposure.Critical},
	{"127.0.43.6:5900", probetest.VNC(1, 2), "vnc", exposure.ClassVNCNoAuth, exposure.Critical},
	{"127.0.43.7:3389", probetest.RDP(2), "rdp", exposure.ClassRDPExposed, exposure.Critical},
	{"127.0.43.8:27017", probetest.MongoDB(true), "mongodb", exposure.ClassMongoExposed, exposure.High},
}

func startFakes(t *testing.T) []int {
	t.Helper()
	ports := map[int]bool{}
	for _, f := range fakeServices {
		l, err := probetest.Serve(f.addr, f.h)
		if err != nil {
			t.Fatalf("faux service %s : %v", f.addr, err)
		}
		t.Cleanup(func() { l.Close() })
		ports[l.Addr().(*net.TCPAddr).Port] = true
	}
	var out []int
	for p := range ports {
		out = append(out, p)
	}
	return out
}

func TestPipelineWithFakes(t *testing.T) {
	ports := startFakes(t)
	p, err := scope.Parse(strings.NewReader("net 127.0.43.2/31 127.0.43.4/30 127.0.43.8\n"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Perimeter: p, Ports: ports, Judges: []Judge{pol.Judge}, AllowPrivateTargets: true,
		Scan: portscan.Options{Timeout: time.Second}, ProbeTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Audit
	if !a.Complete {
		t.Fatal("audit incomplet")
	}
	worst := map[string]exposure.Severity{}
	for _, f := range a.Findings {
		k := fmt.Sprintf("%s:%d", f.Host, f.Port)
		if w, ok := worst[k]; !ok || f.Severity.Rank() < w.Rank() {
			worst[k] = f.Severity
		}
	}
	n := 0
	for _, h := range a.Hosts {
		n += len(h.Ports)
	}
	if n != len(fakeServices) {
		t.Errorf("%d ports ouverts, attendu %d : %+v", n, len(fakeServices), a.Hosts)
	}
	for _, f := range fakeServices {
		var got *exposure.Port
		for _, h := range a.Hosts {
			for i, pt := range h.Ports {
				if fmt.Sprintf("%s:%d", h.Address, pt.Port) == f.addr {
					got = &h.Ports[i]
				}
			}
		}
		if got == nil || got.Service != f.service {
			t.Errorf("%s : service %+v, attendu %s", f.addr, got, f.service)
			continue
		}
		seen := false
		for _, o := range res.Observations {
			if fmt.Sprintf("%s:%d", o.Host, o.Port) == f.addr && o.Class == f.class && o.Confidence == exposure.Confirmed {
				seen = true
			}
		}
		if !seen {
			t.Errorf("%s : observation %s absente", f.addr, f.class)
		}
		if worst[f.addr] != f.worst {
			t.Errorf("%s : sévérité %q, attendu %q", f.addr, worst[f.addr], f.worst)
		}
	}
	// RDP with NLA and MongoDB with authentication are not "no auth".
	for _, o := range res.Observations {
		if (o.Host == "127.0.43.7" && o.Class == exposure.ClassRDPNoNLA) || (o.Host == "127.0.43.8" && o.Class == exposure.ClassMongoNoAuth) {
			t.Errorf("faux positif : %+v", o)
		}
	}
}

// zone is a DNS server on 127.0.0.1 for the guard test.
func zone(t *testing.T, records string) string {
	t.Helper()
	rrs := map[string][]dns.RR{}
	for _, l := range strings.Split(strings.TrimSpace(records), "\n") {
		rr, err := dns.NewRR(strings.TrimSpace(l))
		if err != nil {
			t.Fatal(err)
		}
		k := strings.ToLower(rr.Header().Name) + dns.TypeToString[rr.Header().Rrtype]
		rrs[k] = append(rrs[k], rr)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		m.Answer = rrs[strings.ToLower(q.Name)+dns.TypeToString[q.Qtype]]
		if m.Answer == nil {
			m.Answer = rrs[strings.ToLower(q.Name)+"CNAME"]
		}
		_ = w.WriteMsg(m)
	})}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

// countingListener counts connections: the guard test proves nothing
// outside the perimeter is touched.
func countingListener(t *testing.T, addr string) (*atomic.Int64, int) {
	t.Helper()
	var n atomic.Int64
	l, err := probetest.Serve(addr, func(c net.Conn) { n.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return &n, l.Addr().(*net.TCPAddr).Port
}

func TestGuardNeverTouchesOutside(t *testing.T) {
	inside, port := countingListener(t, "127.0.43.20:0")
	outside, _ := countingListener(t, fmt.Sprintf("127.0.43.21:%d", port))
	cdn, _ := countingListener(t, fmt.Sprintf("127.0.43.22:%d", port))
	resolver := zone(t, `
chu-test.fr. 60 IN A 127.0.43.20
chu-test.fr. 60 IN MX 10 mx.prestataire.example.
mx.prestataire.example. 60 IN A 127.0.43.21
www.chu-test.fr. 60 IN CNAME chu.cdn.example.
chu.cdn.example. 60 IN A 127.0.43.22
`)
	p, err := scope.Parse(strings.NewReader("domain chu-test.fr\nhost www.chu-test.fr\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Perimeter: p, Resolver: &scope.Resolver{Addr: resolver}, Ports: []int{port}, AllowPrivateTargets: true,
		Scan: portscan.Options{Timeout: time.Second}, NoProbe: true})
	if err != nil {
		t.Fatal(err)
	}
	// Let the listeners accept what reached them before counting.
	for i := 0; i < 100 && inside.Load() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if inside.Load() == 0 {
		t.Fatal("l'adresse du domaine déclaré n'a pas été scannée")
	}
	if outside.Load() != 0 || cdn.Load() != 0 {
		t.Fatalf("adresses hors périmètre contactées : MX %d, CDN %d", outside.Load(), cdn.Load())
	}
	var cands []string
	for _, c := range res.Audit.Candidates {
		cands = append(cands, c.Address+"="+c.Name)
	}
	want := "127.0.43.22=www.chu-test.fr 127.0.43.21=mx.prestataire.example"
	if strings.Join(cands, " ") != want {
		t.Fatalf("candidats = %v, attendu %s", cands, want)
	}
	if len(res.Audit.Hosts) != 1 || res.Audit.Hosts[0].Names[0] != "chu-test.fr" {
		t.Fatalf("hôtes : %+v", res.Audit.Hosts)
	}
}

func TestInterruptedScanIsIncomplete(t *testing.T) {
	_, port := countingListener(t, "127.0.43.30:0")
	p, _ := scope.Parse(strings.NewReader("net 127.0.43.30\n"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, Config{Perimeter: p, Ports: []int{port}, AllowPrivateTargets: true})
	if err == nil {
		t.Fatal("un scan annulé doit renvoyer une erreur")
	}
	if res == nil || res.Audit.Complete || len(res.Problems) == 0 {
		t.Fatalf("audit partiel attendu : %+v", res)
	}
}

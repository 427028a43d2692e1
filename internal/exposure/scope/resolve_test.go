package scope

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// startDNS serves a fixed zone on 127.0.0.1 (UDP) and returns its address.
func startDNS(t *testing.T, zone string) string {
	t.Helper()
	records := map[string][]dns.RR{}
	for _, line := range strings.Split(strings.TrimSpace(zone), "\n") {
		rr, err := dns.NewRR(strings.TrimSpace(line))
		if err != nil {
			t.Fatalf("zone de test : %v", err)
		}
		k := strings.ToLower(rr.Header().Name) + "/" + dns.TypeToString[rr.Header().Rrtype]
		records[k] = append(records[k], rr)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		name := strings.ToLower(q.Name)
		m.Answer = append(m.Answer, records[name+"/"+dns.TypeToString[q.Qtype]]...)
		if len(m.Answer) == 0 {
			m.Answer = append(m.Answer, records[name+"/CNAME"]...)
			// Like a recursive resolver, "rec." names get their chain resolved in one answer.
			if strings.HasPrefix(name, "rec.") && len(m.Answer) > 0 {
				target := strings.ToLower(m.Answer[0].(*dns.CNAME).Target)
				m.Answer = append(m.Answer, records[target+"/"+dns.TypeToString[q.Qtype]]...)
			}
		}
		if len(m.Answer) == 0 {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})
	srv := &dns.Server{PacketConn: pc, Handler: h}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

const testZone = `
chu-test.fr. 60 IN A 127.0.0.20
chu-test.fr. 60 IN MX 10 mail.chu-test.fr.
chu-test.fr. 60 IN MX 20 relay.hebergeur.example.
chu-test.fr. 60 IN NS ns1.registrar.example.
chu-test.fr. 60 IN TXT "v=spf1 ip4:127.0.0.0/29 ip4:127.9.0.0/24 -all"
mail.chu-test.fr. 60 IN A 127.0.0.21
mail.chu-test.fr. 60 IN AAAA ::1
relay.hebergeur.example. 60 IN A 127.0.0.22
ns1.registrar.example. 60 IN A 127.0.0.99
www.chu-test.fr. 60 IN CNAME cdn.example.
cdn.example. 60 IN A 127.0.0.23
_autodiscover._tcp.chu-test.fr. 60 IN SRV 0 0 443 mail.chu-test.fr.
portail.chu-test.fr. 60 IN A 127.0.0.30
rec.chu-test.fr. 60 IN CNAME cdn.example.
`

func TestResolveCNAMEAndRecords(t *testing.T) {
	r := &Resolver{Addr: startDNS(t, testZone)}
	ctx := context.Background()
	res, err := r.Resolve(ctx, "www.chu-test.fr")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chain) != 1 || res.Chain[0] != "cdn.example" || len(res.Addrs) != 1 || res.Addrs[0].String() != "127.0.0.23" {
		t.Fatalf("résolution www : %+v", res)
	}
	res, err = r.Resolve(ctx, "rec.chu-test.fr")
	if err != nil || len(res.Chain) != 1 || res.Chain[0] != "cdn.example" || len(res.Addrs) != 1 {
		t.Fatalf("chaîne CNAME en une réponse : %+v %v", res, err)
	}
	res, err = r.Resolve(ctx, "mail.chu-test.fr")
	if err != nil || len(res.Addrs) != 2 {
		t.Fatalf("A+AAAA de mail : %+v %v", res, err)
	}
	rel, err := r.Discover(ctx, "chu-test.fr")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range rel {
		if x.Name != "" {
			got = append(got, x.Name)
		} else {
			got = append(got, x.Prefix.String())
		}
	}
	want := "mail.chu-test.fr relay.hebergeur.example ns1.registrar.example 127.0.0.0/29 127.9.0.0/24 mail.chu-test.fr"
	if strings.Join(got, " ") != want {
		t.Fatalf("découverte = %v\nattendu %s", got, want)
	}
}

func TestPlanGuardKeepsOutsideAsCandidates(t *testing.T) {
	r := &Resolver{Addr: startDNS(t, testZone)}
	p, err := Parse(strings.NewReader("domain chu-test.fr\nhost www.chu-test.fr\nnet 127.0.0.20/31\n"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := BuildPlan(context.Background(), p, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, tg := range plan.Targets {
		targets = append(targets, tg.Addr.String()+"="+strings.Join(tg.Names, ","))
	}
	if strings.Join(targets, " ") != "127.0.0.20=chu-test.fr 127.0.0.21=mail.chu-test.fr" {
		t.Fatalf("cibles = %v", targets)
	}
	cands := map[string]string{}
	for _, c := range plan.Candidates {
		cands[c.Address+"|"+c.Name] = c.Why
	}
	for _, k := range []string{"127.0.0.23|www.chu-test.fr", "127.0.0.22|relay.hebergeur.example", "127.0.0.99|ns1.registrar.example", "127.9.0.0/24|", "127.0.0.0/29|", "::1|mail.chu-test.fr", "127.0.0.30|"} {
		_, ok := cands[k]
		if k == "127.0.0.30|" {
			if ok {
				t.Errorf("portail n'est référencé nulle part : pas de candidat attendu")
			}
			continue
		}
		if !ok {
			t.Errorf("candidat manquant %s (candidats : %v)", k, cands)
		}
	}
	for _, tg := range plan.Targets {
		for _, c := range []string{"127.0.0.22", "127.0.0.23", "127.0.0.99"} {
			if tg.Addr == netip.MustParseAddr(c) {
				t.Errorf("adresse hors périmètre %s dans les cibles", c)
			}
		}
	}
	// Without networks, the CDN CNAME still keeps www out.
	p2, _ := Parse(strings.NewReader("host www.chu-test.fr portail.chu-test.fr\n"))
	plan, err = BuildPlan(context.Background(), p2, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Targets) != 1 || plan.Targets[0].Addr.String() != "127.0.0.30" {
		t.Fatalf("cibles sans réseau : %+v", plan.Targets)
	}
	if len(plan.Candidates) != 1 || !strings.Contains(plan.Candidates[0].Why, "CDN") {
		t.Fatalf("candidats sans réseau : %+v", plan.Candidates)
	}
}

func TestPlanNoResolver(t *testing.T) {
	p, _ := Parse(strings.NewReader("host a.fr\n"))
	if _, err := BuildPlan(context.Background(), p, nil, 0); err == nil || !strings.Contains(err.Error(), "résolveur") {
		t.Fatalf("err = %v", err)
	}
}

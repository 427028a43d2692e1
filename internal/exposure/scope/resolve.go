package scope

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Resolver queries one DNS server (host:port) with miekg/dns.
type Resolver struct {
	// Addr is the server, e.g. "127.0.0.1:53".
	Addr string
	// Timeout bounds one query (default 3 s).
	Timeout time.Duration
}

// SystemResolver returns a resolver for the first server of /etc/resolv.conf.
func SystemResolver() (*Resolver, error) {
	cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil || len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("aucun résolveur DNS configuré (précisez --resolver)")
	}
	return &Resolver{Addr: net.JoinHostPort(cfg.Servers[0], cfg.Port)}, nil
}

// maxCNAME bounds a CNAME chain.
const maxCNAME = 8

// Query asks one question and returns the answer section.
func (r *Resolver) Query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	to := r.Timeout
	if to == 0 {
		to = 3 * time.Second
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	c := &dns.Client{Timeout: to}
	in, _, err := c.ExchangeContext(ctx, m, r.Addr)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, _, err = c.ExchangeContext(ctx, m, r.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("requête DNS %s %s auprès de %s : %w", dns.TypeToString[qtype], name, r.Addr, err)
	}
	if in.Rcode == dns.RcodeNameError {
		return nil, nil
	}
	if in.Rcode != dns.RcodeSuccess {
		return nil, fmt.Errorf("requête DNS %s %s : réponse %s", dns.TypeToString[qtype], name, dns.RcodeToString[in.Rcode])
	}
	return in.Answer, nil
}

// Resolution is what a name resolved to.
type Resolution struct {
	Name  string
	Chain []string // CNAME targets followed, in order
	Addrs []netip.Addr
}

// Resolve follows CNAMEs and collects the A and AAAA addresses of a name. A
// recursive resolver returns the whole chain in one answer; an authoritative
// one may return only the CNAME, which is then queried in turn.
func (r *Resolver) Resolve(ctx context.Context, name string) (Resolution, error) {
	res := Resolution{Name: name}
	seenAddr := map[netip.Addr]bool{}
	seenName := map[string]bool{}
	addChain := func(n string) {
		if !seenName[n] {
			seenName[n] = true
			res.Chain = append(res.Chain, n)
		}
	}
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		cur := strings.ToLower(name)
		for hop := 0; hop <= maxCNAME; hop++ {
			rrs, err := r.Query(ctx, cur, qt)
			if err != nil {
				return res, err
			}
			followed := false
			for i := 0; i < maxCNAME; i++ {
				next := cnameOf(rrs, cur)
				if next == "" {
					break
				}
				addChain(next)
				cur, followed = next, true
			}
			found := false
			for _, rr := range rrs {
				var a netip.Addr
				switch v := rr.(type) {
				case *dns.A:
					a, _ = netip.AddrFromSlice(v.A.To4())
				case *dns.AAAA:
					a, _ = netip.AddrFromSlice(v.AAAA)
				default:
					continue
				}
				found = true
				if a = a.Unmap(); a.IsValid() && !seenAddr[a] {
					seenAddr[a] = true
					res.Addrs = append(res.Addrs, a)
				}
			}
			if found || !followed {
				break
			}
		}
	}
	return res, nil
}

// cnameOf returns the CNAME target of owner in an answer, or "".
func cnameOf(rrs []dns.RR, owner string) string {
	for _, rr := range rrs {
		if v, ok := rr.(*dns.CNAME); ok && strings.EqualFold(strings.TrimSuffix(v.Hdr.Name, "."), owner) {
			return strings.TrimSuffix(strings.ToLower(v.Target), ".")
		}
	}
	return ""
}

// Related is a name or a network a domain's DNS points to.
type Related struct {
	Name   string       // a host name (MX, NS, SRV target), or ""
	Prefix netip.Prefix // an SPF ip4:/ip6: network, when Name is ""
	Why    string       // French: where it came from
}

// srvNames are the service records looked up under each domain.
var srvNames = []string{"_autodiscover._tcp", "_sip._tls", "_sipfederationtls._tcp", "_imaps._tcp", "_submission._tcp", "_ldap._tcp"}

// Discover lists what a domain's MX, NS, TXT (SPF) and SRV records point to.
func (r *Resolver) Discover(ctx context.Context, domain string) ([]Related, error) {
	var out []Related
	add := func(name, why string) {
		name = strings.TrimSuffix(strings.ToLower(name), ".")
		if name != "" {
			out = append(out, Related{Name: name, Why: why})
		}
	}
	rrs, err := r.Query(ctx, domain, dns.TypeMX)
	if err != nil {
		return nil, err
	}
	for _, rr := range rrs {
		if v, ok := rr.(*dns.MX); ok {
			add(v.Mx, "serveur de messagerie (MX) de "+domain)
		}
	}
	if rrs, err = r.Query(ctx, domain, dns.TypeNS); err != nil {
		return nil, err
	}
	for _, rr := range rrs {
		if v, ok := rr.(*dns.NS); ok {
			add(v.Ns, "serveur de noms (NS) de "+domain)
		}
	}
	if rrs, err = r.Query(ctx, domain, dns.TypeTXT); err != nil {
		return nil, err
	}
	for _, rr := range rrs {
		if v, ok := rr.(*dns.TXT); ok {
			for _, rel := range parseSPF(strings.Join(v.Txt, ""), domain) {
				out = append(out, rel)
			}
		}
	}
	for _, s := range srvNames {
		rrs, err := r.Query(ctx, s+"."+domain, dns.TypeSRV)
		if err != nil {
			continue
		}
		for _, rr := range rrs {
			if v, ok := rr.(*dns.SRV); ok && v.Target != "." {
				add(v.Target, "enregistrement SRV "+s+"."+domain)
			}
		}
	}
	return out, nil
}

// parseSPF extracts ip4:, ip6:, a: and mx: mechanisms of an SPF record.
func parseSPF(txt, domain string) []Related {
	if !strings.HasPrefix(strings.ToLower(txt), "v=spf1") {
		return nil
	}
	var out []Related
	why := "enregistrement SPF de " + domain
	for _, term := range strings.Fields(txt)[1:] {
		term = strings.TrimLeft(term, "+-~?")
		k, v, ok := strings.Cut(term, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "ip4", "ip6":
			if pf, err := ParsePrefix(v); err == nil {
				out = append(out, Related{Prefix: pf, Why: why})
			}
		case "a", "include":
			if n, err := NormalizeName(strings.Split(v, "/")[0]); err == nil {
				out = append(out, Related{Name: n, Why: why})
			}
		}
	}
	return out
}

package probe

import (
	"sort"
)

// proberTraits is what the identification engine needs to know about a
// prober to decide when and where to try it.
type proberTraits struct {
	// serverFirst: the protocol starts with the server's banner; the prober
	// is chosen from that banner, never sent blind.
	serverFirst bool
	// httpBased: refines an HTTP answer; run from the HTTP prober.
	httpBased bool
	// inTLS: the protocol is also spoken inside TLS (LDAPS, IMAPS …).
	inTLS bool
	// nmapProbe is the nmap probe sending an equivalent request: its
	// ports/sslports say where the protocol is likely, its patterns name
	// what our request got back, and it is not sent again.
	nmapProbe string
	// rarity is Vigie's own likelihood table (1 common … 9 rare), which puts
	// the classes that matter for a hospital early; it orders the probers
	// when nmap's file is absent, and among nmap's probes when present.
	rarity int
}

var traits = map[string]proberTraits{
	"http":          {inTLS: true, nmapProbe: "GetRequest", rarity: 1},
	"tls":           {nmapProbe: "SSLSessionReq", rarity: 1},
	"dicom":         {inTLS: true, rarity: 2},
	"hl7":           {inTLS: true, rarity: 3},
	"rdp":           {nmapProbe: "TerminalServerCookie", rarity: 3},
	"smb":           {nmapProbe: "SMBProgNeg", rarity: 3},
	"postgresql":    {rarity: 3},
	"redis":         {inTLS: true, nmapProbe: "redis-server", rarity: 3},
	"ldap":          {inTLS: true, nmapProbe: "LDAPSearchReq", rarity: 4},
	"kerberos":      {nmapProbe: "Kerberos", rarity: 4},
	"msrpc":         {rarity: 4},
	"mssql":         {nmapProbe: "ms-sql-s", rarity: 5},
	"mongodb":       {inTLS: true, nmapProbe: "mongodb", rarity: 5},
	"elasticsearch": {httpBased: true, inTLS: true, rarity: 2},
	"ssh":           {serverFirst: true},
	"ftp":           {serverFirst: true, inTLS: true},
	"smtp":          {serverFirst: true, inTLS: true},
	"imap":          {serverFirst: true, inTLS: true},
	"pop3":          {serverFirst: true, inTLS: true},
	"telnet":        {serverFirst: true},
	"vnc":           {serverFirst: true},
	"mysql":         {serverFirst: true},
}

func traitsOf(name string) proberTraits {
	if t, ok := traits[name]; ok {
		return t
	}
	return proberTraits{rarity: 6}
}

// proberFor maps nmap's service names to the prober that confirms them.
var proberFor = map[string]string{
	"ssh": "ssh", "ftp": "ftp", "smtp": "smtp", "imap": "imap", "pop3": "pop3",
	"telnet": "telnet", "vnc": "vnc", "mysql": "mysql", "http": "http", "ssl": "tls",
	"ms-wbt-server": "rdp", "microsoft-ds": "smb", "netbios-ssn": "smb", "ldap": "ldap",
	"kerberos-sec": "kerberos", "msrpc": "msrpc", "redis": "redis", "postgresql": "postgresql",
	"ms-sql-s": "mssql", "mongodb": "mongodb", "dicom": "dicom", "hl7": "hl7",
}

// attempt is one speculative try on a port: a prober of ours, or an nmap
// probe whose answer only names the service.
type attempt struct {
	prober Prober
	nmap   *nmapProbe
	// likely: chosen from a banner or a name, it gets the long wait.
	likely bool
	tier   int // 0: nmap's data says this port is usual for it
	rarity int
	seq    int
}

func (a attempt) name() string {
	if a.prober != nil {
		return a.prober.Name()
	}
	return "nmap:" + a.nmap.name
}

// equivalent is the nmap probe whose patterns judge this attempt's answer.
func (a attempt) equivalent() string {
	if a.prober != nil {
		return traitsOf(a.prober.Name()).nmapProbe
	}
	return a.nmap.name
}

// candidates lists the client-first attempts for a port, most likely first.
// Our probers come first — they confirm the classes that matter for a
// hospital, and an answer to them also names the rest through nmap's
// patterns — those nmap's ports/sslports data ties to the port, then by our
// rarity table; then nmap's own probes, those whose ports include this one
// first, then by nmap's rarity. nmap's probes above rarity 7 are kept only
// for their own ports (nmap's default -sV intensity); probes equivalent to
// one of ours are not sent twice.
func (s *Set) candidates(port int, inTLS bool, tried map[string]bool) []attempt {
	var out []attempt
	covered := map[string]bool{}
	likely := func(np string) bool {
		if s.nmap == nil || np == "" {
			return false
		}
		p := s.nmap.byName[np]
		if p == nil {
			return false
		}
		if inTLS {
			return p.sslports.has(port)
		}
		return p.ports.has(port)
	}
	for _, p := range s.probers {
		tr := traitsOf(p.Name())
		if tr.nmapProbe != "" {
			covered[tr.nmapProbe] = true
		}
		if tr.serverFirst || tr.httpBased || tried[p.Name()] || (inTLS && (!tr.inTLS || p.Name() == "tls")) {
			continue
		}
		a := attempt{prober: p, tier: 1, rarity: tr.rarity, seq: len(out)}
		if likely(tr.nmapProbe) || (inTLS && p.Name() == "http") {
			a.tier = 0 // HTTPS is by far the most common inside TLS
		}
		out = append(out, a)
	}
	if s.nmap != nil {
		// TLS variants are covered by our TLS probe (or pointless inside TLS).
		for _, n := range []string{"TLSSessionReq", "SSLv23SessionReq"} {
			covered[n] = true
		}
		for _, p := range s.nmap.probes {
			if p.name == "NULL" || covered[p.name] || tried["nmap:"+p.name] || len(p.payload) == 0 {
				continue
			}
			own := p.ports.has(port)
			if inTLS {
				own = p.sslports.has(port)
			}
			if p.rarity > 7 && !own {
				continue
			}
			a := attempt{nmap: p, tier: 1, rarity: p.rarity, seq: len(out)}
			if own {
				a.tier = 0
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.prober != nil) != (b.prober != nil) {
			return a.prober != nil
		}
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.rarity != b.rarity {
			return a.rarity < b.rarity
		}
		return a.seq < b.seq
	})
	return out
}

// emptyNull stands for nmap's NULL probe (listen only) without nmap's file.
var emptyNull = &nmapProbe{name: "NULL", services: map[string]bool{}}

// nullProbe is the listen-only probe.
func (s *Set) nullProbe() *nmapProbe {
	if s.nmap != nil && s.nmap.null != nil {
		return s.nmap.null
	}
	return emptyNull
}

// Package scan runs an exposure audit end to end: perimeter → guard → port
// scan → protocol probes → observations → judges (policy, vulnerability
// database) → exposure.Audit.
package scan

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/probe"
	"vigie/internal/exposure/scope"
)

// Judge turns observations into findings (the severity policy, the
// vulnerability database).
type Judge func([]exposure.Observation) []exposure.Finding

// Config is one audit run.
type Config struct {
	Perimeter *scope.Perimeter
	// Resolver is needed when the perimeter holds names.
	Resolver *scope.Resolver
	Ports    []int
	Scan     portscan.Options
	// NoProbe stops after the port scan (ports are listed, nothing is judged).
	NoProbe bool
	// ProbeTimeout bounds one probe connection [4 s]; ProbeConcurrency the
	// ports identified at once [16].
	ProbeTimeout     time.Duration
	ProbeConcurrency int
	// MaxAddresses bounds the expansion of the perimeter [scope.DefaultMaxAddresses].
	MaxAddresses int
	Now          func() time.Time
	Judges       []Judge
	// Probes defaults to probe.DefaultSet().
	Probes *probe.Set
	// Dial replaces the TCP dialer of the scanner and the probes (netns runs).
	Dial probe.DialFunc
	// AllowPrivateTargets lifts the refusal of non-public destinations
	// (loopback, RFC 1918, CGNAT, link-local, ULA, multicast, documentation
	// ranges…): for a laboratory only. By default the perimeter's networks
	// are checked before anything, the addresses names resolve to after
	// resolution, and every connection once more (scope/public.go).
	AllowPrivateTargets bool
}

// Result is the audit plus the raw observations it was judged from.
type Result struct {
	Audit        *exposure.Audit
	Observations []exposure.Observation
	// Problems are French messages on what kept the audit from being complete.
	Problems []string
	// Unidentified lists the open ports no probe recognised, with why.
	Unidentified []Unidentified
}

// Unidentified is an open port whose service was not recognised.
type Unidentified struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// Service is what was recognised around it, if anything (e.g. "tls").
	Service string `json:"service,omitempty"`
	// Why says in French what was tried and what the server did.
	Why string `json:"why"`
}

// Run performs the audit. An interrupted scan still returns the partial audit
// (Complete false) together with the error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	started := now()
	if !cfg.AllowPrivateTargets {
		if err := scope.CheckPublic(cfg.Perimeter); err != nil {
			return nil, err
		}
	}
	plan, err := scope.BuildPlan(ctx, cfg.Perimeter, cfg.Resolver, cfg.MaxAddresses)
	if err != nil {
		return nil, err
	}
	so := cfg.Scan
	if cfg.Dial != nil {
		so.Dial = portscan.DialFunc(cfg.Dial)
	}
	if !cfg.AllowPrivateTargets {
		plan.PublicOnly() // after resolution: the scanner connects to these addresses, no second look-up
		if cfg.Dial != nil {
			so.Dial = portscan.DialFunc(scope.PublicDial(scope.DialFunc(cfg.Dial)))
		}
		cfg.Dial = probe.DialFunc(scope.PublicDial(scope.DialFunc(cfg.Dial)))
	}
	audit := &exposure.Audit{
		StartedAt:  started,
		Perimeter:  cfg.Perimeter.Model(),
		Candidates: plan.Candidates,
		Hosts:      []exposure.Host{},
		Findings:   []exposure.Finding{},
	}
	res := &Result{Audit: audit, Problems: plan.Problems}
	if w := cfg.Perimeter.Within(); w != nil {
		audit.Perimeter = w.Model()
		res.Problems = append(res.Problems, "scan limité aux cibles données : le périmètre déclaré n'est pas entièrement audité")
	}
	names := map[netip.Addr][]string{}
	addrs := make([]netip.Addr, 0, len(plan.Targets))
	for _, t := range plan.Targets {
		addrs = append(addrs, t.Addr)
		names[t.Addr] = t.Names
	}
	sr, scanErr := portscan.Scan(ctx, addrs, cfg.Ports, so)
	if sr == nil {
		return nil, scanErr
	}
	if !sr.Complete {
		res.Problems = append(res.Problems, fmt.Sprintf("scan des ports incomplet : %d tentatives sur %d", sr.Done, sr.Total))
	}
	results := map[portscan.Open]*probe.Result{}
	if !cfg.NoProbe && scanErr == nil {
		results = identify(ctx, cfg, sr.Open, names, now())
	}
	guard := scope.NewGuard(cfg.Perimeter)
	seenCand := map[string]bool{}
	hostIdx := map[netip.Addr]int{}
	for _, o := range sr.Open {
		i, ok := hostIdx[o.Addr]
		if !ok {
			i = len(audit.Hosts)
			hostIdx[o.Addr] = i
			audit.Hosts = append(audit.Hosts, exposure.Host{Address: o.Addr.String(), Names: names[o.Addr]})
		}
		p := exposure.Port{Port: o.Port, Proto: "tcp"}
		if r := results[o]; r != nil {
			p.Service, p.Product, p.Version, p.Banner, p.TLS = r.Service, r.Product, r.Version, r.Banner, r.TLS
			res.Observations = append(res.Observations, r.Observations...)
			if r.Unknown != "" {
				res.Unidentified = append(res.Unidentified, Unidentified{Host: o.Addr.String(), Port: o.Port, Service: r.Service, Why: r.Unknown})
			}
			for _, n := range r.Names {
				if k := o.Addr.String() + "|" + n; !guard.NameDeclared(n) && !seenCand[k] {
					seenCand[k] = true
					audit.Candidates = append(audit.Candidates, exposure.Candidate{
						Address: o.Addr.String(), Name: n,
						Why: fmt.Sprintf("nom présent dans le certificat TLS de %s, hors du périmètre déclaré", netip.AddrPortFrom(o.Addr, uint16(o.Port))),
					})
				}
			}
		}
		audit.Hosts[i].Ports = append(audit.Hosts[i].Ports, p)
	}
	for _, j := range cfg.Judges {
		audit.Findings = append(audit.Findings, j(res.Observations)...)
	}
	sortFindings(audit.Findings)
	audit.Summary = exposure.Summarize(audit.Findings)
	audit.Complete = sr.Complete && len(res.Problems) == 0 && scanErr == nil
	audit.FinishedAt = now()
	return res, scanErr
}

// blindPerHost bounds the ports of one host searched blind at the same
// time: many foreign requests at once can stall a fragile server (a
// modality's DICOM service, an RDP server) that takes one connection at a time.
const blindPerHost = 2

// identify runs the probes on every open port with bounded concurrency, in
// two passes: the probers usual for each port number on every port first,
// then the search on any port for the ports left, a few per host at a time.
func identify(ctx context.Context, cfg Config, open []portscan.Open, names map[netip.Addr][]string, now time.Time) map[portscan.Open]*probe.Result {
	set := cfg.Probes
	if set == nil {
		set = probe.DefaultSet()
	}
	n := cfg.ProbeConcurrency
	if n <= 0 {
		n = 16
	}
	out := make(map[portscan.Open]*probe.Result, len(open))
	ids := make(map[portscan.Open]*probe.Identification, len(open))
	for _, o := range open {
		t := probe.Target{Addr: o.Addr, Port: o.Port, Now: now, Timeout: cfg.ProbeTimeout, Dial: cfg.Dial}
		if ns := names[o.Addr]; len(ns) > 0 {
			t.Name = ns[0]
		}
		ids[o] = set.Begin(t)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	for _, o := range open {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if r := ids[o].ByPort(ctx); r != nil {
				mu.Lock()
				out[o] = r
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// A host slow to answer on one port is waited for on the others.
	slow := map[netip.Addr]time.Duration{}
	for _, o := range open {
		slow[o.Addr] = max(slow[o.Addr], ids[o].Latency())
	}
	hosts := map[netip.Addr]chan struct{}{}
	for _, o := range open {
		if out[o] != nil {
			continue
		}
		ids[o].Expect(slow[o.Addr])
		if hosts[o.Addr] == nil {
			hosts[o.Addr] = make(chan struct{}, blindPerHost)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(host chan struct{}) {
			defer wg.Done()
			defer func() { <-sem }()
			host <- struct{}{}
			defer func() { <-host }()
			r := ids[o].Finish(ctx)
			mu.Lock()
			out[o] = r
			mu.Unlock()
		}(hosts[o.Addr])
	}
	wg.Wait()
	return out
}

// sortFindings orders by severity, then address, port and id.
func sortFindings(fs []exposure.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.Host != b.Host {
			ha, ea := netip.ParseAddr(a.Host)
			hb, eb := netip.ParseAddr(b.Host)
			if ea == nil && eb == nil {
				return ha.Less(hb)
			}
			return a.Host < b.Host
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.ID < b.ID
	})
}

package scope

import (
	"context"
	"fmt"
	"net/netip"
	"sort"

	"vigie/internal/exposure"
)

// Target is one address to scan with the declared names that lead to it.
type Target struct {
	Addr  netip.Addr
	Names []string
}

// Plan is what the guard lets the scanner touch, and what it held back.
type Plan struct {
	Targets    []Target
	Candidates []exposure.Candidate
	// Problems are French messages about parts of the perimeter that could not
	// be resolved: the audit is then not complete.
	Problems []string
}

// BuildPlan expands the networks, resolves the declared names (r may be nil
// when there are none), follows the domains' MX/NS/SPF/SRV records, and sorts
// every address into a scan target or a candidate.
func BuildPlan(ctx context.Context, p *Perimeter, r *Resolver, max int) (*Plan, error) {
	if max <= 0 {
		max = DefaultMaxAddresses
	}
	g := NewGuard(p)
	addrs, err := Expand(p.Prefixes(), p.Excludes, max)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	idx := map[netip.Addr]int{}
	addTarget := func(a netip.Addr, name string) {
		i, ok := idx[a]
		if !ok {
			i = len(plan.Targets)
			idx[a] = i
			plan.Targets = append(plan.Targets, Target{Addr: a})
		}
		if name != "" {
			for _, n := range plan.Targets[i].Names {
				if n == name {
					return
				}
			}
			plan.Targets[i].Names = append(plan.Targets[i].Names, name)
		}
	}
	for _, a := range addrs {
		addTarget(a, "")
	}
	seenCand := map[string]bool{}
	addCand := func(c exposure.Candidate) {
		k := c.Address + "|" + c.Name
		if !seenCand[k] {
			seenCand[k] = true
			plan.Candidates = append(plan.Candidates, c)
		}
	}
	names := append(append([]string(nil), p.Hosts...), p.Domains...)
	if len(names) > 0 && r == nil {
		return nil, perimeterErrorf("le périmètre contient des noms DNS mais aucun résolveur n'est configuré (précisez --resolver)")
	}
	declaredName := func(name string, why string) {
		res, err := r.Resolve(ctx, name)
		if err != nil {
			plan.Problems = append(plan.Problems, fmt.Sprintf("résolution de %s impossible : %v", name, err))
			return
		}
		left := false
		for _, c := range res.Chain {
			if !g.NameDeclared(c) {
				left = true
			}
		}
		for _, a := range res.Addrs {
			if ok, reason := g.AllowResolved(a, left); ok {
				addTarget(a, name)
			} else {
				addCand(exposure.Candidate{Address: a.String(), Name: name, Why: reason})
			}
		}
	}
	for _, h := range p.Hosts {
		declaredName(h, "")
	}
	for _, d := range p.Domains {
		declaredName(d, "")
		rel, err := r.Discover(ctx, d)
		if err != nil {
			plan.Problems = append(plan.Problems, fmt.Sprintf("découverte DNS de %s impossible : %v", d, err))
			continue
		}
		for _, x := range rel {
			if x.Name == "" {
				if !g.prefixContained(x.Prefix) {
					addCand(exposure.Candidate{Address: x.Prefix.String(), Why: x.Why + ", hors des réseaux déclarés"})
				}
				continue
			}
			if g.NameDeclared(x.Name) {
				declaredName(x.Name, x.Why)
				continue
			}
			res, err := r.Resolve(ctx, x.Name)
			if err != nil || len(res.Addrs) == 0 {
				addCand(exposure.Candidate{Name: x.Name, Why: x.Why + ", nom hors du périmètre"})
				continue
			}
			for _, a := range res.Addrs {
				if g.AddrDeclared(a) {
					addTarget(a, x.Name)
				} else {
					addCand(exposure.Candidate{Address: a.String(), Name: x.Name, Why: x.Why + ", hors du périmètre"})
				}
			}
		}
	}
	sort.Slice(plan.Targets, func(i, j int) bool { return plan.Targets[i].Addr.Less(plan.Targets[j].Addr) })
	return plan, nil
}

func (g *Guard) prefixContained(pf netip.Prefix) bool {
	for _, d := range g.prefixes {
		if d.Bits() <= pf.Bits() && d.Contains(pf.Addr()) {
			return true
		}
	}
	return false
}

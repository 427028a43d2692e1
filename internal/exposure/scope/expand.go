package scope

import (
	"net/netip"
	"sort"
)

// DefaultMaxAddresses bounds the expansion of a perimeter (a /16 in IPv4).
const DefaultMaxAddresses = 65536

// Expand lists every address of the prefixes, in order, without duplicates
// or excluded addresses. It refuses to go beyond max addresses, and checks the
// size before listing anything, so a hostile perimeter costs bounded time.
func Expand(prefixes, excludes []netip.Prefix, max int) ([]netip.Addr, error) {
	ps := disjoint(prefixes)
	ex := disjoint(excludes)
	total := 0
	for _, pf := range ps {
		hostBits := pf.Addr().BitLen() - pf.Bits()
		if hostBits >= 31 || (1<<hostBits) > max {
			return nil, perimeterErrorf("réseau %s trop grand : plus de %d adresses (découpez-le en préfixes plus petits)", pf, max)
		}
		total = min(total+1<<hostBits, max+1)
	}
	out := make([]netip.Addr, 0, total)
	for _, pf := range ps {
		a := pf.Addr()
		for i := 0; i < 1<<(pf.Addr().BitLen()-pf.Bits()); i++ {
			if !inSorted(ex, a) {
				out = append(out, a)
				if len(out) > max {
					return nil, perimeterErrorf("périmètre trop grand : plus de %d adresses", max)
				}
			}
			a = a.Next()
		}
	}
	return out, nil
}

// disjoint masks, sorts and removes prefixes contained in another one.
func disjoint(in []netip.Prefix) []netip.Prefix {
	ps := make([]netip.Prefix, 0, len(in))
	for _, p := range in {
		if p.IsValid() {
			ps = append(ps, p.Masked())
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if c := ps[i].Addr().Compare(ps[j].Addr()); c != 0 {
			return c < 0
		}
		return ps[i].Bits() < ps[j].Bits()
	})
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Bits() <= p.Bits() && out[n-1].Contains(p.Addr()) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// inSorted reports whether a lies in one of the disjoint, sorted prefixes.
func inSorted(ps []netip.Prefix, a netip.Addr) bool {
	i := sort.Search(len(ps), func(i int) bool { return ps[i].Addr().Compare(a) > 0 })
	return i > 0 && ps[i-1].Contains(a)
}

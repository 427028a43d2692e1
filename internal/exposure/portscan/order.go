package portscan

// permutation walks [0, n) in a pseudo-random order with O(1) memory: a
// full-period linear congruential generator modulo the next power of two,
// skipping values ≥ n (cycle walking). The same seed gives the same order,
// which is what lets a scan resume from a position.
type permutation struct {
	n, m, a, c, x uint64
}

func newPermutation(n, seed uint64) *permutation {
	m := uint64(4)
	for m < n {
		m <<= 1
	}
	// Hull–Dobell: c odd, a ≡ 1 (mod 4) gives a full period modulo a power of two.
	a := (seed*0x9E3779B97F4A7C15)&(m-1)&^3 | 1
	c := (seed>>17)&(m-1) | 1
	return &permutation{n: n, m: m, a: a, c: c, x: seed & (m - 1)}
}

// next returns the next index; callers stop after n values.
func (p *permutation) next() uint64 {
	for {
		p.x = (p.a*p.x + p.c) & (p.m - 1)
		if p.x < p.n {
			return p.x
		}
	}
}

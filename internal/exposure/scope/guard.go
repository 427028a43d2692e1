package scope

import (
	"fmt"
	"net/netip"
	"strings"
)

// Guard decides what may be scanned. It is built from a Perimeter and never
// widens it: discovered names and addresses only become candidates.
type Guard struct {
	prefixes []netip.Prefix
	excludes []netip.Prefix
	domains  []string
	hosts    map[string]bool
	outer    *Guard // the declared perimeter of a restricted run
}

// NewGuard builds the guard of a perimeter.
func NewGuard(p *Perimeter) *Guard {
	g := &Guard{prefixes: p.Prefixes(), excludes: p.Excludes, domains: p.Domains, hosts: map[string]bool{}}
	for _, h := range p.Hosts {
		g.hosts[h] = true
	}
	if p.within != nil {
		g.outer = NewGuard(p.within)
	}
	return g
}

// HasNetworks reports whether addresses were declared; then every scanned
// address must lie inside them, even one a declared name resolves to.
func (g *Guard) HasNetworks() bool { return len(g.prefixes) > 0 }

// Excluded reports whether a is explicitly excluded.
func (g *Guard) Excluded(a netip.Addr) bool {
	a = a.Unmap()
	for _, pf := range g.excludes {
		if pf.Contains(a) {
			return true
		}
	}
	return false
}

// AddrDeclared reports whether a lies in a declared network (and is not excluded).
func (g *Guard) AddrDeclared(a netip.Addr) bool {
	a = a.Unmap()
	if g.Excluded(a) {
		return false
	}
	for _, pf := range g.prefixes {
		if pf.Contains(a) {
			return true
		}
	}
	return false
}

// NameDeclared reports whether a name is a declared host or inside a declared domain.
func (g *Guard) NameDeclared(name string) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".")
	if g.outer != nil && g.outer.NameDeclared(n) {
		return true
	}
	if g.hosts[n] {
		return true
	}
	for _, d := range g.domains {
		if n == d || strings.HasSuffix(n, "."+d) {
			return true
		}
	}
	return false
}

// AllowResolved decides whether an address that a declared name resolved to
// may be scanned: when networks are declared it must lie in them; otherwise the
// declared name vouches for it unless the resolution left the declared
// domains (a CNAME to a CDN or a hosting provider). The reason is French.
func (g *Guard) AllowResolved(a netip.Addr, leftDomains bool) (bool, string) {
	if g.Excluded(a) {
		return false, "adresse exclue par le périmètre"
	}
	if g.outer != nil {
		return g.outer.AllowResolved(a, leftDomains)
	}
	if g.HasNetworks() {
		if g.AddrDeclared(a) {
			return true, ""
		}
		return false, "adresse hors des réseaux déclarés"
	}
	if leftDomains {
		return false, "le nom pointe (CNAME) hors des domaines déclarés (CDN ou hébergeur ?)"
	}
	return true, ""
}

// CheckTarget refuses a command-line target outside the perimeter, with a
// French message naming it.
func (g *Guard) CheckTarget(t string) error {
	if strings.ContainsAny(t, ":/") || isDigitsAndDots(t) {
		pf, err := ParsePrefix(t)
		if err != nil {
			return err
		}
		if g.Excluded(pf.Addr()) {
			return fmt.Errorf("cible %s refusée : exclue par le périmètre", t)
		}
		for _, d := range g.prefixes {
			if d.Bits() <= pf.Bits() && d.Contains(pf.Addr()) {
				return nil
			}
		}
		return fmt.Errorf("cible %s refusée : hors du périmètre déclaré (ajoutez-la au fichier de périmètre pour l'auditer)", t)
	}
	n, err := NormalizeName(t)
	if err != nil {
		return err
	}
	if !g.NameDeclared(n) {
		return fmt.Errorf("cible %s refusée : nom hors du périmètre déclaré (ajoutez-le au fichier de périmètre pour l'auditer)", t)
	}
	return nil
}

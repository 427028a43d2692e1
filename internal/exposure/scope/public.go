package scope

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"vigie/internal/exposure"
)

// nonPublic lists the address ranges an internet exposure audit never
// connects to, with the French name of each: they are not reachable from
// the internet, or they designate the scanning machine or its own networks.
var nonPublic = []struct {
	pf   netip.Prefix
	name string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "adresse non spécifiée (« ce réseau »)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "réseau privé (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "réseau partagé d'opérateur (CGNAT, RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "boucle locale (loopback)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "adresse de lien local (169.254/16)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "réseau privé (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "plage réservée aux protocoles de l'IETF"},
	{netip.MustParsePrefix("192.0.2.0/24"), "plage de documentation (TEST-NET-1)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "relais 6to4 (obsolète)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "réseau privé (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "plage de tests de performance (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "plage de documentation (TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "plage de documentation (TEST-NET-3)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "adresse de multidiffusion (multicast)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "plage réservée (et diffusion 255.255.255.255)"},
	{netip.MustParsePrefix("::/128"), "adresse non spécifiée (::)"},
	{netip.MustParsePrefix("::1/128"), "boucle locale (loopback)"},
	{netip.MustParsePrefix("::ffff:0:0/96"), "adresse IPv4 transposée"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "préfixe NAT64 local"},
	{netip.MustParsePrefix("100::/64"), "préfixe de rejet (RFC 6666)"},
	{netip.MustParsePrefix("2001:2::/48"), "plage de tests de performance (RFC 5180)"},
	{netip.MustParsePrefix("2001:db8::/32"), "plage de documentation (2001:db8::/32)"},
	{netip.MustParsePrefix("3fff::/20"), "plage de documentation (3fff::/20)"},
	{netip.MustParsePrefix("fc00::/7"), "adresse locale unique (ULA, fc00::/7)"},
	{netip.MustParsePrefix("fe80::/10"), "adresse de lien local (fe80::/10)"},
	{netip.MustParsePrefix("fec0::/10"), "adresse de site local (obsolète)"},
	{netip.MustParsePrefix("ff00::/8"), "adresse de multidiffusion (multicast)"},
}

// embedsIPv4 are the IPv6 prefixes whose addresses carry an IPv4 address
// (NAT64 well-known prefix, 6to4): they are judged by that address.
var embedsIPv4 = []netip.Prefix{netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("2002::/16")}

// globalUnicast is the only IPv6 range allocated for the internet.
var globalUnicast = netip.MustParsePrefix("2000::/3")

// NonPublicError is a destination an exposure audit refuses: not an
// internet address. Its message is French and names the address and why.
type NonPublicError struct {
	Target string // the address or network, as given
	Reason string
}

func (e *NonPublicError) Error() string {
	return fmt.Sprintf("cible %s refusée : %s, pas une adresse publique d'internet (un audit d'exposition ne vise que des adresses publiques ; --allow-private-targets pour un laboratoire)", e.Target, e.Reason)
}

// PublicAddr returns nil when a is a public internet address, else a
// *NonPublicError saying which range it falls in.
func PublicAddr(a netip.Addr) error {
	if !a.IsValid() {
		return &NonPublicError{Target: "(vide)", Reason: "adresse invalide"}
	}
	if a.Is4In6() {
		return &NonPublicError{Target: a.String(), Reason: "adresse IPv4 transposée en IPv6"}
	}
	a = a.WithZone("")
	for _, r := range nonPublic {
		if r.pf.Contains(a) {
			return &NonPublicError{Target: a.String(), Reason: r.name}
		}
	}
	for _, pf := range embedsIPv4 {
		if pf.Contains(a) {
			b := a.As16()
			var v4 netip.Addr
			if pf.Bits() == 96 {
				v4 = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
			} else {
				v4 = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
			}
			if err := PublicAddr(v4); err != nil {
				return &NonPublicError{Target: a.String(), Reason: "porte l'adresse IPv4 " + v4.String() + " : " + err.(*NonPublicError).Reason}
			}
			return nil
		}
	}
	if a.Is6() && !globalUnicast.Contains(a) {
		return &NonPublicError{Target: a.String(), Reason: "hors de l'espace IPv6 public (2000::/3)"}
	}
	return nil
}

// PublicPrefix returns nil when no address of pf is non-public, else a
// *NonPublicError naming the first non-public range pf overlaps.
func PublicPrefix(pf netip.Prefix) error {
	pf = pf.Masked()
	if pf.Addr().Is4In6() {
		return &NonPublicError{Target: pf.String(), Reason: "adresse IPv4 transposée en IPv6"}
	}
	for _, r := range nonPublic {
		if r.pf.Overlaps(pf) {
			what := r.name
			if pf.Bits() < r.pf.Bits() {
				what = "contient " + r.pf.String() + " : " + r.name
			}
			return &NonPublicError{Target: pf.String(), Reason: what}
		}
	}
	for _, e := range embedsIPv4 {
		if e.Overlaps(pf) {
			return &NonPublicError{Target: pf.String(), Reason: "préfixe de transport d'adresses IPv4 (" + e.String() + ") : déclarez l'adresse IPv4"}
		}
	}
	if pf.Addr().Is6() && !(globalUnicast.Contains(pf.Addr()) && pf.Bits() >= globalUnicast.Bits()) {
		return &NonPublicError{Target: pf.String(), Reason: "hors de l'espace IPv6 public (2000::/3)"}
	}
	return nil
}

// CheckPublic refuses a perimeter that declares a non-public network or
// address (net, asn, host given as an address), before any DNS query or
// connection. Exclusions may name anything.
func CheckPublic(p *Perimeter) error {
	for _, pf := range p.Prefixes() {
		if err := PublicPrefix(pf); err != nil {
			return err
		}
	}
	return nil
}

// PublicOnly moves the plan's non-public targets (names that resolved to
// a private, loopback or documentation address) to the candidates, with
// the reason: they are never scanned. It runs after DNS resolution; the
// scanner then connects to the addresses of the plan, with no second look-up.
func (pl *Plan) PublicOnly() {
	kept := pl.Targets[:0]
	for _, t := range pl.Targets {
		err := PublicAddr(t.Addr)
		if err == nil {
			kept = append(kept, t)
			continue
		}
		why := err.(*NonPublicError).Reason + " : non scannée"
		if len(t.Names) == 0 {
			pl.Candidates = append(pl.Candidates, exposure.Candidate{Address: t.Addr.String(), Why: why})
		}
		for _, n := range t.Names {
			pl.Candidates = append(pl.Candidates, exposure.Candidate{Address: t.Addr.String(), Name: n, Why: why})
		}
	}
	pl.Targets = kept
}

// DialFunc opens a TCP connection (the signature of net.Dialer.DialContext).
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// PublicDial wraps next (a plain net.Dialer when nil) so that it connects
// only to a public IP address given literally: a host name is refused
// (no look-up happens at connection time) and so is any non-public
// address. It is the last line of the guard, under CheckPublic and
// Plan.PublicOnly.
func PublicDial(next DialFunc) DialFunc {
	if next == nil {
		var d net.Dialer
		next = d.DialContext
	}
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, fmt.Errorf("connexion à %s refusée : %w", address, err)
		}
		a, err := netip.ParseAddr(host)
		if err != nil {
			return nil, fmt.Errorf("connexion à %s refusée : adresse IP attendue (aucune résolution de nom à la connexion)", address)
		}
		if err := PublicAddr(a); err != nil {
			return nil, err
		}
		return next(ctx, network, address)
	}
}

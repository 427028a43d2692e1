package portscan

import (
	"net/netip"
	"testing"
)

func TestSYNSegment(t *testing.T) {
	for _, c := range []struct{ src, dst string }{
		{"192.0.2.1:40000", "198.51.100.7:443"},
		{"[2001:db8::1]:40000", "[2001:db8::2]:3389"},
	} {
		src, dst := netip.MustParseAddrPort(c.src), netip.MustParseAddrPort(c.dst)
		seg := synSegment(make([]byte, 64), src, dst, 0xdeadbeef)
		r, ok := parseTCP(seg)
		if !ok || r.from != src.Port() || r.to != dst.Port() || r.flags != tcpSYN || len(seg) != synLen {
			t.Fatalf("%s : segment %x relu %+v", c.dst, seg, r)
		}
		// The sum over a segment that carries its checksum is zero; a
		// change of address must show (the pseudo-header counts).
		if got := tcpChecksum(src.Addr(), dst.Addr(), seg); got != 0 {
			t.Errorf("%s : somme de contrôle %#04x, attendu 0", c.dst, got)
		}
		other := netip.MustParseAddr("198.51.100.8")
		if dst.Addr().Is6() {
			other = netip.MustParseAddr("2001:db8::3")
		}
		if tcpChecksum(src.Addr(), other, seg) == 0 {
			t.Errorf("%s : la somme ne dépend pas de l'adresse", c.dst)
		}
	}
}

func TestParseIPv4TCP(t *testing.T) {
	seg := synSegment(make([]byte, synLen), netip.MustParseAddrPort("10.0.0.2:80"), netip.MustParseAddrPort("10.0.0.1:5555"), 7)
	seg[13] = tcpSYN | tcpACK
	pkt := append([]byte{0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1}, seg...)
	from, r, ok := parseIPv4TCP(pkt)
	if !ok || from != netip.MustParseAddr("10.0.0.2") || r.from != 80 || r.to != 5555 || r.flags != tcpSYN|tcpACK {
		t.Fatalf("%v %+v %v", from, r, ok)
	}
	bad := map[string][]byte{
		"tronqué":    pkt[:30],
		"UDP":        append(append([]byte{}, pkt[:9]...), append([]byte{17}, pkt[10:]...)...),
		"fragment":   append(append([]byte{}, pkt[:6]...), append([]byte{0x20, 0x10}, pkt[8:]...)...),
		"IPv6":       append([]byte{0x65}, pkt[1:]...),
		"IHL trop":   append([]byte{0x4f}, pkt[1:]...),
		"offset TCP": append(append([]byte{}, pkt[:32]...), append([]byte{0x10}, pkt[33:]...)...),
	}
	for name, p := range bad {
		if _, _, ok := parseIPv4TCP(p); ok {
			t.Errorf("paquet %s accepté", name)
		}
	}
}

func FuzzParseIPv4TCP(f *testing.F) {
	seg := synSegment(make([]byte, synLen), netip.MustParseAddrPort("10.0.0.2:80"), netip.MustParseAddrPort("10.0.0.1:5555"), 7)
	f.Add(append([]byte{0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1}, seg...))
	f.Add(seg)
	f.Fuzz(func(t *testing.T, b []byte) {
		if from, _, ok := parseIPv4TCP(b); ok && !from.Is4() {
			t.Fatalf("adresse %v", from)
		}
		_, _ = parseTCP(b)
	})
}

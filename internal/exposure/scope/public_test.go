package scope

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	refused := map[string]string{
		"127.0.0.1": "boucle locale", "127.255.1.2": "boucle locale", "::1": "boucle locale",
		"10.1.2.3": "RFC 1918", "172.16.0.1": "RFC 1918", "172.31.255.255": "RFC 1918", "192.168.1.1": "RFC 1918",
		"100.64.0.1": "CGNAT", "100.127.255.254": "CGNAT",
		"169.254.169.254": "lien local", "fe80::1": "lien local", "fe80::1%eth0": "lien local",
		"fd12:3456::1": "ULA", "fc00::1": "ULA",
		"224.0.0.251": "multidiffusion", "239.255.255.250": "multidiffusion", "ff02::1": "multidiffusion",
		"0.0.0.0": "non spécifiée", "::": "non spécifiée",
		"192.0.2.10": "documentation", "198.51.100.7": "documentation", "203.0.113.9": "documentation",
		"2001:db8::1": "documentation", "3fff::1": "documentation",
		"255.255.255.255": "réservée", "198.18.0.1": "performance",
		"::ffff:127.0.0.1": "transposée", "64:ff9b::a00:1": "10.0.0.1", "2002:c0a8:101::1": "192.168.1.1",
		"fec0::1": "site local", "::2": "2000::/3",
	}
	for s, why := range refused {
		err := PublicAddr(netip.MustParseAddr(s))
		var npe *NonPublicError
		if !errors.As(err, &npe) || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want refused (%s)", s, err, why)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "193.51.24.1", "2a01:e0a::1", "2001:4860:4860::8888",
		"64:ff9b::808:808", "2002:808:808::1"} {
		if err := PublicAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: refused: %v", s, err)
		}
	}
}

func TestPublicPrefix(t *testing.T) {
	for _, s := range []string{"10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "192.0.0.0/2", "127.0.42.0/24", "fe80::/64", "::/0", "2001:db8:42::/120",
		"198.51.100.0/27"} {
		if err := PublicPrefix(netip.MustParsePrefix(s)); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
	for _, s := range []string{"193.51.24.0/24", "2a01:e0a::/32", "80.0.0.0/8"} {
		if err := PublicPrefix(netip.MustParsePrefix(s)); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
	p, err := Parse(strings.NewReader("domain chu.fr\nnet 193.51.24.0/24\nexclude 10.0.0.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPublic(p); err != nil {
		t.Errorf("public perimeter refused: %v", err)
	}
	p, _ = Parse(strings.NewReader("net 193.51.24.0/24\nasn AS64500 192.168.0.0/24\n"))
	if err := CheckPublic(p); err == nil || !strings.Contains(err.Error(), "192.168.0.0/24") {
		t.Errorf("private ASN prefix: %v", err)
	}
}

// TestPublicDial: the last line of the guard refuses names (no look-up at
// connection time) and non-public addresses without calling the dialer.
func TestPublicDial(t *testing.T) {
	called := 0
	inner := func(ctx context.Context, network, address string) (net.Conn, error) {
		called++
		return nil, errors.New("appelé")
	}
	d := PublicDial(inner)
	for _, addr := range []string{"127.0.0.1:80", "[::1]:443", "10.0.0.1:22", "localhost:80", "chu.fr:443", "[fe80::1%lo]:80", "bad"} {
		if _, err := d(context.Background(), "tcp", addr); err == nil || strings.Contains(err.Error(), "appelé") {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if called != 0 {
		t.Fatalf("dialer called %d time(s) for refused addresses", called)
	}
	if _, err := d(context.Background(), "tcp", "193.51.24.1:443"); err == nil || !strings.Contains(err.Error(), "appelé") || called != 1 {
		t.Errorf("public address not passed to the dialer: %v (%d)", err, called)
	}
}

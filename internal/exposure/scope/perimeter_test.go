package scope

import (
	"net/netip"
	"strings"
	"testing"
)

const example = `# périmètre du CH de test
entity 750000001
domain chu-test.fr
host vpn.partenaire.fr
net 192.0.2.0/30 2001:db8::1
asn AS64500 198.51.100.0/31
exclude 192.0.2.2
203.0.113.9
`

func TestParseExample(t *testing.T) {
	p, err := Parse(strings.NewReader(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entities) != 1 || p.Domains[0] != "chu-test.fr" || len(p.Hosts) != 1 {
		t.Fatalf("entités/domaines/hôtes mal lus : %+v", p)
	}
	if len(p.Networks) != 3 || p.Networks[2].String() != "203.0.113.9/32" {
		t.Fatalf("réseaux mal lus : %v", p.Networks)
	}
	if len(p.ASNs) != 1 || p.ASNs[0].Number != 64500 {
		t.Fatalf("ASN mal lu : %+v", p.ASNs)
	}
	addrs, err := Expand(p.Prefixes(), p.Excludes, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range addrs {
		got = append(got, a.String())
	}
	want := "192.0.2.0 192.0.2.1 192.0.2.3 198.51.100.0 198.51.100.1 203.0.113.9 2001:db8::1"
	if strings.Join(got, " ") != want {
		t.Fatalf("expansion = %v, attendu %s", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"net 10.0.0.0/33\n":         "ligne 1 : réseau invalide",
		"\n\nhost exa mple..fr\n":   "ligne 3 : nom DNS invalide",
		"asn AS0 10.0.0.0/8\n":      "numéro d'AS invalide",
		"asn AS64500\n":             "au moins un préfixe",
		"frobnicate a b\n":          "type d'entrée inconnu",
		"# rien\n":                  "périmètre vide",
		"entity 12\n":               "FINESS invalide",
		strings.Repeat("a", 5000):   "ligne trop longue",
		"net 999.1.1.1\n":           "adresse IP invalide",
		"domain\n":                  "sans valeur",
		"net fe80::1%eth0/64\n":     "invalide",
		"host -bad-.example.fr\n":   "nom DNS invalide",
		"exclude 10.0.0.1 nope\n":   "adresse IP invalide",
		"host ok.fr\nnet 1.2.3.4/x": "ligne 2",
	}
	for in, want := range cases {
		_, err := Parse(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, attendu une erreur contenant %q", in, err, want)
		}
	}
}

func TestExpandLimit(t *testing.T) {
	pf := netip.MustParsePrefix("10.0.0.0/15")
	if _, err := Expand([]netip.Prefix{pf}, nil, DefaultMaxAddresses); err == nil || !strings.Contains(err.Error(), "trop grand") {
		t.Fatalf("un /15 doit être refusé, err = %v", err)
	}
	v6 := netip.MustParsePrefix("2001:db8::/64")
	if _, err := Expand([]netip.Prefix{v6}, nil, DefaultMaxAddresses); err == nil {
		t.Fatal("un /64 IPv6 doit être refusé")
	}
	a, err := Expand([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, nil, DefaultMaxAddresses)
	if err != nil || len(a) != 65536 {
		t.Fatalf("un /16 doit donner 65536 adresses : %d, %v", len(a), err)
	}
	// overlapping prefixes count once
	a, err = Expand([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("10.0.0.128/25")}, nil, 256)
	if err != nil || len(a) != 256 {
		t.Fatalf("préfixes chevauchants : %d, %v", len(a), err)
	}
}

func TestGuardTargets(t *testing.T) {
	p, err := Parse(strings.NewReader(example))
	if err != nil {
		t.Fatal(err)
	}
	g := NewGuard(p)
	for _, ok := range []string{"192.0.2.1", "192.0.2.0/31", "www.chu-test.fr", "chu-test.fr", "vpn.partenaire.fr", "198.51.100.1", "2001:db8::1"} {
		if err := g.CheckTarget(ok); err != nil {
			t.Errorf("CheckTarget(%s) = %v, attendu accepté", ok, err)
		}
	}
	for _, bad := range []string{"192.0.2.2", "192.0.2.0/24", "10.0.0.1", "autre.fr", "partenaire.fr", "evilchu-test.fr", "2001:db8::2"} {
		err := g.CheckTarget(bad)
		if err == nil || !strings.Contains(err.Error(), "refusée") {
			t.Errorf("CheckTarget(%s) = %v, attendu refusé", bad, err)
		}
	}
	if ok, _ := g.AllowResolved(netip.MustParseAddr("10.1.1.1"), false); ok {
		t.Error("une adresse résolue hors des réseaux déclarés doit être refusée")
	}
	g2 := NewGuard(&Perimeter{Domains: []string{"chu-test.fr"}})
	if ok, _ := g2.AllowResolved(netip.MustParseAddr("10.1.1.1"), false); !ok {
		t.Error("sans réseau déclaré, l'adresse d'un nom déclaré est acceptée")
	}
	if ok, why := g2.AllowResolved(netip.MustParseAddr("10.1.1.1"), true); ok || !strings.Contains(why, "CDN") {
		t.Error("un CNAME hors des domaines déclarés doit être refusé")
	}
}

func TestRestrict(t *testing.T) {
	p, err := Parse(strings.NewReader("domain chu-test.fr\nnet 127.0.0.20/31\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restrict(p, []string{"127.0.0.20", "10.0.0.1"}); err == nil || !strings.Contains(err.Error(), "10.0.0.1 refusée") {
		t.Fatalf("err = %v", err)
	}
	sub, err := Restrict(p, []string{"www.chu-test.fr"})
	if err != nil {
		t.Fatal(err)
	}
	g := NewGuard(sub)
	// The declared networks still bound what a target name may resolve to.
	if ok, _ := g.AllowResolved(netip.MustParseAddr("127.0.0.23"), false); ok {
		t.Fatal("une cible nommée résolue hors des réseaux déclarés doit être refusée")
	}
	if ok, _ := g.AllowResolved(netip.MustParseAddr("127.0.0.21"), false); !ok {
		t.Fatal("une adresse des réseaux déclarés doit être acceptée")
	}
}

// A hostile perimeter (many overlapping prefixes, many excludes) is expanded
// in bounded time: duplicates are merged before anything is listed.
func TestExpandHostilePerimeter(t *testing.T) {
	var ps, ex []netip.Prefix
	for i := 0; i < 100000; i++ {
		ps = append(ps, netip.MustParsePrefix("10.0.0.0/16"))
		ex = append(ex, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 32))
	}
	a, err := Expand(ps, ex, DefaultMaxAddresses)
	if err != nil || len(a) != 0 {
		t.Fatalf("%d adresses, %v", len(a), err)
	}
	a, err = Expand(ps, ex[:10], DefaultMaxAddresses)
	if err != nil || len(a) != 65536-10 {
		t.Fatalf("%d adresses, %v", len(a), err)
	}
}

package model

import (
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/secdesc"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func load(t *testing.T, f *adtest.Forest) *Directory {
	t.Helper()
	d, err := Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGroupClosure(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	inner := f.Group("Inner")
	u := f.User("alice")
	inner.AddMember(u)
	f.ByRID(512).AddMember(inner) // alice is DA through nesting
	pg := f.User("bob").SetInt("primarygroupid", 512)
	d := load(t, f)
	if len(d.Domains) != 1 || d.Domains[0].SID != f.SID || d.Domains[0].DNS != "lab.test" {
		t.Fatalf("domains: %+v", d.Domains[0])
	}
	for _, sam := range []string{"alice", "bob", "Administrator"} {
		o := d.BySID(f.BySam(sam).SID())
		if !d.IsPrivileged(d.NodeOf(o)) {
			t.Errorf("%s not privileged", sam)
		}
	}
	_ = pg
	if d.IsPrivileged(d.NodeOf(d.BySID(f.BySam("krbtgt").SID()))) {
		t.Error("krbtgt seen as privileged member")
	}
	accs := map[string]bool{}
	for _, o := range d.PrivilegedAccounts() {
		accs[o.Sam()] = true
	}
	if !accs["alice"] || !accs["bob"] || !accs["Administrator"] || accs["DC1$"] || len(accs) != 3 {
		t.Errorf("privileged accounts: %v", accs)
	}
	if !d.IsTier0(f.BySam("alice").SID()) || !d.IsTier0("S-1-5-18") || d.IsTier0("S-1-5-11") {
		t.Error("Tier 0 membership wrong")
	}
}

func TestWellKnownPrincipalsMatchedBySID(t *testing.T) {
	// Samba keeps S-1-5-11 under CN=WellKnown Security Principals; AD uses
	// an FSP: both must designate the same node.
	f := adtest.NewForest("lab.test", now)
	g := f.Group("Mixte")
	g.AddMember(f.Get("CN=Authenticated Users,CN=WellKnown Security Principals," + f.ConfigDN))
	g.Set("member", append(g.All("member"), "CN=S-1-5-7,CN=ForeignSecurityPrincipals,"+f.DomainDN)...)
	d := load(t, f)
	gn := d.NodeOf(d.BySID(g.SID()))
	got := map[secdesc.SID]bool{}
	for _, m := range d.DirectMembers(gn) {
		got[d.SIDOf(m)] = true
	}
	if !got["S-1-5-11"] || !got["S-1-5-7"] {
		t.Fatalf("members: %v", got)
	}
	pre := d.NodeOf(d.BySID("S-1-5-32-554"))
	if d.SIDOf(d.DirectMembers(pre)[0]) != "S-1-5-11" {
		t.Fatal("FSP not resolved to its SID")
	}
}

func TestGroupCycles(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	a, b, c := f.Group("A"), f.Group("B"), f.Group("C")
	a.AddMember(b)
	b.AddMember(c)
	c.AddMember(a)
	s := f.Group("Self")
	s.AddMember(s)
	d := load(t, f)
	cycles := d.GroupCycles()
	if len(cycles) != 2 {
		t.Fatalf("cycles: %v", cycles)
	}
	if len(d.MembersRec(d.NodeOf(d.BySID(a.SID())))) != 2 {
		t.Fatal("closure through a cycle")
	}
}

func TestACEClassificationAndBadSD(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	u := f.User("x")
	target := f.User("cible")
	target.Grant(u.SID(), secdesc.RightWriteProperty, secdesc.GUIDMember)
	target.Grant(u.SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
	target.Grant(u.SID(), secdesc.RightReadProperty, secdesc.GUID{}) // read-only: dropped
	broken := f.User("casse")
	d0 := load(t, f)
	o := d0.BySID(target.SID())
	var r Right
	for _, a := range o.ACEs {
		if a.Trustee == u.SID() {
			r |= a.Rights
		}
	}
	if r != RWriteMember|RForceChangePassword {
		t.Fatalf("rights %s", r)
	}
	if o.Binary("ntsecuritydescriptor") != nil {
		t.Error("raw SD kept in memory")
	}
	_ = broken
	// A corrupt descriptor is reported, not fatal.
	f2 := adtest.NewForest("lab.test", now)
	f2.User("casse").SD.DACL.ACEs[0].Type = 0x7e // unknown ACE type
	d := load(t, f2)
	c := d.BySID(f2.BySam("casse").SID())
	if c.SDRead || c.SDError == "" {
		t.Fatalf("bad SD accepted: %+v", c.SDError)
	}
}

func TestControlPaths(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	helpdesk := f.Group("Helpdesk")
	tech := f.User("tech")
	helpdesk.AddMember(tech)
	op := f.User("operateur")
	// helpdesk can reset operateur's password; operateur owns AdminSDHolder.
	op.Grant(helpdesk.SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
	f.Get("CN=AdminSDHolder,CN=System," + f.DomainDN).SetOwner(op.SID())
	d := load(t, f)
	paths := map[secdesc.SID]ControlPath{}
	for _, p := range d.ControlPaths(8) {
		paths[p.Principal] = p
	}
	if p, ok := paths[tech.SID()]; !ok || len(p.Steps) != 3 {
		t.Fatalf("tech path: %+v (all %d)", p, len(paths))
	}
	if _, ok := paths[f.BySam("Administrator").SID()]; ok {
		t.Error("Tier 0 principal reported")
	}
	if len(d.ControlPaths(1)) != 1 {
		t.Errorf("depth limit ignored: %d paths", len(d.ControlPaths(1)))
	}
}

func TestParseTime(t *testing.T) {
	for _, v := range []string{"133000000000000000", "20240101120000.0Z", "2024-01-01 12:00:00", "2024-01-01T12:00:00Z"} {
		if _, ok := ParseTime(v); !ok {
			t.Errorf("%s not parsed", v)
		}
	}
	for _, v := range []string{"", "0", "9223372036854775807", "hier", "-5"} {
		if _, ok := ParseTime(v); ok {
			t.Errorf("%s parsed", v)
		}
	}
}

func TestParseGPLinkAndTier0Targets(t *testing.T) {
	got := ParseGPLink("[LDAP://cn={A},cn=policies,cn=system,DC=lab,DC=test;0][ldap://CN={B},CN=Policies,CN=System,DC=lab,DC=test;2] junk")
	if len(got) != 2 || got[0] != "cn={A},cn=policies,cn=system,DC=lab,DC=test" || got[1] != "CN={B},CN=Policies,CN=System,DC=lab,DC=test" {
		t.Fatalf("%q", got)
	}
	f := adtest.NewForest("lab.test", now)
	d := load(t, f)
	keys := map[string]bool{}
	for _, o := range d.Tier0Targets() {
		keys[o.Key] = true
	}
	for _, dn := range []string{"CN=AdminSDHolder,CN=System," + f.DomainDN, "CN=Users," + f.DomainDN, f.DomainDN,
		"CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System," + f.DomainDN, "CN=Administrator,CN=Users," + f.DomainDN} {
		if !keys[NormDN(dn)] {
			t.Errorf("%s not a Tier 0 target", dn)
		}
	}
	if keys[NormDN("CN=Computers,"+f.DomainDN)] {
		t.Error("CN=Computers holds no privileged account")
	}
}

func TestDNSPartitionIsNotTheDomain(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	d := load(t, f)
	if z := d.ByDN("DC=lab.test,CN=MicrosoftDNS,DC=DomainDnsZones," + f.DomainDN); z == nil || z.Domain != nil {
		t.Fatal("DNS zone assigned to the domain partition")
	}
	if u := d.BySID(f.BySam("Administrator").SID()); u.Domain == nil || u.Domain.DNS != "lab.test" {
		t.Fatal("user without domain")
	}
}

func TestKeyWithin(t *testing.T) {
	for _, c := range []struct {
		key, parent string
		want        bool
	}{
		{"dc=lab,dc=test", "dc=lab,dc=test", true},
		{"cn=u,ou=x,dc=lab,dc=test", "dc=lab,dc=test", true},
		{"cn=u,ou=x,dc=lab,dc=test", "ou=x,dc=lab,dc=test", true},
		{"cn=u,ou=yx,dc=lab,dc=test", "x,dc=lab,dc=test", false},
		{"dc=test", "dc=lab,dc=test", false},
		{"dc=sublab,dc=test", "dc=lab,dc=test", false},
		{"", "dc=test", false},
	} {
		if got := KeyWithin(c.key, c.parent); got != c.want {
			t.Errorf("KeyWithin(%q, %q) = %v", c.key, c.parent, got)
		}
	}
}

func TestByDNMatchesNormDN(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.Add("CN=Élodie Martin,OU=Équipe,DC=lab,DC=test", "user")
	d, err := Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, dn := range []string{"CN=Administrator,CN=Users,DC=lab,DC=test", "cn=administrator,cn=users,dc=LAB,dc=test",
		"CN=Administrator, CN=Users, DC=lab, DC=test", " CN=Administrator,CN=Users,DC=lab,DC=test\t",
		"CN=ÉLODIE MARTIN,OU=équipe,DC=lab,DC=test", "CN=Nobody,DC=lab,DC=test", "", strings.Repeat("CN=x,", 80) + "DC=lab,DC=test"} {
		if got, want := d.ByDN(dn), d.byKey[NormDN(dn)]; got != want {
			t.Errorf("ByDN(%q) = %v, want %v", dn, got, want)
		}
	}
	if d.ByDN("cn=administrator,cn=users,dc=lab,dc=test") == nil || d.ByDN("CN=élodie martin,OU=ÉQUIPE,DC=lab,DC=test") == nil {
		t.Error("ByDN misses existing objects")
	}
}

package forestmerge

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

const (
	rootSID  = "S-1-5-21-1-2-3"
	childSID = "S-1-5-21-4-5-6"
	config   = "CN=Configuration,DC=lab,DC=test"
)

func sid(t *testing.T, s string) []byte {
	t.Helper()
	b, err := secdesc.SIDBytes(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(dn string, kv ...string) *snapshot.Object {
	o := &snapshot.Object{DN: dn}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Add(kv[i], []byte(kv[i+1]))
	}
	return o
}

func write(t *testing.T, h snapshot.Header, objs []*snapshot.Object, gaps []snapshot.Gap) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.vigie-ad.gz")
	w, err := snapshot.Create(p, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := w.WriteObject(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range gaps {
		if err := w.WriteGap(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, p string) (snapshot.Header, map[string]*snapshot.Object, []snapshot.Gap) {
	t.Helper()
	r, c, err := snapshot.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	objs := map[string]*snapshot.Object{}
	var gaps []snapshot.Gap
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header, objs, gaps
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			if objs[o.DN] != nil {
				t.Errorf("%s written twice", o.DN)
			}
			objs[o.DN] = o
		} else {
			gaps = append(gaps, *g)
		}
	}
}

// twoDomains returns the snapshot collected from a root-domain DC (the
// child domain unreachable: a gap) and the one collected inside the child
// domain.
func twoDomains(t *testing.T) (rootPath, childPath string) {
	t.Helper()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	forestNCs := []snapshot.NamingContext{{DN: config, Kind: "configuration"}, {DN: "CN=Schema," + config, Kind: "schema"}}
	rootDSE := obj(snapshot.RootDSEDN, "defaultNamingContext", "DC=lab,DC=test", "rootDomainNamingContext", "DC=lab,DC=test")
	rootDSE.Add("tokenGroups", sid(t, rootSID+"-512"), sid(t, "S-1-5-32-544"))
	rootPath = write(t, snapshot.Header{Forest: "lab.test", Source: "ldap", Server: "dc1.lab.test", CollectedAt: now,
		NamingContexts: append([]snapshot.NamingContext{{DN: "DC=lab,DC=test", Kind: "domain", Domain: "lab.test"},
			{DN: "DC=child,DC=lab,DC=test", Kind: "domain", Domain: "child.lab.test"}}, forestNCs...),
		Attributes: []string{"cn", "member", "objectclass", "samaccountname"}},
		[]*snapshot.Object{rootDSE, obj("DC=lab,DC=test", "objectClass", "domainDNS"), obj("CN=u1,DC=lab,DC=test", "sAMAccountName", "u1"),
			obj(config, "cn", "Configuration"), obj("CN=Shared,"+config, "cn", "root copy"), obj("CN=Schema,"+config, "cn", "Schema")},
		[]snapshot.Gap{{DN: "DC=child,DC=lab,DC=test", Scope: "domain", Why: "domaine child.lab.test injoignable"},
			{DN: "CN=u1,DC=lab,DC=test", Scope: "security-descriptor", Why: "refusé"}})

	childDSE := obj(snapshot.RootDSEDN, "defaultNamingContext", "DC=child,DC=lab,DC=test", "rootDomainNamingContext", "DC=lab,DC=test")
	childDSE.Add("tokenGroups", sid(t, childSID+"-512"), sid(t, "S-1-5-32-544"), sid(t, rootSID+"-512"))
	childPath = write(t, snapshot.Header{Forest: "lab.test", Source: "ldap", Server: "dc2.child.lab.test", CollectedAt: now.Add(-time.Hour),
		NamingContexts: append([]snapshot.NamingContext{{DN: "DC=child,DC=lab,DC=test", Kind: "domain", Domain: "child.lab.test"},
			{DN: "DC=DomainDnsZones,DC=child,DC=lab,DC=test", Kind: "dns-domain", Domain: "child.lab.test"},
			{DN: "DC=lab,DC=test", Kind: "domain", Domain: "lab.test"}}, forestNCs...),
		Attributes: []string{"cn", "objectclass", "samaccountname", "tokengroups"}},
		[]*snapshot.Object{childDSE, obj("DC=child,DC=lab,DC=test", "objectClass", "domainDNS"), obj("CN=u2,DC=child,DC=lab,DC=test", "sAMAccountName", "u2"),
			obj("DC=lab,DC=test", "objectClass", "domainDNS", "cn", "remote copy"), obj("CN=u1,DC=lab,DC=test", "sAMAccountName", "u1 remote"),
			obj("DC=zone,DC=DomainDnsZones,DC=child,DC=lab,DC=test", "objectClass", "dnsZone"),
			obj(config, "cn", "Configuration"), obj("CN=Shared,"+config, "cn", "child copy"),
			obj("CN=DC2,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"+config, "objectClass", "server")},
		[]snapshot.Gap{{DN: "CN=u2,DC=child,DC=lab,DC=test", Scope: "attribute", Attribute: "member", Why: "refusé"},
			{DN: "CN=u1,DC=lab,DC=test", Scope: "attribute", Attribute: "cn", Why: "refusé ailleurs"}})
	return rootPath, childPath
}

func TestMergeTwoDomains(t *testing.T) {
	rootPath, childPath := twoDomains(t)
	out := filepath.Join(t.TempDir(), "forest.vigie-ad.gz")
	// the child's snapshot given first: the root domain's still leads
	sum, err := Merge(context.Background(), []string{childPath, rootPath}, out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Root != rootPath || sum.Forest != "lab.test" {
		t.Errorf("summary %+v", sum)
	}
	h, objs, gaps := read(t, out)
	if h.Server != "dc1.lab.test" || !h.CollectedAt.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("header %+v: the root DC, the oldest date", h)
	}
	if strings.Join(h.Attributes, ",") != "cn,objectclass,samaccountname" {
		t.Errorf("attributes %v: those both collected", h.Attributes)
	}
	if len(h.NamingContexts) != 5 {
		t.Errorf("naming contexts %+v", h.NamingContexts)
	}
	for _, p := range sum.Parts {
		want := rootPath
		if strings.Contains(strings.ToLower(p.DN), "dc=child") {
			want = childPath
		}
		if p.From != want {
			t.Errorf("%s taken from %s, want %s", p.DN, p.From, want)
		}
	}
	if got := objs["CN=u1,DC=lab,DC=test"].Get("samaccountname"); got != "u1" {
		t.Errorf("root domain object from the child's remote copy: %q", got)
	}
	if objs["CN=u2,DC=child,DC=lab,DC=test"] == nil || objs["DC=zone,DC=DomainDnsZones,DC=child,DC=lab,DC=test"] == nil {
		t.Error("child domain partitions missing")
	}
	if got := objs["CN=Shared,"+config].Get("cn"); got != "root copy" {
		t.Errorf("forest-wide object: %q, the root domain's copy wins", got)
	}
	if objs["CN=DC2,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"+config] == nil {
		t.Error("a forest-wide object only the child's snapshot holds is lost")
	}
	var tok []string
	for _, b := range objs[snapshot.RootDSEDN].BinaryAll("tokengroups") {
		s, _ := secdesc.SIDFromBytes(b)
		tok = append(tok, string(s))
	}
	if strings.Join(tok, ",") != rootSID+"-512,S-1-5-32-544,"+childSID+"-512" {
		t.Errorf("token %v: the root's plus the child's domain groups", tok)
	}
	var why []string
	for _, g := range gaps {
		why = append(why, g.DN+":"+g.Why)
	}
	want := "CN=u1,DC=lab,DC=test:refusé|CN=u2,DC=child,DC=lab,DC=test:refusé"
	if strings.Join(why, "|") != want {
		t.Errorf("gaps %v, want %s (the unreachable child filled, the child's copy of the root domain ignored)", why, want)
	}
}

func TestMergeRefusesOtherForest(t *testing.T) {
	rootPath, _ := twoDomains(t)
	other := write(t, snapshot.Header{Forest: "other.test", Source: "ldap", NamingContexts: []snapshot.NamingContext{{DN: "CN=Configuration,DC=other,DC=test", Kind: "configuration"}}}, nil, nil)
	_, err := Merge(context.Background(), []string{rootPath, other}, filepath.Join(t.TempDir(), "x.gz"))
	if !IsInput(err) || !strings.Contains(err.Error(), "pas de la même forêt") {
		t.Errorf("err = %v", err)
	}
	if _, err := Merge(context.Background(), []string{rootPath}, filepath.Join(t.TempDir(), "x.gz")); !IsInput(err) {
		t.Errorf("one snapshot: err = %v", err)
	}
}

func TestOlderVersion(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"3.4.1", "3.6.218", true}, {"3.6.218", "3.6.218", false}, {"3.10", "3.9.5", false}, {"3.6", "3.6.1", true}} {
		if got := olderVersion(c.a, c.b); got != c.want {
			t.Errorf("olderVersion(%s, %s) = %v", c.a, c.b, got)
		}
	}
}

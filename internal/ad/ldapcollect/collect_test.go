package ldapcollect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/snapshot"
)

func testCfg() Config {
	return Config{Host: "dc1.corp.test", User: "audit@corp.test", Password: "x"}
}

func collectFake(t *testing.T, d *fakeDir, opts Options) (string, Summary, error) {
	t.Helper()
	opts.dial = func(ctx context.Context, cfg Config) (Conn, error) { return fakeConn{d: d}, nil }
	out := filepath.Join(t.TempDir(), "snap.gz")
	s, err := Collect(context.Background(), testCfg(), opts, out)
	return out, s, err
}

func readAll(t *testing.T, path string) (snapshot.Header, map[string]*snapshot.Object, []snapshot.Gap) {
	t.Helper()
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	objs := map[string]*snapshot.Object{}
	var gaps []snapshot.Gap
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			if objs[o.DN] != nil {
				t.Errorf("object %s written twice", o.DN)
			}
			objs[o.DN] = o
		} else {
			gaps = append(gaps, *g)
		}
	}
	return r.Header, objs, gaps
}

func TestCollectPagingRangesGaps(t *testing.T) {
	d := newFakeDir()
	const nUsers = 2345
	var dom []*ldap.Entry
	dom = append(dom, entry("DC=corp,DC=test", "objectClass", "domainDNS", "nTSecurityDescriptor", "\x01\x00"))
	dom = append(dom, entry("CN=Users,DC=corp,DC=test", "objectClass", "container", "nTSecurityDescriptor", "\x01\x00"))
	for i := 0; i < nUsers; i++ {
		dom = append(dom, entry(fmt.Sprintf("CN=u%d,CN=Users,DC=corp,DC=test", i), "objectClass", "user", "nTSecurityDescriptor", "\x01\x00"))
	}
	big := "CN=Big,CN=Users,DC=corp,DC=test"
	dom = append(dom, entry(big, "objectClass", "group", "nTSecurityDescriptor", "\x01\x00"))
	dom = append(dom, entry("CN=NoSD,DC=corp,DC=test", "objectClass", "user"))
	var members []string
	for i := 0; i < 4000; i++ {
		members = append(members, fmt.Sprintf("CN=u%d,CN=Users,DC=corp,DC=test", i))
	}
	d.members[big] = members
	d.entries["DC=corp,DC=test"] = dom
	d.entries["CN=Configuration,DC=corp,DC=test"] = []*ldap.Entry{entry("CN=Configuration,DC=corp,DC=test", "objectClass", "configuration", "nTSecurityDescriptor", "\x01")}
	d.entries["CN=Schema,CN=Configuration,DC=corp,DC=test"] = []*ldap.Entry{entry("CN=Schema,CN=Configuration,DC=corp,DC=test", "objectClass", "dMD", "nTSecurityDescriptor", "\x01")}
	d.noNC["DC=ForestDnsZones,DC=corp,DC=test"] = ldap.NewError(ldap.LDAPResultNoSuchObject, errors.New("no such object"))
	d.entries["partitions"] = []*ldap.Entry{
		entry("CN=CORP,CN=Partitions,CN=Configuration,DC=corp,DC=test", "nCName", "DC=corp,DC=test", "dnsRoot", "corp.test", "systemFlags", "3"),
		entry("CN=CHILD,CN=Partitions,CN=Configuration,DC=corp,DC=test", "nCName", "DC=child,DC=corp,DC=test", "dnsRoot", "child.corp.test", "systemFlags", "3"),
	}
	var pages int
	opts := Options{PageSize: 1000, Parallel: 1, Progress: func(p Progress) {
		if !p.Done && p.NamingContext == "DC=corp,DC=test" {
			pages++
		}
	}}
	// the child domain is unreachable
	dials := 0
	opts2 := opts
	out := filepath.Join(t.TempDir(), "snap.gz")
	opts2.dial = func(ctx context.Context, cfg Config) (Conn, error) {
		dials++
		if cfg.Host == "child.corp.test" {
			return nil, newErr(KindUnreachable, errors.New("no route"), "injoignable")
		}
		return fakeConn{d: d}, nil
	}
	sum, err := Collect(context.Background(), testCfg(), opts2, out)
	if err != nil {
		t.Fatal(err)
	}
	if pages != 3 {
		t.Errorf("domain NC read in %d pages, want 3 (2,349 objects by 1,000)", pages)
	}
	h, objs, gaps := readAll(t, out)
	if h.Forest != "corp.test" || h.Source != "ldap" || h.Server != "dc1.corp.test" {
		t.Errorf("header = %+v", h)
	}
	if len(h.NamingContexts) != 6 { // the five of the forest root domain + the child domain
		t.Errorf("naming contexts = %+v", h.NamingContexts)
	}
	if got := len(objs[big].All("member")); got != 4000 {
		t.Errorf("Big has %d members, want 4000 (ranged retrieval)", got)
	}
	if objs[snapshot.RootDSEDN] == nil || objs[snapshot.RootDSEDN].Get("dnsHostName") != "dc1.corp.test" {
		t.Errorf("root DSE not stored")
	}
	want := nUsers + 4 + 2 + 1 // domain objects, config, schema, root DSE
	if sum.Objects != want || len(objs) != want {
		t.Errorf("objects: summary %d, file %d, want %d", sum.Objects, len(objs), want)
	}
	var scopes []string
	for _, g := range gaps {
		scopes = append(scopes, g.Scope+" "+g.DN)
	}
	sort.Strings(scopes)
	wantGaps := []string{
		"domain DC=child,DC=corp,DC=test",
		"naming-context DC=ForestDnsZones,DC=corp,DC=test",
		"security-descriptor CN=NoSD,DC=corp,DC=test",
	}
	if !reflect.DeepEqual(scopes, wantGaps) {
		t.Errorf("gaps = %q\nwant %q", scopes, wantGaps)
	}
	if dials != 2 {
		t.Errorf("%d dials, want 2 (own DC, child domain)", dials)
	}
}

func TestCollectRangeStepAndIncompleteRange(t *testing.T) {
	d := newFakeDir()
	d.rangeMax = 100
	g := "CN=G,DC=corp,DC=test"
	var m []string
	for i := 0; i < 250; i++ {
		m = append(m, fmt.Sprintf("CN=m%d", i))
	}
	d.members[g] = m
	d.entries["DC=corp,DC=test"] = []*ldap.Entry{entry("DC=corp,DC=test", "nTSecurityDescriptor", "\x01"), entry(g, "nTSecurityDescriptor", "\x01")}
	out, _, err := collectFake(t, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, objs, _ := readAll(t, out)
	if n := len(objs[g].All("member")); n != 250 {
		t.Fatalf("%d members, want 250", n)
	}
	if objs[g].All("member")[249] != "CN=m249" {
		t.Errorf("last member = %q", objs[g].All("member")[249])
	}
}

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		in     string
		name   string
		lo, hi int
		ok     bool
	}{
		{"member;range=0-1499", "member", 0, 1499, true},
		{"member;range=1500-*", "member", 1500, -1, true},
		{"Member;Range=3-4", "Member", 3, 4, true},
		{"member", "member", 0, 0, false},
		{"member;range=5-2", "member", 0, 0, false},
		{"member;range=x-*", "member", 0, 0, false},
		{"member;range=-1-*", "member", 0, 0, false},
	} {
		n, lo, hi, ok := parseRange(c.in)
		if n != c.name || lo != c.lo || hi != c.hi || ok != c.ok {
			t.Errorf("parseRange(%q) = %q %d %d %v", c.in, n, lo, hi, ok)
		}
	}
}

func TestBindFailureIsInputError(t *testing.T) {
	d := newFakeDir()
	d.bindErr = bindError("simple", "audit", ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("bad")))
	_, _, err := collectFake(t, d, Options{})
	if err == nil || !IsInput(err) {
		t.Fatalf("err = %v, want an input error", err)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{
		{User: "u", Password: "p"},                            // no host
		{Host: "h", User: "u", Password: "p", TLS: TLSNone},   // cleartext without consent
		{Host: "h", User: "u", Password: "p", TLS: "ssl"},     // unknown mode
		{Host: "h", User: "u"},                                // empty password
		{Host: "h", User: "u", Password: "p", Auth: "digest"}, // unknown auth
		{Host: "h", User: "u", Password: "p", CAFile: "x", InsecureTLS: true},
		{Host: "h", Auth: AuthKerberos},
	} {
		if _, err := c.normalize(); err == nil || !IsInput(err) {
			t.Errorf("%+v: err = %v, want input error", c, err)
		}
	}
	c, err := Config{Host: "h", User: "u", Password: "p", TLS: TLSNone, AllowCleartext: true}.normalize()
	if err != nil || c.Port != 389 {
		t.Errorf("cleartext with consent: %+v %v", c, err)
	}
	c, _ = Config{Host: "h", User: "u", Password: "p"}.normalize()
	if c.Port != 636 || c.TLS != TLSLDAPS || c.Auth != AuthSimple {
		t.Errorf("defaults: %+v", c)
	}
}

func TestBaseGoesToMostSpecificContext(t *testing.T) {
	c := &collector{opts: Options{Base: "CN=Partitions,CN=Configuration,DC=corp,DC=test"}, planned: []snapshot.NamingContext{
		{DN: "DC=corp,DC=test"}, {DN: "CN=Configuration,DC=corp,DC=test"}, {DN: "CN=Schema,CN=Configuration,DC=corp,DC=test"},
	}}
	if got := c.subtreeBase("DC=corp,DC=test"); got != "" {
		t.Errorf("domain NC searched from %q", got)
	}
	if got := c.subtreeBase("CN=Configuration,DC=corp,DC=test"); got != c.opts.Base {
		t.Errorf("configuration NC searched from %q", got)
	}
	if got := c.subtreeBase("CN=Schema,CN=Configuration,DC=corp,DC=test"); got != "" {
		t.Errorf("schema NC searched from %q", got)
	}
}

func TestBrokenRangeIsAGap(t *testing.T) {
	d := newFakeDir()
	d.rangeMax, d.skew = 10, 3
	g := "CN=G,DC=corp,DC=test"
	for i := 0; i < 25; i++ {
		d.members[g] = append(d.members[g], fmt.Sprintf("CN=m%d", i))
	}
	d.entries["DC=corp,DC=test"] = []*ldap.Entry{entry("DC=corp,DC=test", "nTSecurityDescriptor", "\x01"), entry(g, "nTSecurityDescriptor", "\x01")}
	out, _, err := collectFake(t, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, gaps := readAll(t, out)
	if len(gaps) != 1 || gaps[0].Scope != "attribute" || gaps[0].Attribute != "member" || gaps[0].DN != g {
		t.Errorf("gaps = %+v, want one incomplete member list", gaps)
	}
}

package ldapcollect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/snapshot"
)

// bigFakeDir is a domain of a few OUs of users, a group with a ranged
// member list and the other naming contexts, its entries in tree order.
func bigFakeDir() *fakeDir {
	d := newFakeDir()
	base := "DC=corp,DC=test"
	dom := []*ldap.Entry{entry(base, "objectClass", "domainDNS", "nTSecurityDescriptor", "\x01\x02")}
	for ou := 0; ou < 6; ou++ {
		ouDN := fmt.Sprintf("OU=Site%d,%s", ou, base)
		dom = append(dom, entry(ouDN, "objectClass", "organizationalUnit", "nTSecurityDescriptor", "\x01\x02"))
		for i := 0; i < 250; i++ {
			e := entry(fmt.Sprintf("CN=u%d-%d,%s", ou, i, ouDN), "objectClass", "user", "sAMAccountName", fmt.Sprintf("u%d-%d", ou, i))
			if i%50 != 7 { // a few without descriptor: gaps
				e.Attributes = append(e.Attributes, ldap.NewEntryAttribute("nTSecurityDescriptor", []string{"\x01\x03"}))
			}
			dom = append(dom, e)
		}
	}
	users := "CN=Users," + base
	dom = append(dom, entry(users, "objectClass", "container", "nTSecurityDescriptor", "\x01"))
	big := "CN=Big," + users
	dom = append(dom, entry(big, "objectClass", "group", "nTSecurityDescriptor", "\x01"))
	for i := 0; i < 3500; i++ {
		d.members[big] = append(d.members[big], fmt.Sprintf("CN=u%d-%d,OU=Site%d,%s", i%6, i%250, i%6, base))
	}
	d.entries[base] = dom
	dz := "DC=DomainDnsZones," + base
	d.entries[dz] = []*ldap.Entry{entry(dz, "objectClass", "domainDNS", "nTSecurityDescriptor", "\x01")}
	cfg := "CN=Configuration," + base
	d.entries[cfg] = []*ldap.Entry{entry(cfg, "objectClass", "configuration", "nTSecurityDescriptor", "\x01"),
		entry("CN=Sites,"+cfg, "objectClass", "sitesContainer", "nTSecurityDescriptor", "\x01"),
		entry("CN=Default-First-Site-Name,CN=Sites,"+cfg, "objectClass", "site", "nTSecurityDescriptor", "\x01"),
		entry("CN=Services,"+cfg, "objectClass", "container", "nTSecurityDescriptor", "\x01")}
	sch := "CN=Schema," + cfg
	d.entries[sch] = []*ldap.Entry{entry(sch, "objectClass", "dMD", "nTSecurityDescriptor", "\x01")}
	d.noNC["DC=ForestDnsZones,"+base] = ldap.NewError(ldap.LDAPResultNoSuchObject, errors.New("no such object"))
	return d
}

// collectWith collects d with opts, numbering the connections it opens.
func collectWith(t *testing.T, d *fakeDir, opts Options) (string, int, error) {
	t.Helper()
	var dials atomic.Int32
	opts.dial = func(ctx context.Context, cfg Config) (Conn, error) {
		return fakeConn{d: d, id: int(dials.Add(1))}, nil
	}
	out := filepath.Join(t.TempDir(), "snap.gz")
	_, err := Collect(context.Background(), testCfg(), opts, out)
	return out, int(dials.Load()), err
}

// fileRecords lists the records of a snapshot in file order.
func fileRecords(t *testing.T, path string) []string {
	t.Helper()
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []string
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			var b strings.Builder
			b.WriteString("o " + o.DN)
			for _, n := range o.Names() {
				fmt.Fprintf(&b, " %s=%q%x", n, o.All(n), o.BinaryAll(n))
			}
			out = append(out, b.String())
		} else {
			out = append(out, fmt.Sprintf("g %+v", *g))
		}
	}
}

// TestParallelWritesWhatSequentialWrites reads the same directory on one
// connection and on four: the snapshots hold the same records in the same
// order, and the four connections all served searches.
func TestParallelWritesWhatSequentialWrites(t *testing.T) {
	d := bigFakeDir()
	seqPath, seqDials, err := collectWith(t, d, Options{PageSize: 100, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	d.served = nil
	var progress []string
	parPath, parDials, err := collectWith(t, d, Options{PageSize: 100, Parallel: 4, Progress: func(p Progress) {
		if p.Done {
			progress = append(progress, fmt.Sprintf("%s %d", p.NamingContext, p.Objects))
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	seq, par := fileRecords(t, seqPath), fileRecords(t, parPath)
	if len(seq) < 1500 || strings.Join(seq, "\n") != strings.Join(par, "\n") {
		t.Fatalf("sequential %d records, parallel %d, or a different order", len(seq), len(par))
	}
	if seqDials != 1 || parDials != 4 {
		t.Errorf("connections: %d sequential (want 1), %d parallel (want 4)", seqDials, parDials)
	}
	if len(d.served) != 4 {
		t.Errorf("subtree searches served by %d connections, want 4: %v", len(d.served), d.served)
	}
	want := []string{"DC=corp,DC=test 1509", "CN=Configuration,DC=corp,DC=test 4", "CN=Schema,CN=Configuration,DC=corp,DC=test 1",
		"DC=DomainDnsZones,DC=corp,DC=test 1", "DC=ForestDnsZones,DC=corp,DC=test 0"}
	if strings.Join(progress, "|") != strings.Join(want, "|") {
		t.Errorf("progress = %q\nwant %q", progress, want)
	}
	n := 0
	for _, r := range par {
		if strings.HasPrefix(r, "o CN=Big,") && strings.Count(r, "CN=u") == 3500 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("ranged member list of Big not complete once (%d)", n)
	}
}

// TestParallelSubtreeFailures: a subtree denied or deleted while the
// collection runs is a gap of that subtree; a broken connection is an
// error, with no snapshot written.
func TestParallelSubtreeFailures(t *testing.T) {
	d := bigFakeDir()
	d.noNC["OU=Site2,DC=corp,DC=test"] = ldap.NewError(ldap.LDAPResultInsufficientAccessRights, errors.New("denied"))
	d.noNC["OU=Site4,DC=corp,DC=test"] = ldap.NewError(ldap.LDAPResultNoSuchObject, errors.New("gone"))
	path, _, err := collectWith(t, d, Options{PageSize: 100, Parallel: 3})
	if err != nil {
		t.Fatal(err)
	}
	var gaps, site2 []string
	for _, r := range fileRecords(t, path) {
		if strings.HasPrefix(r, "g ") && !strings.Contains(r, "security-descriptor") {
			gaps = append(gaps, r)
		}
		if dn, _, _ := strings.Cut(r, " member="); strings.HasPrefix(r, "o ") && strings.Contains(dn, ",OU=Site2,") {
			site2 = append(site2, dn)
		}
	}
	want := []string{
		"g {DN:OU=Site2,DC=corp,DC=test Attribute: Scope:object Why:sous-arbre non collecté : lecture refusée après 0 objets",
		"g {DN:OU=Site4,DC=corp,DC=test Attribute: Scope:object Why:sous-arbre non collecté : objet supprimé pendant la collecte",
		"g {DN:DC=ForestDnsZones,DC=corp,DC=test Attribute: Scope:naming-context Why:contexte de nommage absent du contrôleur",
	}
	if len(gaps) != len(want) {
		t.Fatalf("gaps = %q", gaps)
	}
	for i := range want {
		if !strings.HasPrefix(gaps[i], want[i]) {
			t.Errorf("gap %d = %q\nwant %q…", i, gaps[i], want[i])
		}
	}
	if len(site2) != 0 {
		t.Errorf("denied subtree written: %d objects", len(site2))
	}

	d = bigFakeDir()
	d.noNC["OU=Site3,DC=corp,DC=test"] = ldap.NewError(ldap.ErrorNetwork, errors.New("connection reset"))
	path, _, err = collectWith(t, d, Options{PageSize: 100, Parallel: 3})
	if err == nil || !strings.Contains(err.Error(), "OU=Site3") {
		t.Fatalf("broken connection: err = %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(m) != 0 {
		t.Errorf("files left after a failed collection: %v", m)
	}
}

// TestParallelWithoutExtraConnections: when the DC refuses more
// connections, the first one reads everything.
func TestParallelWithoutExtraConnections(t *testing.T) {
	d := bigFakeDir()
	var dials atomic.Int32
	opts := Options{PageSize: 100, Parallel: 4}
	opts.dial = func(ctx context.Context, cfg Config) (Conn, error) {
		if dials.Add(1) > 1 {
			return nil, newErr(KindUnreachable, errors.New("too many connections"), "refusé")
		}
		return fakeConn{d: d, id: 1}, nil
	}
	out := filepath.Join(t.TempDir(), "snap.gz")
	s, err := Collect(context.Background(), testCfg(), opts, out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Objects != 1+1509+4+1+1 || len(d.served) != 1 {
		t.Errorf("%d objects, %d connections served", s.Objects, len(d.served))
	}
	if _, err := Collect(context.Background(), testCfg(), Options{Parallel: MaxParallel + 1}, out); err == nil || !IsInput(err) {
		t.Errorf("Parallel above the maximum: %v", err)
	}
}

// TestSplitLeavesChildNamingContexts: a server that lists the head of a
// child naming context among the children of the domain head (as a
// referral would) does not make the collector read that context twice.
func TestSplitLeavesChildNamingContexts(t *testing.T) {
	d := bigFakeDir()
	dz := "DC=DomainDnsZones,DC=corp,DC=test"
	d.entries["DC=corp,DC=test"] = append(d.entries["DC=corp,DC=test"], entry(dz, "objectClass", "domainDNS"))
	path, _, err := collectWith(t, d, Options{PageSize: 100, Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range fileRecords(t, path) {
		if strings.HasPrefix(r, "o "+dz+" ") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s written %d times", dz, n)
	}
}

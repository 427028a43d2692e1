package e2e

import (
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/adlab"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/snapshot"
)

// Child domain of the lab forest. Samba cannot join a child domain to an
// existing forest, and runs one DC per machine: the child is a second lab
// DC (its own directory, started while the root's is stopped), collected by
// the real collector as any domain; its collection is then re-rooted as a
// DC of a child domain would see the forest (the root's Configuration and
// Schema, its own crossRef and server objects in them) and merged with the
// root's by « vigie ad merge ».
const (
	childRealm   = "CHILD.LAB.TEST"
	childNetBIOS = "CHILD"
	childAdmin   = "vte_child_adm" // Domain Admin of the child with an SPN
	extPartner   = "ext.partner.test"
)

// TestMultiDomainForest collects a root and a child domain, each from its
// own DC, merges them, and checks the forest: every point evaluated
// (administrator-only data of each domain read by its administrator), the
// parent-child trusts (within the forest, created through LSA on both
// sides) not reported, the child's external trust without SID filtering
// reported, the child's Domain Admins part of Tier 0.
func TestMultiDomainForest(t *testing.T) {
	l := needLab(t)
	rootBase := l.Get("LAB_AD_BASE_DN")
	rootSID := domainSID(t, adminConn(t, l), rootBase)

	child, err := l.Switch(ctx(t), l.Dir+"-child", "LAB_AD_REALM="+childRealm, "LAB_AD_DOMAIN="+childNetBIOS, "LAB_AD_DC_NAME=DC2")
	if err != nil {
		if rerr := l.Resume(ctx(t)); rerr != nil {
			t.Errorf("restart the root DC: %v", rerr)
		}
		t.Fatalf("child domain DC: %v", err)
	}
	back := false
	toRoot := func() {
		if back {
			return
		}
		back = true
		if err := child.Stop(ctx(t)); err != nil {
			t.Errorf("stop the child DC: %v", err)
		}
		if err := l.Resume(ctx(t)); err != nil {
			t.Fatalf("restart the root DC: %v", err)
		}
	}
	t.Cleanup(toRoot)

	childBase := child.Get("LAB_AD_BASE_DN")
	cc := adminConn(t, child)
	childSID := domainSID(t, cc, childBase)
	runLab(t, child, "trust", "add", l.Get("LAB_AD_DNS_DOMAIN"), l.Get("LAB_AD_DOMAIN"), string(rootSID), "3", "0x20")
	runLab(t, child, "trust", "add", extPartner, "EXTP", "S-1-5-21-2468-1357-1112", "2", "0")
	adm := addPlainUser(t, cc, child, childAdmin)
	mod := ldap.NewModifyRequest(adm, nil)
	mod.Add("servicePrincipalName", []string{"MSSQLSvc/sql.child.lab.test:1433"})
	if err := cc.Modify(mod); err != nil {
		t.Fatal(err)
	}
	mod = ldap.NewModifyRequest("CN=Domain Admins,"+usersDN(child), nil)
	mod.Add("member", []string{adm})
	if err := cc.Modify(mod); err != nil {
		t.Fatal(err)
	}
	_, childPath := collect(t, adminCfg(child), ldapcollect.Options{})
	childPath = rerootChild(t, childPath, child, l)
	runLab(t, child, "trust", "del", l.Get("LAB_AD_DNS_DOMAIN"))
	runLab(t, child, "trust", "del", extPartner)
	for _, dn := range []string{adm, "CN=" + l.Get("LAB_AD_DOMAIN") + "$," + usersDN(child)} {
		if err := cc.Del(ldap.NewDelRequest(dn, nil)); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			t.Errorf("clean the child: %v", err)
		}
	}
	toRoot()

	runLab(t, l, "trust", "add", strings.ToLower(childRealm), childNetBIOS, string(childSID), "3", "0x20")
	t.Cleanup(func() {
		l.Run(ctx(t), "trust", "del", strings.ToLower(childRealm))
		adminConn(t, l).Del(ldap.NewDelRequest("CN="+childNetBIOS+"$,"+usersDN(l), nil))
	})
	_, rootPath := collect(t, adminCfg(l), ldapcollect.Options{})

	forest := filepath.Join(t.TempDir(), "forest.vigie-ad.gz")
	code, stdout, stderr := runVigie(t, nil, "ad", "merge", childPath, rootPath, "-o", forest)
	if code != 0 {
		t.Fatalf("vigie ad merge: %d\n%s%s", code, stdout, stderr)
	}
	t.Log(stdout)
	d := loadModel(t, forest)
	if len(d.Domains) != 2 {
		t.Fatalf("merged forest: %d domains", len(d.Domains))
	}
	rep := analyze(t, forest)
	for _, n := range rep.Coverage.NotEvaluated {
		t.Errorf("forêt fusionnée : %s non évalué — %s", n.ID, n.Why)
	}
	if !reported(rep, "vuln_trusts_domain_notfiltered", extPartner) {
		t.Errorf("the child's external trust without SID filtering is not reported")
	}
	for _, within := range []string{"CN=" + l.Get("LAB_AD_DNS_DOMAIN") + ",CN=System," + childBase, "CN=" + strings.ToLower(childRealm) + ",CN=System," + rootBase} {
		for _, id := range []string{"vuln_trusts_domain_notfiltered", "vuln_trusts_forest_sidhistory", "vuln_trusts_tgt_deleg"} {
			if reported(rep, id, within) {
				t.Errorf("%s reports the parent-child trust %s", id, within)
			}
		}
	}
	if !reported(rep, "vuln_spn_priv", childAdmin) {
		t.Errorf("the child's Domain Admin with an SPN is not reported: the child's Tier 0 is not seen")
	}
	for _, f := range rep.Findings {
		if !strings.Contains(f.ID, "permission") && f.ID != "vuln_owner" {
			continue
		}
		for _, o := range f.Objects {
			if strings.HasSuffix(strings.ToLower(o.DN), strings.ToLower(childBase)) {
				t.Errorf("default ACLs of the child domain raise %s on %s: %s", f.ID, o.DN, o.Detail)
			}
		}
	}
	t.Logf("forêt à deux domaines : %s, en échec %v", rep.LevelLabel, rep.Summary().FailedIDs)
}

func runLab(t *testing.T, l *adlab.Lab, args ...string) {
	t.Helper()
	if _, err := l.Run(ctx(t), args...); err != nil {
		t.Fatal(err)
	}
}

// rerootChild rewrites the child lab domain's collection (a forest of its
// own) as a DC of a child domain of the root's forest sees it: its domain
// and DomainDnsZones partitions, the root's Configuration and Schema
// (holding the child's crossRef, with trustParent, and its DC's server
// objects); the rest of its own Configuration, Schema and ForestDnsZones
// is left out.
func rerootChild(t *testing.T, path string, child, root *adlab.Lab) string {
	t.Helper()
	childBase, rootBase := child.Get("LAB_AD_BASE_DN"), root.Get("LAB_AD_BASE_DN")
	childCfg, rootCfg := "CN=Configuration,"+childBase, "CN=Configuration,"+rootBase
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(childCfg))
	fix := func(s string) string { return re.ReplaceAllString(s, rootCfg) }
	within := func(dn, parent string) bool {
		dn, parent = strings.ToLower(dn), strings.ToLower(parent)
		return dn == parent || strings.HasSuffix(dn, ","+parent)
	}
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := r.Header
	h.Forest = root.Get("LAB_AD_DNS_DOMAIN")
	h.NamingContexts = nil
	for _, nc := range r.Header.NamingContexts {
		switch nc.Kind {
		case "domain", "dns-domain":
			h.NamingContexts = append(h.NamingContexts, nc)
		case "configuration", "schema":
			nc.DN = fix(nc.DN)
			h.NamingContexts = append(h.NamingContexts, nc)
		}
	}
	out := filepath.Join(t.TempDir(), "child.vigie-ad.gz")
	w, err := snapshot.Create(out, h)
	if err != nil {
		t.Fatal(err)
	}
	server := "CN=" + strings.ToUpper(strings.SplitN(child.Get("LAB_AD_DC_FQDN"), ".", 2)[0]) + ",CN=Servers,"
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if g != nil {
			if g.DN == "" || within(g.DN, childBase) && !within(g.DN, childCfg) && !within(g.DN, "DC=ForestDnsZones,"+childBase) {
				g.DN = fix(g.DN)
				w.WriteGap(*g)
			}
			continue
		}
		keep := strings.EqualFold(o.DN, snapshot.RootDSEDN)
		switch {
		case keep:
			o.SetText("rootdomainnamingcontext", rootBase)
		case within(o.DN, childCfg):
			keep = strings.Contains(strings.ToLower(o.DN), strings.ToLower(server)) ||
				o.IsClass("crossRef") && strings.EqualFold(o.Get("ncname"), childBase)
			if o.IsClass("crossRef") && keep {
				o.SetText("trustparent", "CN="+root.Get("LAB_AD_DOMAIN")+",CN=Partitions,"+rootCfg)
			}
		case within(o.DN, "DC=ForestDnsZones,"+childBase):
		default:
			keep = within(o.DN, childBase)
		}
		if !keep {
			continue
		}
		// a copy through the accessors, attribute by attribute of those
		// the collector asked for (an object read from a file need not
		// hold its attributes in maps)
		n := &snapshot.Object{DN: fix(o.DN)}
		for _, a := range append(r.Header.Attributes, "trustparent") {
			if bs := o.BinaryAll(a); len(bs) > 0 {
				n.Add(a, bs...)
			}
			if vs := o.All(a); len(vs) > 0 {
				out := make([]string, len(vs))
				for i, v := range vs {
					out[i] = fix(v)
				}
				n.SetText(a, out...)
			}
		}
		if err := w.WriteObject(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

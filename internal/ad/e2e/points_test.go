package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad"
	"vigie/internal/ad/checks"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/model"
	"vigie/internal/ad/snapshot"
)

// loadModel reads a snapshot into the directory model.
func loadModel(t *testing.T, path string) *model.Directory {
	t.Helper()
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := model.Load(r)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dcHas reports whether the DC holds an object matching filter in one of
// the naming contexts (read with the test's own administrator connection).
func dcHas(t *testing.T, c *ldap.Conn, ncs []snapshot.NamingContext, filter string) int {
	t.Helper()
	n := 0
	for _, nc := range ncs {
		res, err := c.Search(ldap.NewSearchRequest(nc.DN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			filter, []string{"1.1"}, nil))
		if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			t.Fatalf("DC search %s in %s: %v", filter, nc.DN, err)
		}
		if res != nil {
			for _, e := range res.Entries {
				if !dnUnder(e.DN, otherNCs(ncs, nc)) {
					n++
				}
			}
		}
	}
	return n
}

// otherNCs are the contexts nested under nc (DNS partitions, Configuration
// under the domain DN): their objects are counted in their own context.
func otherNCs(ncs []snapshot.NamingContext, nc snapshot.NamingContext) []string {
	var out []string
	for _, o := range ncs {
		if o.DN != nc.DN && strings.HasSuffix(strings.ToLower(o.DN), ","+strings.ToLower(nc.DN)) {
			out = append(out, o.DN)
		}
	}
	return out
}

func dnUnder(dn string, parents []string) bool {
	for _, p := range parents {
		if strings.EqualFold(dn, p) || strings.HasSuffix(strings.ToLower(dn), ","+strings.ToLower(p)) {
			return true
		}
	}
	return false
}

// pointCheck is the verdict of verifyPoints on one control point.
type pointCheck struct {
	id, status, why string
}

// verifyPoints asserts, point by point, that every control point of the
// report was either evaluated on data the snapshot really holds, or is
// "non évalué" with a reason. It compares the snapshot with the DC itself:
// a point evaluated while the DC holds an attribute it reads (or an
// optional target it examines) that the snapshot lacks is a blind pass,
// and fails the test. It returns each point's status for further checks.
func verifyPoints(t *testing.T, c *ldap.Conn, rep *ad.Report, d *model.Directory, source string) map[string]pointCheck {
	t.Helper()
	status := map[string]pointCheck{}
	for _, id := range rep.Passed {
		status[id] = pointCheck{id: id, status: "passed"}
	}
	for _, f := range rep.Findings {
		status[f.ID] = pointCheck{id: f.ID, status: "failed"}
	}
	for _, n := range rep.Coverage.NotEvaluated {
		if strings.TrimSpace(n.Why) == "" {
			t.Errorf("%s: %s non évalué sans raison", source, n.ID)
		}
		status[n.ID] = pointCheck{id: n.ID, status: "not_evaluated", why: n.Why}
	}
	if len(status) != len(checks.All()) {
		t.Fatalf("%s: %d points in the report, %d registered", source, len(status), len(checks.All()))
	}
	onDC := map[string]bool{}
	dcAttr := func(a string) bool {
		v, ok := onDC[a]
		if !ok {
			v = dcHas(t, c, d.Header.NamingContexts, "("+a+"=*)") > 0
			onDC[a] = v
		}
		return v
	}
	for _, ch := range checks.All() {
		st := status[ch.ID]
		if st.status == "not_evaluated" {
			continue
		}
		var blind []string
		for _, a := range append(append([]string(nil), ch.Needs.Attrs...), ch.Needs.Optional...) {
			collected, known := d.Collected(a)
			required := contains(ch.Needs.Attrs, a)
			switch {
			case required && !collected:
				blind = append(blind, a+" non collecté")
			case !known && required:
				blind = append(blind, a+" : liste des attributs collectés absente")
			case !required && known && !collected:
				// an optional attribute the source does not ask for (ORADAD
				// reads adminContextMenu only): the point is declared to
				// work without it.
			case dcAttr(a) && !d.AttrSeen(a):
				blind = append(blind, a+" présent sur le DC, absent de l'instantané")
			}
		}
		for _, tg := range ch.Needs.Targets {
			if tg.Filter == "" {
				continue
			}
			if want, got := dcHas(t, c, d.Header.NamingContexts, tg.Filter), len(tg.Find(d)); got < want {
				blind = append(blind, fmt.Sprintf("%s : %d sur le DC, %d dans l'instantané", tg.What, want, got))
			}
		}
		if len(blind) > 0 {
			t.Errorf("%s: %s %s sans voir ses données : %s", source, ch.ID, st.status, strings.Join(blind, " ; "))
		}
	}
	return status
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func notEvaluated(st map[string]pointCheck) []string {
	var out []string
	for id, p := range st {
		if p.status == "not_evaluated" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// TestEveryPointOnCollectedData collects the lab DC through the real
// collector and checks all 76 points against the DC itself, for an
// administrator's collection and for a plain account's. The DC holds a
// DPAPI backup key (created through LSA as a DC does): the administrator
// sees it, the plain account cannot, and its point must then be "non
// évalué", not passed.
func TestEveryPointOnCollectedData(t *testing.T) {
	l := needLab(t)
	c := adminConn(t, l)
	if _, err := l.Run(ctx(t), "lsa-secret", "add", "G$BCKUPKEY_P"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Run(ctx(t), "lsa-secret", "del", "G$BCKUPKEY_P") })
	auditor := addPlainUser(t, c, l, "vte_auditeur")
	t.Cleanup(func() { c.Del(ldap.NewDelRequest(auditor, nil)) })

	_, adminPath := collect(t, adminCfg(l), ldapcollect.Options{})
	adminRep := analyze(t, adminPath)
	admin := verifyPoints(t, c, adminRep, loadModel(t, adminPath), "administrateur")
	if ne := notEvaluated(admin); len(ne) != 0 {
		t.Errorf("administrator's collection of the lab: not evaluated %v", ne)
	}
	if admin["vuln_permissions_dpapi"].status != "passed" {
		t.Errorf("DPAPI key visible to the administrator: %+v", admin["vuln_permissions_dpapi"])
	}
	if adminRep.LevelProvisional {
		t.Errorf("nothing left unevaluated, yet the level is provisional: %v", adminRep.LevelProvisionalPoints)
	}

	cfg := adminCfg(l)
	cfg.User, cfg.Password = "vte_auditeur@"+l.Get("LAB_AD_DNS_DOMAIN"), plainPassword
	_, plainPath := collect(t, cfg, ldapcollect.Options{})
	plainRep := analyze(t, plainPath)
	plain := verifyPoints(t, c, plainRep, loadModel(t, plainPath), "compte simple")
	for _, id := range []string{"vuln_permissions_dpapi", "vuln_permissions_gmsa_keys", "vuln_privileged_members_password"} {
		if p := plain[id]; p.status != "not_evaluated" || !strings.Contains(p.why, "administrat") {
			t.Errorf("plain collector, %s: %s %q (data only an administrator reads)", id, p.status, p.why)
		}
	}
	if !plainRep.LevelProvisional || !strings.Contains(plainRep.LevelLabel, "provisoire") {
		t.Errorf("plain collector: level %q should be provisional", plainRep.LevelLabel)
	}
	t.Logf("administrateur : %s ; compte simple : %s, non évalués %v", adminRep.LevelLabel, plainRep.LevelLabel, notEvaluated(plain))
}

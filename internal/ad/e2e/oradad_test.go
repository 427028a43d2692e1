package e2e

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad"
	"vigie/internal/ad/adlab"
	"vigie/internal/ad/checks"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/oradad"
	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// TestEveryPointOnORADADExtraction writes, from the lab DC, the clear
// extraction ORADAD produces at its default level, imports it, and checks
// the 76 points against the DC itself as for a collection: each evaluated
// on data the extraction really holds, or "non évalué" with a reason.
// The values every point reads are then compared with those of the LDAP
// collector's snapshot of the same DC, and the two reports must agree on
// every point both evaluated: the ORADAD reader's conversions lose nothing
// a point relies on.
func TestEveryPointOnORADADExtraction(t *testing.T) {
	l := needLab(t)
	c := adminConn(t, l)
	if _, err := l.Run(ctx(t), "lsa-secret", "add", "G$BCKUPKEY_P"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Run(ctx(t), "lsa-secret", "del", "G$BCKUPKEY_P") })

	dir, asked := writeORADAD(t, c, t.TempDir())
	out := filepath.Join(t.TempDir(), "oradad.vigie-ad.gz")
	sum, err := oradad.Convert(context.Background(), dir, out)
	if err != nil {
		t.Fatalf("import ORADAD : %v", err)
	}
	t.Logf("ORADAD : %d tables, %d objets, %d lacunes", sum.Tables, sum.Objects, sum.Gaps)
	oRep := analyze(t, out)
	oDir := loadModel(t, out)
	oStatus := verifyPoints(t, c, oRep, oDir, "ORADAD")
	if ne := notEvaluated(oStatus); len(ne) != 0 {
		for _, id := range ne {
			t.Logf("ORADAD, non évalué : %s — %s", id, oStatus[id].why)
		}
	}

	lSnap, lPath := collect(t, adminCfg(l), ldapcollect.Options{})
	lRep := analyze(t, lPath)
	lStatus := verifyPoints(t, c, lRep, loadModel(t, lPath), "collecteur LDAP")
	compareReadValues(t, lSnap, readSnap(t, out), asked)
	for id, lp := range lStatus {
		op := oStatus[id]
		if op.status == "not_evaluated" || lp.status == "not_evaluated" {
			continue
		}
		if op.status != lp.status {
			t.Errorf("%s : %s sur l'extraction ORADAD, %s sur la collecte LDAP du même DC", id, op.status, lp.status)
			continue
		}
		if lo, oo := findingObjects(lRep, id), findingObjects(oRep, id); strings.Join(lo, "|") != strings.Join(oo, "|") {
			t.Errorf("%s : objets %v sur l'extraction ORADAD, %v sur la collecte LDAP", id, oo, lo)
		}
	}
	if oRep.LevelProvisional != (len(oRep.LevelProvisionalPoints) > 0) {
		t.Errorf("level_provisional %v with points %v", oRep.LevelProvisional, oRep.LevelProvisionalPoints)
	}
	t.Logf("ORADAD : %s ; collecte LDAP : %s", oRep.LevelLabel, lRep.LevelLabel)

	// ORADAD run by a plain account: what only administrators read is
	// absent, its points are "non évalué", not passed.
	auditor := addPlainUser(t, c, l, "vte_oradad")
	t.Cleanup(func() { c.Del(ldap.NewDelRequest(auditor, nil)) })
	pc := userConn(t, l, "vte_oradad@"+l.Get("LAB_AD_DNS_DOMAIN"), plainPassword)
	pdir, _ := writeORADAD(t, pc, t.TempDir())
	pout := filepath.Join(t.TempDir(), "oradad-plain.vigie-ad.gz")
	if _, err := oradad.Convert(context.Background(), pdir, pout); err != nil {
		t.Fatalf("import ORADAD : %v", err)
	}
	pRep := analyze(t, pout)
	plain := verifyPoints(t, c, pRep, loadModel(t, pout), "ORADAD, compte simple")
	for _, id := range []string{"vuln_permissions_dpapi", "vuln_permissions_gmsa_keys", "vuln_privileged_members_password"} {
		if p := plain[id]; p.status != "not_evaluated" {
			t.Errorf("ORADAD by a plain account, %s: %s (data only an administrator reads)", id, p.status)
		}
	}
	if !pRep.LevelProvisional {
		t.Errorf("ORADAD by a plain account: level %q should be provisional", pRep.LevelLabel)
	}
	t.Logf("ORADAD, compte simple : %s, non évalués %v", pRep.LevelLabel, notEvaluated(plain))
}

// userConn binds to the lab DC as the given account.
func userConn(t *testing.T, l *adlab.Lab, user, password string) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL("ldaps://127.0.0.1:636", ldap.DialWithTLSConfig(&tls.Config{RootCAs: caPool(t, l), ServerName: "127.0.0.1"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(user, password); err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func findingObjects(rep *ad.Report, id string) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.ID == id {
			for _, o := range f.Objects {
				out = append(out, strings.ToLower(o.DN))
			}
		}
	}
	sort.Strings(out)
	return out
}

// compareReadValues compares, object by object, the values of every
// attribute a control point reads in the LDAP collector's snapshot and in
// the ORADAD one, where ORADAD asked for that attribute on that object.
func compareReadValues(t *testing.T, ldapSnap, oraSnap *snap, asked map[string]map[string]bool) {
	t.Helper()
	read := map[string]bool{}
	for _, ch := range checks.All() {
		for _, a := range append(append([]string(nil), ch.Needs.Attrs...), ch.Needs.Optional...) {
			read[strings.ToLower(a)] = true
		}
	}
	columns := map[string]bool{}
	for _, a := range oraSnap.h.Attributes {
		columns[strings.ToLower(a)] = true
	}
	if len(columns) == 0 {
		t.Fatal("ORADAD snapshot without its attribute list")
	}
	diffs := 0
	for dn, lo := range ldapSnap.objs {
		oo := oraSnap.objs[dn]
		if oo == nil {
			if dn != strings.ToLower(snapshot.RootDSEDN) && !strings.Contains(dn, "cn=deleted objects") {
				t.Errorf("%s : dans la collecte LDAP, absent de l'extraction ORADAD", dn)
			}
			continue
		}
		k := dn
		if dn == strings.ToLower(snapshot.RootDSEDN) {
			k = ""
		}
		for a := range read {
			if !columns[a] || !asked[k][a] {
				continue
			}
			lv, ov := normValues(lo, a), normValues(oo, a)
			if strings.Join(lv, "|") != strings.Join(ov, "|") {
				if diffs++; diffs <= 20 {
					t.Errorf("%s %s : LDAP %.300q, ORADAD %.300q", dn, a, lv, ov)
				}
			}
		}
	}
	if diffs > 20 {
		t.Errorf("%d différences en tout", diffs)
	}
	for dn := range oraSnap.objs {
		if ldapSnap.objs[dn] == nil {
			t.Errorf("%s : dans l'extraction ORADAD, absent de la collecte LDAP", dn)
		}
	}
}

// normValues sorts values and brings dates to ORADAD's one-second
// precision (FILETIME integers and GeneralizedTime alike).
func normValues(o *snapshot.Object, attr string) []string {
	var out []string
	for _, b := range o.BinaryAll(attr) {
		if sd, err := secdesc.Parse(b); err == nil && attr == "ntsecuritydescriptor" {
			// ORADAD asks for the SACL too (SD flags 0xF), the collector
			// does not: compare owner, group and DACL.
			out = append(out, fmt.Sprintf("O:%s G:%s P:%v D:%s", sd.Owner, sd.Group, sd.Protected(), aclText(sd.DACL)))
			continue
		}
		out = append(out, hex.EncodeToString(b))
	}
	for _, s := range o.All(attr) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 100_000_000_000_000_000 && n != 0x7fffffffffffffff {
			s = strconv.FormatInt(n/10_000_000, 10)
		}
		if len(s) >= 15 && strings.HasSuffix(s, "Z") && s[14] == '.' {
			s = s[:14]
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func aclText(acl *secdesc.ACL) string {
	if acl == nil {
		return "nil"
	}
	var b strings.Builder
	for _, a := range acl.ACEs {
		fmt.Fprintf(&b, "(%d;%x;%x;%s;%s;%s)", a.Type, a.Flags, a.Mask, a.ObjectType, a.InheritedObjectType, a.SID)
	}
	return b.String()
}

package e2e

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/adlab"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/snapshot"
	"vigie/internal/testenv"
)

func adminCfg(l *adlab.Lab) ldapcollect.Config {
	return ldapcollect.Config{
		Host: "127.0.0.1", User: l.Get("LAB_AD_ADMIN_UPN"), Password: l.Get("LAB_AD_ADMIN_PASSWORD"),
		CAFile: l.Get("LAB_AD_CA_CERT"),
	}
}

// snap is a collected snapshot read back.
type snap struct {
	h    snapshot.Header
	objs map[string]*snapshot.Object // by lower-case DN
	gaps []snapshot.Gap
}

func (s *snap) get(dn string) *snapshot.Object { return s.objs[strings.ToLower(dn)] }

func collect(t *testing.T, cfg ldapcollect.Config, opts ldapcollect.Options) (*snap, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "snap.vigie-ad.gz")
	if _, err := ldapcollect.Collect(context.Background(), cfg, opts, out); err != nil {
		t.Fatalf("collect: %v", err)
	}
	return readSnap(t, out), out
}

// readSnap reads a snapshot file back whole.
func readSnap(t *testing.T, out string) *snap {
	t.Helper()
	r, c, err := snapshot.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := &snap{h: r.Header, objs: map[string]*snapshot.Object{}}
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			return s
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			if s.objs[strings.ToLower(o.DN)] != nil {
				t.Errorf("object %s written twice", o.DN)
			}
			s.objs[strings.ToLower(o.DN)] = o
		} else {
			s.gaps = append(s.gaps, *g)
		}
	}
}

func TestCollectSeededForestThenClean(t *testing.T) {
	l := needLab(t)
	base, users := l.Get("LAB_AD_BASE_DN"), usersDN(l)
	seed := seedWeaknesses(t, l)
	unseeded := false
	t.Cleanup(func() {
		if !unseeded {
			unseedWeaknesses(t, l, seed)
		}
	})

	// RangeStep forces ranged retrieval (Samba only slices when asked; AD always does at 1,500)
	s, seededPath := collect(t, adminCfg(l), ldapcollect.Options{RangeStep: 1500})

	kinds := map[string]string{}
	for _, nc := range s.h.NamingContexts {
		kinds[nc.Kind] = nc.DN
	}
	for _, k := range []string{"domain", "configuration", "schema", "dns-domain", "dns-forest"} {
		if kinds[k] == "" {
			t.Errorf("naming context %s missing from header %+v", k, s.h.NamingContexts)
		} else if s.get(kinds[k]) == nil {
			t.Errorf("naming context head %s not collected", kinds[k])
		}
	}
	if s.h.Forest != l.Get("LAB_AD_DNS_DOMAIN") || s.h.Source != "ldap" {
		t.Errorf("header = %+v", s.h)
	}
	for _, g := range s.gaps {
		t.Errorf("unexpected gap as Administrator: %+v", g)
	}
	if r := s.get(snapshot.RootDSEDN); r == nil || r.Get("domainFunctionality") == "" {
		t.Errorf("root DSE missing or incomplete")
	}
	schemaObjs, withSD := 0, 0
	for _, o := range s.objs {
		if strings.HasSuffix(strings.ToLower(o.DN), strings.ToLower(kinds["schema"])) && len(o.Binary("schemaIDGUID")) == 16 {
			schemaObjs++
		}
		if len(o.Binary("nTSecurityDescriptor")) > 20 {
			withSD++
		}
	}
	if schemaObjs < 1000 {
		t.Errorf("only %d schema objects with schemaIDGUID", schemaObjs)
	}
	if withSD != len(s.objs)-1 { // all but the root DSE
		t.Errorf("%d of %d objects have a security descriptor", withSD, len(s.objs))
	}
	if cr := s.get("CN=LAB,CN=Partitions," + kinds["configuration"]); cr == nil || cr.Get("systemFlags") != "3" {
		t.Errorf("domain crossRef missing: %+v", cr)
	}

	big := s.get("CN=" + bigGroup + "," + users)
	if big == nil {
		t.Fatal("big group not collected")
	}
	seen := map[string]bool{}
	for _, m := range big.All("member") {
		seen[strings.ToLower(m)] = true
	}
	if len(big.All("member")) != bigGroupMembers || len(seen) != bigGroupMembers {
		t.Errorf("big group: %d member values, %d distinct, want %d", len(big.All("member")), len(seen), bigGroupMembers)
	}

	u := s.get("CN=" + spnAdmin + "," + users)
	if u == nil || u.Get("servicePrincipalName") == "" || u.Get("adminCount") != "1" || !containsFold(u.All("memberOf"), "CN=Domain Admins,"+users) {
		t.Errorf("kerberoastable admin not collected completely: %+v", u)
	}
	if v, _ := s.get("CN=" + asrepUser + "," + users).Int("userAccountControl"); v&0x400000 == 0 {
		t.Errorf("AS-REP user UAC = %d", v)
	}
	if v, _ := s.get("CN=" + noexpAdmin + "," + users).Int("userAccountControl"); v&0x10000 == 0 {
		t.Errorf("never-expire admin UAC = %d", v)
	}
	if v, _ := s.get("CN=" + unconHost + ",CN=Computers," + base).Int("userAccountControl"); v&0x80000 == 0 {
		t.Errorf("unconstrained delegation UAC = %d", v)
	}
	if v, _ := s.get("CN=Guest," + users).Int("userAccountControl"); v&2 != 0 {
		t.Errorf("guest still disabled: UAC %d", v)
	}
	if !hasSIDMember(s, "CN=Pre-Windows 2000 Compatible Access,CN=Builtin,"+base, anonymousSID) {
		t.Errorf("Anonymous Logon not found among Pre-Windows 2000 members (matched by objectSid)")
	}
	holder := s.get("CN=AdminSDHolder,CN=System," + base)
	if holder == nil || !hasACE(holder.Binary("nTSecurityDescriptor"), aceFullCtrl, seed.helpdeskSID) {
		t.Errorf("full-control ACE for %s not found on AdminSDHolder", helpdesk)
	}

	checkSeededAnalysis(t, seededPath)

	// remove the weaknesses; a new collection no longer shows them
	unseedWeaknesses(t, l, seed)
	unseeded = true
	s, cleanPath := collect(t, adminCfg(l), ldapcollect.Options{})
	checkCleanAnalysis(t, cleanPath)
	for _, cn := range []string{spnAdmin, asrepUser, noexpAdmin, helpdesk, bigGroup} {
		if s.get("CN="+cn+","+users) != nil {
			t.Errorf("%s still present after cleaning", cn)
		}
	}
	if v, _ := s.get("CN=Guest," + users).Int("userAccountControl"); v&2 == 0 {
		t.Errorf("guest still enabled: UAC %d", v)
	}
	if hasSIDMember(s, "CN=Pre-Windows 2000 Compatible Access,CN=Builtin,"+base, anonymousSID) {
		t.Errorf("Anonymous Logon still in Pre-Windows 2000 Compatible Access")
	}
	if hasACE(s.get("CN=AdminSDHolder,CN=System,"+base).Binary("nTSecurityDescriptor"), aceFullCtrl, seed.helpdeskSID) {
		t.Errorf("AdminSDHolder ACE still present")
	}
}

// anonymousSID is S-1-5-7 in binary form.
var anonymousSID = []byte{1, 1, 0, 0, 0, 0, 0, 5, 7, 0, 0, 0}

// hasSIDMember resolves a group's member DNs to objects and looks for a SID:
// Samba stores well-known members under CN=WellKnown Security Principals.
func hasSIDMember(s *snap, group string, sid []byte) bool {
	g := s.get(group)
	if g == nil {
		return false
	}
	for _, m := range g.All("member") {
		if o := s.get(m); o != nil && string(o.Binary("objectSid")) == string(sid) {
			return true
		}
	}
	return false
}

func containsFold(vs []string, want string) bool {
	for _, v := range vs {
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}

func TestCollectAuthAndTLSModes(t *testing.T) {
	l := needLab(t)
	builtin := "CN=Builtin," + l.Get("LAB_AD_BASE_DN")
	krb := func(c *ldapcollect.Config, user string) {
		c.Auth, c.User, c.KRB5Conf = ldapcollect.AuthKerberos, user, l.Get("LAB_AD_KRB5_CONFIG")
	}
	cases := map[string]func(*testing.T, *ldapcollect.Config){
		"ntlm-ldaps": func(t *testing.T, c *ldapcollect.Config) { c.Auth = ldapcollect.AuthNTLM },
		"ntlm-domain-form": func(t *testing.T, c *ldapcollect.Config) {
			c.Auth, c.User = ldapcollect.AuthNTLM, l.Get("LAB_AD_DOMAIN")+`\Administrator`
		},
		"simple-starttls": func(t *testing.T, c *ldapcollect.Config) { c.TLS = ldapcollect.TLSStartTLS },
		"simple-cleartext": func(t *testing.T, c *ldapcollect.Config) {
			c.TLS, c.AllowCleartext, c.CAFile = ldapcollect.TLSNone, true, ""
		},
		"kerberos-password-ldaps": func(t *testing.T, c *ldapcollect.Config) { krb(c, "Administrator") },
		"kerberos-password-ldap": func(t *testing.T, c *ldapcollect.Config) {
			krb(c, "Administrator@"+l.Get("LAB_AD_REALM"))
			c.TLS, c.AllowCleartext, c.CAFile = ldapcollect.TLSNone, true, ""
		},
		"kerberos-ccache": func(t *testing.T, c *ldapcollect.Config) {
			kinit := testenv.NeedCommand(t, "kinit")
			cc := filepath.Join(t.TempDir(), "ccache")
			cmd := exec.Command(kinit, "Administrator@"+l.Get("LAB_AD_REALM"))
			cmd.Env = append(os.Environ(), "KRB5_CONFIG="+l.Get("LAB_AD_KRB5_CONFIG"), "KRB5CCNAME=FILE:"+cc)
			cmd.Stdin = strings.NewReader(l.Get("LAB_AD_ADMIN_PASSWORD") + "\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("kinit: %v\n%s", err, out)
			}
			krb(c, "")
			c.Password, c.CCache = "", cc
		},
		"kerberos-keytab": func(t *testing.T, c *ldapcollect.Config) {
			tool := testenv.NeedCommand(t, "samba-tool")
			kt := filepath.Join(t.TempDir(), "admin.keytab")
			out, err := exec.Command(tool, "domain", "exportkeytab", kt, "--principal=Administrator@"+l.Get("LAB_AD_REALM"),
				"--configfile="+l.Get("LAB_AD_SMB_CONF")).CombinedOutput()
			if err != nil {
				t.Fatalf("exportkeytab: %v\n%s", err, out)
			}
			krb(c, "Administrator@"+l.Get("LAB_AD_REALM"))
			c.Password, c.Keytab = "", kt
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := adminCfg(l)
			f(t, &cfg)
			s, _ := collect(t, cfg, ldapcollect.Options{Base: builtin})
			if s.get("CN=Administrators,"+builtin) == nil {
				t.Errorf("Administrators group not collected (%d objects)", len(s.objs))
			}
			if len(s.objs) > 100 {
				t.Errorf("--base ignored: %d objects", len(s.objs))
			}
		})
	}
}

package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad"
	"vigie/internal/ad/adlab"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/secdesc"
	"vigie/internal/testenv"
)

// Weaknesses of issue 9 (§1 data the collector used to miss, §2 scopes,
// §3 exceptions), written the way Windows' own tools write them: DNS
// properties through the DNS management RPC, trusts through LSA, ACEs with
// samba-tool dsacl (as dsacls/ADSI do), the rest as ADSI Edit writes
// attributes.
const (
	helpdesk2 = "vte_helpdesk2" // delegated operator given rights it should not have
	sqlAdmin  = "vte_sqladm"    // Domain Admin holding an SPN (a Tier 0 service)
	deleg     = "vte_svcdeleg"  // constrained delegation to that service
	pgUser    = "vte_pg"        // user whose primaryGroupID is Domain Controllers
	orphanKrb = "krbtgt_65540"  // RODC krbtgt account without its RODC
	msol      = "MSOL_vte0001"  // Azure AD Connect connector account
	caHost    = "VTE-PKI"       // enterprise CA host
	caName    = "VTE-CA"
	kdsKey    = "0e9b4a4b-6d2c-4a4c-9d5a-0a1f5e7c3b21"
)

// scopeFindings are the IDs the seeded forest must report, with text the
// finding must name. Points checked only for the absence of a false alarm
// are in scopeNoFinding.
var scopeFindings = []struct{ id, object string }{
	{"vuln_dnszone_bad_prop", "lab.test"},
	{"vuln_display_specifier", "fileserver.lab.test"},
	{"vuln_adupdate_bad", "revision = 15"},
	{"vuln_sysvol_ntfrs", "msDFSR-Flags = 16"},
	{"vuln_silo_priv", "silo non appliqué"},
	{"vuln_permissions_gmsa_keys", helpdesk2},
	{"vuln_trusts_domain_notfiltered", "partner.example"},
	{"vuln_trusts_forest_sidhistory", "forest.example"},
	{"vuln_trusts_tgt_deleg", "deleg.example"},
	{"vuln_permissions_gpo_priv", helpdesk2},
	{"vuln_permissions_gpo_container_priv", helpdesk2},
	{"vuln_delegation_a2d2", deleg},
	{"vuln_primary_group_id_1000", pgUser},
	{"vuln_dc_inconsistent_uac", "msDS-Behavior-Version"},
	{"vuln_rodc_orphan_krbtgt", orphanKrb},
	{"vuln_adcs_control", helpdesk2},
	{"vuln_permissions_naming_context", msol},
}

// scopeWarnings are the ANSSI warnings the seeded forest must raise
// (shown apart: they never change the level), with text naming the object.
var scopeWarnings = []struct{ id, object string }{
	{"warning_logonscript_priv", sqlAdmin},
	{"warning_admincount", helpdesk2},
	{"warning_trusts_tgt_deleg", "forest.example"},
}

type scopeSeed struct {
	l        *adlab.Lab
	c        *ldap.Conn
	base     string
	config   string
	dacls    map[string][]byte // DN → DACL to restore
	revision string
	dfsr     string
	dcOS     string
	hdSID    string
}

func (s *scopeSeed) modify(dn string, f func(*ldap.ModifyRequest)) {
	m := ldap.NewModifyRequest(dn, nil)
	f(m)
	if err := s.c.Modify(m); err != nil {
		panic(fmt.Sprintf("modify %s: %v", dn, err))
	}
}

func (s *scopeSeed) add(dn string, attrs map[string][]string) {
	r := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		r.Attribute(k, v)
	}
	if err := s.c.Add(r); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
		panic(fmt.Sprintf("add %s: %v", dn, err))
	}
}

func (s *scopeSeed) get(dn, attr string) string {
	res, err := s.c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil || len(res.Entries) != 1 {
		panic(fmt.Sprintf("read %s %s: %v", dn, attr, err))
	}
	return res.Entries[0].GetAttributeValue(attr)
}

func (s *scopeSeed) sid(dn string) string {
	res, err := s.c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil || len(res.Entries) != 1 {
		panic(fmt.Sprintf("read SID of %s: %v", dn, err))
	}
	sid, err := secdesc.SIDFromBytes(res.Entries[0].GetRawAttributeValue("objectSid"))
	if err != nil {
		panic(err)
	}
	return string(sid)
}

// dsacl adds ACEs with samba-tool dsacl, remembering the object's DACL
// first when it existed before the test.
func (s *scopeSeed) dsacl(t *testing.T, dn, sddl string, existed bool) {
	t.Helper()
	if existed {
		if _, ok := s.dacls[dn]; !ok {
			s.dacls[dn] = readDACL(t, s.c, dn)
		}
	}
	tool := testenv.NeedCommand(t, "samba-tool")
	out, err := exec.Command(tool, "dsacl", "set", "-H", "ldap://127.0.0.1", "-U", "Administrator%"+s.l.Get("LAB_AD_ADMIN_PASSWORD"),
		"--objectdn="+dn, "--sddl="+sddl).CombinedOutput()
	if err != nil {
		t.Fatalf("samba-tool dsacl set %s %s: %v\n%s", dn, sddl, err, out)
	}
}

func (s *scopeSeed) lab(t *testing.T, args ...string) {
	t.Helper()
	if _, err := s.l.Run(ctx(t), args...); err != nil {
		t.Fatal(err)
	}
}

// newScopeSeed prepares a seeding; what it changes is recorded as it goes,
// so that unseedScopes can restore even a seeding that failed half-way.
func newScopeSeed(t *testing.T, l *adlab.Lab) *scopeSeed {
	base := l.Get("LAB_AD_BASE_DN")
	return &scopeSeed{l: l, c: adminConn(t, l), base: base, config: "CN=Configuration," + base, dacls: map[string][]byte{}}
}

// seedScopes writes the issue-9 weaknesses into the lab DC.
func seedScopes(t *testing.T, s *scopeSeed) {
	t.Helper()
	l, c, base := s.l, s.c, s.base
	unseedScopes(t, l, nil) // an interrupted run may have left some
	defer func() {
		if r := recover(); r != nil {
			t.Fatal(r)
		}
	}()
	users := usersDN(l)
	cfg := s.config
	hd := addPlainUser(t, c, l, helpdesk2)
	s.hdSID = s.sid(hd)
	// A former administrator: adminCount left at 1 (warning_admincount).
	s.modify(hd, func(m *ldap.ModifyRequest) { m.Replace("adminCount", []string{"1"}) })

	// §1 data the collector used to miss.
	s.lab(t, "zone-update", l.Get("LAB_AD_DNS_DOMAIN"), "1")
	spec := "CN=user-Display,CN=409,CN=DisplaySpecifiers," + cfg
	s.modify(spec, func(m *ldap.ModifyRequest) {
		m.Add("adminContextMenu", []string{`2,&Inventaire,\\fileserver.lab.test\outils\inventaire.vbs`,
			`3,&Comptes,\\lab.test\SYSVOL\lab.test\scripts\comptes.vbs`})
	})
	upd := "CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System," + base
	s.revision = s.get(upd, "revision")
	s.modify(upd, func(m *ldap.ModifyRequest) { m.Replace("revision", []string{"15"}) })
	dfsr := "CN=DFSR-GlobalSettings,CN=System," + base
	s.dfsr = s.get(dfsr, "msDFSR-Flags")
	s.modify(dfsr, func(m *ldap.ModifyRequest) { m.Replace("msDFSR-Flags", []string{"16"}) })
	authn := "CN=AuthN Policy Configuration,CN=Services," + cfg
	s.add(authn, map[string][]string{"objectClass": {"container"}})
	s.add("CN=AuthN Silos,"+authn, map[string][]string{"objectClass": {"msDS-AuthNPolicySilos"}})
	silo := "CN=VTE-Tier0,CN=AuthN Silos," + authn
	s.add(silo, map[string][]string{"objectClass": {"msDS-AuthNPolicySilo"}, "msDS-AuthNPolicySiloEnforced": {"FALSE"}})
	s.modify("CN=Administrator,"+users, func(m *ldap.ModifyRequest) { m.Replace("msDS-AssignedAuthNPolicySilo", []string{silo}) })
	gkds := "CN=Group Key Distribution Service,CN=Services," + cfg
	s.add(gkds, map[string][]string{"objectClass": {"container"}})
	s.add("CN=Master Root Keys,"+gkds, map[string][]string{"objectClass": {"container"}})
	key := "CN=" + kdsKey + ",CN=Master Root Keys," + gkds
	s.add(key, map[string][]string{"objectClass": {"msKds-ProvRootKey"}, "msKds-KDFAlgorithmID": {"SP800_108_CTR_HMAC"},
		"msKds-SecretAgreementAlgorithmID": {"DH"}, "msKds-PublicKeyLength": {"2048"}, "msKds-PrivateKeyLength": {"512"},
		"msKds-Version": {"1"}, "msKds-DomainID": {"CN=DC1,OU=Domain Controllers," + base},
		"msKds-RootKeyData": {string(randomBytes(64))}, "msKds-UseStartTime": {"133000000000000000"},
		"msKds-CreateTime": {"133000000000000000"}})
	s.dsacl(t, key, "(A;;GA;;;"+s.hdSID+")", false)
	s.lab(t, "trust", "add", "partner.example", "PARTNER", "S-1-5-21-1111-2222-3333", "2", "0")
	s.lab(t, "trust", "add", "forest.example", "FORESTEX", "S-1-5-21-4444-5555-6666", "3", "0x48")
	s.lab(t, "trust", "add", "deleg.example", "DELEGEX", "S-1-5-21-7777-8888-9999", "1", "0x808")

	// §2 scopes.
	ddcp := "CN={6AC1786C-016F-11D2-945F-00C04FB984F9},CN=Policies,CN=System," + base
	s.dsacl(t, ddcp, "(A;;WP;;;"+s.hdSID+")", true)
	s.dsacl(t, "OU=Domain Controllers,"+base, "(OA;;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;;"+s.hdSID+")", true)
	sql := addPlainUser(t, c, l, sqlAdmin)
	s.modify(sql, func(m *ldap.ModifyRequest) {
		m.Replace("servicePrincipalName", []string{"MSSQLSvc/vte-sql2.lab.test:1433"})
		m.Replace("scriptPath", []string{"vte-logon.bat"}) // warning_logonscript_priv
	})
	s.modify("CN=Domain Admins,"+users, func(m *ldap.ModifyRequest) { m.Add("member", []string{sql}) })
	d := addPlainUser(t, c, l, deleg)
	s.modify(d, func(m *ldap.ModifyRequest) {
		m.Replace("msDS-AllowedToDelegateTo", []string{"MSSQLSvc/vte-sql2.lab.test:1433"})
	})
	pg := addPlainUser(t, c, l, pgUser)
	s.modify("CN=Domain Controllers,"+users, func(m *ldap.ModifyRequest) { m.Add("member", []string{pg}) })
	s.modify(pg, func(m *ldap.ModifyRequest) { m.Replace("primaryGroupID", []string{"516"}) })
	dc := "CN=DC1,OU=Domain Controllers," + base
	s.dcOS = s.get(dc, "operatingSystem")
	s.modify(dc, func(m *ldap.ModifyRequest) { m.Replace("operatingSystem", []string{"Windows Server 2019 Datacenter"}) })
	s.add("CN="+orphanKrb+","+users, map[string][]string{"objectClass": {"user"}, "sAMAccountName": {orphanKrb},
		"userAccountControl": {"514"}})

	// §3 exceptions: the CA host writing its own AIA entry is fine, an
	// operator given control of NTAuthCertificates is not; an Azure AD
	// Connect account left with replication rights is a finding.
	pks := "CN=Public Key Services,CN=Services," + cfg
	cert := selfSignedCA(t, caName)
	comp := "CN=" + caHost + ",CN=Computers," + base
	s.add(comp, map[string][]string{"objectClass": {"computer"}, "sAMAccountName": {caHost + "$"},
		"userAccountControl": {"4096"}, "dNSHostName": {strings.ToLower(caHost) + ".lab.test"}})
	caSID := s.sid(comp)
	s.add("CN="+caName+",CN=Enrollment Services,"+pks, map[string][]string{"objectClass": {"pKIEnrollmentService"},
		"dNSHostName": {strings.ToLower(caHost) + ".lab.test"}, "cACertificate": {string(cert)}, "certificateTemplates": {"User"}})
	aia := "CN=" + caName + ",CN=AIA," + pks
	s.add(aia, map[string][]string{"objectClass": {"certificationAuthority"}, "cACertificate": {string(cert)},
		"authorityRevocationList": {"\x00"}, "certificateRevocationList": {"\x00"}})
	s.dsacl(t, aia, "(A;;GA;;;"+caSID+")", false)
	ntauth := "CN=NTAuthCertificates," + pks
	s.add(ntauth, map[string][]string{"objectClass": {"certificationAuthority"}, "cACertificate": {string(cert)},
		"authorityRevocationList": {"\x00"}, "certificateRevocationList": {"\x00"}})
	s.dsacl(t, ntauth, "(A;;WD;;;"+s.hdSID+")", false)
	m := addPlainUser(t, c, l, msol)
	msolSID := s.sid(m)
	s.dsacl(t, base, "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;"+msolSID+")(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;"+msolSID+")", true)
}

// restrictMSOL applies what Set-ADSyncRestrictedPermissions writes on the
// connector account: inheritance off, full control for SYSTEM, Enterprise
// Admins, Domain Admins and Administrators, read for Enterprise DCs and
// Authenticated Users.
func restrictMSOL(t *testing.T, l *adlab.Lab, c *ldap.Conn) {
	t.Helper()
	base := l.Get("LAB_AD_BASE_DN")
	sd, err := secdesc.ParseSDDL("D:PAI(A;;GA;;;SY)(A;;GA;;;EA)(A;;GA;;;DA)(A;;GA;;;BA)(A;;RPLCLORC;;;ED)(A;;RPLCLORC;;;AU)",
		secdesc.SDDLDomains{Domain: domainSID(t, c, base)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sd.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m := ldap.NewModifyRequest("CN="+msol+","+usersDN(l), []ldap.Control{sdFlags(4)})
	m.Replace("nTSecurityDescriptor", []string{string(b)})
	if err := c.Modify(m); err != nil {
		t.Fatalf("restrict %s: %v", msol, err)
	}
}

func domainSID(t *testing.T, c *ldap.Conn, base string) secdesc.SID {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("domain SID: %v", err)
	}
	s, err := secdesc.SIDFromBytes(res.Entries[0].GetRawAttributeValue("objectSid"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unseedScopes removes what seedScopes wrote (s nil: deletions only).
func unseedScopes(t *testing.T, l *adlab.Lab, s *scopeSeed) {
	t.Helper()
	c := adminConn(t, l)
	base := l.Get("LAB_AD_BASE_DN")
	cfg := "CN=Configuration," + base
	users := usersDN(l)
	pks := "CN=Public Key Services,CN=Services," + cfg
	authn := "CN=AuthN Policy Configuration,CN=Services," + cfg
	gkds := "CN=Group Key Distribution Service,CN=Services," + cfg
	quiet := func(err error) {
		if err != nil && !ldap.IsErrorAnyOf(err, ldap.LDAPResultNoSuchObject, ldap.LDAPResultNoSuchAttribute,
			ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultAttributeOrValueExists) {
			t.Errorf("unseed: %v", err)
		}
	}
	mod := func(dn string, f func(*ldap.ModifyRequest), controls ...ldap.Control) {
		m := ldap.NewModifyRequest(dn, controls)
		f(m)
		quiet(c.Modify(m))
	}
	l.Run(ctx(t), "zone-update", l.Get("LAB_AD_DNS_DOMAIN"), "2")
	for _, tr := range []string{"partner.example", "forest.example", "deleg.example"} {
		l.Run(ctx(t), "trust", "del", tr)
	}
	mod("CN=user-Display,CN=409,CN=DisplaySpecifiers,"+cfg, func(m *ldap.ModifyRequest) {
		m.Delete("adminContextMenu", []string{`2,&Inventaire,\\fileserver.lab.test\outils\inventaire.vbs`,
			`3,&Comptes,\\lab.test\SYSVOL\lab.test\scripts\comptes.vbs`})
	})
	mod("CN=Administrator,"+users, func(m *ldap.ModifyRequest) { m.Delete("msDS-AssignedAuthNPolicySilo", nil) })
	mod("CN=Domain Controllers,"+users, func(m *ldap.ModifyRequest) { m.Delete("member", []string{"CN=" + pgUser + "," + users}) })
	for _, dn := range []string{
		"CN=VTE-Tier0,CN=AuthN Silos," + authn, "CN=AuthN Silos," + authn, authn,
		"CN=" + kdsKey + ",CN=Master Root Keys," + gkds, "CN=Master Root Keys," + gkds, gkds,
		"CN=" + helpdesk2 + "," + users, "CN=" + sqlAdmin + "," + users, "CN=" + deleg + "," + users,
		"CN=" + pgUser + "," + users, "CN=" + orphanKrb + "," + users, "CN=" + msol + "," + users,
		"CN=" + caHost + ",CN=Computers," + base, "CN=" + caName + ",CN=Enrollment Services," + pks,
		"CN=" + caName + ",CN=AIA," + pks, "CN=NTAuthCertificates," + pks,
	} {
		quiet(c.Del(ldap.NewDelRequest(dn, nil)))
	}
	// Samba keeps the trust accounts of deleted inbound trusts.
	for _, acct := range []string{"FORESTEX$", "DELEGEX$", "PARTNER$"} {
		quiet(c.Del(ldap.NewDelRequest("CN="+acct+","+users, nil)))
	}
	if s == nil {
		return
	}
	for _, r := range []struct{ dn, attr, v string }{
		{"CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System," + base, "revision", s.revision},
		{"CN=DFSR-GlobalSettings,CN=System," + base, "msDFSR-Flags", s.dfsr},
		{"CN=DC1,OU=Domain Controllers," + base, "operatingSystem", s.dcOS},
	} {
		if r.v != "" {
			mod(r.dn, func(m *ldap.ModifyRequest) { m.Replace(r.attr, []string{r.v}) })
		}
	}
	for dn, dacl := range s.dacls {
		mod(dn, func(m *ldap.ModifyRequest) { m.Replace("nTSecurityDescriptor", []string{string(sdWithDACL(dacl))}) }, sdFlags(4))
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// selfSignedCA is an RSA 2048 / SHA-256 CA certificate, as ADCS makes.
func selfSignedCA(t *testing.T, name string) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, NotBefore: now.AddDate(0, -1, 0),
		NotAfter: now.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestSeededScopesThenClean seeds every issue-9 weakness Samba can hold,
// collects with the real collector, expects each ID (and no false alarm
// for the CA host and the restricted MSOL account), removes them and
// expects them gone.
func TestSeededScopesThenClean(t *testing.T) {
	l := needLab(t)
	s := newScopeSeed(t, l)
	cleaned := false
	t.Cleanup(func() {
		if !cleaned {
			unseedScopes(t, l, s)
		}
	})
	seedScopes(t, s)
	_, path := collect(t, adminCfg(l), ldapcollect.Options{})
	rep := analyze(t, path)
	verifyPoints(t, s.c, rep, loadModel(t, path), "faiblesses semées")
	t.Logf("semé : %s, en échec %v", rep.LevelLabel, rep.Summary().FailedIDs)
	for _, a := range append(append([]ad.Advisory(nil), rep.Warnings...), rep.Informations...) {
		t.Logf("  %s : %d objet(s) %s", a.ID, len(a.Objects), a.Detail)
		for i, o := range a.Objects {
			if i < 3 {
				t.Logf("      %s %s", o.DN, o.Detail)
			}
		}
	}
	for _, w := range scopeFindings {
		if !reported(rep, w.id, w.object) {
			t.Errorf("seeded weakness not reported: %s (%s)", w.id, w.object)
		}
	}
	for _, w := range scopeWarnings {
		if !warned(rep, w.id, w.object) {
			t.Errorf("seeded warning not raised: %s (%s)", w.id, w.object)
		}
		if reported(rep, w.id, "") {
			t.Errorf("warning %s among the failed control points", w.id)
		}
	}
	if reported(rep, "vuln_adcs_control", caHost) {
		t.Errorf("the CA host writing its own AIA entry was reported")
	}
	if reported(rep, "vuln_display_specifier", "comptes.vbs") {
		t.Errorf("a command in the domain's own SYSVOL was reported")
	}
	if reported(rep, "vuln_silo_priv", "aucun silo") && !reported(rep, "vuln_silo_priv", "Administrator") {
		t.Errorf("silo assignment not read")
	}

	// Azure AD Connect with restricted permissions: accepted as Tier 0.
	restrictMSOL(t, l, s.c)
	_, path = collect(t, adminCfg(l), ldapcollect.Options{})
	rep = analyze(t, path)
	if reported(rep, "vuln_permissions_naming_context", msol) {
		t.Errorf("restricted MSOL account still reported")
	}
	if !strings.Contains(strings.Join(rep.ExtraTier0, " "), msol) {
		t.Errorf("restricted MSOL account not listed as extra Tier 0: %v", rep.ExtraTier0)
	}

	unseedScopes(t, l, s)
	cleaned = true
	_, path = collect(t, adminCfg(l), ldapcollect.Options{})
	rep = analyze(t, path)
	for _, w := range scopeFindings {
		if reported(rep, w.id, w.object) {
			t.Errorf("%s still reports %s after cleaning", w.id, w.object)
		}
	}
	for _, w := range scopeWarnings {
		if warned(rep, w.id, w.object) {
			t.Errorf("%s still raised for %s after cleaning", w.id, w.object)
		}
	}
	for _, f := range rep.Findings {
		if f.Grade == 1 {
			t.Errorf("grade-1 finding left after cleaning: %s %+v", f.ID, f.Objects)
		}
	}
}

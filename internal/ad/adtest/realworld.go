package adtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"time"

	"vigie/internal/ad/secdesc"
)

// Attribute and class GUIDs the real-world fixtures write ACEs for.
var (
	guidResetPassword   = secdesc.GUIDUserForceChangePassword
	guidAltSecurityID   = secdesc.GUIDAltSecurityIdentities
	guidProxyAddresses  = secdesc.MustGUID("bf967a06-0de6-11d0-a285-00aa003049e2")
	guidLegacyExchDN    = secdesc.MustGUID("28630ebc-41d5-11d1-a9c1-0000f80367c1")
	guidMail            = secdesc.MustGUID("bf967961-0de6-11d0-a285-00aa003049e2")
	guidPublicInfo      = secdesc.MustGUID("e48d0154-bcf8-11d1-8702-00c04fb96050")
	guidMsDSConsistency = secdesc.MustGUID("23773dc2-b63a-11d2-90e1-00c04fd91ab1")
	guidLockoutTime     = secdesc.MustGUID("28630ebf-41d5-11d1-a9c1-0000f80367c1")
	guidPwdLastSet      = secdesc.MustGUID("bf967a0a-0de6-11d0-a285-00aa003049e2")
)

// EnterpriseCA installs an enterprise certification authority the way
// ADCS setup does: the CA host (a member server, added to Cert Publishers
// and — as ANSSI notes — to Pre-Windows 2000 Compatible Access), its
// certificate in Certification Authorities, AIA and NTAuthCertificates,
// its CDP container and CRL object and its enrollment service publishing
// the default templates. The CA computer account gets full control on the
// objects it publishes itself (AIA entry, CDP container and CRL,
// enrollment service); Cert Publishers full control on AIA and CDP.
func (f *Forest) EnterpriseCA(tb interface{ Fatal(...any) }, name, host string) *Obj {
	pks := "CN=Public Key Services,CN=Services," + f.ConfigDN
	comp := f.Computer(host, "Windows Server 2022 Standard")
	ca := comp.SID()
	f.ByRID(517).AddMember(comp)
	f.BySID("S-1-5-32-554").AddMember(comp)
	cert := caCertificate(tb, name, f.Now)
	full := uint32(MaskFull)
	f.ensure("CN=AIA,"+pks, "container").GrantInherited(f.DomainSID(517), full, secdesc.GUID{}, "", false)
	f.ensure("CN=CDP,"+pks, "container").GrantInherited(f.DomainSID(517), full, secdesc.GUID{}, "", false)
	f.ensure("CN=Certification Authorities,"+pks, "container")
	f.ensure("CN=Enrollment Services,"+pks, "container")
	f.ensure("CN=NTAuthCertificates,"+pks, "certificationAuthority").SetBin("cacertificate", cert)
	f.Add("CN="+name+",CN=Certification Authorities,"+pks, "certificationAuthority").SetBin("cacertificate", cert)
	f.Add("CN="+name+",CN=AIA,"+pks, "certificationAuthority").SetBin("cacertificate", cert).Grant(ca, full, secdesc.GUID{})
	f.Add("CN="+host+",CN=CDP,"+pks, "container").Grant(ca, full, secdesc.GUID{})
	f.Add("CN="+name+",CN="+host+",CN=CDP,"+pks, "cRLDistributionPoint").Grant(ca, full, secdesc.GUID{})
	es := f.Add("CN="+name+",CN=Enrollment Services,"+pks, "pKIEnrollmentService")
	es.Set("dnshostname", lower(host)+"."+f.DNS).Grant(ca, full, secdesc.GUID{})
	enroll := uint32(secdesc.RightControlAccess)
	for _, t := range []struct {
		name, eku string
		enrollee  secdesc.SID
		nameFlag  int64
	}{
		{"User", "1.3.6.1.5.5.7.3.2", f.DomainSID(513), 0x82000000},
		{"Machine", "1.3.6.1.5.5.7.3.2", f.DomainSID(515), 0x18000000},
		{"DomainController", "1.3.6.1.5.5.7.3.2", f.DomainSID(516), 0x18000000},
		{"WebServer", "1.3.6.1.5.5.7.3.1", f.DomainSID(512), 1},
	} {
		tpl := f.Add("CN="+t.name+",CN=Certificate Templates,"+pks, "pKICertificateTemplate")
		tpl.SetInt("mspki-certificate-name-flag", t.nameFlag).SetInt("mspki-enrollment-flag", 0).SetInt("mspki-ra-signature", 0)
		tpl.Set("pkiextendedkeyusage", t.eku).Grant(t.enrollee, enroll, secdesc.GUIDCertificateEnrollment)
		es.Set("certificatetemplates", append(es.All("certificatetemplates"), t.name)...)
	}
	return comp
}

// ensure returns the object at dn, creating it with the given class.
func (f *Forest) ensure(dn, class string) *Obj {
	if o := f.Get(dn); o != nil {
		return o
	}
	return f.Add(dn, class)
}

// caCertificate makes a self-signed RSA 2048 / SHA-256 CA certificate.
func caCertificate(tb interface{ Fatal(...any) }, name string, now time.Time) []byte {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(9, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, SignatureAlgorithm: x509.SHA256WithRSA}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// Exchange prepares the domain as Exchange Server 2019 /PrepareAD does,
// with one Exchange server. fixed is the state after the May 2022
// security update and /PrepareAllDomains (shared permissions model): the
// Exchange groups only hold inherit-only rights on user, group and
// inetOrgPerson attributes they manage. Without it, the domain root keeps
// Exchange Windows Permissions' WriteDACL and AdminSDHolder Exchange
// Trusted Subsystem's write on altSecurityIdentities, the two control
// paths ANSSI documents.
func (f *Forest) Exchange(fixed bool) (ewp, ets *Obj) {
	ou := "OU=Microsoft Exchange Security Groups," + f.DomainDN
	f.Add(ou, "organizationalUnit")
	group := func(name string) *Obj {
		g := f.Add("CN="+name+","+ou, "group")
		g.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", name).SetInt("grouptype", -2147483640)
		g.Attrs["member"] = nil
		return g
	}
	ewp = group("Exchange Windows Permissions")
	ets = group("Exchange Trusted Subsystem")
	srvs := group("Exchange Servers")
	org := group("Organization Management")
	exch := f.Computer("EXCH1", "Windows Server 2019 Datacenter")
	srvs.AddMember(exch)
	ets.AddMember(exch)
	ewp.AddMember(ets)
	org.AddMember(f.BySam("Administrator"))
	head := f.Get(f.DomainDN)
	wp := uint32(secdesc.RightWriteProperty)
	for _, class := range []string{"user", "group", "inetOrgPerson", "contact"} {
		for _, attr := range []secdesc.GUID{guidProxyAddresses, guidLegacyExchDN, guidMail} {
			head.GrantInherited(ets.SID(), wp, attr, class, true)
			head.GrantInherited(ewp.SID(), wp, attr, class, true)
		}
	}
	head.GrantInherited(org.SID(), wp, guidProxyAddresses, "user", true)
	if !fixed {
		head.Grant(ewp.SID(), secdesc.RightWriteDACL, secdesc.GUID{})
		head.GrantInherited(ets.SID(), wp, guidPublicInfo, "user", true)
		f.Get("CN=AdminSDHolder,CN=System,"+f.DomainDN).Grant(ets.SID(), wp, guidAltSecurityID)
	}
	return ewp, ets
}

// AzureADConnect adds Azure AD Connect's connector account (MSOL_…) with
// password hash synchronisation (replication rights on the domain root)
// and password writeback (inherit-only reset and write of the lockout and
// password attributes on users). restricted applies what the installer has
// done since 2018 and ANSSI recommends: Set-ADSyncRestrictedPermissions.
func (f *Forest) AzureADConnect(restricted bool) *Obj {
	msol := f.User("MSOL_5a3c0e7d91f2")
	msol.Set("description", "Account created by Microsoft Azure Active Directory Connect with installation identifier 5a3c0e7d91f2")
	msol.AddUAC(0x10000) // the connector account's password never expires
	head := f.Get(f.DomainDN)
	head.Grant(msol.SID(), secdesc.RightControlAccess, secdesc.GUIDGetChanges)
	head.Grant(msol.SID(), secdesc.RightControlAccess, secdesc.GUIDGetChangesAll)
	head.GrantInherited(msol.SID(), secdesc.RightControlAccess, guidResetPassword, "user", true)
	for _, a := range []secdesc.GUID{guidLockoutTime, guidPwdLastSet, guidMsDSConsistency} {
		head.GrantInherited(msol.SID(), secdesc.RightWriteProperty, a, "user", true)
	}
	if restricted {
		msol.RestrictLikeADSync()
	}
	return msol
}

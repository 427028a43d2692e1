package checks

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/secdesc"
)

// failCase breaks one control point on the clean forest.
type failCase struct {
	id     string
	grade  int // the lowest grade expected to fail
	mutate func(f *adtest.Forest)
}

const pks = "CN=Public Key Services,CN=Services,"

func template(f *adtest.Forest, name string, published bool) *adtest.Obj {
	t := f.Add("CN="+name+",CN=Certificate Templates,"+pks+f.ConfigDN, "pKICertificateTemplate")
	if published {
		ca := f.Get("CN=CA1,CN=Enrollment Services," + pks + f.ConfigDN)
		if ca == nil {
			ca = f.Add("CN=CA1,CN=Enrollment Services,"+pks+f.ConfigDN, "pKIEnrollmentService")
		}
		ca.Set("certificatetemplates", append(ca.All("certificatetemplates"), name)...)
	}
	return t
}

func caCert(t *testing.T, bits int) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CA faible"},
		NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func serverIn(f *adtest.Forest, name string) *adtest.Obj {
	return f.Computer(name, "Windows Server 2019 Standard")
}

func failCases(t *testing.T) []failCase {
	day := adtest.Days(1)
	year := 365 * day
	du := func(f *adtest.Forest) secdesc.SID { return f.DomainSID(513) }
	au := secdesc.SID("S-1-5-11")
	otherAttr := secdesc.MustGUID("0296c120-40da-11d1-a9c0-0000f80367c1") // managedBy: sensitive, not directly exploitable
	rodc := func(f *adtest.Forest) *adtest.Obj { return f.RODC("RODC1") }
	return []failCase{
		{"vuln_adcs_control", 1, func(f *adtest.Forest) {
			f.Add("CN=NTAuthCertificates,"+pks+f.ConfigDN, "certificationAuthority").Grant(du(f), adtest.MaskFull, secdesc.GUID{})
		}},
		{"vuln_adcs_template_control", 2, func(f *adtest.Forest) {
			template(f, "Brouillon", false).Grant(au, secdesc.RightWriteProperty, secdesc.GUID{})
		}},
		{"vuln_adcs_template_control", 1, func(f *adtest.Forest) {
			template(f, "Web", true).Grant(du(f), secdesc.RightWriteDACL, secdesc.GUID{})
		}},
		{"vuln_adcs_template_auth_enroll_with_name", 1, func(f *adtest.Forest) {
			tp := template(f, "ESC1", true).SetInt("mspki-certificate-name-flag", 1).SetInt("mspki-enrollment-flag", 0)
			tp.Set("pkiextendedkeyusage", "1.3.6.1.5.5.7.3.2")
			tp.Grant(du(f), secdesc.RightControlAccess, secdesc.GUIDCertificateEnrollment)
		}},
		{"vuln_certificates_vuln", 2, func(f *adtest.Forest) {
			f.Add("CN=CA0,CN=Certification Authorities,"+pks+f.ConfigDN, "certificationAuthority").SetBin("cacertificate", []byte("pas un certificat"))
		}},
		{"vuln_certificates_vuln", 3, func(f *adtest.Forest) {
			f.Add("CN=CA0,CN=Certification Authorities,"+pks+f.ConfigDN, "certificationAuthority").SetBin("cacertificate", caCert(t, 1024))
		}},
		{"vuln_critical_objects", 1, func(f *adtest.Forest) { f.Remove(f.Get("CN=AdminSDHolder,CN=System," + f.DomainDN)) }},
		{"vuln_dc_inconsistent_uac", 1, func(f *adtest.Forest) { f.BySam("DC1$").SetUAC(0x2000) }},
		{"vuln_dc_inconsistent_uac", 1, func(f *adtest.Forest) {
			f.Remove(f.Get("CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites," + f.ConfigDN))
		}},
		{"vuln_dc_obsolete", 1, func(f *adtest.Forest) { f.BySam("DC1$").Set("operatingsystem", "Windows Server 2012 R2 Standard") }},
		{"vuln_delegation_a2d2", 1, func(f *adtest.Forest) { f.User("svc").Set("msds-allowedtodelegateto", "cifs/dc1.lab.test") }},
		{"vuln_delegation_sourcedeleg", 1, func(f *adtest.Forest) {
			sd := &secdesc.SecurityDescriptor{Owner: "S-1-5-32-544", DACL: &secdesc.ACL{ACEs: []secdesc.ACE{
				{Type: secdesc.AceAccessAllowed, Mask: adtest.MaskFull, SID: f.User("web").SID()}}}}
			b, _ := sd.Marshal()
			f.BySam("DC1$").SetBin("msds-allowedtoactonbehalfofotheridentity", b)
		}},
		{"vuln_delegation_t2a4d", 1, func(f *adtest.Forest) {
			f.User("svc").Set("msds-allowedtodelegateto", "ldap/DC1").AddUAC(0x1000000)
		}},
		{"vuln_delegation_t4d", 1, func(f *adtest.Forest) { f.Computer("APP1", "Windows 11").AddUAC(0x80000) }},
		{"vuln_display_specifier", 1, func(f *adtest.Forest) {
			f.Get("CN=user-Display,CN=409,CN=DisplaySpecifiers,"+f.ConfigDN).Set("admincontextmenu", `2,&Outil,\\partage\outils\x.exe`)
		}},
		{"vuln_dnsadmins", 1, func(f *adtest.Forest) { f.BySam("DnsAdmins").AddMember(f.User("tech")) }},
		{"vuln_dnsadmins", 1, func(f *adtest.Forest) {
			f.BySam("DnsAdmins").Grant(du(f), secdesc.RightWriteProperty, secdesc.GUIDMember)
		}},
		{"vuln_dnszone_bad_prop", 1, func(f *adtest.Forest) {
			f.Get("DC=lab.test,CN=MicrosoftDNS,DC=DomainDnsZones,"+f.DomainDN).SetBin("dnsproperty", adtest.DNSProperty(2, []byte{1}))
		}},
		{"vuln_dnszone_bad_prop", 3, func(f *adtest.Forest) {
			f.Add("DC=autre.test,CN=MicrosoftDNS,DC=DomainDnsZones,"+f.DomainDN, "dnsZone").SetBin("dnsproperty", adtest.DNSProperty(2, []byte{1}))
		}},
		{"vuln_dont_expire_priv", 1, func(f *adtest.Forest) { f.BySam("Administrator").AddUAC(0x10000) }},
		{"vuln_dsheuristics_bad", 1, func(f *adtest.Forest) {
			f.Get("CN=Directory Service,CN=Windows NT,CN=Services,"+f.ConfigDN).Set("dsheuristics", "00000001")
		}},
		{"vuln_dsheuristics_bad", 2, func(f *adtest.Forest) {
			f.Get("CN=Directory Service,CN=Windows NT,CN=Services,"+f.ConfigDN).Set("dsheuristics", "0000002001000000000200000001130")
		}},
		{"vuln_dsheuristics_bad", 4, func(f *adtest.Forest) {
			f.Get("CN=Directory Service,CN=Windows NT,CN=Services," + f.ConfigDN).Del("dsheuristics")
		}},
		{"vuln_functional_level", 1, func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("msds-behavior-version", 3) }},
		{"vuln_functional_level", 3, func(f *adtest.Forest) { f.Get("CN=Partitions,"+f.ConfigDN).SetInt("msds-behavior-version", 5) }},
		{"vuln_functional_level", 4, func(f *adtest.Forest) { f.Get("CN=Partitions,"+f.ConfigDN).SetInt("msds-behavior-version", 6) }},
		{"vuln_kerberos_properties_preauth_priv", 1, func(f *adtest.Forest) { f.BySam("Administrator").AddUAC(0x400000) }},
		{"vuln_password_change_dc_no_change", 1, func(f *adtest.Forest) { f.BySam("DC1$").SetAge("pwdlastset", 60*day) }},
		{"vuln_password_change_inactive_dc", 1, func(f *adtest.Forest) { f.BySam("DC1$").SetAge("lastlogontimestamp", 60*day) }},
		{"vuln_password_change_priv", 1, func(f *adtest.Forest) { f.BySam("Administrator").SetAge("pwdlastset", 4*year) }},
		{"vuln_permissions_adminsdholder", 1, func(f *adtest.Forest) {
			f.Get("CN=AdminSDHolder,CN=System,"+f.DomainDN).Grant(du(f), adtest.MaskFull, secdesc.GUID{})
		}},
		{"vuln_permissions_adminsdholder", 2, func(f *adtest.Forest) {
			f.Get("CN=AdminSDHolder,CN=System,"+f.DomainDN).Grant(f.User("helpdesk").SID(), secdesc.RightWriteProperty, otherAttr)
		}},
		{"vuln_permissions_dc", 1, func(f *adtest.Forest) {
			f.BySam("DC1$").Grant(f.User("x").SID(), secdesc.RightWriteDACL, secdesc.GUID{})
		}},
		{"vuln_permissions_dc", 2, func(f *adtest.Forest) { rodc(f).Set("managedby", f.User("gestionnaire").DN) }},
		{"vuln_permissions_dfsr_sysvol", 1, func(f *adtest.Forest) {
			f.Get("CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System,"+f.DomainDN).Grant(au, secdesc.RightGenericWrite, secdesc.GUID{})
		}},
		{"vuln_permissions_dpapi", 1, func(f *adtest.Forest) {
			f.Get("CN=BCKUPKEY_P Secret,CN=System,"+f.DomainDN).Grant(du(f), adtest.MaskFull, secdesc.GUID{})
		}},
		{"vuln_permissions_gmsa_keys", 1, func(f *adtest.Forest) {
			f.Get("CN=11111111-2222-3333-4444-555555555555,CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services," + f.ConfigDN).SetOwner(f.User("x").SID())
		}},
		{"vuln_permissions_naming_context", 1, func(f *adtest.Forest) {
			f.Get(f.DomainDN).Grant(f.User("msol").SID(), secdesc.RightControlAccess, secdesc.GUIDGetChangesAll)
		}},
		{"vuln_permissions_naming_context", 2, func(f *adtest.Forest) {
			f.Get(f.ConfigDN).Grant(f.User("sync").SID(), secdesc.RightControlAccess, secdesc.GUIDGetChanges)
		}},
		{"vuln_permissions_schema", 1, func(f *adtest.Forest) {
			f.Get("CN=Member,"+f.SchemaDN).Grant(du(f), secdesc.RightWriteProperty, secdesc.GUID{})
		}},
		{"vuln_permissions_msdns", 1, func(f *adtest.Forest) {
			dns := f.BySam("DnsAdmins")
			dns.AddMember(f.User("tech"))
			f.Get("CN=MicrosoftDNS,CN=System,"+f.DomainDN).Grant(dns.SID(), adtest.MaskFull, secdesc.GUID{})
		}},
		{"vuln_permissions_msdns", 1, func(f *adtest.Forest) {
			f.Get("CN=MicrosoftDNS,CN=System,"+f.DomainDN).Grant(f.User("x").SID(), secdesc.RightWriteProperty, secdesc.GUID{})
		}},
		{"vuln_permissions_gpo_priv", 1, func(f *adtest.Forest) {
			f.Get("CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,"+f.DomainDN).Grant(f.User("x").SID(), secdesc.RightGenericWrite, secdesc.GUID{})
		}},
		{"vuln_primary_group_id_1000", 1, func(f *adtest.Forest) { f.User("cache").SetInt("primarygroupid", 512) }},
		{"vuln_privileged_members", 1, func(f *adtest.Forest) {
			for i := 0; i < 51; i++ {
				f.Privileged("adm" + string(rune('a'+i/26)) + string(rune('a'+i%26)))
			}
		}},
		{"vuln_privileged_members_perm", 1, func(f *adtest.Forest) {
			f.BySam("Administrator").Grant(f.User("x").SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
		}},
		{"vuln_privileged_members_perm", 2, func(f *adtest.Forest) {
			f.ByRID(512).Grant(f.User("x").SID(), secdesc.RightWriteProperty, otherAttr)
		}},
		{"vuln_privileged_members_perm", 1, func(f *adtest.Forest) {
			// Control of the container of a privileged account whose DACL
			// still inherits (adminCount cleared, SDProp not applied).
			f.Add("OU=Admins,"+f.DomainDN, "organizationalUnit").Grant(du(f), adtest.MaskFull, secdesc.GUID{})
			f.PrivilegedIn("OU=Admins,"+f.DomainDN, "adm").Del("admincount")
		}},
		{"vuln_spn_priv", 1, func(f *adtest.Forest) { f.Privileged("svcadm").Set("serviceprincipalname", "MSSQLSvc/sql1.lab.test") }},
		{"vuln_trusts_domain_notfiltered", 1, func(f *adtest.Forest) {
			f.Add("CN=partenaire.test,CN=System,"+f.DomainDN, "trustedDomain").SetInt("trustdirection", 2).SetInt("trustattributes", 0)
		}},
		{"vuln_trusts_forest_sidhistory", 1, func(f *adtest.Forest) {
			f.Add("CN=autre.test,CN=System,"+f.DomainDN, "trustedDomain").SetInt("trustdirection", 3).SetInt("trustattributes", 0x48)
		}},
		{"vuln_user_accounts_dormant", 1, func(f *adtest.Forest) {
			for _, n := range []string{"ancien1", "ancien2"} {
				f.User(n).SetAge("pwdlastset", 4*year).SetAge("lastlogontimestamp", 2*year)
			}
		}},
		{"vuln_adupdate_bad", 2, func(f *adtest.Forest) {
			f.Get("CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System,"+f.DomainDN).SetInt("revision", 15)
		}},
		{"vuln_compatible_2000_anonymous", 2, func(f *adtest.Forest) {
			f.BySID("S-1-5-32-554").AddMember(f.Get("CN=Anonymous Logon,CN=WellKnown Security Principals," + f.ConfigDN))
		}},
		{"vuln_dc_crypto", 2, func(f *adtest.Forest) { f.BySam("DC1$").SetInt("msds-supportedencryptiontypes", 0x1f) }},
		{"vuln_dc_crypto", 3, func(f *adtest.Forest) { f.BySam("DC1$").Del("msds-supportedencryptiontypes") }},
		{"vuln_dc_crypto", 4, func(f *adtest.Forest) { f.BySam("DC1$").SetInt("msds-supportedencryptiontypes", 0x1c) }},
		{"vuln_dont_expire", 2, func(f *adtest.Forest) { f.User("stagiaire").AddUAC(0x10000) }},
		{"vuln_guest", 2, func(f *adtest.Forest) { f.BySam("Guest").SetUAC(0x220) }},
		{"vuln_kerberos_properties_deskey", 2, func(f *adtest.Forest) { f.User("vieux").AddUAC(0x200000) }},
		{"vuln_kerberos_properties_preauth", 2, func(f *adtest.Forest) { f.User("asrep").AddUAC(0x400000) }},
		{"vuln_krbtgt", 2, func(f *adtest.Forest) { f.BySam("krbtgt").SetAge("pwdlastset", 400*day) }},
		{"vuln_password_change_server_no_change_90", 2, func(f *adtest.Forest) { serverIn(f, "SRV1").SetAge("pwdlastset", 100*day) }},
		{"vuln_password_change_cluster_no_change_3years", 2, func(f *adtest.Forest) {
			serverIn(f, "CLU1").Set("serviceprincipalname", "MSClusterVirtualServer/CLU1").SetAge("pwdlastset", 4*year)
		}},
		{"vuln_password_change_msa_no_change_90", 2, func(f *adtest.Forest) {
			m := f.Add("CN=gmsa1,CN=Managed Service Accounts,"+f.DomainDN, "user", "computer", "msDS-GroupManagedServiceAccount")
			m.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", "gmsa1$").SetUAC(0x1000).SetInt("primarygroupid", 515).SetAge("pwdlastset", 100*day)
		}},
		{"vuln_permissions_gpo_container_priv", 2, func(f *adtest.Forest) {
			f.Add("OU=Admins,"+f.DomainDN, "organizationalUnit").Grant(f.User("x").SID(), secdesc.RightWriteProperty, secdesc.GUIDGPLink)
			f.PrivilegedIn("OU=Admins,"+f.DomainDN, "adm")
		}},
		{"vuln_privileged_members_password", 2, func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("minpwdlength", 5) }},
		{"vuln_privileged_members_password", 2, func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("maxpwdage", -9223372036854775808) }},
		{"vuln_privileged_members_no_admincount", 2, func(f *adtest.Forest) { f.BySam("Administrator").Del("admincount") }},
		{"vuln_rodc_priv_revealed", 2, func(f *adtest.Forest) {
			rodc(f).Set("msds-revealedusers", "B:8:01000000:"+f.BySam("Administrator").DN)
		}},
		{"vuln_sidhistory_dangerous", 2, func(f *adtest.Forest) {
			b, _ := secdesc.SIDBytes("S-1-5-21-9-9-9-512")
			f.User("migre").SetBin("sidhistory", b)
		}},
		{"vuln_sysvol_ntfrs", 2, func(f *adtest.Forest) {
			f.Get("CN=DFSR-GlobalSettings,CN=System,"+f.DomainDN).SetInt("msdfsr-flags", 16)
		}},
		{"vuln_sysvol_ntfrs", 2, func(f *adtest.Forest) {
			f.Add("CN=File Replication Service,CN=System,"+f.DomainDN, "container")
			f.Add("CN=Domain System Volume (SYSVOL share),CN=File Replication Service,CN=System,"+f.DomainDN, "nTFRSReplicaSet")
		}},
		{"vuln_trusts_accounts", 2, func(f *adtest.Forest) {
			f.User("PARTENAIRE$").SetUAC(0x820).SetAge("pwdlastset", 400*day)
		}},
		{"vuln_compatible_2000_not_default", 3, func(f *adtest.Forest) { f.BySID("S-1-5-32-554").AddMember(f.ByRID(513)) }},
		{"vuln_kerberos_properties_encryption", 3, func(f *adtest.Forest) { f.User("svcweb").Set("serviceprincipalname", "HTTP/web.lab.test") }},
		{"vuln_owner", 3, func(f *adtest.Forest) { u := f.User("proprio"); f.User("cible").SetOwner(u.SID()) }},
		{"vuln_password_change_inactive_servers", 3, func(f *adtest.Forest) { serverIn(f, "SRV2").SetAge("lastlogontimestamp", 100*day) }},
		{"vuln_password_change_server_no_change_45", 3, func(f *adtest.Forest) { serverIn(f, "SRV3").SetAge("pwdlastset", 50*day) }},
		{"vuln_primary_group_id_nochange", 3, func(f *adtest.Forest) { f.Computer("PC1", "Windows 11").SetInt("primarygroupid", 513) }},
		{"vuln_protected_users", 3, func(f *adtest.Forest) {
			u := f.User("adm2").SetInt("admincount", 1)
			f.ByRID(512).AddMember(u)
		}},
		{"vuln_reversible_password_priv_uac", 3, func(f *adtest.Forest) { f.BySam("Administrator").AddUAC(0x80) }},
		{"vuln_reversible_password_priv_namingcontext", 3, func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("pwdproperties", 0x11) }},
		{"vuln_rodc_never_reveal", 3, func(f *adtest.Forest) { rodc(f).Del("msds-neverrevealgroup") }},
		{"vuln_rodc_reveal", 3, func(f *adtest.Forest) { rodc(f).Set("msds-revealondemandgroup", f.ByRID(512).DN) }},
		{"vuln_rodc_allowed_group", 3, func(f *adtest.Forest) { f.ByRID(571).AddMember(f.User("agence")) }},
		{"vuln_rodc_denied_group", 3, func(f *adtest.Forest) { f.ByRID(572).Set("member", f.ByRID(512).DN) }},
		{"vuln_rodc_orphan_krbtgt", 3, func(f *adtest.Forest) {
			f.User("krbtgt_99999").SetUAC(0x202).SetInt("msds-secondarykrbtgtnumber", 99999)
		}},
		{"vuln_sd_failed_sd_read_on_priv", 3, func(f *adtest.Forest) { f.BySam("Administrator").SD = nil }},
		{"vuln_sd_failed_sd_read_on_priv", 3, func(f *adtest.Forest) {
			f.AddGap(f.ByRID(512).DN, "ntsecuritydescriptor", "security-descriptor", "accès refusé")
		}},
		{"vuln_sidhistory_present", 3, func(f *adtest.Forest) {
			b, _ := secdesc.SIDBytes("S-1-5-21-9-9-9-1234")
			f.User("migre").SetBin("sidhistory", b)
		}},
		{"vuln_trusts_tgt_deleg", 3, func(f *adtest.Forest) {
			f.Add("CN=partenaire.test,CN=System,"+f.DomainDN, "trustedDomain").SetInt("trustdirection", 1).SetInt("trustattributes", 0x808)
		}},
		{"vuln_group_loop", 4, func(f *adtest.Forest) {
			a, b := f.Group("A"), f.Group("B")
			a.AddMember(b)
			b.AddMember(a)
		}},
		{"vuln_silo_priv", 4, func(f *adtest.Forest) { f.BySam("Administrator").Del("msds-assignedauthnpolicysilo") }},
		{"vuln_silo_priv", 4, func(f *adtest.Forest) {
			f.Get("CN=Tier0,CN=AuthN Silos,CN=AuthN Policy Configuration,CN=Services,"+f.ConfigDN).Set("msds-authnpolicysiloenforced", "FALSE")
		}},
		{"vuln_smartcard_expire_passwords", 4, func(f *adtest.Forest) { f.Get(f.DomainDN).Del("msds-expirepasswordsonsmartcardonlyaccounts") }},
		{"vuln_user_accounts_machineaccountquota", 4, func(f *adtest.Forest) { f.Get(f.DomainDN).SetInt("ms-ds-machineaccountquota", 10) }},
	}
}

// TestEveryControlPointFails breaks each point on the clean forest and
// expects it to fail at the given grade.
func TestEveryControlPointFails(t *testing.T) {
	covered := map[string]bool{}
	for i, fc := range failCases(t) {
		covered[fc.id] = true
		f := adtest.NewForest("lab.test", testNow)
		fc.mutate(f)
		r := evaluate(t, f)[fc.id]
		if r.Status != Failed {
			t.Errorf("case %d %s: status %s (%s), want failed at grade %d", i, fc.id, r.Status, r.Why, fc.grade)
			continue
		}
		if r.Failures[0].Grade != fc.grade {
			t.Errorf("case %d %s: lowest failed grade %d, want %d (%+v)", i, fc.id, r.Failures[0].Grade, fc.grade, r.Failures)
		}
		for _, fl := range r.Failures {
			for _, o := range fl.Objects {
				if o.DN == "" {
					t.Errorf("case %d %s: finding without DN", i, fc.id)
				}
			}
		}
	}
	for _, c := range All() {
		if !covered[c.ID] {
			t.Errorf("%s has no failing test case", c.ID)
		}
	}
}

func TestMSDNSAcceptsEmptyDnsAdmins(t *testing.T) {
	f := adtest.NewForest("lab.test", testNow)
	f.Get("CN=MicrosoftDNS,CN=System,"+f.DomainDN).Grant(f.BySam("DnsAdmins").SID(), adtest.MaskFull, secdesc.GUID{})
	if r := evaluate(t, f)["vuln_permissions_msdns"]; r.Status != Passed {
		t.Fatalf("empty DnsAdmins: %s %+v", r.Status, r.Failures)
	}
}

// TestProtectedDelegationAccepted applies ANSSI's acceptance rule: a
// delegated group protected like AdminSDHolder is extra Tier 0.
func TestProtectedDelegationAccepted(t *testing.T) {
	build := func(protectMember bool) *adtest.Forest {
		f := adtest.NewForest("lab.test", testNow)
		g := f.Group("T0-Helpdesk").Protect()
		m := f.User("hd1")
		if protectMember {
			m.Protect()
		}
		g.AddMember(m)
		f.BySam("Administrator").Grant(g.SID(), secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
		return f
	}
	if r := evaluate(t, build(true))["vuln_privileged_members_perm"]; r.Status != Passed {
		t.Errorf("protected delegation: %s %+v", r.Status, r.Failures)
	}
	if r := evaluate(t, build(false))["vuln_privileged_members_perm"]; r.Status != Failed {
		t.Errorf("unprotected member: %s", r.Status)
	}
}

package adtest

import (
	"encoding/binary"
	"strings"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// baseline fills a clean forest: default containers, well-known groups and
// accounts, one DC, hardened forest settings.
func (f *Forest) baseline() {
	d := f.DomainDN
	head := f.Add(d, "domain", "domainDNS").SetSID(f.SID)
	head.SetInt("msds-behavior-version", 7).SetInt("ms-ds-machineaccountquota", 0)
	head.Set("msds-expirepasswordsonsmartcardonlyaccounts", "TRUE").SetInt("pwdproperties", 1)
	head.SetInt("minpwdlength", 14).SetInt("maxpwdage", -36288000000000)
	for _, c := range []string{"CN=Users", "CN=Computers", "CN=Builtin", "CN=System", "CN=ForeignSecurityPrincipals", "CN=Program Data"} {
		f.Add(c+","+d, "container")
	}
	f.Add("OU=Domain Controllers,"+d, "organizationalUnit")
	ash := f.Add("CN=AdminSDHolder,CN=System,"+d, "container")
	ash.SD.Control |= secdesc.ControlDACLProtected
	f.Add("CN=MicrosoftDNS,CN=System,"+d, "container")
	f.Add("CN=DomainUpdates,CN=System,"+d, "container")
	f.Add("CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System,"+d, "container").SetInt("revision", 16)
	f.Add("CN=DFSR-GlobalSettings,CN=System,"+d, "msDFSR-GlobalSettings").SetInt("msdfsr-flags", 48)
	f.Add("CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System,"+d, "msDFSR-ReplicationGroup")
	f.Add("CN=BCKUPKEY_P Secret,CN=System,"+d, "leaf", "secret")
	f.Add("CN=Policies,CN=System,"+d, "container")
	gpo := f.Add("CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,"+d, "container", "groupPolicyContainer")
	gpo.Set("displayname", "Default Domain Policy")
	head.Set("gplink", "[LDAP://"+gpo.DN+";0]")

	// Configuration partition.
	c := f.ConfigDN
	f.Add(c, "configuration")
	f.Add("CN=Partitions,"+c, "crossRefContainer").SetInt("msds-behavior-version", 7)
	netbios := strings.ToUpper(strings.Split(f.DNS, ".")[0])
	f.Add("CN="+netbios+",CN=Partitions,"+c, "crossRef").Set("ncname", d).Set("dnsroot", f.DNS).
		Set("netbiosname", netbios).SetInt("systemflags", 3)
	f.Add("CN=Services,"+c, "container")
	f.Add("CN=Windows NT,CN=Services,"+c, "container")
	f.Add("CN=Directory Service,CN=Windows NT,CN=Services,"+c, "nTDSService").Set("dsheuristics", "0000000001000000000200000001130")
	f.Add("CN=Group Key Distribution Service,CN=Services,"+c, "container")
	f.Add("CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,"+c, "container")
	f.Add("CN=11111111-2222-3333-4444-555555555555,CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,"+c, "msKds-ProvRootKey")
	f.Add("CN=Public Key Services,CN=Services,"+c, "container")
	f.Add("CN=Certificate Templates,CN=Public Key Services,CN=Services,"+c, "container")
	f.Add("CN=Enrollment Services,CN=Public Key Services,CN=Services,"+c, "container")
	f.Add("CN=AuthN Policy Configuration,CN=Services,"+c, "container")
	f.Add("CN=AuthN Silos,CN=AuthN Policy Configuration,CN=Services,"+c, "msDS-AuthNPolicySilos")
	f.Add(f.siloDN(), "msDS-AuthNPolicySilo").Set("msds-authnpolicysiloenforced", "TRUE")
	f.Add("CN=DisplaySpecifiers,"+c, "container")
	f.Add("CN=409,CN=DisplaySpecifiers,"+c, "container")
	f.Add("CN=user-Display,CN=409,CN=DisplaySpecifiers,"+c, "displaySpecifier").
		Set("admincontextmenu", `1,&Inventaire,\\`+f.DNS+`\SYSVOL\`+f.DNS+`\scripts\inventaire.vbs`)
	f.Add("CN=Sites,"+c, "sitesContainer")
	f.Add("CN=Default-First-Site-Name,CN=Sites,"+c, "site")
	f.Add("CN=Servers,CN=Default-First-Site-Name,CN=Sites,"+c, "serversContainer")
	f.Add("CN=WellKnown Security Principals,"+c, "container")
	f.Add("CN=Authenticated Users,CN=WellKnown Security Principals,"+c, "foreignSecurityPrincipal").SetSID("S-1-5-11")
	f.Add("CN=Anonymous Logon,CN=WellKnown Security Principals,"+c, "foreignSecurityPrincipal").SetSID("S-1-5-7")

	// Schema partition and DNS partitions.
	f.Add(f.SchemaDN, "dMD")
	f.Add("CN=Member,"+f.SchemaDN, "attributeSchema").Set("ldapdisplayname", "member").
		SetBin("schemaidguid", guidBytes(secdesc.GUIDMember))
	for _, p := range []string{"DC=DomainDnsZones,", "DC=ForestDnsZones,"} {
		f.Add(p+d, "domainDNS")
		f.Add("CN=MicrosoftDNS,"+p+d, "container")
	}
	f.Add("DC="+f.DNS+",CN=MicrosoftDNS,DC=DomainDnsZones,"+d, "dnsZone").SetBin("dnsproperty", DNSProperty(0x02, []byte{2}))
	f.Add("DC=_msdcs."+f.DNS+",CN=MicrosoftDNS,DC=ForestDnsZones,"+d, "dnsZone").SetBin("dnsproperty", DNSProperty(0x02, []byte{2}))

	// Well-known groups.
	admins := f.Builtin("Administrators", 544)
	for _, b := range []struct {
		name string
		rid  uint32
	}{{"Account Operators", 548}, {"Server Operators", 549}, {"Print Operators", 550}, {"Backup Operators", 551}, {"Replicator", 552}} {
		f.Builtin(b.name, b.rid)
	}
	pre := f.Builtin("Pre-Windows 2000 Compatible Access", 554)
	pre.AddMember(f.FSP("S-1-5-11"))
	groups := map[uint32]string{498: "Enterprise Read-only Domain Controllers", 512: "Domain Admins", 513: "Domain Users",
		514: "Domain Guests", 515: "Domain Computers", 516: "Domain Controllers", 517: "Cert Publishers", 518: "Schema Admins",
		519: "Enterprise Admins", 520: "Group Policy Creator Owners", 521: "Read-only Domain Controllers", 525: "Protected Users",
		526: "Key Admins", 527: "Enterprise Key Admins", 571: "Allowed RODC Password Replication Group",
		572: "Denied RODC Password Replication Group"}
	for _, rid := range []uint32{498, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 525, 526, 527, 571, 572} {
		f.GroupRID(groups[rid], rid)
	}
	f.GroupRID("DnsAdmins", 1101).Set("description", "DNS Administrators Group")

	adm := f.UserRID("Administrator", 500).SetInt("admincount", 1).Set("msds-assignedauthnpolicysilo", f.siloDN())
	f.UserRID("Guest", 501).SetUAC(0x222).SetInt("primarygroupid", 514)
	krb := f.UserRID("krbtgt", 502).SetUAC(0x202).SetInt("admincount", 1).SetAge("pwdlastset", days(30))
	krb.Set("serviceprincipalname", "kadmin/changepw")
	f.ByRID(512).AddMember(adm)
	f.ByRID(519).AddMember(adm)
	f.ByRID(518).AddMember(adm)
	f.ByRID(525).AddMember(adm)
	admins.AddMember(adm, f.ByRID(512), f.ByRID(519))
	f.ByRID(572).AddMember(f.ByRID(516), f.ByRID(521), f.ByRID(520), f.ByRID(512), f.ByRID(517), f.ByRID(519), f.ByRID(518), krb)
	// The groups AdminSDHolder protects (SDProp sets adminCount and
	// copies AdminSDHolder's descriptor), as on Windows Server 2016+.
	for _, g := range []uint32{512, 516, 518, 519, 521, 526, 527} {
		f.ByRID(g).SetInt("admincount", 1)
	}
	admins.SetInt("admincount", 1)
	for _, rid := range []uint32{548, 549, 550, 551, 552} {
		f.BySID(secdesc.SID("S-1-5-32").WithRID(rid)).SetInt("admincount", 1)
	}
	f.DC("DC1")
	f.CollectedBy(adm)
}

// CollectedBy records in the root DSE the account the snapshot was
// collected with: its tokenGroups (its groups, recursively) as the DC
// returns them. nil records an unknown account (no tokenGroups).
func (f *Forest) CollectedBy(account *Obj) *Obj {
	root := f.Get(snapshot.RootDSEDN)
	if root == nil {
		root = &Obj{Object: &snapshot.Object{DN: snapshot.RootDSEDN}, f: f}
		f.objs = append([]*Obj{root}, f.objs...)
		f.byDN[strings.ToLower(snapshot.RootDSEDN)] = root
	}
	root.Set("defaultnamingcontext", f.DomainDN).Set("dnshostname", "dc1."+f.DNS)
	root.Del("tokengroups")
	if account == nil {
		return root
	}
	var sids [][]byte
	seen := map[string]bool{}
	var walk func(dn string)
	walk = func(dn string) {
		for _, g := range f.objs {
			for _, m := range g.All("member") {
				if strings.EqualFold(m, dn) && !seen[g.DN] {
					seen[g.DN] = true
					if b := g.Binary("objectsid"); b != nil {
						sids = append(sids, b)
					}
					walk(g.DN)
				}
			}
		}
	}
	walk(account.DN)
	if pg, ok := account.Int("primarygroupid"); ok {
		if g := f.ByRID(uint32(pg)); g != nil {
			sids = append(sids, g.Binary("objectsid"))
		}
	}
	root.SetBin("tokengroups", sids...)
	return root
}

// DNSProperty encodes one dNSProperty value (MS-DNSP 2.3.2.1).
func DNSProperty(id uint32, data []byte) []byte {
	b := make([]byte, 20, 21+len(data))
	binary.LittleEndian.PutUint32(b[0:], uint32(len(data)))
	binary.LittleEndian.PutUint32(b[4:], 1)
	binary.LittleEndian.PutUint32(b[12:], 1)
	binary.LittleEndian.PutUint32(b[16:], id)
	b = append(b, data...)
	return append(b, 0)
}

func guidBytes(g secdesc.GUID) []byte { return g[:] }

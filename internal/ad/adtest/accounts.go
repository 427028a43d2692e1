package adtest

import (
	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// User adds an enabled user in CN=Users with a fresh password and logon.
func (f *Forest) User(sam string) *Obj {
	return f.UserRID(sam, f.NextRID())
}

// UserRID adds a user with a chosen RID.
func (f *Forest) UserRID(sam string, rid uint32) *Obj {
	return f.userAt("CN=Users,"+f.DomainDN, sam, rid)
}

// UserIn adds an enabled user in the given container or OU.
func (f *Forest) UserIn(parentDN, sam string) *Obj {
	return f.userAt(parentDN, sam, f.NextRID())
}

func (f *Forest) userAt(parentDN, sam string, rid uint32) *Obj {
	o := f.Add("CN="+sam+","+parentDN, "person", "organizationalPerson", "user")
	o.SetSID(f.DomainSID(rid)).Set("samaccountname", sam).SetUAC(0x200).SetInt("primarygroupid", 513)
	o.SetAge("pwdlastset", days(10)).SetAge("lastlogontimestamp", days(1))
	return o
}

// Computer adds an enabled workstation in CN=Computers.
func (f *Forest) Computer(name, os string) *Obj {
	o := f.Add("CN="+name+",CN=Computers,"+f.DomainDN, "person", "organizationalPerson", "user", "computer")
	o.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", name+"$").SetUAC(0x1000).SetInt("primarygroupid", 515)
	o.Set("operatingsystem", os).Set("dnshostname", lower(name)+"."+f.DNS)
	o.SetAge("pwdlastset", days(10)).SetAge("lastlogontimestamp", days(1))
	o.SetInt("msds-supportedencryptiontypes", 0x18)
	return o
}

// DC adds a writable domain controller with its Configuration server and
// NTDS Settings objects.
func (f *Forest) DC(name string) *Obj {
	o := f.Add("CN="+name+",OU=Domain Controllers,"+f.DomainDN, "person", "organizationalPerson", "user", "computer")
	o.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", name+"$").SetUAC(0x82000).SetInt("primarygroupid", 516)
	o.Set("operatingsystem", "Windows Server 2022 Datacenter").Set("dnshostname", lower(name)+"."+f.DNS)
	o.Set("serviceprincipalname", "ldap/"+lower(name)+"."+f.DNS, "HOST/"+lower(name)+"."+f.DNS)
	o.SetAge("pwdlastset", days(5)).SetAge("lastlogontimestamp", days(1))
	o.SetInt("msds-supportedencryptiontypes", 0x18)
	srv := f.Add("CN="+name+",CN=Servers,CN=Default-First-Site-Name,CN=Sites,"+f.ConfigDN, "server")
	srv.Set("serverreference", o.DN)
	f.Add("CN=NTDS Settings,"+srv.DN, "applicationSettings", "nTDSDSA").SetInt("msds-behavior-version", 7)
	return o
}

// RODC adds a read-only domain controller with its krbtgt_NNNNN account.
func (f *Forest) RODC(name string) *Obj {
	o := f.Add("CN="+name+",OU=Domain Controllers,"+f.DomainDN, "person", "organizationalPerson", "user", "computer")
	o.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", name+"$").SetUAC(0x5001000).SetInt("primarygroupid", 521)
	o.Set("operatingsystem", "Windows Server 2022 Standard").Set("dnshostname", lower(name)+"."+f.DNS)
	o.SetAge("pwdlastset", days(5)).SetAge("lastlogontimestamp", days(1))
	o.SetInt("msds-supportedencryptiontypes", 0x18)
	deny := []string{string(f.DomainSID(572)), "S-1-5-32-544", "S-1-5-32-549", "S-1-5-32-548", "S-1-5-32-551"}
	var denyDN []string
	for _, s := range deny {
		if g := f.BySID(secdesc.SID(s)); g != nil {
			denyDN = append(denyDN, g.DN)
		}
	}
	o.Set("msds-neverrevealgroup", denyDN...)
	o.Set("msds-revealondemandgroup", f.ByRID(571).DN)
	krb := f.UserRID("krbtgt_"+name, f.NextRID()).SetUAC(0x202)
	krb.SetInt("msds-secondarykrbtgtnumber", 12345)
	o.Set("msds-krbtgtlink", krb.DN)
	o.Set("managedby", f.ByRID(512).DN)
	srv := f.Add("CN="+name+",CN=Servers,CN=Default-First-Site-Name,CN=Sites,"+f.ConfigDN, "server")
	srv.Set("serverreference", o.DN)
	f.Add("CN=NTDS Settings,"+srv.DN, "applicationSettings", "nTDSDSA").SetInt("msds-behavior-version", 7).Set("msds-isrodc", "TRUE")
	return o
}

// Group adds a global security group in CN=Users.
func (f *Forest) Group(name string) *Obj {
	return f.GroupRID(name, f.NextRID())
}

// GroupRID adds a group with a chosen domain RID.
func (f *Forest) GroupRID(name string, rid uint32) *Obj {
	o := f.Add("CN="+name+",CN=Users,"+f.DomainDN, "group")
	o.SetSID(f.DomainSID(rid)).Set("samaccountname", name).SetInt("grouptype", -2147483646)
	o.Attrs["member"] = nil
	return o
}

// Builtin adds a BUILTIN group (SID S-1-5-32-rid).
func (f *Forest) Builtin(name string, rid uint32) *Obj {
	o := f.Add("CN="+name+",CN=Builtin,"+f.DomainDN, "group")
	o.SetSID(secdesc.SID("S-1-5-32").WithRID(rid)).Set("samaccountname", name).SetInt("grouptype", -2147483643)
	o.Attrs["member"] = nil
	return o
}

// FSP returns the foreign security principal for a SID, creating it.
func (f *Forest) FSP(s secdesc.SID) *Obj {
	dn := "CN=" + string(s) + ",CN=ForeignSecurityPrincipals," + f.DomainDN
	if o := f.Get(dn); o != nil {
		return o
	}
	return f.Add(dn, "foreignSecurityPrincipal").SetSID(s)
}

// Privileged makes a new enabled user that is a member of Domain Admins,
// compliant with every privileged-account control point.
func (f *Forest) Privileged(sam string) *Obj {
	return f.PrivilegedIn("CN=Users,"+f.DomainDN, sam)
}

// PrivilegedIn is Privileged with the account placed in parentDN.
func (f *Forest) PrivilegedIn(parentDN, sam string) *Obj {
	u := f.UserIn(parentDN, sam).SetInt("admincount", 1)
	u.Set("msds-assignedauthnpolicysilo", f.siloDN())
	f.ByRID(512).AddMember(u)
	f.ByRID(525).AddMember(u)
	return u
}

func (f *Forest) siloDN() string {
	return "CN=Tier0,CN=AuthN Silos,CN=AuthN Policy Configuration,CN=Services," + f.ConfigDN
}

// NotCollected makes the snapshot say an attribute was not collected: it
// leaves the header's attribute list and every object.
func (f *Forest) NotCollected(attr string) {
	attr = lower(attr)
	var kept []string
	for _, a := range f.Header.Attributes {
		if a != attr {
			kept = append(kept, a)
		}
	}
	f.Header.Attributes = kept
	for _, o := range f.objs {
		o.Del(attr)
	}
}

// AddGap records a collection gap.
func (f *Forest) AddGap(dn, attribute, scope, why string) {
	f.Gaps = append(f.Gaps, snapshot.Gap{DN: dn, Attribute: attribute, Scope: scope, Why: why})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

package e2e

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/adlab"
)

// Weaknesses seeded by the tests (prefix vte_: Vigie test end-to-end).
const (
	spnAdmin    = "vte_spn_admin"    // privileged account with an SPN (kerberoastable)
	asrepUser   = "vte_asrep"        // DONT_REQ_PREAUTH
	noexpAdmin  = "vte_noexp_admin"  // domain admin whose password never expires
	helpdesk    = "vte_helpdesk"     // plain user given full control on AdminSDHolder
	unconHost   = "VTE-UNCON"        // computer with unconstrained delegation
	bigGroup    = "vte_big"          // group with more members than one LDAP value slice
	aceFullCtrl = uint32(0x000F01FF) // full control on a directory object
)

// sdFlags returns the SD_FLAGS control asking for the given parts.
func sdFlags(parts byte) ldap.Control {
	return ldap.NewControlString("1.2.840.113556.1.4.801", true, string([]byte{0x30, 0x03, 0x02, 0x01, parts}))
}

func quotedUTF16(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return string(b)
}

type seeded struct {
	adminSDHolderDACL []byte // to restore
	helpdeskSID       []byte
}

func usersDN(l *adlab.Lab) string { return "CN=Users," + l.Get("LAB_AD_BASE_DN") }

// seedWeaknesses writes the known weaknesses into the lab DC.
func seedWeaknesses(t *testing.T, l *adlab.Lab) *seeded {
	t.Helper()
	c := adminConn(t, l)
	unseedWeaknesses(t, l, nil) // a previous interrupted run may have left some
	base, users := l.Get("LAB_AD_BASE_DN"), usersDN(l)
	pw := quotedUTF16("Vte!Passw0rd#2026")
	addUser := func(cn string, uac int, extra map[string][]string) {
		r := ldap.NewAddRequest(fmt.Sprintf("CN=%s,%s", cn, users), nil)
		r.Attribute("objectClass", []string{"user"})
		r.Attribute("sAMAccountName", []string{cn})
		r.Attribute("unicodePwd", []string{pw})
		r.Attribute("userAccountControl", []string{fmt.Sprint(uac)})
		for k, v := range extra {
			r.Attribute(k, v)
		}
		if err := c.Add(r); err != nil {
			t.Fatalf("seed %s: %v", cn, err)
		}
	}
	addUser(spnAdmin, 512, map[string][]string{"servicePrincipalName": {"MSSQLSvc/vte-sql.lab.test:1433"}, "adminCount": {"1"}})
	addUser(asrepUser, 0x200|0x400000, nil)
	addUser(noexpAdmin, 0x200|0x10000, map[string][]string{"adminCount": {"1"}})
	addUser(helpdesk, 512, nil)
	comp := ldap.NewAddRequest(fmt.Sprintf("CN=%s,CN=Computers,%s", unconHost, base), nil)
	comp.Attribute("objectClass", []string{"computer"})
	comp.Attribute("sAMAccountName", []string{unconHost + "$"})
	comp.Attribute("userAccountControl", []string{fmt.Sprint(0x1000 | 0x80000)})
	comp.Attribute("operatingSystem", []string{"Windows Server 2008 R2 Standard"})
	if err := c.Add(comp); err != nil {
		t.Fatalf("seed computer: %v", err)
	}
	modify := func(dn string, f func(*ldap.ModifyRequest), controls ...ldap.Control) {
		m := ldap.NewModifyRequest(dn, controls)
		f(m)
		if err := c.Modify(m); err != nil {
			t.Fatalf("seed modify %s: %v", dn, err)
		}
	}
	modify("CN=Domain Admins,"+users, func(m *ldap.ModifyRequest) {
		m.Add("member", []string{"CN=" + spnAdmin + "," + users, "CN=" + noexpAdmin + "," + users})
	})
	modify("CN=Pre-Windows 2000 Compatible Access,CN=Builtin,"+base, func(m *ldap.ModifyRequest) {
		m.Add("member", []string{"<SID=S-1-5-7>"})
	})
	modify("CN=Guest,"+users, func(m *ldap.ModifyRequest) { m.Replace("userAccountControl", []string{"66080"}) })

	// a group above the 1,500-value slice, members from « samba-ad-dc.sh bulk »
	g := ldap.NewAddRequest(fmt.Sprintf("CN=%s,%s", bigGroup, users), nil)
	g.Attribute("objectClass", []string{"group"})
	g.Attribute("sAMAccountName", []string{bigGroup})
	var members []string
	for i := 0; i < bigGroupMembers; i++ {
		members = append(members, fmt.Sprintf("CN=vigiebulk%06d,OU=VigieBulk%d,%s", i, i/1000, base))
	}
	g.Attribute("member", members)
	if err := c.Add(g); err != nil {
		t.Fatalf("seed big group: %v", err)
	}

	// full control for a helpdesk account on AdminSDHolder
	s := &seeded{}
	res, err := c.Search(ldap.NewSearchRequest("CN="+helpdesk+","+users, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read helpdesk SID: %v", err)
	}
	s.helpdeskSID = res.Entries[0].GetRawAttributeValue("objectSid")
	holder := "CN=AdminSDHolder,CN=System," + base
	s.adminSDHolderDACL = readDACL(t, c, holder)
	newDACL := appendAllowACE(t, s.adminSDHolderDACL, aceFullCtrl, s.helpdeskSID)
	modify(holder, func(m *ldap.ModifyRequest) { m.Replace("nTSecurityDescriptor", []string{string(sdWithDACL(newDACL))}) }, sdFlags(4))
	return s
}

// unseedWeaknesses removes them again; s may be nil (only deletions then).
func unseedWeaknesses(t *testing.T, l *adlab.Lab, s *seeded) {
	t.Helper()
	c := adminConn(t, l)
	base, users := l.Get("LAB_AD_BASE_DN"), usersDN(l)
	ignore := func(err error, codes ...uint16) {
		t.Helper()
		if err != nil && !ldap.IsErrorAnyOf(err, codes...) {
			t.Fatalf("unseed: %v", err)
		}
	}
	for _, dn := range []string{
		"CN=" + spnAdmin + "," + users, "CN=" + asrepUser + "," + users, "CN=" + noexpAdmin + "," + users,
		"CN=" + helpdesk + "," + users, "CN=" + bigGroup + "," + users, "CN=" + unconHost + ",CN=Computers," + base,
	} {
		ignore(c.Del(ldap.NewDelRequest(dn, nil)), ldap.LDAPResultNoSuchObject)
	}
	m := ldap.NewModifyRequest("CN=Pre-Windows 2000 Compatible Access,CN=Builtin,"+base, nil)
	m.Delete("member", []string{"<SID=S-1-5-7>"})
	ignore(c.Modify(m), ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUnwillingToPerform)
	m = ldap.NewModifyRequest("CN=Guest,"+users, nil)
	m.Replace("userAccountControl", []string{"66082"})
	ignore(c.Modify(m))
	if s != nil {
		m = ldap.NewModifyRequest("CN=AdminSDHolder,CN=System,"+base, []ldap.Control{sdFlags(4)})
		m.Replace("nTSecurityDescriptor", []string{string(sdWithDACL(s.adminSDHolderDACL))})
		ignore(c.Modify(m))
	}
}

// readDACL returns the raw ACL of an object's DACL.
func readDACL(t *testing.T, c *ldap.Conn, dn string) []byte {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"nTSecurityDescriptor"}, []ldap.Control{sdFlags(4)}))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read SD of %s: %v", dn, err)
	}
	acl, err := daclOf(res.Entries[0].GetRawAttributeValue("nTSecurityDescriptor"))
	if err != nil {
		t.Fatalf("SD of %s: %v", dn, err)
	}
	return acl
}

// daclOf extracts the DACL of a self-relative security descriptor (MS-DTYP 2.4.6).
func daclOf(sd []byte) ([]byte, error) {
	if len(sd) < 20 {
		return nil, errors.New("descripteur trop court")
	}
	off := binary.LittleEndian.Uint32(sd[16:20])
	if off == 0 || int(off)+8 > len(sd) {
		return nil, errors.New("pas de DACL")
	}
	size := int(binary.LittleEndian.Uint16(sd[off+2:]))
	if int(off)+size > len(sd) {
		return nil, errors.New("DACL tronquée")
	}
	return append([]byte(nil), sd[off:int(off)+size]...), nil
}

// appendAllowACE adds an ACCESS_ALLOWED_ACE at the end of an ACL.
func appendAllowACE(t *testing.T, acl []byte, mask uint32, sid []byte) []byte {
	t.Helper()
	ace := make([]byte, 8, 8+len(sid))
	ace[0], ace[1] = 0x00, 0x00
	binary.LittleEndian.PutUint16(ace[2:], uint16(8+len(sid)))
	binary.LittleEndian.PutUint32(ace[4:], mask)
	ace = append(ace, sid...)
	out := append(append([]byte(nil), acl...), ace...)
	binary.LittleEndian.PutUint16(out[2:], uint16(len(out)))
	binary.LittleEndian.PutUint16(out[4:], binary.LittleEndian.Uint16(acl[4:])+1)
	return out
}

// sdWithDACL builds a self-relative SD holding only a DACL (written with SD_FLAGS=4).
func sdWithDACL(acl []byte) []byte {
	sd := make([]byte, 20, 20+len(acl))
	sd[0] = 1
	binary.LittleEndian.PutUint16(sd[2:], 0x8004) // SE_SELF_RELATIVE | SE_DACL_PRESENT
	binary.LittleEndian.PutUint32(sd[16:], 20)
	return append(sd, acl...)
}

// hasACE reports whether an SD holds an ACE with this mask for this SID.
func hasACE(sd []byte, mask uint32, sid []byte) bool {
	needle := binary.LittleEndian.AppendUint32(nil, mask)
	needle = append(needle, sid...)
	return strings.Contains(string(sd), string(needle))
}

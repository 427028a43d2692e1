// Package adtest builds small and large Active Directory snapshots for tests
// and benchmarks: a clean single-domain forest that passes every ANSSI
// control point, with helpers to add accounts, groups and ACEs that break
// one point at a time, and a synthetic-forest generator for load tests.
package adtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// Forest is a snapshot under construction.
type Forest struct {
	Header    snapshot.Header
	DomainDN  string
	DNS       string
	SID       secdesc.SID
	ConfigDN  string
	SchemaDN  string
	Now       time.Time
	Gaps      []snapshot.Gap
	objs      []*Obj
	byDN      map[string]*Obj
	nextRID   uint32
	noSDs     bool
	defaultSD func(*Obj) *secdesc.SecurityDescriptor
}

// Obj is one object under construction with its security descriptor.
type Obj struct {
	*snapshot.Object
	// SD is the object's explicit descriptor: its class (or provisioned)
	// default plus what the test granted. Save adds the ACEs inherited
	// from the parent, as Active Directory does, and for adminCount=1
	// objects replaces it with AdminSDHolder's (SDProp). nil writes none.
	SD *secdesc.SecurityDescriptor
	f  *Forest
	// grants are the ACEs tests added, kept through SDProp.
	grants []secdesc.ACE
	// ownerSet: the test chose the owner, SDProp keeps it.
	ownerSet bool
	// noSDProp: keep the explicit descriptor of an adminCount=1 object.
	noSDProp bool
}

// Standard read and full-control masks used by default descriptors.
const (
	MaskRead = secdesc.RightReadProperty | secdesc.RightListChildren | secdesc.RightListObject | secdesc.RightReadControl
	MaskFull = secdesc.RightFullControl
)

// NewForest returns a clean single-domain forest (domain dns, e.g.
// "lab.test") collected at now, built to pass every control point.
func NewForest(dns string, now time.Time) *Forest {
	dn := "DC=" + strings.ReplaceAll(dns, ".", ",DC=")
	f := &Forest{
		DomainDN: dn, DNS: dns, SID: "S-1-5-21-1000-2000-3000", Now: now.UTC(),
		ConfigDN: "CN=Configuration," + dn, SchemaDN: "CN=Schema,CN=Configuration," + dn,
		byDN: map[string]*Obj{}, nextRID: 1200,
	}
	f.Header = snapshot.Header{Forest: dns, Source: "ldap", Server: "dc1." + dns, CollectedAt: f.Now,
		NamingContexts: []snapshot.NamingContext{
			{DN: dn, Kind: "domain", Domain: dns},
			{DN: f.ConfigDN, Kind: "configuration"},
			{DN: f.SchemaDN, Kind: "schema"},
			{DN: "DC=DomainDnsZones," + dn, Kind: "dns-domain", Domain: dns},
			{DN: "DC=ForestDnsZones," + dn, Kind: "dns-forest"},
		},
		Attributes: ldapcollect.CollectedAttributes()}
	f.baseline()
	return f
}

// DomainSID returns the SID of a RID in the forest's domain.
func (f *Forest) DomainSID(rid uint32) secdesc.SID { return f.SID.WithRID(rid) }

// DefaultSD builds a minimal descriptor (owner Domain Admins, full control
// for SYSTEM and Domain Admins, read for Authenticated Users), used by the
// synthetic bulk generator. Fixture objects get realistic defaults instead
// (see defaultDescriptor).
func (f *Forest) DefaultSD() *secdesc.SecurityDescriptor {
	return &secdesc.SecurityDescriptor{
		Owner: f.DomainSID(512), Group: f.DomainSID(512),
		DACL: &secdesc.ACL{ACEs: []secdesc.ACE{
			{Type: secdesc.AceAccessAllowed, Mask: MaskFull, SID: "S-1-5-18"},
			{Type: secdesc.AceAccessAllowed, Mask: MaskFull, SID: f.DomainSID(512)},
			{Type: secdesc.AceAccessAllowed, Mask: MaskRead, SID: "S-1-5-11"},
			{Type: secdesc.AceAccessAllowedObject, Mask: secdesc.RightControlAccess, SID: "S-1-1-0",
				HasObjectType: true, ObjectType: secdesc.MustGUID("ab721a53-1e2f-11d0-9819-00aa0040529b")},
		}},
	}
}

// WithoutSDs makes Write omit every security descriptor (a collection
// without SD_FLAGS).
func (f *Forest) WithoutSDs() { f.noSDs = true }

// Add creates an object with the given classes (objectClass "top" implied).
func (f *Forest) Add(dn string, classes ...string) *Obj {
	o := &Obj{Object: &snapshot.Object{DN: dn}, f: f, SD: f.defaultDescriptor(dn, classes)}
	o.SetText("objectclass", append([]string{"top"}, classes...)...)
	o.SetText("whencreated", f.Now.AddDate(-2, 0, 0).Format("20060102150405.0Z"))
	if cn, _, ok := strings.Cut(dn, ","); ok {
		if _, v, ok := strings.Cut(cn, "="); ok {
			o.SetText("cn", v)
			o.SetText("name", v)
		}
	}
	f.objs = append(f.objs, o)
	f.byDN[strings.ToLower(dn)] = o
	return o
}

// Get returns an object by DN (any case), or nil.
func (f *Forest) Get(dn string) *Obj { return f.byDN[strings.ToLower(dn)] }

// BySam returns the object with that sAMAccountName, or nil.
func (f *Forest) BySam(sam string) *Obj {
	for _, o := range f.objs {
		if strings.EqualFold(o.Get("samaccountname"), sam) {
			return o
		}
	}
	return nil
}

// ByRID returns the domain object with that RID, or nil.
func (f *Forest) ByRID(rid uint32) *Obj { return f.BySID(f.DomainSID(rid)) }

// BySID returns the object with that objectSid, or nil.
func (f *Forest) BySID(s secdesc.SID) *Obj {
	for _, o := range f.objs {
		if b := o.Binary("objectsid"); b != nil {
			if got, err := secdesc.SIDFromBytes(b); err == nil && got == s {
				return o
			}
		}
	}
	return nil
}

// Remove deletes an object from the snapshot.
func (f *Forest) Remove(o *Obj) {
	for i, x := range f.objs {
		if x == o {
			f.objs = append(f.objs[:i], f.objs[i+1:]...)
			break
		}
	}
	delete(f.byDN, strings.ToLower(o.DN))
}

// Objects returns the objects in insertion order.
func (f *Forest) Objects() []*Obj { return f.objs }

// NextRID allocates a RID.
func (f *Forest) NextRID() uint32 { f.nextRID++; return f.nextRID }

// SetSID sets objectSid.
func (o *Obj) SetSID(s secdesc.SID) *Obj {
	b, err := secdesc.SIDBytes(string(s))
	if err != nil {
		panic(fmt.Sprintf("adtest: bad SID %q", s)) // test-construction bug
	}
	if o.Bin == nil {
		o.Bin = map[string][][]byte{}
	}
	o.Bin["objectsid"] = [][]byte{b}
	return o
}

// SID returns the object's SID, or "".
func (o *Obj) SID() secdesc.SID {
	s, _ := secdesc.SIDFromBytes(o.Binary("objectsid"))
	return s
}

// Set replaces text values of an attribute.
func (o *Obj) Set(attr string, values ...string) *Obj { o.SetText(attr, values...); return o }

// SetInt sets an integer attribute.
func (o *Obj) SetInt(attr string, v int64) *Obj { return o.Set(attr, strconv.FormatInt(v, 10)) }

// SetBin replaces binary values of an attribute.
func (o *Obj) SetBin(attr string, values ...[]byte) *Obj {
	if o.Bin == nil {
		o.Bin = map[string][][]byte{}
	}
	o.Bin[strings.ToLower(attr)] = values
	return o
}

// Del removes an attribute.
func (o *Obj) Del(attr string) *Obj {
	delete(o.Attrs, strings.ToLower(attr))
	delete(o.Bin, strings.ToLower(attr))
	return o
}

// SetAge sets a FILETIME attribute (pwdLastSet, lastLogonTimestamp) to
// "age" before the collection date.
func (o *Obj) SetAge(attr string, age time.Duration) *Obj {
	return o.SetInt(attr, FileTime(o.f.Now.Add(-age)))
}

// SetCreated sets whenCreated to "age" before the collection date.
func (o *Obj) SetCreated(age time.Duration) *Obj {
	return o.Set("whencreated", o.f.Now.Add(-age).Format("20060102150405.0Z"))
}

// UAC returns userAccountControl.
func (o *Obj) UAC() uint32 {
	v, _ := o.Int("useraccountcontrol")
	return uint32(v)
}

// SetUAC sets userAccountControl.
func (o *Obj) SetUAC(v uint32) *Obj { return o.SetInt("useraccountcontrol", int64(v)) }

// AddUAC sets bits in userAccountControl.
func (o *Obj) AddUAC(bits uint32) *Obj { return o.SetUAC(o.UAC() | bits) }

// Grant adds an allow ACE for trustee; objectType may be the zero GUID.
func (o *Obj) Grant(trustee secdesc.SID, mask uint32, objectType secdesc.GUID) *Obj {
	if o.SD == nil {
		o.SD = o.f.DefaultSD()
	}
	a := secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: mask, SID: trustee}
	if !objectType.IsZero() {
		a.Type, a.HasObjectType, a.ObjectType = secdesc.AceAccessAllowedObject, true, objectType
	}
	return o.AddACE(a)
}

// GrantInherited adds an allow ACE that children inherit (container
// inherit), restricted to children of class childClass when not empty, and
// inherit-only when inheritOnly: what the delegation wizard and dsacl write.
func (o *Obj) GrantInherited(trustee secdesc.SID, mask uint32, objectType secdesc.GUID, childClass string, inheritOnly bool) *Obj {
	a := secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: mask, SID: trustee, Flags: secdesc.FlagContainerInherit}
	if inheritOnly {
		a.Flags |= secdesc.FlagInheritOnly
	}
	if !objectType.IsZero() {
		a.Type, a.HasObjectType, a.ObjectType = secdesc.AceAccessAllowedObject, true, objectType
	}
	if childClass != "" {
		a.Type, a.HasInheritedObjectType, a.InheritedObjectType = secdesc.AceAccessAllowedObject, true, ClassGUID(childClass)
	}
	return o.AddACE(a)
}

// AddACE appends an ACE to the explicit DACL (kept through SDProp).
func (o *Obj) AddACE(a secdesc.ACE) *Obj {
	if o.SD == nil {
		o.SD = o.f.defaultDescriptor(o.DN, o.All("objectclass"))
	}
	o.SD.DACL.ACEs = append(o.SD.DACL.ACEs, a)
	o.grants = append(o.grants, a)
	return o
}

// Protect sets SE_DACL_PROTECTED and replaces the explicit DACL with
// AdminSDHolder's (plus what was granted): what Set-ADSyncRestrictedPermissions
// or SDProp leave on an object.
func (o *Obj) Protect() *Obj {
	o.noSDProp = true
	ash := o.f.Get("CN=AdminSDHolder,CN=System," + o.f.DomainDN)
	if o.SD == nil || ash == nil || ash.SD == nil {
		return o
	}
	o.SD.Control |= secdesc.ControlDACLProtected
	o.SD.DACL.ACEs = append(append([]secdesc.ACE(nil), ash.SD.DACL.ACEs...), o.grants...)
	return o
}

// RestrictLikeADSync applies what Azure AD Connect's
// Set-ADSyncRestrictedPermissions writes on its connector account:
// inheritance off; full control for SYSTEM, Enterprise Admins, Domain
// Admins and Administrators; read for Enterprise Domain Controllers and
// Authenticated Users.
func (o *Obj) RestrictLikeADSync() *Obj {
	o.noSDProp = true
	f := o.f
	full := MaskFull
	read := MaskRead
	o.SD = &secdesc.SecurityDescriptor{Owner: f.DomainSID(512), Group: f.DomainSID(512), Control: secdesc.ControlDACLProtected,
		DACL: &secdesc.ACL{ACEs: []secdesc.ACE{
			{Type: secdesc.AceAccessAllowed, Mask: full, SID: "S-1-5-18"},
			{Type: secdesc.AceAccessAllowed, Mask: full, SID: f.DomainSID(519)},
			{Type: secdesc.AceAccessAllowed, Mask: full, SID: f.DomainSID(512)},
			{Type: secdesc.AceAccessAllowed, Mask: full, SID: "S-1-5-32-544"},
			{Type: secdesc.AceAccessAllowed, Mask: read, SID: "S-1-5-9"},
			{Type: secdesc.AceAccessAllowed, Mask: read, SID: "S-1-5-11"},
		}}}
	o.grants = nil
	return o
}

// SetOwner changes the descriptor's owner.
func (o *Obj) SetOwner(s secdesc.SID) *Obj {
	if o.SD == nil {
		o.SD = o.f.defaultDescriptor(o.DN, o.All("objectclass"))
	}
	o.SD.Owner = s
	o.ownerSet = true
	return o
}

// AddMember appends members (by DN) to a group.
func (o *Obj) AddMember(members ...*Obj) *Obj {
	for _, m := range members {
		o.Attrs["member"] = append(o.Attrs["member"], m.DN)
	}
	return o
}

// FileTime converts a time to a Windows FILETIME.
func FileTime(t time.Time) int64 { return t.UnixNano()/100 + 116444736000000000 }

// days is a helper for durations in days.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// Days returns n days as a duration.
func Days(n int) time.Duration { return days(n) }

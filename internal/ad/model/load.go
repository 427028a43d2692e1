package model

import (
	"fmt"
	"runtime"
	"strings"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// rawACE is an allow ACE kept between streaming and classification (the
// schema, needed to name attribute GUIDs, may come late in the stream).
type rawACE struct {
	trustee   secdesc.SID
	mask      uint32
	object    secdesc.GUID
	hasObject bool
	inherited bool
}

// writeMask are the access bits that can give control; ACEs without any of
// them are read-only and dropped at once.
const writeMask = secdesc.RightGenericAll | secdesc.RightGenericWrite | secdesc.RightWriteDACL |
	secdesc.RightWriteOwner | secdesc.RightWriteProperty | secdesc.RightSelf | secdesc.RightControlAccess |
	secdesc.RightCreateChild | secdesc.RightDelete | secdesc.RightDeleteTree

// alwaysTier0 are trustees that are Tier 0 (or benign) in every forest:
// their ACEs are dropped while loading to keep the model small.
var alwaysTier0 = map[secdesc.SID]bool{
	"S-1-5-18":     true, // SYSTEM
	"S-1-5-9":      true, // Enterprise Domain Controllers
	"S-1-5-10":     true, // SELF
	"S-1-3-0":      true, // CREATOR OWNER
	"S-1-5-32-544": true, // Administrators
}

// unusedAttrs are bulky attributes no control point reads: the snapshot
// reader leaves them out to keep large directories in memory (AttrSeen
// still reports them: the reader counts them before dropping them).
var unusedAttrs = map[string]bool{
	"memberof": true, "distinguishedname": true, "objectguid": true, "usncreated": true, "usnchanged": true,
	"objectcategory": true, "instancetype": true, "dscorepropagationdata": true,
	"showinadvancedviewonly": true, "codepage": true, "countrycode": true, "badpwdcount": true,
	"badpasswordtime": true, "logoncount": true, "lastlogoff": true, "lastlogon": true,
	"replpropertymetadata": true, "thumbnailphoto": true, "jpegphoto": true, "usercertificate": true,
	"displayname": true, "givenname": true, "sn": true, "userprincipalname": true, "mail": true,
	"proxyaddresses": true, "msexchmailboxsecuritydescriptor": true, "msds-cached-membership": true,
	"terminalserver": true, "mstsexpiredate": true, "mstslicenseversion": true,
}

// Load reads a whole snapshot into a Directory. Objects are streamed; each
// security descriptor is parsed on the fly and replaced by its compact form.
func Load(r *snapshot.Reader) (*Directory, error) {
	d := &Directory{
		Header:  r.Header,
		byKey:   make(map[string]*Object, 1024),
		byClass: map[string][]*Object{},
		bySID:   make(map[secdesc.SID]*Object, 1024),
		attrs:   defaultAttrRights(),
	}
	l := &loader{d: d, intern: map[secdesc.SID]secdesc.SID{}, sds: map[string]*reducedSD{}, classes: map[string]string{}}
	names := make([]string, 0, len(unusedAttrs))
	for k := range unusedAttrs {
		names = append(names, k)
	}
	r.DropAttributes(names...)
	// Decoding runs on worker goroutines, model building on this one.
	err := r.Stream(runtime.GOMAXPROCS(0), func(so *snapshot.Object, gap *snapshot.Gap) error {
		if gap != nil {
			d.Gaps = append(d.Gaps, *gap)
			return nil
		}
		l.load(so)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.seen = r.AttributesSeen()
	d.finish(l.pending)
	return d, nil
}

// loader holds the state of one Load: interned SIDs, ACEs waiting for the
// schema, and descriptors already reduced, by content (most objects of a
// directory share their descriptor with many others: AD itself stores
// each distinct descriptor once).
type loader struct {
	d       *Directory
	parser  secdesc.Parser
	intern  map[secdesc.SID]secdesc.SID
	pending []*reducedSD // descriptors with ACEs to classify once the schema is read
	sds     map[string]*reducedSD
	sdBytes int
	classes map[string]string // objectClass value → lower case
}

// maxSDCache bounds the bytes of descriptors kept as keys of loader.sds.
const maxSDCache = 16 << 20

// reducedSD is what the model keeps of a security descriptor.
type reducedSD struct {
	err       string
	owner     secdesc.SID
	protected bool
	aces      []ACE    // classified allow ACEs
	raw       []rawACE // ACEs to classify once the schema is read
	objects   []int32  // with raw: the objects carrying this descriptor
	notes     SDNote   // facts only the ANSSI warnings read
	denyRead  []secdesc.SID
}

// load indexes one object and reduces its security descriptor.
func (l *loader) load(so *snapshot.Object) {
	o := l.add(so)
	b := so.Binary("ntsecuritydescriptor")
	if b == nil {
		return
	}
	r := l.sds[string(b)]
	if r == nil {
		r = l.reduce(b)
		if l.sdBytes+len(b) <= maxSDCache {
			l.sds[string(b)] = r
			l.sdBytes += len(b)
		}
	}
	if r.err != "" {
		o.SDError = r.err
	} else {
		o.SDRead = true
		l.d.SDCount++
		o.Owner = r.owner
		o.Protected = r.protected
		o.SDNotes = r.notes
		if len(r.denyRead) > 0 {
			if l.d.denyRead == nil {
				l.d.denyRead = map[int32][]secdesc.SID{}
			}
			l.d.denyRead[o.Index] = r.denyRead
		}
		// Shared between objects: the capacity bound makes any append copy.
		o.ACEs = r.aces[:len(r.aces):len(r.aces)]
		if len(r.raw) > 0 {
			if len(r.objects) == 0 {
				l.pending = append(l.pending, r)
			}
			r.objects = append(r.objects, o.Index)
		}
	}
	so.Delete("ntsecuritydescriptor")
}

// reduce parses a descriptor and keeps the ACEs that can give control.
func (l *loader) reduce(b []byte) *reducedSD {
	sd, err := l.parser.Parse(b)
	if err != nil {
		return &reducedSD{err: err.Error()}
	}
	r := &reducedSD{owner: internSID(l.intern, sd.Owner), protected: sd.Protected()}
	if sd.DACL == nil {
		// A present-but-null DACL grants everything to everyone.
		r.raw = []rawACE{{trustee: "S-1-1-0", mask: secdesc.RightGenericAll}}
		return r
	}
	attrs := l.d.attrs
	for i := range sd.DACL.ACEs {
		a := &sd.DACL.ACEs[i]
		l.note(r, a)
		if !a.IsAllow() || a.InheritOnly() || a.Mask&writeMask == 0 || alwaysTier0[a.SID] {
			continue
		}
		// Attribute GUIDs the built-in table does not know may be
		// named by the schema, read later: keep those raw.
		if a.HasObjectType && a.Mask&(secdesc.RightWriteProperty|secdesc.RightSelf) != 0 {
			if _, known := attrs[a.ObjectType]; !known {
				r.raw = append(r.raw, rawACE{trustee: internSID(l.intern, a.SID), mask: a.Mask,
					object: a.ObjectType, hasObject: true, inherited: a.Inherited()})
				continue
			}
		}
		if c := classify(a, attrs); c != 0 {
			r.aces = append(r.aces, ACE{Trustee: internSID(l.intern, a.SID), Rights: c, Inherited: a.Inherited()})
		}
	}
	return r
}

func internSID(m map[secdesc.SID]secdesc.SID, s secdesc.SID) secdesc.SID {
	if s == "" {
		return ""
	}
	if v, ok := m[s]; ok {
		return v
	}
	m[s] = s
	return s
}

// add indexes one object.
func (l *loader) add(so *snapshot.Object) *Object {
	d := l.d
	o := &Object{Object: so, Index: int32(len(d.Objects)), Key: NormDN(so.DN)}
	// Object SIDs are mostly unique: only a repeated one is interned
	// (through bySID, see below).
	if b := so.Binary("objectsid"); b != nil {
		if s, err := secdesc.SIDFromBytes(b); err == nil {
			o.SID = s
		}
	} else if t := so.Get("objectsid"); strings.HasPrefix(t, "S-") {
		if s, err := secdesc.ParseSID(t); err == nil {
			o.SID = s
		}
	}
	if v, ok := so.Int("useraccountcontrol"); ok {
		o.UAC, o.HasUAC = uint32(v), true
	}
	if v, ok := so.Int("primarygroupid"); ok {
		o.PrimaryGroupID = uint32(v)
	}
	d.Objects = append(d.Objects, o)
	for _, c := range so.All("objectclass") {
		lc, ok := l.classes[c]
		if !ok {
			lc = strings.ToLower(c)
			l.classes[c] = lc
		}
		if lc != "top" {
			d.byClass[lc] = append(d.byClass[lc], o)
			o.kind |= kindOfClass(lc)
		}
	}
	switch {
	case o.IsDC():
		d.DCs = append(d.DCs, o)
	case o.IsRODC():
		d.RODCs = append(d.RODCs, o)
	}
	if o.IsAccount() {
		d.Accounts = append(d.Accounts, o)
	}
	if o.IsGroup() {
		d.Groups = append(d.Groups, o)
	}
	if _, dup := d.byKey[o.Key]; !dup {
		d.byKey[o.Key] = o
	}
	if o.SID != "" {
		if first := d.bySID[o.SID]; first != nil {
			o.SID = first.SID
		} else {
			d.bySID[o.SID] = o
		}
	}
	return o
}

// finish resolves domains, classifies ACEs and builds the indexes.
func (d *Directory) finish(pending []*reducedSD) {
	for _, nc := range d.Header.NamingContexts {
		if nc.Kind == "domain" {
			d.addDomain(nc.DN, nc.Domain)
		}
	}
	if len(d.Domains) == 0 {
		for _, o := range d.OfClass("domainDNS") {
			d.addDomain(o.DN, "")
		}
	}
	// Assign each object to the longest matching domain DN, unless a
	// longer non-domain partition (DNS zones under the domain DN) holds it.
	var other []string
	for _, nc := range d.Header.NamingContexts {
		if nc.Kind != "domain" {
			other = append(other, NormDN(nc.DN))
		}
	}
	for _, o := range d.Objects {
		var best *Domain
		for _, dom := range d.Domains {
			if KeyWithin(o.Key, dom.Key) && (best == nil || len(dom.Key) > len(best.Key)) {
				best = dom
			}
		}
		for _, k := range other {
			if best != nil && len(k) > len(best.Key) && KeyWithin(o.Key, k) {
				best = nil
				break
			}
		}
		o.Domain = best
	}
	attrs := d.schemaRights()
	d.attrs = attrs
	for _, sd := range pending {
		aces := sd.aces[:len(sd.aces):len(sd.aces)]
		for i := range sd.raw {
			ra := &sd.raw[i]
			a := secdesc.ACE{Mask: ra.mask, ObjectType: ra.object, HasObjectType: ra.hasObject}
			if r := classify(&a, attrs); r != 0 {
				aces = append(aces, ACE{Trustee: ra.trustee, Rights: r, Inherited: ra.inherited})
			}
		}
		for _, idx := range sd.objects {
			d.Objects[idx].ACEs = aces[:len(aces):len(aces)]
		}
	}
	d.groups = buildGroups(d)
	d.priv = buildPrivileged(d)
}

func (d *Directory) addDomain(dn, dns string) {
	key := NormDN(dn)
	for _, x := range d.Domains {
		if x.Key == key {
			return
		}
	}
	if dns == "" {
		dns = dnsFromDN(key)
	}
	dom := &Domain{DN: dn, Key: key, DNS: dns}
	if h := d.byKey[key]; h != nil {
		dom.Head = h
		dom.SID = h.SID
	}
	d.Domains = append(d.Domains, dom)
}

// dnsFromDN turns "dc=lab,dc=test" into "lab.test".
func dnsFromDN(key string) string {
	var parts []string
	for _, p := range strings.Split(key, ",") {
		if strings.HasPrefix(p, "dc=") {
			parts = append(parts, p[3:])
		}
	}
	return strings.Join(parts, ".")
}

// schemaRights extends the built-in GUID table with the schema: every
// attribute the snapshot's schema names gets the control right writing it
// gives (exploitableAttrs, sensitiveAttrs) or none (a harmless attribute:
// mail, proxyAddresses, telephone…), and every property set the union of
// its members' rights. A GUID the schema does not name stays "write of an
// unknown property" (potentially dangerous).
func (d *Directory) schemaRights() attrRight {
	m := defaultAttrRights()
	builtin := defaultAttrRights()
	sets := map[secdesc.GUID]Right{}
	for _, o := range d.OfClass("attributeSchema") {
		name := strings.ToLower(o.Get("ldapdisplayname"))
		r := exploitableAttrs[name]
		if r == 0 && (sensitiveAttrs[name] || hasSensitivePrefix(name)) {
			r = RWriteProp
		}
		if g, err := secdesc.GUIDFromBytes(o.Binary("schemaidguid")); err == nil {
			if _, ok := builtin[g]; !ok {
				m[g] = r
			}
		}
		if ps, err := secdesc.GUIDFromBytes(o.Binary("attributesecurityguid")); err == nil {
			sets[ps] |= r
		}
	}
	for ps, r := range sets {
		m[ps] |= r
	}
	return m
}

// exploitableAttrs are attributes whose write gives control of the object
// (ANSSI's directly exploitable control paths).
var exploitableAttrs = map[string]Right{
	"member": RWriteMember, "serviceprincipalname": RWriteSPN, "gplink": RWriteGPLink,
	"msds-keycredentiallink": RWriteKeyCred, "msds-allowedtoactonbehalfofotheridentity": RWriteRBCD,
	"scriptpath": RWriteScript, "profilepath": RWriteScript, "gpcfilesyspath": RWriteScript,
	"altsecurityidentities": RWriteKeyCred, "useraccountcontrol": RWriteScript, "msds-allowedtodelegateto": RWriteRBCD,
	"sidhistory": RWriteScript, "defaultsecuritydescriptor": RWriteScript, "mspki-certificate-name-flag": RWriteScript,
	"mspki-enrollment-flag": RWriteScript, "pkiextendedkeyusage": RWriteScript, "mspki-ra-signature": RWriteScript,
	"mspki-certificate-application-policy": RWriteScript, "cacertificate": RWriteScript, "certificatetemplates": RWriteScript,
}

// sensitiveAttrs are attributes whose write is potentially dangerous
// (grade 2): identity spoofing (sAMAccountName, UPN, DNS host name),
// delegation and managed accounts, domain and password policies,
// replication and RODC settings, GPO settings, dSHeuristics, DNS data,
// console commands.
var sensitiveAttrs = map[string]bool{
	"samaccountname": true, "userprincipalname": true, "dnshostname": true, "msds-additionaldnshostname": true,
	"managedby": true, "msds-hostserviceaccount": true, "msds-groupmsamembership": true, "primarygroupid": true,
	"msds-supportedencryptiontypes": true, "userpassword": true, "unicodepwd": true, "dsheuristics": true,
	"ms-ds-machineaccountquota": true, "pwdproperties": true, "minpwdlength": true, "minpwdage": true, "maxpwdage": true,
	"pwdhistorylength": true, "lockoutthreshold": true, "msds-behavior-version": true, "fsmoroleowner": true,
	"gpoptions": true, "gpcmachineextensionnames": true, "gpcuserextensionnames": true, "versionnumber": true,
	"flags": true, "gpcwqlfilter": true, "admincount": true, "msds-revealondemandgroup": true,
	"msds-neverrevealgroup": true, "msds-krbtgtlink": true, "serverreference": true, "dnsrecord": true,
	"dnsproperty": true, "msds-expirepasswordsonsmartcardonlyaccounts": true, "msds-psoappliesto": true,
	"msds-passwordsettingsprecedence": true, "objectclass": true, "admincontextmenu": true, "shellcontextmenu": true,
	"contextmenu": true, "adminpropertypages": true, "shellpropertypages": true, "msds-assignedauthnpolicysilo": true,
	"msds-authnpolicysiloenforced": true, "msds-authnpolicysilomembers": true,
}

func hasSensitivePrefix(name string) bool {
	for _, p := range []string{"msdfsr-", "mskds-", "msds-minimum", "msds-maximum", "msds-lockout", "msds-password"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Stats summarises the model for progress messages and tests.
func (d *Directory) Stats() string {
	return fmt.Sprintf("%d objets, %d domaines, %d descripteurs lus, %d lacunes", len(d.Objects), len(d.Domains), d.SDCount, len(d.Gaps))
}

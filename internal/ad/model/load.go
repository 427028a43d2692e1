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

// unusedAttrs are bulky attributes no control point reads: they are
// dropped at load time to keep large directories in memory (AttrSeen still
// reports them: it is filled before they are dropped).
var unusedAttrs = map[string]bool{
	"memberof": true, "distinguishedname": true, "objectguid": true, "usncreated": true, "usnchanged": true,
	"objectcategory": true, "instancetype": true, "dscorepropagationdata": true,
	"showinadvancedviewonly": true, "codepage": true, "countrycode": true, "badpwdcount": true,
	"badpasswordtime": true, "logoncount": true, "lastlogoff": true, "lastlogon": true, "accountexpires": true,
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
		seen:    map[string]bool{},
		attrs:   defaultAttrRights(),
	}
	intern := map[secdesc.SID]secdesc.SID{}
	raws := map[int32][]rawACE{}
	var parser secdesc.Parser
	// JSON decoding runs on worker goroutines, model building on this one.
	err := r.Stream(runtime.GOMAXPROCS(0), func(so *snapshot.Object, gap *snapshot.Gap) error {
		if gap != nil {
			d.Gaps = append(d.Gaps, *gap)
			return nil
		}
		d.load(so, &parser, intern, raws)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.finish(raws)
	return d, nil
}

// load indexes one object and reduces its security descriptor.
func (d *Directory) load(so *snapshot.Object, parser *secdesc.Parser, intern map[secdesc.SID]secdesc.SID, raws map[int32][]rawACE) {
	o := d.add(so, intern)
	if b := so.Binary("ntsecuritydescriptor"); b != nil {
		sd, err := parser.Parse(b)
		if err != nil {
			o.SDError = err.Error()
		} else {
			o.SDRead = true
			d.SDCount++
			o.Owner = internSID(intern, sd.Owner)
			o.Protected = sd.Protected()
			if sd.DACL != nil {
				var kept []rawACE
				for i := range sd.DACL.ACEs {
					a := &sd.DACL.ACEs[i]
					if !a.IsAllow() || a.InheritOnly() || a.Mask&writeMask == 0 || alwaysTier0[a.SID] {
						continue
					}
					// Attribute GUIDs the built-in table does not know may be
					// named by the schema, read later: keep those raw.
					if a.HasObjectType && a.Mask&(secdesc.RightWriteProperty|secdesc.RightSelf) != 0 {
						if _, known := d.attrs[a.ObjectType]; !known {
							kept = append(kept, rawACE{trustee: internSID(intern, a.SID), mask: a.Mask,
								object: a.ObjectType, hasObject: true, inherited: a.Inherited()})
							continue
						}
					}
					if r := classify(a, d.attrs); r != 0 {
						o.ACEs = append(o.ACEs, ACE{Trustee: internSID(intern, a.SID), Rights: r, Inherited: a.Inherited()})
					}
				}
				if len(kept) > 0 {
					raws[o.Index] = kept
				}
			} else {
				// A present-but-null DACL grants everything to everyone.
				raws[o.Index] = []rawACE{{trustee: "S-1-1-0", mask: secdesc.RightGenericAll}}
			}
		}
		delete(so.Bin, "ntsecuritydescriptor")
	}
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
func (d *Directory) add(so *snapshot.Object, intern map[secdesc.SID]secdesc.SID) *Object {
	o := &Object{Object: so, Index: int32(len(d.Objects)), Key: NormDN(so.DN)}
	for k := range so.Attrs {
		if !d.seen[k] {
			d.seen[k] = true
		}
		if unusedAttrs[k] {
			delete(so.Attrs, k)
		}
	}
	for k := range so.Bin {
		if !d.seen[k] {
			d.seen[k] = true
		}
		if unusedAttrs[k] {
			delete(so.Bin, k)
		}
	}
	if b := so.Binary("objectsid"); b != nil {
		if s, err := secdesc.SIDFromBytes(b); err == nil {
			o.SID = internSID(intern, s)
		}
	} else if t := so.Get("objectsid"); strings.HasPrefix(t, "S-") {
		if s, err := secdesc.ParseSID(t); err == nil {
			o.SID = internSID(intern, s)
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
		lc := strings.ToLower(c)
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
		if _, dup := d.bySID[o.SID]; !dup {
			d.bySID[o.SID] = o
		}
	}
	return o
}

// finish resolves domains, classifies ACEs and builds the indexes.
func (d *Directory) finish(raws map[int32][]rawACE) {
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
			if (o.Key == dom.Key || strings.HasSuffix(o.Key, ","+dom.Key)) && (best == nil || len(dom.Key) > len(best.Key)) {
				best = dom
			}
		}
		for _, k := range other {
			if best != nil && len(k) > len(best.Key) && (o.Key == k || strings.HasSuffix(o.Key, ","+k)) {
				best = nil
				break
			}
		}
		o.Domain = best
	}
	attrs := d.schemaRights()
	d.attrs = attrs
	for idx, list := range raws {
		o := d.Objects[idx]
		for i := range list {
			ra := &list[i]
			a := secdesc.ACE{Mask: ra.mask, ObjectType: ra.object, HasObjectType: ra.hasObject}
			if r := classify(&a, attrs); r != 0 {
				o.ACEs = append(o.ACEs, ACE{Trustee: ra.trustee, Rights: r, Inherited: ra.inherited})
			}
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

// Package model builds the directory model the ANSSI checks run on: objects
// indexed by DN and SID, domains, recursive group membership, the privileged
// set and Tier 0 as ANSSI defines them, and a control graph drawn from the
// security descriptors. It is built once from a streamed snapshot.
package model

import (
	"strings"
	"time"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// Object is one directory entry with the facts the checks use precomputed.
// The raw attributes stay reachable through the embedded snapshot object;
// the security descriptor bytes are dropped once parsed.
type Object struct {
	*snapshot.Object
	// Index is the object's position in Directory.Objects.
	Index int32
	// Key is the normalised DN (lower case, no spaces around separators).
	Key string
	// SID is the objectSid, empty when the object is not a principal.
	SID secdesc.SID
	// Domain is the domain partition the object belongs to (nil for
	// Configuration, Schema and DNS partitions).
	Domain *Domain
	// UAC is userAccountControl (0 when absent; HasUAC tells).
	UAC    uint32
	HasUAC bool
	// PrimaryGroupID is primaryGroupID, 0 when absent.
	PrimaryGroupID uint32
	// SDRead reports whether a security descriptor was collected and parsed.
	SDRead bool
	// SDError is the parse error of a descriptor that could not be read.
	SDError string
	// Owner is the owner SID from the descriptor.
	Owner secdesc.SID
	// Protected reports SE_DACL_PROTECTED (inheritance blocked).
	Protected bool
	kind      kind
	// SDNotes flags facts of the descriptor that only the ANSSI warnings
	// and informations read (see SDNote).
	SDNotes SDNote
	// ACEs are the allow ACEs of the DACL that apply to the object itself,
	// kept in compact form (see ACE); read-only rights are not kept.
	ACEs []ACE
}

// ACE is a compact, classified allow ACE kept on its object.
type ACE struct {
	Trustee secdesc.SID
	Rights  Right
	// Inherited reports whether the ACE came from a parent.
	Inherited bool
}

// Domain is one domain of the forest.
type Domain struct {
	DN   string
	Key  string
	DNS  string
	SID  secdesc.SID
	Head *Object
}

// Directory is the whole model.
type Directory struct {
	Header  snapshot.Header
	Objects []*Object
	Domains []*Domain
	Gaps    []snapshot.Gap

	byKey map[string]*Object
	bySID map[secdesc.SID]*Object

	// seen records every attribute name present on at least one object.
	seen map[string]bool
	// collected indexes Header.Attributes (built on first use).
	collected map[string]bool
	// SDCount is the number of objects with a parsed security descriptor.
	SDCount int

	// Accounts lists users, computers and managed service accounts;
	// Groups lists groups; DCs lists writable DCs and RODCs read-only ones.
	Accounts []*Object
	Groups   []*Object
	DCs      []*Object
	RODCs    []*Object

	byClass   map[string][]*Object
	denyRead  map[int32][]secdesc.SID
	delegates map[secdesc.SID]bool
	attrs     attrRight
	groups    *groupIndex
	priv      *privileged
}

// AttrSeen reports whether an attribute (lower case) is present on at least
// one object, so that checks can tell "never set" from "never collected".
func (d *Directory) AttrSeen(name string) bool { return d.seen[name] }

// OfClass returns the objects having an objectClass (any case), in
// snapshot order. It is indexed: prefer it to scanning Objects.
func (d *Directory) OfClass(class string) []*Object { return d.byClass[strings.ToLower(class)] }

// NormDN normalises a DN for lookups: lower case, no spaces after commas.
func NormDN(dn string) string {
	dn = strings.ToLower(strings.TrimSpace(dn))
	if strings.IndexByte(dn, ' ') >= 0 && (strings.Contains(dn, ", ") || strings.Contains(dn, " ,") || strings.Contains(dn, "= ")) {
		parts := strings.Split(dn, ",")
		for i, p := range parts {
			kv := strings.SplitN(p, "=", 2)
			for j := range kv {
				kv[j] = strings.TrimSpace(kv[j])
			}
			parts[i] = strings.Join(kv, "=")
		}
		dn = strings.Join(parts, ",")
	}
	return dn
}

// ParentKey returns the normalised DN of the parent, or "".
func ParentKey(key string) string {
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case '\\':
			i++
		case ',':
			return key[i+1:]
		}
	}
	return ""
}

// KeyWithin reports whether the normalised DN key equals the normalised
// DN parent or lies under it, without allocating.
func KeyWithin(key, parent string) bool {
	if len(key) == len(parent) {
		return key == parent
	}
	return len(key) > len(parent) && key[len(key)-len(parent)-1] == ',' && strings.HasSuffix(key, parent)
}

// ByDN finds an object by DN (any case), or nil.
func (d *Directory) ByDN(dn string) *Object {
	// Fast path without allocation: a short ASCII DN without spaces is
	// normalised by lower-casing it in a stack buffer.
	var buf [256]byte
	if len(dn) > len(buf) {
		return d.byKey[NormDN(dn)]
	}
	for i := 0; i < len(dn); i++ {
		c := dn[i]
		switch {
		case c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return d.byKey[NormDN(dn)]
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return d.byKey[string(buf[:len(dn)])]
}

// BySID finds the object carrying a SID, or nil.
func (d *Directory) BySID(s secdesc.SID) *Object { return d.bySID[s] }

// Parent returns the parent object, or nil.
func (d *Directory) Parent(o *Object) *Object { return d.byKey[ParentKey(o.Key)] }

// Sam returns sAMAccountName.
func (o *Object) Sam() string { return o.Get("samaccountname") }

// RID returns the RID of the object's SID.
func (o *Object) RID() uint32 {
	r, _ := o.SID.RID()
	return r
}

// Enabled reports whether the account is not disabled.
func (o *Object) Enabled() bool { return o.UAC&UACAccountDisable == 0 }

// kind caches the object classes the checks test most.
type kind uint8

const (
	kUser kind = 1 << iota
	kComputer
	kGroup
	kMSA
	kGMSA
)

// kindOfClass maps a lower-case objectClass to its kind bits.
func kindOfClass(c string) kind {
	switch c {
	case "user":
		return kUser
	case "computer":
		return kComputer
	case "group":
		return kGroup
	case "msds-managedserviceaccount", "msds-delegatedmanagedserviceaccount":
		return kMSA
	case "msds-groupmanagedserviceaccount":
		return kMSA | kGMSA
	}
	return 0
}

// IsUser reports a user account (not a computer, not a managed service account).
func (o *Object) IsUser() bool { return o.kind&kUser != 0 && o.kind&(kComputer|kMSA) == 0 }

// IsComputer reports a computer account (managed service accounts excluded).
func (o *Object) IsComputer() bool { return o.kind&kComputer != 0 && o.kind&kMSA == 0 }

// IsMSA reports a standalone, group or delegated managed service account.
func (o *Object) IsMSA() bool { return o.kind&kMSA != 0 }

// IsGMSA reports a group managed service account.
func (o *Object) IsGMSA() bool { return o.kind&kGMSA != 0 }

// IsAccount reports any security principal that can authenticate.
func (o *Object) IsAccount() bool { return o.kind&(kUser|kComputer|kMSA) != 0 }

// IsGroup reports a group.
func (o *Object) IsGroup() bool { return o.kind&kGroup != 0 }

// IsDC reports a writable domain controller (primaryGroupID 516).
func (o *Object) IsDC() bool { return o.kind&kComputer != 0 && o.PrimaryGroupID == 516 }

// IsRODC reports a read-only domain controller (primaryGroupID 521).
func (o *Object) IsRODC() bool { return o.kind&kComputer != 0 && o.PrimaryGroupID == 521 }

// IsServer reports an enabled computer that is not a DC and runs a server OS.
func (o *Object) IsServer() bool {
	return o.IsComputer() && o.Enabled() && !o.IsDC() && !o.IsRODC() &&
		strings.Contains(strings.ToLower(o.Get("operatingsystem")), "server")
}

// Time reads a date attribute: FILETIME integers (pwdLastSet,
// lastLogonTimestamp), LDAP generalized time (whenCreated) or the ORADAD
// "YYYY-MM-DD HH:MM:SS" form. It returns false when absent, zero ("never")
// or unparseable.
func (o *Object) Time(name string) (time.Time, bool) { return ParseTime(o.Get(name)) }

// ParseTime reads a date in any of the forms Time accepts.
func ParseTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if n, ok := parseInt(v); ok {
		if n <= 0 || n == 0x7FFFFFFFFFFFFFFF {
			return time.Time{}, false
		}
		// FILETIME: 100 ns since 1601-01-01; beyond year ~2262 means "never".
		const epochDiff = 116444736000000000
		us := (n - epochDiff) / 10
		if us > (1<<63-1)/1000 || us < -(1<<63-1)/1000 {
			return time.Time{}, false
		}
		return time.Unix(0, 0).UTC().Add(time.Duration(us) * time.Microsecond), true
	}
	for _, layout := range []string{"20060102150405.0Z", "20060102150405Z", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parseInt(v string) (int64, bool) {
	var n int64
	if v == "" {
		return 0, false
	}
	neg := false
	if v[0] == '-' {
		neg = true
		v = v[1:]
		if v == "" {
			return 0, false
		}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' || n > (1<<63-1)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

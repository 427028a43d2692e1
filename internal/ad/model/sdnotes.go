package model

import (
	"strings"
	"time"

	"vigie/internal/ad/secdesc"
)

// SDNote flags facts of a security descriptor that the control graph does
// not keep (it keeps only the allow ACEs that give control) but that some
// ANSSI warnings and informations read.
type SDNote uint8

// Descriptor facts recorded while loading.
const (
	// SDGenericBits: an effective ACE (not inherit-only) carries GENERIC_*
	// bits, which Active Directory maps to specific rights when it stores
	// a descriptor: their presence means the descriptor was written around
	// the usual interfaces. Inherit-only ACEs keep them by design (they
	// are mapped for each child class when inherited).
	SDGenericBits SDNote = 1 << iota
	// SDAnonymous: an ACE (allow or deny, any right) names Anonymous
	// Logon (S-1-5-7).
	SDAnonymous
	// SDDenyRead: a deny ACE takes away a read right (read property,
	// list, read control); DenyReadTrustees names who is denied.
	SDDenyRead
	// SDListByUsers: an allow ACE lets every user (Authenticated Users,
	// Everyone, Domain Users or Pre-Windows 2000 Compatible Access) list
	// the object's children.
	SDListByUsers
)

// readMask are the rights a collector needs to see an object and read it.
const readMask = secdesc.RightReadProperty | secdesc.RightListChildren | secdesc.RightListObject |
	secdesc.RightReadControl | secdesc.RightGenericRead | secdesc.RightGenericAll

// genericMask are the GENERIC_* bits of an access mask.
const genericMask = secdesc.RightGenericAll | secdesc.RightGenericExec | secdesc.RightGenericWrite | secdesc.RightGenericRead

// note records in r what one ACE says for the warnings.
func (l *loader) note(r *reducedSD, a *secdesc.ACE) {
	if a.SID == SIDAnonymous {
		r.notes |= SDAnonymous
	}
	if a.InheritOnly() {
		return
	}
	if a.Mask&genericMask != 0 {
		r.notes |= SDGenericBits
	}
	if a.IsDeny() && a.Mask&readMask != 0 {
		r.notes |= SDDenyRead
		s := internSID(l.intern, a.SID)
		for _, x := range r.denyRead {
			if x == s {
				return
			}
		}
		r.denyRead = append(r.denyRead, s)
		return
	}
	if a.IsAllow() && a.Mask&(secdesc.RightListChildren|secdesc.RightGenericRead|secdesc.RightGenericAll) != 0 && !a.HasObjectType && everyUser(a.SID) {
		r.notes |= SDListByUsers
	}
}

// everyUser reports the principals every domain user belongs to.
func everyUser(s secdesc.SID) bool {
	switch s {
	case SIDAuthenticatedUsers, SIDEveryone, SIDPreWindows2000Compat:
		return true
	}
	rid, ok := s.RID()
	return ok && rid == RIDDomainUsers && strings.HasPrefix(string(s), "S-1-5-21-")
}

// DenyReadTrustees returns the principals a deny ACE of the object's
// descriptor keeps from reading it (nil when none).
func (d *Directory) DenyReadTrustees(o *Object) []secdesc.SID { return d.denyRead[o.Index] }

// AccountExpires returns the expiry date of an account (accountExpires),
// false when it never expires or the attribute is absent.
func (o *Object) AccountExpires() (t time.Time, ok bool) { return o.Time("accountexpires") }

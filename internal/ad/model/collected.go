package model

import (
	"strings"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// Collected reports whether an attribute (any case) was collected: asked
// for by the LDAP collector, or a column of the ORADAD extraction. known is
// false for snapshots that do not list their attributes (older versions):
// only the presence of a value then proves collection.
func (d *Directory) Collected(attr string) (collected, known bool) {
	if len(d.Header.Attributes) == 0 {
		return d.seen[strings.ToLower(attr)], false
	}
	if d.collected == nil {
		d.collected = make(map[string]bool, len(d.Header.Attributes))
		for _, a := range d.Header.Attributes {
			d.collected[strings.ToLower(a)] = true
		}
	}
	return d.collected[strings.ToLower(attr)], true
}

// Collector describes the account the snapshot was collected with, as the
// directory server saw it (root DSE tokenGroups and msDS-PrincipalName,
// which both the LDAP collector and ORADAD read).
type Collector struct {
	// Name is msDS-PrincipalName when the server returned it.
	Name string
	// SIDs are the groups of the account's token; empty when unknown.
	SIDs map[secdesc.SID]bool
}

// Known reports whether the account's groups are known.
func (c Collector) Known() bool { return len(c.SIDs) > 0 }

// Collector returns the collecting account.
func (d *Directory) Collector() Collector {
	c := Collector{SIDs: map[secdesc.SID]bool{}}
	root := d.byKey[NormDN(snapshot.RootDSEDN)]
	if root == nil {
		return c
	}
	c.Name = root.Get("msds-principalname")
	for _, b := range root.BinaryAll("tokengroups") {
		if s, err := secdesc.SIDFromBytes(b); err == nil {
			c.SIDs[s] = true
		}
	}
	for _, t := range root.All("tokengroups") { // ORADAD text form, or SID strings
		if s, err := secdesc.ParseSID(t); err == nil {
			c.SIDs[s] = true
		}
	}
	return c
}

// PrivilegedReader reports whether the collecting account could read what
// only administrators read in dom (PSOs, DPAPI backup keys, KDS root keys,
// RODC revealed secrets): it belongs to dom's Domain Admins, to Enterprise
// Admins, or — for the DC's own domain — to BUILTIN\Administrators. known
// is false when the account's groups were not collected or dom is another
// domain whose administrators the token cannot show.
func (d *Directory) PrivilegedReader(dom *Domain) (priv, known bool) {
	c := d.Collector()
	if !c.Known() {
		return false, false
	}
	for s := range c.SIDs {
		rid, _ := s.RID()
		if rid == RIDEnterpriseAdmins && d.DomainOfSID(s) != nil {
			return true, true
		}
		if dom != nil && dom.SID != "" && s == dom.SID.WithRID(RIDDomainAdmins) {
			return true, true
		}
	}
	if dom == nil || d.homeDomain() == dom {
		return c.SIDs[SIDAdministrators], true
	}
	// Another domain: its administrators are not in this DC's token.
	return false, false
}

// homeDomain is the domain of the DC the collection was bound to: the
// root DSE's defaultNamingContext, else the first domain.
func (d *Directory) homeDomain() *Domain {
	if root := d.byKey[NormDN(snapshot.RootDSEDN)]; root != nil {
		if dn := root.Get("defaultnamingcontext"); dn != "" {
			k := NormDN(dn)
			for _, dom := range d.Domains {
				if dom.Key == k {
					return dom
				}
			}
		}
	}
	if len(d.Domains) > 0 {
		return d.Domains[0]
	}
	return nil
}

package model

import (
	"sort"
	"strings"

	"vigie/internal/ad/secdesc"
)

// Well-known RIDs and SIDs.
const (
	RIDAdministrator        = 500
	RIDGuest                = 501
	RIDKrbtgt               = 502
	RIDDomainAdmins         = 512
	RIDDomainUsers          = 513
	RIDDomainGuests         = 514
	RIDDomainComputers      = 515
	RIDDomainControllers    = 516
	RIDCertPublishers       = 517
	RIDSchemaAdmins         = 518
	RIDEnterpriseAdmins     = 519
	RIDGPCreatorOwners      = 520
	RIDRODCs                = 521
	RIDProtectedUsers       = 525
	RIDKeyAdmins            = 526
	RIDEnterpriseKeyAdmins  = 527
	RIDAllowedRODCPwdRepl   = 571
	RIDDeniedRODCPwdRepl    = 572
	RIDEnterpriseRODCs      = 498
	SIDEveryone             = secdesc.SID("S-1-1-0")
	SIDAnonymous            = secdesc.SID("S-1-5-7")
	SIDAuthenticatedUsers   = secdesc.SID("S-1-5-11")
	SIDSystem               = secdesc.SID("S-1-5-18")
	SIDEnterpriseDCs        = secdesc.SID("S-1-5-9")
	SIDSelf                 = secdesc.SID("S-1-5-10")
	SIDCreatorOwner         = secdesc.SID("S-1-3-0")
	SIDAdministrators       = secdesc.SID("S-1-5-32-544")
	SIDAccountOperators     = secdesc.SID("S-1-5-32-548")
	SIDServerOperators      = secdesc.SID("S-1-5-32-549")
	SIDPrintOperators       = secdesc.SID("S-1-5-32-550")
	SIDBackupOperators      = secdesc.SID("S-1-5-32-551")
	SIDReplicator           = secdesc.SID("S-1-5-32-552")
	SIDPreWindows2000Compat = secdesc.SID("S-1-5-32-554")
)

// privilegedDomainRIDs are the privileged groups of each domain (§1.2).
var privilegedDomainRIDs = []uint32{RIDDomainAdmins, RIDDomainControllers, RIDSchemaAdmins,
	RIDEnterpriseAdmins, RIDKeyAdmins, RIDEnterpriseKeyAdmins}

// privilegedBuiltin are the privileged BUILTIN groups (§1.2, Replicator as ADS-Open).
var privilegedBuiltin = []secdesc.SID{SIDAdministrators, SIDAccountOperators, SIDServerOperators,
	SIDPrintOperators, SIDBackupOperators, SIDReplicator}

// privileged is the privileged set computed once.
type privileged struct {
	groups   []Node
	members  map[Node]bool // recursive members of privileged groups (groups included)
	accounts []*Object
	tier0    map[Node]bool
}

func buildPrivileged(d *Directory) *privileged {
	p := &privileged{members: map[Node]bool{}, tier0: map[Node]bool{}}
	seenGroup := map[Node]bool{}
	addGroup := func(s secdesc.SID) {
		n, ok := d.lookupSIDNode(s)
		if !ok || seenGroup[n] {
			return
		}
		seenGroup[n] = true
		p.groups = append(p.groups, n)
	}
	for _, s := range privilegedBuiltin {
		addGroup(s)
	}
	for _, dom := range d.Domains {
		if dom.SID == "" {
			continue
		}
		for _, rid := range privilegedDomainRIDs {
			addGroup(dom.SID.WithRID(rid))
		}
	}
	for _, g := range p.groups {
		p.tier0[g] = true
		for _, m := range d.MembersRec(g) {
			p.members[m] = true
			p.tier0[m] = true
		}
	}
	seenAcc := map[Node]bool{}
	for n := range p.members {
		o := d.ObjectOf(n)
		if o == nil || !o.IsAccount() || o.IsDC() || o.IsRODC() || o.RID() == RIDKrbtgt {
			continue
		}
		seenAcc[n] = true
		p.accounts = append(p.accounts, o)
	}
	for _, dom := range d.Domains {
		if dom.SID == "" {
			continue
		}
		if o := d.bySID[dom.SID.WithRID(RIDAdministrator)]; o != nil && !seenAcc[Node(o.Index)] {
			seenAcc[Node(o.Index)] = true
			p.accounts = append(p.accounts, o)
		}
		if o := d.bySID[dom.SID.WithRID(RIDKrbtgt)]; o != nil {
			p.tier0[Node(o.Index)] = true
		}
	}
	for _, s := range []secdesc.SID{SIDSystem, SIDEnterpriseDCs, SIDSelf, SIDCreatorOwner} {
		p.tier0[d.NodeOfSID(s)] = true
	}
	for _, o := range d.Objects {
		if o.IsDC() {
			p.tier0[d.NodeOf(o)] = true
		}
		// Read-only DCs, their krbtgt_NNNNN accounts and the RODC groups are
		// Tier 0 assets too (ANSSI: DC/RODC objects, RODC PRP points).
		if o.IsRODC() {
			p.tier0[d.NodeOf(o)] = true
			if k := d.ByDN(o.Get("msds-krbtgtlink")); k != nil {
				p.tier0[d.NodeOf(k)] = true
			}
		}
	}
	for _, dom := range d.Domains {
		if dom.SID == "" {
			continue
		}
		for _, rid := range []uint32{RIDRODCs, RIDEnterpriseRODCs} {
			if n, ok := d.lookupSIDNode(dom.SID.WithRID(rid)); ok {
				p.tier0[n] = true
			}
		}
	}
	sort.Slice(p.accounts, func(i, j int) bool { return p.accounts[i].Key < p.accounts[j].Key })
	return p
}

// PrivilegedGroups returns the nodes of the privileged groups present.
func (d *Directory) PrivilegedGroups() []Node { return d.priv.groups }

// PrivilegedAccounts returns the enabled and disabled accounts that are
// recursive members of a privileged group, plus each domain's RID-500
// account; domain controllers and krbtgt are excluded. Sorted by DN.
func (d *Directory) PrivilegedAccounts() []*Object { return d.priv.accounts }

// IsPrivileged reports whether a node is a recursive member of a privileged
// group (or a privileged group itself).
func (d *Directory) IsPrivileged(n Node) bool {
	if d.priv.members[n] {
		return true
	}
	for _, g := range d.priv.groups {
		if g == n {
			return true
		}
	}
	return false
}

// IsTier0 reports whether a principal is Tier 0: privileged groups and their
// members, DCs, krbtgt, SYSTEM, Enterprise DCs, and the SELF and CREATOR
// OWNER placeholders (benign by construction).
func (d *Directory) IsTier0(s secdesc.SID) bool {
	if alwaysTier0[s] {
		return true
	}
	for _, b := range privilegedBuiltin {
		if s == b {
			return true // even when CN=Builtin was not collected
		}
	}
	n, ok := d.lookupSIDNode(s)
	return ok && d.priv.tier0[n]
}

// IsRODCPrincipal reports a read-only DC account or one of the RODC groups
// (Read-only Domain Controllers, Enterprise Read-only Domain Controllers):
// Tier 0 assets whose replication rights stay limited.
func (d *Directory) IsRODCPrincipal(s secdesc.SID) bool {
	if rid, ok := s.RID(); ok && s.Domain() != "" && (rid == RIDRODCs || rid == RIDEnterpriseRODCs) {
		return true
	}
	o := d.bySID[s]
	return o != nil && o.IsRODC()
}

// IsTier0Node is IsTier0 for a node.
func (d *Directory) IsTier0Node(n Node) bool { return d.priv.tier0[n] }

// DomainOfSID returns the domain whose SID prefixes s, or nil.
func (d *Directory) DomainOfSID(s secdesc.SID) *Domain {
	ds := s.Domain()
	for _, dom := range d.Domains {
		if dom.SID == ds && ds != "" {
			return dom
		}
	}
	return nil
}

// WellKnownGroup finds a group by RID in a domain, or nil.
func (d *Directory) WellKnownGroup(dom *Domain, rid uint32) *Object {
	if dom == nil || dom.SID == "" {
		return nil
	}
	return d.bySID[dom.SID.WithRID(rid)]
}

// Describe names a SID for people: "DOMAINE\sam (S-…)" or the SID alone.
func (d *Directory) Describe(s secdesc.SID) string {
	if o := d.bySID[s]; o != nil {
		name := o.Sam()
		if name == "" {
			name = o.Get("cn")
		}
		if name == "" {
			name = o.Get("name")
		}
		if name != "" {
			return name + " (" + string(s) + ")"
		}
	}
	if n, ok := wellKnownNames[s]; ok {
		return n + " (" + string(s) + ")"
	}
	return string(s)
}

var wellKnownNames = map[secdesc.SID]string{
	SIDEveryone: "Tout le monde", SIDAnonymous: "Anonyme", SIDAuthenticatedUsers: "Utilisateurs authentifiés",
	SIDSystem: "SYSTEM", SIDEnterpriseDCs: "Contrôleurs de domaine d'entreprise", SIDSelf: "SELF",
	SIDCreatorOwner: "CREATOR OWNER",
}

// Children returns the objects whose DN is under the given DN (any depth).
// It scans the directory: call it for a handful of containers only.
func (d *Directory) Children(dn string) []*Object {
	key := NormDN(dn)
	var out []*Object
	for _, o := range d.Objects {
		if strings.HasSuffix(o.Key, ","+key) {
			out = append(out, o)
		}
	}
	return out
}

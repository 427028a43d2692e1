package checks

import (
	"sort"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

// aclSpec says which rights fail at grade 1 and grade 2, and which extra
// trustees a control point accepts.
type aclSpec struct {
	g1, g2 model.Right
	// accept returns the rights of an ACE that are acceptable for this
	// target (removed before grading).
	accept func(o *model.Object, trustee secdesc.SID, r model.Right) model.Right
	// parents also considers takeover rights on the parent container of a
	// target whose DACL inherits.
	parents bool
}

// nativeAccepted removes rights AD grants by default to non-Tier-0 groups
// and that ANSSI does not count (ADS "native ACE" exclusions): Cert
// Publishers and Terminal Server License Servers writing their attribute,
// read-only DCs replicating (everything but the secrets of a domain
// partition: Get-Changes-All is default on Configuration and Schema).
func nativeAccepted(d *model.Directory, o *model.Object, trustee secdesc.SID, r model.Right) model.Right {
	rid, _ := trustee.RID()
	switch {
	case trustee == "S-1-5-32-561" || (trustee.Domain() != "" && rid == model.RIDCertPublishers):
		return r & model.RWriteProp
	case d.IsRODCPrincipal(trustee):
		// Read-only DCs are Tier 0, but must never replicate every secret
		// of a domain partition (ANSSI: RODC group allowed Get-Changes only).
		if o.Domain != nil && o.Domain.Head == o {
			return r &^ model.RGetChangesAll
		}
		return r
	}
	return 0
}

// kb5008383Attrs are read by ownerImplicitRightsBlocked.
var kb5008383Attrs = []string{"dsheuristics"}

// ownerImplicitRightsBlocked reports whether KB5008383's protection of
// computer accounts against their owner is in force: dSHeuristics position
// 29 (BlockOwnerImplicitRights) is not 2. Without the Directory Service
// object the protection is assumed off.
func ownerImplicitRightsBlocked(d *model.Directory) bool {
	ds := byDNInConfig("CN=Directory Service,CN=Windows NT,CN=Services,")(d)
	if len(ds) == 0 {
		return false
	}
	return heuristicAt(ds[0].Get("dsheuristics"), 29) != '2'
}

// aclFailures grades the non-Tier-0 control rights on targets.
func (c *Context) aclFailures(targets []*model.Object, s aclSpec) ([]Failure, error) {
	if err := c.needSD(targets); err != nil {
		return nil, err
	}
	d := c.Dir
	kb5008383 := ownerImplicitRightsBlocked(d)
	trusted := func(t secdesc.SID) bool {
		return (d.IsTier0(t) && !d.IsRODCPrincipal(t)) || d.AcceptedDelegate(t)
	}
	var f1, f2 []ObjectRef
	for _, o := range targets {
		rights := map[secdesc.SID]model.Right{}
		via := map[secdesc.SID]string{}
		if o.Owner != "" && !trusted(o.Owner) {
			rights[o.Owner] |= model.ROwner
		}
		for _, a := range o.ACEs {
			if !trusted(a.Trustee) {
				rights[a.Trustee] |= a.Rights
			}
		}
		if s.parents && !o.Protected {
			if p := d.Parent(o); p != nil {
				for _, a := range p.ACEs {
					if !trusted(a.Trustee) && a.Rights&(model.RGenericAll|model.RWriteDACL|model.RWriteOwner) != 0 {
						rights[a.Trustee] |= a.Rights & (model.RGenericAll | model.RWriteDACL | model.RWriteOwner)
						via[a.Trustee] = " (via le conteneur parent " + p.DN + ")"
					}
				}
				if p.Owner != "" && !trusted(p.Owner) {
					rights[p.Owner] |= model.ROwner
					via[p.Owner] = " (propriétaire du conteneur parent " + p.DN + ")"
				}
			}
		}
		computer := o.IsComputer() || o.IsDC() || o.IsRODC()
		var w1, w2 []string
		for t, r := range rights {
			r &^= nativeAccepted(d, o, t, r)
			if s.accept != nil {
				r &^= s.accept(o, t, r)
			}
			g1, g2 := r&s.g1, r&s.g2
			note := via[t]
			// KB5008383: the owner of a computer account no longer gets
			// implicit control, unless dSHeuristics turns it back off.
			if mitigated := g1 & (model.ROwner | model.RWriteOwner); computer && kb5008383 && mitigated != 0 && via[t] == "" {
				g1 &^= mitigated
				g2 |= mitigated & (s.g1 | s.g2)
				note += " (OWNER/WRITE_OWNER sur un compte machine : atténué par KB5008383, réactivable)"
			}
			if exchangeGroup(d, t) {
				note += " (groupe Exchange : appliquer les correctifs Exchange de mai 2022 puis /PrepareAllDomains)"
			}
			switch {
			case g1 != 0:
				w1 = append(w1, d.Describe(t)+" : "+g1.String()+note)
			case g2 != 0:
				w2 = append(w2, d.Describe(t)+" : "+g2.String()+note)
			}
		}
		if len(w1) > 0 {
			sort.Strings(w1)
			f1 = append(f1, ref(o, strings.Join(w1, " ; ")))
		}
		if len(w2) > 0 {
			sort.Strings(w2)
			f2 = append(f2, ref(o, strings.Join(w2, " ; ")))
		}
	}
	return append(failIf(1, "", f1), failIf(2, "", f2)...), nil
}

// exchangeGroups are the Exchange groups whose dangerous rights Microsoft
// fixed (ANSSI's « cas particulier de Microsoft Exchange Server »).
var exchangeGroups = map[string]bool{
	"exchange windows permissions": true, "exchange trusted subsystem": true, "organization management": true,
	"exchange servers": true, "exchange enterprise servers": true, "exchange domain servers": true, "exchange services": true,
}

func exchangeGroup(d *model.Directory, s secdesc.SID) bool {
	o := d.BySID(s)
	return o != nil && o.IsGroup() && exchangeGroups[strings.ToLower(o.Sam())]
}

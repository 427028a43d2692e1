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
func nativeAccepted(o *model.Object, trustee secdesc.SID, r model.Right) model.Right {
	rid, _ := trustee.RID()
	switch {
	case trustee == "S-1-5-32-561" || (trustee.Domain() != "" && rid == model.RIDCertPublishers):
		return r & model.RWriteProp
	case trustee.Domain() != "" && (rid == model.RIDEnterpriseRODCs || rid == model.RIDRODCs):
		if o.Domain == nil || o.Domain.Head != o {
			return r & (model.RGetChanges | model.RGetChangesAll)
		}
		return r & model.RGetChanges
	}
	return 0
}

// aclFailures grades the non-Tier-0 control rights on targets.
func (c *Context) aclFailures(targets []*model.Object, s aclSpec) ([]Failure, error) {
	if err := c.needSD(targets); err != nil {
		return nil, err
	}
	d := c.Dir
	var f1, f2 []ObjectRef
	for _, o := range targets {
		rights := map[secdesc.SID]model.Right{}
		via := map[secdesc.SID]string{}
		if o.Owner != "" && !d.IsTier0(o.Owner) && !d.AcceptedDelegate(o.Owner) {
			rights[o.Owner] |= model.ROwner
		}
		for _, a := range o.ACEs {
			if !d.IsTier0(a.Trustee) && !d.AcceptedDelegate(a.Trustee) {
				rights[a.Trustee] |= a.Rights
			}
		}
		if s.parents && !o.Protected {
			if p := d.Parent(o); p != nil {
				for _, a := range p.ACEs {
					if !d.IsTier0(a.Trustee) && !d.AcceptedDelegate(a.Trustee) && a.Rights&(model.RGenericAll|model.RWriteDACL|model.RWriteOwner) != 0 {
						rights[a.Trustee] |= a.Rights & (model.RGenericAll | model.RWriteDACL | model.RWriteOwner)
						via[a.Trustee] = " (via le conteneur parent " + p.DN + ")"
					}
				}
				if p.Owner != "" && !d.IsTier0(p.Owner) && !d.AcceptedDelegate(p.Owner) {
					rights[p.Owner] |= model.ROwner
					via[p.Owner] = " (propriétaire du conteneur parent " + p.DN + ")"
				}
			}
		}
		var w1, w2 []string
		for t, r := range rights {
			r &^= nativeAccepted(o, t, r)
			if s.accept != nil {
				r &^= s.accept(o, t, r)
			}
			switch {
			case r&s.g1 != 0:
				w1 = append(w1, d.Describe(t)+" : "+(r&s.g1).String()+via[t])
			case r&s.g2 != 0:
				w2 = append(w2, d.Describe(t)+" : "+(r&s.g2).String()+via[t])
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

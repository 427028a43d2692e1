package model

import (
	"sort"

	"vigie/internal/ad/secdesc"
)

// AcceptedDelegate applies ANSSI's risk-acceptance rule for delegations on
// Tier 0 ("protégé à la AdminSDHolder"): a non-Tier-0 principal is accepted
// as extra Tier 0 when its DACL is protected from inheritance, its owner is
// Tier 0, and every control ACE it carries also exists on its domain's
// AdminSDHolder (or is granted to Tier 0); a group qualifies only if it has
// no sub-group and all its members qualify. Results are cached.
func (d *Directory) AcceptedDelegate(s secdesc.SID) bool {
	if d.delegates == nil {
		d.delegates = map[secdesc.SID]bool{}
	}
	if v, ok := d.delegates[s]; ok {
		return v
	}
	d.delegates[s] = false // cycles and re-entry: not accepted
	v := d.acceptedDelegate(s)
	d.delegates[s] = v
	return v
}

// AcceptedDelegates lists the principals accepted so far by
// AcceptedDelegate (extra Tier 0 accounts), sorted.
func (d *Directory) AcceptedDelegates() []secdesc.SID {
	var out []secdesc.SID
	for s, ok := range d.delegates {
		if ok {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (d *Directory) acceptedDelegate(s secdesc.SID) bool {
	o := d.bySID[s]
	if o == nil || !d.protectedLikeAdminSDHolder(o) {
		return false
	}
	if !o.IsGroup() {
		return true
	}
	for _, m := range nodeList(d.groups.members, d.NodeOf(o)) {
		mo := d.ObjectOf(m)
		if mo == nil || mo.IsGroup() || !d.protectedLikeAdminSDHolder(mo) {
			return false
		}
	}
	return true
}

func (d *Directory) protectedLikeAdminSDHolder(o *Object) bool {
	if !o.SDRead || !o.Protected || o.Domain == nil {
		return false
	}
	if o.Owner != "" && !d.IsTier0(o.Owner) {
		return false
	}
	ash := d.ByDN("CN=AdminSDHolder,CN=System," + o.Domain.DN)
	if ash == nil || !ash.SDRead {
		return false
	}
	for _, a := range o.ACEs {
		if d.IsTier0(a.Trustee) {
			continue
		}
		covered := false
		for _, b := range ash.ACEs {
			if b.Trustee == a.Trustee && b.Rights&a.Rights == a.Rights {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

package checks

import (
	"sort"
	"strings"

	"vigie/internal/ad/model"
)

func groupChecks() []Check {
	pre := []Target{{What: "groupe « Accès compatible pré-Windows 2000 » (S-1-5-32-554)",
		Find: func(d *model.Directory) []*model.Object {
			if g := d.BySID(model.SIDPreWindows2000Compat); g != nil {
				return []*model.Object{g}
			}
			return nil
		}}}
	return []Check{
		{ID: "vuln_compatible_2000_anonymous", Needs: Needs{Attrs: principalAttrs, Targets: pre}, Run: runPreWin2000(true)},
		{ID: "vuln_compatible_2000_not_default", Needs: Needs{Attrs: principalAttrs, Targets: pre}, Run: runPreWin2000(false)},
		{ID: "vuln_group_loop", Needs: Needs{Attrs: []string{"objectclass", "member"}}, Run: runGroupLoop},
		{ID: "vuln_dnsadmins", Needs: Needs{SD: true, Attrs: principalAttrs, Optional: kb5008383Attrs, Targets: []Target{{What: "groupes DnsAdmins", Filter: "(&(objectClass=group)(sAMAccountName=DnsAdmins))",
			Optional: true, Find: dnsAdminsGroups}}}, Run: runDNSAdmins},
	}
}

// dnsAdminsGroups finds the DnsAdmins groups (no fixed RID: by name).
func dnsAdminsGroups(d *model.Directory) []*model.Object {
	var out []*model.Object
	for _, g := range d.Groups {
		if strings.EqualFold(g.Sam(), "DnsAdmins") {
			out = append(out, g)
		}
	}
	return out
}

func runPreWin2000(anonymous bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		d := c.Dir
		g := c.Targets[0][0]
		var bad []string
		for _, m := range d.DirectMembers(d.NodeOf(g)) {
			s := d.SIDOf(m)
			if anonymous && (s == model.SIDAnonymous || s == model.SIDEveryone) {
				bad = append(bad, d.Describe(s))
			}
			if !anonymous && s != model.SIDAuthenticatedUsers {
				if s == "" {
					bad = append(bad, d.ObjectOf(m).DN)
				} else {
					bad = append(bad, d.Describe(s))
				}
			}
		}
		if len(bad) == 0 {
			return nil, nil
		}
		return failIf(c.Entry.Grades[0], "", []ObjectRef{ref(g, "membres : "+strings.Join(bad, ", "))}), nil
	}
}

func runGroupLoop(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, cyc := range d.GroupCycles() {
		var names []string
		for _, n := range cyc {
			if o := d.ObjectOf(n); o != nil {
				names = append(names, o.Sam())
			}
		}
		sort.Strings(names)
		for _, n := range cyc {
			if o := d.ObjectOf(n); o != nil {
				objs = append(objs, ref(o, "cycle entre : "+strings.Join(names, ", ")))
			}
		}
	}
	return failIf(4, "", objs), nil
}

func runDNSAdmins(c *Context) ([]Failure, error) {
	d := c.Dir
	groups := c.Targets[0]
	if len(groups) == 0 {
		return nil, nil
	}
	var objs []ObjectRef
	for _, g := range groups {
		var members []string
		for _, m := range d.DirectMembers(d.NodeOf(g)) {
			if o := d.ObjectOf(m); o != nil && o.Sam() != "" {
				members = append(members, o.Sam())
			} else {
				members = append(members, d.Describe(d.SIDOf(m)))
			}
		}
		if len(members) > 0 {
			objs = append(objs, ref(g, "membres : "+strings.Join(members, ", ")))
		}
	}
	fails, err := c.aclFailures(groups, aclSpec{g1: model.Exploitable})
	if err != nil {
		return nil, err
	}
	for _, f := range fails {
		objs = append(objs, f.Objects...)
	}
	return failIf(1, "", objs), nil
}

package checks

import (
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func permissionChecks() []Check {
	sd := Needs{SD: true}
	cfg := Needs{SD: true, NC: []string{"configuration"}}
	both := aclSpec{g1: model.Exploitable, g2: model.Dangerous}
	return []Check{
		{ID: "vuln_permissions_adminsdholder", Needs: sd, Run: aclCheck(targetsByDN("CN=AdminSDHolder,CN=System,"), both)},
		{ID: "vuln_permissions_dc", Needs: sd, Run: runPermissionsDC},
		{ID: "vuln_permissions_dfsr_sysvol", Needs: sd, Run: aclCheck(dfsrTargets, both)},
		{ID: "vuln_permissions_dpapi", Needs: sd, Run: aclCheck(func(d *model.Directory) []*model.Object {
			var out []*model.Object
			for _, o := range d.OfClass("secret") {
				if strings.HasPrefix(strings.ToLower(o.Get("cn")), "bckupkey_") {
					out = append(out, o)
				}
			}
			return out
		}, both)},
		{ID: "vuln_permissions_gmsa_keys", Needs: cfg, Run: aclCheck(func(d *model.Directory) []*model.Object {
			return d.OfClass("msKds-ProvRootKey")
		}, both)},
		{ID: "vuln_permissions_naming_context", Needs: sd, Run: aclCheck(ncHeads, both)},
		{ID: "vuln_permissions_schema", Needs: Needs{SD: true, NC: []string{"schema"}}, Run: aclCheck(schemaTargets,
			aclSpec{g1: model.Exploitable, g2: model.Dangerous &^ model.RCreateChild})},
		{ID: "vuln_permissions_msdns", Needs: sd, Run: runPermissionsMSDNS},
		{ID: "vuln_permissions_gpo_priv", Needs: sd, Run: aclCheck(privGPOs, aclSpec{g1: model.Exploitable | model.RWriteProp})},
		{ID: "vuln_permissions_gpo_container_priv", Needs: sd, Run: aclCheck(privContainers,
			aclSpec{g2: model.RWriteGPLink | model.RGenericAll | model.RGenericWrite | model.RWriteDACL | model.RWriteOwner | model.ROwner})},
		{ID: "vuln_privileged_members_perm", Needs: sd, Run: aclCheck(privObjects,
			aclSpec{g1: model.Exploitable, g2: model.Dangerous, parents: true})},
		{ID: "vuln_owner", Needs: sd, Run: runOwner},
	}
}

// aclCheck runs aclFailures on the targets a function selects.
func aclCheck(targets func(*model.Directory) []*model.Object, s aclSpec) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		t := targets(c.Dir)
		if len(t) == 0 {
			return nil, nil
		}
		return c.aclFailures(t, s)
	}
}

// ofClasses returns the objects of several classes, each once.
func ofClasses(d *model.Directory, classes ...string) []*model.Object {
	var out []*model.Object
	seen := map[int32]bool{}
	for _, c := range classes {
		for _, o := range d.OfClass(c) {
			if !seen[o.Index] {
				seen[o.Index] = true
				out = append(out, o)
			}
		}
	}
	return out
}

func filter(d *model.Directory, keep func(*model.Object) bool) []*model.Object {
	var out []*model.Object
	for _, o := range d.Objects {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// targetsByDN selects "<prefix><domain DN>" in each domain.
func targetsByDN(prefix string) func(*model.Directory) []*model.Object {
	return func(d *model.Directory) []*model.Object {
		var out []*model.Object
		for _, dom := range d.Domains {
			if o := d.ByDN(prefix + dom.DN); o != nil {
				out = append(out, o)
			}
		}
		return out
	}
}

func dfsrTargets(d *model.Directory) []*model.Object {
	var out []*model.Object
	dcKeys := map[string]bool{}
	for _, list := range [][]*model.Object{d.DCs, d.RODCs} {
		for _, o := range list {
			dcKeys[o.Key] = true
		}
	}
	var roots []string
	for _, dom := range d.Domains {
		roots = append(roots, model.NormDN("CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System,"+dom.DN))
	}
	for _, o := range d.Objects {
		for _, r := range roots {
			if o.Key == r || strings.HasSuffix(o.Key, ","+r) {
				out = append(out, o)
			}
		}
	}
	for _, o := range ofClasses(d, "msDFSR-Subscription", "msDFSR-Subscriber") {
		for k := model.ParentKey(o.Key); k != ""; k = model.ParentKey(k) {
			if dcKeys[k] {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func ncHeads(d *model.Directory) []*model.Object {
	var out []*model.Object
	for _, nc := range d.Header.NamingContexts {
		if o := d.ByDN(nc.DN); o != nil {
			out = append(out, o)
		}
	}
	if len(d.Header.NamingContexts) == 0 {
		for _, dom := range d.Domains {
			if dom.Head != nil {
				out = append(out, dom.Head)
			}
		}
	}
	return out
}

func schemaTargets(d *model.Directory) []*model.Object {
	return ofClasses(d, "dMD", "classSchema", "attributeSchema")
}

func runPermissionsDC(c *Context) ([]Failure, error) {
	d := c.Dir
	var targets []*model.Object
	dcKeys := map[string]bool{}
	for _, list := range [][]*model.Object{d.DCs, d.RODCs} {
		for _, o := range list {
			targets = append(targets, o)
			dcKeys[o.Key] = true
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	serverKeys := map[string]bool{}
	for _, o := range d.OfClass("server") {
		if dcKeys[model.NormDN(o.Get("serverreference"))] {
			targets = append(targets, o)
			serverKeys[o.Key] = true
		}
	}
	for _, o := range ofClasses(d, "nTDSDSA", "nTDSDSARO") {
		if serverKeys[model.ParentKey(o.Key)] {
			targets = append(targets, o)
		}
	}
	out, err := c.aclFailures(targets, aclSpec{g1: model.Exploitable, g2: model.Dangerous})
	if err != nil {
		return nil, err
	}
	var managed []ObjectRef
	for _, r := range d.RODCs {
		if m := r.Get("managedby"); m != "" {
			if o := d.ByDN(m); o == nil || o.SID == "" || !d.IsTier0(o.SID) {
				managed = append(managed, ref(r, "managedBy (administrateur local du RODC) non Tier 0 : "+m))
			}
		}
	}
	return append(out, failIf(2, "", managed)...), nil
}

// runPermissionsMSDNS grades write rights on MicrosoftDNS. The default
// DnsAdmins ACE is accepted while DnsAdmins is empty (its members are
// vuln_dnsadmins' concern).
func runPermissionsMSDNS(c *Context) ([]Failure, error) {
	d := c.Dir
	t := targetsByDN("CN=MicrosoftDNS,CN=System,")(d)
	if len(t) == 0 {
		return nil, nil
	}
	return c.aclFailures(t, aclSpec{g1: model.Write, accept: func(_ *model.Object, trustee secdesc.SID, r model.Right) model.Right {
		g := d.BySID(trustee)
		if g != nil && g.IsGroup() && strings.EqualFold(g.Sam(), "DnsAdmins") && len(d.DirectMembers(d.NodeOf(g))) == 0 {
			return r
		}
		return 0
	}})
}

// privObjects are the privileged accounts and groups.
func privObjects(d *model.Directory) []*model.Object {
	out := append([]*model.Object(nil), d.PrivilegedAccounts()...)
	for _, g := range d.Groups {
		if d.IsPrivileged(d.NodeOf(g)) {
			out = append(out, g)
		}
	}
	return out
}

// privContainers are the OUs and domain heads above privileged accounts.
func privContainers(d *model.Directory) []*model.Object {
	seen := map[string]bool{}
	var out []*model.Object
	for _, o := range privObjects(d) {
		for k := model.ParentKey(o.Key); k != ""; k = model.ParentKey(k) {
			if seen[k] {
				break
			}
			seen[k] = true
			p := d.ByDN(k)
			if p != nil && (p.IsClass("organizationalUnit") || p.IsClass("domainDNS") || p.IsClass("site")) {
				out = append(out, p)
			}
		}
	}
	return out
}

// privGPOs are the group policy containers linked above privileged accounts.
func privGPOs(d *model.Directory) []*model.Object {
	seen := map[string]bool{}
	var out []*model.Object
	for _, c := range privContainers(d) {
		for _, dn := range model.ParseGPLink(c.Get("gplink")) {
			k := model.NormDN(dn)
			if seen[k] {
				continue
			}
			seen[k] = true
			if g := d.ByDN(dn); g != nil {
				out = append(out, g)
			}
		}
	}
	return out
}

// standardOwners are acceptable owners (plus each domain's DA and EA).
var standardOwners = map[secdesc.SID]bool{model.SIDAdministrators: true, model.SIDSystem: true}

func runOwner(c *Context) ([]Failure, error) {
	d := c.Dir
	minAge := c.Days("min_age_days", 7)
	var targets []*model.Object
	candidates := append(append([]*model.Object(nil), d.Accounts...), d.Groups...)
	candidates = append(candidates, ofClasses(d, "organizationalUnit", "groupPolicyContainer")...)
	for _, o := range candidates {
		if t, ok := o.Time("whencreated"); ok && c.AsOf.Sub(t) <= minAge {
			continue
		}
		targets = append(targets, o)
	}
	if err := c.needSD(targets); err != nil {
		return nil, err
	}
	var objs []ObjectRef
	for _, o := range targets {
		if ownerOK(d, o.Owner) {
			continue
		}
		objs = append(objs, ref(o, "propriétaire : "+d.Describe(o.Owner)))
	}
	return failIf(3, "", objs), nil
}

func ownerOK(d *model.Directory, s secdesc.SID) bool {
	if standardOwners[s] {
		return true
	}
	rid, _ := s.RID()
	return d.DomainOfSID(s) != nil && (rid == model.RIDDomainAdmins || rid == model.RIDEnterpriseAdmins)
}

package checks

import (
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func permissionChecks() []Check {
	// dSHeuristics tells whether KB5008383 protects computer accounts
	// from their owner; unread, the stricter grading applies.
	sd := func(t ...Target) Needs {
		return Needs{SD: true, Attrs: with("ntsecuritydescriptor"), Optional: kb5008383Attrs, Targets: t}
	}
	both := aclSpec{g1: model.Exploitable, g2: model.Dangerous}
	cfg := func(t ...Target) Needs { n := sd(t...); n.NC = []string{"configuration"}; return n }
	schema := sd(Target{What: "objets du schéma", Find: schemaTargets})
	schema.NC = []string{"schema"}
	msdns := sd(Target{What: "conteneurs CN=MicrosoftDNS,CN=System (objets serveurs DNS)", PerDomain: true,
		Find: byDNInDomains("CN=MicrosoftDNS,CN=System,")})
	gpo := sd(Target{What: "GPO liées aux conteneurs des comptes privilégiés et des contrôleurs de domaine", Find: privGPOs})
	gpo.Attrs = with("ntsecuritydescriptor", "gplink", "serverreference")
	containers := sd(Target{What: "conteneurs (OU, domaine, sites) des comptes privilégiés et des contrôleurs de domaine", Find: privContainers})
	containers.Attrs = gpo.Attrs
	dc := sd(tDCs)
	dc.NC = []string{"configuration"}
	dc.Attrs = with("ntsecuritydescriptor", "serverreference", "managedby")
	return []Check{
		{ID: "vuln_permissions_adminsdholder", Needs: sd(tAdminSDHolder), Run: aclCheck(both)},
		{ID: "vuln_permissions_dc", Needs: dc, Run: runPermissionsDC},
		{ID: "vuln_permissions_dfsr_sysvol", Needs: sd(Target{What: "paramètres DFSR du SYSVOL (CN=Domain System Volume,CN=DFSR-GlobalSettings)",
			PerDomain: true, Find: dfsrTargets}), Run: aclCheck(both)},
		{ID: "vuln_permissions_dpapi", Needs: withAttrs(sd(Target{What: "clés de sauvegarde DPAPI du domaine (secrets BCKUPKEY_*)", PerDomain: true,
			AdminOnly: true, Filter: "(&(objectClass=secret)(cn=BCKUPKEY_*))",
			Find: func(d *model.Directory) []*model.Object { return filterObjs(d.OfClass("secret"), isBackupKey) }}), "cn"),
			Run: aclCheck(both)},
		{ID: "vuln_permissions_gmsa_keys", Needs: cfg(Target{What: "clés racines KDS des gMSA (msKds-ProvRootKey)", AdminOnly: true, Filter: "(objectClass=msKds-ProvRootKey)",
			Find: func(d *model.Directory) []*model.Object { return d.OfClass("msKds-ProvRootKey") }}), Run: aclCheck(both)},
		{ID: "vuln_permissions_naming_context", Needs: sd(Target{What: "têtes des contextes de nommage", Find: ncHeads}), Run: aclCheck(both)},
		{ID: "vuln_permissions_schema", Needs: schema, Run: aclCheck(aclSpec{g1: model.Exploitable, g2: model.Dangerous &^ model.RCreateChild})},
		{ID: "vuln_permissions_msdns", Needs: msdns, Run: runPermissionsMSDNS},
		{ID: "vuln_permissions_gpo_priv", Needs: gpo, Run: aclCheck(aclSpec{g1: model.Exploitable | model.RWriteProp})},
		{ID: "vuln_permissions_gpo_container_priv", Needs: containers, Run: aclCheck(
			aclSpec{g2: model.RWriteGPLink | model.RGenericAll | model.RGenericWrite | model.RWriteDACL | model.RWriteOwner | model.ROwner})},
		{ID: "vuln_privileged_members_perm", Needs: sd(Target{What: "comptes et groupes privilégiés", Find: privObjects}),
			Run: aclCheck(aclSpec{g1: model.Exploitable, g2: model.Dangerous, parents: true})},
		{ID: "vuln_owner", Needs: Needs{SD: true, Attrs: with("ntsecuritydescriptor", "whencreated")}, Run: runOwner},
	}
}

// withAttrs adds required attributes to needs.
func withAttrs(n Needs, extra ...string) Needs {
	n.Attrs = attrs(n.Attrs, extra)
	return n
}

// aclCheck grades the control rights on the objects of the point's first
// target.
func aclCheck(s aclSpec) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		t := c.Targets[0]
		if len(t) == 0 {
			return nil, nil
		}
		return c.aclFailures(t, s)
	}
}

func filterObjs(in []*model.Object, keep func(*model.Object) bool) []*model.Object {
	var out []*model.Object
	for _, o := range in {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
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
	targets := append([]*model.Object(nil), c.Targets[0]...)
	dcKeys := map[string]bool{}
	for _, o := range targets {
		dcKeys[o.Key] = true
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
	return c.aclFailures(c.Targets[0], aclSpec{g1: model.Write, accept: func(_ *model.Object, trustee secdesc.SID, r model.Right) model.Right {
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

// privContainers are the containers above privileged accounts and domain
// controllers (DCs are privileged objects): their OUs and domain heads, and
// the sites holding the DCs' server objects, whose linked GPOs apply to
// them (ANSSI: « conteneurs (sites et OU) contenant des membres des
// groupes privilégiés »).
func privContainers(d *model.Directory) []*model.Object {
	seen := map[string]bool{}
	var out []*model.Object
	members := append(privObjects(d), d.DCs...)
	members = append(members, d.RODCs...)
	for _, o := range members {
		for k := model.ParentKey(o.Key); k != ""; k = model.ParentKey(k) {
			if seen[k] {
				break
			}
			seen[k] = true
			p := d.ByDN(k)
			if p != nil && (p.IsClass("organizationalUnit") || p.IsClass("domainDNS")) {
				out = append(out, p)
			}
		}
	}
	for _, s := range dcSites(d) {
		if !seen[s.Key] {
			seen[s.Key] = true
			out = append(out, s)
		}
	}
	return out
}

// dcSites returns the site objects holding a DC's or RODC's server object
// (CN=<DC>,CN=Servers,CN=<site>,CN=Sites,CN=Configuration,…).
func dcSites(d *model.Directory) []*model.Object {
	dcs := map[string]bool{}
	for _, list := range [][]*model.Object{d.DCs, d.RODCs} {
		for _, o := range list {
			dcs[o.Key] = true
		}
	}
	var out []*model.Object
	seen := map[string]bool{}
	for _, srv := range d.OfClass("server") {
		if !dcs[model.NormDN(srv.Get("serverreference"))] {
			continue
		}
		for k := model.ParentKey(srv.Key); k != ""; k = model.ParentKey(k) {
			if p := d.ByDN(k); p != nil && p.IsClass("site") {
				if !seen[p.Key] {
					seen[p.Key] = true
					out = append(out, p)
				}
				break
			}
		}
	}
	return out
}

// privGPOs are the group policy containers whose enabled links on those
// containers make them apply to privileged accounts or DCs (the Default
// Domain Controllers Policy, the Default Domain Policy, site GPOs…).
func privGPOs(d *model.Directory) []*model.Object {
	seen := map[string]bool{}
	var out []*model.Object
	for _, c := range privContainers(d) {
		for _, l := range model.ParseGPLinks(c.Get("gplink")) {
			k := model.NormDN(l.DN)
			if l.Disabled() || seen[k] {
				continue
			}
			seen[k] = true
			if g := d.ByDN(l.DN); g != nil {
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

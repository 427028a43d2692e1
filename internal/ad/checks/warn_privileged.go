package checks

import (
	"fmt"
	"sort"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
	"vigie/internal/french"
)

// privilegedWarnings are the ANSSI warnings on privileged accounts and
// groups.
func privilegedWarnings() []Check {
	priv := []Target{tPrivileged}
	tolerance := []string{"msds-resultantpso", "msds-supportedencryptiontypes", "pwdlastset",
		"msds-minimumpasswordlength", "msds-maximumpasswordage", "whenchanged"}
	return []Check{
		{ID: "warning_logonscript_priv", Needs: Needs{Attrs: with("scriptpath"), Targets: priv}, Run: runLogonScriptPriv},
		{ID: "warning_privileged_members", Needs: Needs{Attrs: principalAttrs, Targets: priv}, Run: runWarnPrivilegedMembers},
		{ID: "warning_privileged_members_builtin_notpriv", Needs: Needs{Attrs: principalAttrs, Targets: priv}, Run: runBuiltinNotPriv},
		{ID: "warning_privileged_members_expired_disabled", Needs: Needs{Attrs: with("accountexpires"), Targets: priv}, Run: runExpiredDisabled},
		{ID: "warning_privileged_members_foreign", Needs: Needs{Attrs: principalAttrs, Optional: []string{"securityidentifier", "trustattributes", "trustpartner"},
			Targets: priv}, Run: runPrivForeign},
		{ID: "warning_privileged_members_no_adminsdholder", Needs: Needs{SD: true, Attrs: with("ntsecuritydescriptor"), Targets: priv}, Run: runNoAdminSDHolder},
		{ID: "warning_privileged_members_not_empty", Needs: Needs{Attrs: principalAttrs, Targets: priv}, Run: runPrivNotEmpty},
		{ID: "warning_spn_priv", Needs: Needs{Attrs: with("serviceprincipalname"), Optional: tolerance, Targets: priv}, Run: runWarnSPNPriv},
	}
}

func runLogonScriptPriv(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if s := o.Get("scriptpath"); s != "" {
			objs = append(objs, ref(o, "script de connexion : "+s))
		}
	}
	return raise("", objs), nil
}

func runWarnPrivilegedMembers(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if o.RID() != model.RIDAdministrator {
			objs = append(objs, ref(o, ""))
		}
	}
	min := int(c.Param("min", 25))
	if len(objs) <= min {
		return nil, nil
	}
	return raise(fmt.Sprintf("%s (seuil d'alerte %d)", french.Plural(len(objs), "compte privilégié", "comptes privilégiés"), min), objs), nil
}

// notProtectedPrivilegedGroups are default groups that give privileges on
// domain controllers without AdminSDHolder's protection: domain-relative
// RIDs and BUILTIN SIDs, with their French names.
var (
	notProtectedDomainGroups  = map[uint32]string{model.RIDGPCreatorOwners: "Propriétaires créateurs de la stratégie de groupe"}
	notProtectedBuiltinGroups = map[secdesc.SID]string{
		"S-1-5-32-578": "Administrateurs Hyper-V",
		"S-1-5-32-582": "Administrateurs de réplica de stockage",
		"S-1-5-32-580": "Utilisateurs de gestion à distance",
	}
)

func runBuiltinNotPriv(c *Context) ([]Failure, error) {
	d := c.Dir
	var groups []*model.Object
	for _, dom := range d.Domains {
		for rid := range notProtectedDomainGroups {
			if g := d.WellKnownGroup(dom, rid); g != nil {
				groups = append(groups, g)
			}
		}
	}
	for s := range notProtectedBuiltinGroups {
		if g := d.BySID(s); g != nil {
			groups = append(groups, g)
		}
	}
	var objs []ObjectRef
	seen := map[model.Node]bool{}
	for _, g := range groups {
		name := notProtectedBuiltinGroups[g.SID]
		if rid, _ := g.SID.RID(); name == "" {
			name = notProtectedDomainGroups[rid]
		}
		for _, m := range d.MembersRec(d.NodeOf(g)) {
			o := d.ObjectOf(m)
			if o == nil || !o.IsAccount() || d.IsTier0Node(m) || seen[m] {
				continue
			}
			seen[m] = true
			objs = append(objs, ref(o, "membre de "+name+" sans être Tier 0"))
		}
	}
	return raise("", objs), nil
}

func runExpiredDisabled(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if o.RID() == model.RIDAdministrator {
			continue
		}
		switch exp, ok := o.AccountExpires(); {
		case !o.Enabled():
			objs = append(objs, ref(o, "compte désactivé"))
		case ok && !exp.After(c.AsOf):
			objs = append(objs, ref(o, "compte expiré le "+exp.Format("02/01/2006")))
		}
	}
	return raise("", objs), nil
}

// forestSIDs returns the domain SIDs of the forest: the collected domains
// and the domains of within-forest trusts.
func forestSIDs(d *model.Directory) map[secdesc.SID]bool {
	out := map[secdesc.SID]bool{}
	for _, dom := range d.Domains {
		if dom.SID != "" {
			out[dom.SID] = true
		}
	}
	for _, t := range d.OfClass("trustedDomain") {
		attr, _ := t.Int("trustattributes")
		if attr&model.TrustWithinForest == 0 {
			continue
		}
		if s, err := secdesc.SIDFromBytes(t.Binary("securityidentifier")); err == nil {
			out[s] = true
		}
	}
	return out
}

func runPrivForeign(c *Context) ([]Failure, error) {
	d := c.Dir
	own := forestSIDs(d)
	via := map[model.Node][]string{}
	for _, g := range d.PrivilegedGroups() {
		name := d.Describe(d.SIDOf(g))
		for _, m := range d.MembersRec(g) {
			s := d.SIDOf(m)
			if !strings.HasPrefix(string(s), "S-1-5-21-") || own[s.Domain()] {
				continue
			}
			via[m] = append(via[m], name)
		}
	}
	var objs []ObjectRef
	for m, groups := range via {
		sort.Strings(groups)
		dn := string(d.SIDOf(m))
		if o := d.ObjectOf(m); o != nil {
			dn = o.DN
		}
		objs = append(objs, ObjectRef{DN: dn, Detail: fmt.Sprintf("principal %s d'un domaine hors de la forêt, membre de %s", d.SIDOf(m), strings.Join(groups, ", "))})
	}
	return raise("", objs), nil
}

func runNoAdminSDHolder(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range privObjects(c.Dir) {
		if o.SDRead && !o.Protected {
			objs = append(objs, ref(o, "héritage des permissions actif (SE_DACL_PROTECTED absent)"))
		}
	}
	return raise("", objs), nil
}

// mustStayEmpty are the privileged groups ANSSI recommends keeping empty
// outside operations: the BUILTIN operators, Schema and Enterprise Admins.
var mustStayEmpty = []secdesc.SID{model.SIDAccountOperators, model.SIDServerOperators, model.SIDPrintOperators, model.SIDBackupOperators}

func runPrivNotEmpty(c *Context) ([]Failure, error) {
	d := c.Dir
	var groups []*model.Object
	for _, s := range mustStayEmpty {
		if g := d.BySID(s); g != nil {
			groups = append(groups, g)
		}
	}
	for _, dom := range d.Domains {
		for _, rid := range []uint32{model.RIDSchemaAdmins, model.RIDEnterpriseAdmins} {
			if g := d.WellKnownGroup(dom, rid); g != nil {
				groups = append(groups, g)
			}
		}
	}
	var objs []ObjectRef
	for _, g := range groups {
		var names []string
		for _, m := range d.DirectMembers(d.NodeOf(g)) {
			names = append(names, d.NodeName(m))
		}
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		objs = append(objs, ref(g, french.Plural(len(names), "membre", "membres")+" : "+strings.Join(names, ", ")))
	}
	return raise("", objs), nil
}

func runWarnSPNPriv(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if (o.IsUser() || o.IsMSA()) && o.Enabled() && len(o.All("serviceprincipalname")) > 0 && roastTolerated(c, o) {
			objs = append(objs, ref(o, "SPN toléré : "+strings.Join(o.All("serviceprincipalname"), ", ")))
		}
	}
	return raise("", objs), nil
}

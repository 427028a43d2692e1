package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

func privilegedChecks() []Check {
	priv := Needs{Attrs: principalAttrs, Targets: []Target{tPrivileged}}
	tolerance := []string{"msds-resultantpso", "msds-supportedencryptiontypes", "pwdlastset",
		"msds-minimumpasswordlength", "msds-maximumpasswordage", "whenchanged"}
	return []Check{
		{ID: "vuln_privileged_members", Needs: priv, Run: runPrivilegedMembers},
		{ID: "vuln_dont_expire_priv", Needs: priv, Run: privFlag(model.UACDontExpirePassword, "mot de passe sans expiration")},
		{ID: "vuln_kerberos_properties_preauth_priv", Needs: Needs{Attrs: principalAttrs, Optional: tolerance, Targets: priv.Targets},
			Run: privFlagTolerant(model.UACDontReqPreauth, "pré-authentification Kerberos désactivée")},
		{ID: "vuln_reversible_password_priv_uac", Needs: priv, Run: privFlag(model.UACEncryptedTextPwdAllowed, "mot de passe stocké de façon réversible")},
		{ID: "vuln_password_change_priv", Needs: Needs{Attrs: with("pwdlastset", "whencreated"), Targets: priv.Targets}, Run: runPasswordChangePriv},
		{ID: "vuln_spn_priv", Needs: Needs{Attrs: with("serviceprincipalname"), Optional: tolerance, Targets: priv.Targets}, Run: runSPNPriv},
		{ID: "vuln_privileged_members_no_admincount", Needs: Needs{Attrs: with("admincount"), Targets: priv.Targets}, Run: runNoAdminCount},
		{ID: "vuln_privileged_members_password", Needs: Needs{
			Attrs:    with("minpwdlength", "maxpwdage", "msds-resultantpso", "msds-minimumpasswordlength", "msds-maximumpasswordage"),
			Optional: []string{"cn"},
			Targets:  []Target{tPrivileged, tDomainHeads},
			Privileged: &Privileged{What: "stratégies de mot de passe affinées (PSO) et msDS-ResultantPSO des comptes privilégiés",
				Seen: func(d *model.Directory) bool {
					return len(d.OfClass("msDS-PasswordSettings")) > 0 || d.AttrSeen("msds-resultantpso")
				}},
		}, Run: runPrivPassword},
		{ID: "vuln_protected_users", Needs: priv, Run: runProtectedUsers},
		{ID: "vuln_silo_priv", Needs: Needs{NC: []string{"configuration"},
			Attrs: with("msds-assignedauthnpolicysilo", "msds-authnpolicysiloenforced"),
			Targets: []Target{tPrivileged, {What: "silos d'authentification", Optional: true, Filter: "(objectClass=msDS-AuthNPolicySilo)",
				Find: func(d *model.Directory) []*model.Object { return d.OfClass("msDS-AuthNPolicySilo") }}},
		}, Run: runSiloPriv},
		{ID: "vuln_sd_failed_sd_read_on_priv", Needs: priv, Run: runSDFailedPriv},
		{ID: "vuln_critical_objects", Needs: Needs{Attrs: []string{"objectclass", "objectsid"}}, Run: runCriticalObjects},
		{ID: "vuln_primary_group_id_1000", Needs: Needs{Attrs: []string{"objectclass", "useraccountcontrol", "primarygroupid"}}, Run: runPrimaryGroup(true)},
		{ID: "vuln_primary_group_id_nochange", Needs: Needs{Attrs: []string{"objectclass", "useraccountcontrol", "primarygroupid"}}, Run: runPrimaryGroup(false)},
		{ID: "vuln_dont_expire", Needs: Needs{Attrs: []string{"objectclass", "useraccountcontrol"}}, Run: runDontExpire},
	}
}

func runPrivilegedMembers(c *Context) ([]Failure, error) {
	max := int(c.Param("min", 50))
	if n := int(c.Param("per_domain", 3)) * len(c.Dir.Domains); n > max {
		max = n
	}
	sams := map[string]bool{}
	var all []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if o.RID() == model.RIDAdministrator {
			continue
		}
		sams[strings.ToLower(o.Sam())] = true
		all = append(all, ref(o, ""))
	}
	var out []Failure
	if len(sams) > max {
		out = append(out, failIf(1, fmt.Sprintf("%d noms de comptes privilégiés distincts (seuil %d)", len(sams), max), all)...)
	}
	if len(all) > max {
		out = append(out, failIf(2, fmt.Sprintf("%d comptes privilégiés (seuil %d)", len(all), max), append([]ObjectRef(nil), all...))...)
	}
	return out, nil
}

// privFlagTolerant is privFlag with the Kerberos-roasting tolerance rule.
func privFlagTolerant(bit uint32, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.PrivilegedAccounts() {
			if o.Enabled() && o.UAC&bit != 0 && !roastTolerated(c, o) {
				objs = append(objs, ref(o, what))
			}
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}

// privFlag fails the enabled privileged accounts carrying a UAC bit.
func privFlag(bit uint32, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.PrivilegedAccounts() {
			if o.Enabled() && o.UAC&bit != 0 {
				objs = append(objs, ref(o, what))
			}
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}

// runPasswordChangePriv fails privileged accounts whose password is older
// than 3 years: enabled ones, and the built-in administrator (RID 500) even
// when disabled (ANSSI: it is the break-glass account). A pwdLastSet of 0
// ("must change at next logon") means the password dates from the account's
// creation.
func runPasswordChangePriv(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 1095)
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if !o.Enabled() && o.RID() != model.RIDAdministrator {
			continue
		}
		attr := "pwdlastset"
		if _, ok := o.Time(attr); !ok {
			attr = "whencreated"
		}
		if c.OlderThan(o, attr, max) {
			what := "mot de passe changé le " + dateOf(o, attr)
			if attr == "whencreated" {
				what = "mot de passe jamais changé depuis la création du compte le " + dateOf(o, attr)
			}
			if !o.Enabled() {
				what += " (compte désactivé)"
			}
			objs = append(objs, ref(o, what))
		}
	}
	return failIf(1, "", objs), nil
}

// dateOf formats a date attribute for people.
func dateOf(o *model.Object, attr string) string {
	t, ok := o.Time(attr)
	if !ok {
		return "jamais"
	}
	return t.Format("02/01/2006")
}

// roastTolerated applies ANSSI's tolerance rule for Kerberos-roastable
// accounts (§1.2): managed service accounts, or a PSO with a minimum length
// above 32, a maximum age of at most 3 years, a password changed after the
// PSO, and AES-only encryption types.
func roastTolerated(c *Context, o *model.Object) bool {
	if o.IsMSA() {
		return true
	}
	dn := o.Get("msds-resultantpso")
	if dn == "" {
		return false
	}
	p := c.Dir.ByDN(dn)
	if p == nil {
		return false
	}
	l, _ := p.Int("msds-minimumpasswordlength")
	a, okA := p.Int("msds-maximumpasswordage")
	if l <= 32 || !okA || a == 0 || a == maxAgeNever || -a/10_000_000 > int64(3*365*86400) {
		return false
	}
	changed, ok1 := p.Time("whenchanged")
	set, ok2 := o.Time("pwdlastset")
	if !ok1 || !ok2 || !set.After(changed) {
		return false
	}
	enc, _ := o.Int("msds-supportedencryptiontypes")
	return enc&(model.EncAES128|model.EncAES256) != 0 && enc&(model.EncDESCRC|model.EncDESMD5|model.EncRC4) == 0
}

func runSPNPriv(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.PrivilegedAccounts() {
		if o.IsUser() && o.Enabled() && len(o.All("serviceprincipalname")) > 0 && !roastTolerated(c, o) {
			objs = append(objs, ref(o, "SPN : "+strings.Join(o.All("serviceprincipalname"), ", ")))
		}
	}
	return failIf(1, "", objs), nil
}

func runNoAdminCount(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, o := range d.PrivilegedAccounts() {
		if v, _ := o.Int("admincount"); v != 1 {
			objs = append(objs, ref(o, "adminCount absent ou nul"))
		}
	}
	roots := map[model.Node]bool{}
	for _, g := range d.PrivilegedGroups() {
		roots[g] = true
	}
	for _, g := range d.Groups {
		n := d.NodeOf(g)
		if roots[n] || !d.IsPrivileged(n) {
			continue
		}
		if v, _ := g.Int("admincount"); v != 1 {
			objs = append(objs, ref(g, "groupe imbriqué sans adminCount"))
		}
	}
	return failIf(2, "", objs), nil
}

// maxAgeNever is what maxPwdAge holds for "never expires".
const maxAgeNever = -9223372036854775808

func runPrivPassword(c *Context) ([]Failure, error) {
	d := c.Dir
	minLen := int64(c.Param("min_length", 8))
	maxAge := c.Days("max_age_days", 1095)
	var objs []ObjectRef
	for _, o := range d.PrivilegedAccounts() {
		if !o.Enabled() || o.Domain == nil || o.Domain.Head == nil {
			continue
		}
		src := o.Domain.Head
		what := "politique du domaine"
		if pso := o.Get("msds-resultantpso"); pso != "" {
			p := d.ByDN(pso)
			if p == nil {
				return nil, skip("PSO %s appliquée à %s non collectée (lecture privilégiée nécessaire)", pso, o.Sam())
			}
			src, what = p, "PSO "+p.Get("cn")
		}
		lenAttr, ageAttr := "minpwdlength", "maxpwdage"
		if src != o.Domain.Head {
			lenAttr, ageAttr = "msds-minimumpasswordlength", "msds-maximumpasswordage"
		}
		l, okL := src.Int(lenAttr)
		a, okA := src.Int(ageAttr)
		if !okL || !okA {
			return nil, skip("politique de mot de passe illisible sur %s (%s, %s)", src.DN, lenAttr, ageAttr)
		}
		var bad []string
		if l < minLen {
			bad = append(bad, fmt.Sprintf("longueur minimale %d", l))
		}
		if a == 0 || a == maxAgeNever {
			bad = append(bad, "mot de passe sans expiration")
		} else if age := -a / 10_000_000; age > int64(maxAge.Seconds()) {
			bad = append(bad, fmt.Sprintf("expiration après %d jours", age/86400))
		}
		if len(bad) > 0 {
			objs = append(objs, ref(o, what+" : "+strings.Join(bad, ", ")))
		}
	}
	return failIf(2, "", objs), nil
}

func runProtectedUsers(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, o := range d.PrivilegedAccounts() {
		if !o.IsUser() || !o.Enabled() {
			continue
		}
		pu := d.WellKnownGroup(o.Domain, model.RIDProtectedUsers)
		if pu == nil || !d.GroupsRec(d.NodeOf(o))[d.NodeOf(pu)] {
			objs = append(objs, ref(o, "hors de Protected Users"))
		}
	}
	return failIf(3, "", objs), nil
}

func runSiloPriv(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, o := range d.PrivilegedAccounts() {
		if !o.IsUser() || !o.Enabled() {
			continue
		}
		silo := o.Get("msds-assignedauthnpolicysilo")
		if silo == "" {
			objs = append(objs, ref(o, "aucun silo d'authentification"))
			continue
		}
		s := d.ByDN(silo)
		if s == nil || !strings.EqualFold(s.Get("msds-authnpolicysiloenforced"), "TRUE") {
			objs = append(objs, ref(o, "silo non appliqué : "+silo))
		}
	}
	return failIf(4, "", objs), nil
}

func runSDFailedPriv(c *Context) ([]Failure, error) {
	d := c.Dir
	gapped := map[string]string{}
	for _, g := range d.Gaps {
		if g.DN != "" && (g.Scope == "security-descriptor" || g.Scope == "object") {
			gapped[model.NormDN(g.DN)] = g.Why
		}
	}
	var objs []ObjectRef
	check := func(o *model.Object) {
		switch {
		case gapped[o.Key] != "":
			objs = append(objs, ref(o, "non lu : "+gapped[o.Key]))
		case !o.SDRead && o.SDError != "":
			objs = append(objs, ref(o, "descripteur invalide : "+o.SDError))
		case !o.SDRead:
			objs = append(objs, ref(o, "descripteur de sécurité absent"))
		}
	}
	for _, o := range d.PrivilegedAccounts() {
		check(o)
	}
	for _, g := range d.PrivilegedGroups() {
		if o := d.ObjectOf(g); o != nil {
			check(o)
		}
	}
	return failIf(3, "", objs), nil
}

func runCriticalObjects(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	if len(d.Domains) == 0 {
		return failIf(1, "", []ObjectRef{{DN: d.Header.Forest, Detail: "aucun domaine dans la collecte"}}), nil
	}
	root := d.Domains[0]
	for _, dom := range d.Domains {
		if strings.EqualFold(dom.DNS, d.Header.Forest) {
			root = dom
		}
	}
	for _, dom := range d.Domains {
		if dom.Head == nil || dom.SID == "" {
			objs = append(objs, ObjectRef{DN: dom.DN, Detail: "tête du domaine ou son SID absent"})
			continue
		}
		if d.ByDN("CN=AdminSDHolder,CN=System,"+dom.DN) == nil {
			objs = append(objs, ObjectRef{DN: "CN=AdminSDHolder,CN=System," + dom.DN, Detail: "AdminSDHolder absent"})
		}
		rids := map[uint32]string{model.RIDAdministrator: "Administrator", model.RIDKrbtgt: "krbtgt", model.RIDDomainAdmins: "Admins du domaine"}
		if dom == root {
			rids[model.RIDSchemaAdmins] = "Admins du schéma"
			rids[model.RIDEnterpriseAdmins] = "Admins de l'entreprise"
		}
		for rid, name := range rids {
			if d.BySID(dom.SID.WithRID(rid)) == nil {
				objs = append(objs, ObjectRef{DN: dom.DN, Sam: name, Detail: fmt.Sprintf("%s (RID %d) absent", name, rid)})
			}
		}
	}
	return failIf(1, "", objs), nil
}

// defaultPrimaryGroups returns the primaryGroupID values ANSSI accepts for
// an account of this type: users 513 or 514, computers and managed service
// accounts 515, DCs 516, RODCs 521. The type comes from userAccountControl
// and the object class, never from primaryGroupID itself.
func defaultPrimaryGroups(o *model.Object) []uint32 {
	switch {
	case o.UAC&model.UACServerTrustAccount != 0:
		return []uint32{model.RIDDomainControllers}
	case o.UAC&model.UACPartialSecretsAccount != 0 && o.UAC&model.UACWorkstationTrustAccount != 0:
		return []uint32{model.RIDRODCs}
	case o.IsComputer() || o.IsMSA() || o.UAC&model.UACWorkstationTrustAccount != 0:
		return []uint32{model.RIDDomainComputers}
	}
	return []uint32{model.RIDDomainUsers, model.RIDDomainGuests}
}

func runPrimaryGroup(below1000 bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.Accounts {
			p := o.PrimaryGroupID
			if p == 0 || o.UAC&model.UACInterdomainTrustAccount != 0 {
				continue
			}
			want := defaultPrimaryGroups(o)
			ok := false
			for _, w := range want {
				ok = ok || p == w
			}
			if ok || (below1000 && p >= 1000) {
				continue
			}
			objs = append(objs, ref(o, fmt.Sprintf("primaryGroupID = %d (attendu %s pour ce type de compte)", p, joinRIDs(want))))
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}

func joinRIDs(r []uint32) string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " ou ")
}

func runDontExpire(c *Context) ([]Failure, error) {
	var enabled int
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if !o.IsUser() || !o.Enabled() || o.UAC&model.UACInterdomainTrustAccount != 0 {
			continue
		}
		enabled++
		if o.UAC&model.UACDontExpirePassword != 0 {
			objs = append(objs, ref(o, "mot de passe sans expiration"))
		}
	}
	if enabled == 0 {
		return nil, nil
	}
	ratio := float64(len(objs)) / float64(enabled)
	if ratio <= c.Param("max_ratio", 0.10) {
		return nil, nil
	}
	return failIf(2, fmt.Sprintf("%s sur %s (%.0f %%)", french.Plural(len(objs), "compte", "comptes"), french.Plural(enabled, "actif", "actifs"), 100*ratio), objs), nil
}

package checks

import (
	"fmt"
	"sort"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

// informations are ANSSI's informations (info_*): inventories shown beside
// the report, raised whenever they have something to show.
func informations() []Check {
	keyCred := func(extra ...string) Needs {
		return Needs{Attrs: with(append([]string{"msds-keycredentiallink"}, extra...)...),
			Privileged: &Privileged{What: "clés d'authentification par clé publique (msDS-KeyCredentialLink)",
				Seen: func(d *model.Directory) bool { return d.AttrSeen("msds-keycredentiallink") }}}
	}
	laps := []string{"objectclass", "useraccountcontrol", "primarygroupid", "ms-mcs-admpwdexpirationtime", "mslaps-passwordexpirationtime"}
	pso := Needs{Attrs: []string{"objectclass", "msds-passwordsettingsprecedence", "msds-minimumpasswordlength", "msds-maximumpasswordage", "msds-psoappliesto"},
		Optional: []string{"msds-passwordreversibleencryptionenabled", "msds-passwordcomplexityenabled", "msds-lockoutthreshold"},
		Targets: []Target{{What: "stratégies de mot de passe affinées (msDS-PasswordSettings)", Optional: true, AdminOnly: true,
			Filter: "(objectClass=msDS-PasswordSettings)", Find: func(d *model.Directory) []*model.Object { return d.OfClass("msDS-PasswordSettings") }}},
		Privileged: &Privileged{What: "stratégies de mot de passe affinées (PSO)",
			Seen: func(d *model.Directory) bool { return len(d.OfClass("msDS-PasswordSettings")) > 0 }}}
	sd := Needs{SD: true, Attrs: []string{"objectclass", "ntsecuritydescriptor"}}
	return []Check{
		{ID: "info_gpo", Needs: Needs{Attrs: []string{"objectclass", "whenchanged"}, Optional: []string{"displayname", "versionnumber"},
			Targets: []Target{{What: "stratégies de groupe (groupPolicyContainer)", PerDomain: true,
				Find: func(d *model.Directory) []*model.Object { return d.OfClass("groupPolicyContainer") }}}}, Run: runInfoGPO},
		{ID: "info_gpo_sysvol", Run: runInfoGPOSysvol},
		{ID: "info_keycredentiallink_dc", Needs: keyCred(), Run: runKeyCred(func(c *Context) []*model.Object {
			return append(append([]*model.Object(nil), c.Dir.DCs...), c.Dir.RODCs...)
		})},
		{ID: "info_keycredentiallink_priv", Needs: keyCred(), Run: runKeyCred(func(c *Context) []*model.Object { return c.Dir.PrivilegedAccounts() })},
		{ID: "info_keycredentiallink_silo", Needs: keyCred("msds-assignedauthnpolicysilo"), Run: runKeyCred(func(c *Context) []*model.Object {
			var out []*model.Object
			for _, o := range c.Dir.Accounts {
				if o.IsComputer() && o.Get("msds-assignedauthnpolicysilo") != "" {
					out = append(out, o)
				}
			}
			return out
		})},
		{ID: "info_laps", Needs: Needs{Attrs: laps}, Run: runLAPS(false)},
		{ID: "info_laps_missing", Needs: Needs{Attrs: laps}, Run: runLAPS(true)},
		{ID: "info_password_policy_pso", Needs: pso, Run: runInfoPSO},
		{ID: "info_privileged_members_recent_changes", Run: unavailable("nécessite les métadonnées de réplication des valeurs de l'attribut member (msDS-ReplValueMetaData), que Vigie ne collecte pas")},
		{ID: "info_sd", Needs: sd, Run: sdNoted(model.SDAnonymous, "ACE pour Ouverture de session anonyme (S-1-5-7)")},
		{ID: "info_sd_missing_au_lc", Needs: sd, Run: runOUNote(func(o *model.Object) string {
			if o.SDNotes&model.SDListByUsers == 0 {
				return "aucun groupe de tous les utilisateurs ne peut lister le contenu"
			}
			return ""
		})},
		{ID: "info_sd_protected_ou", Needs: sd, Run: runOUNote(func(o *model.Object) string {
			if o.Protected {
				return "héritage des permissions bloqué (SE_DACL_PROTECTED)"
			}
			return ""
		})},
		{ID: "info_user_accounts_dormant", Needs: Needs{Attrs: []string{"objectclass", "useraccountcontrol", "primarygroupid", "whencreated", "lastlogontimestamp"}},
			Run: runInfoDormant},
	}
}

func runInfoGPO(c *Context) ([]Failure, error) {
	gpos := append([]*model.Object(nil), c.Targets[0]...)
	changed := func(o *model.Object) string {
		t, _ := o.Time("whenchanged")
		return t.Format("2006-01-02 15:04:05")
	}
	sort.SliceStable(gpos, func(i, j int) bool { return changed(gpos[i]) > changed(gpos[j]) })
	var objs []ObjectRef
	for _, o := range gpos {
		what := "date de modification inconnue"
		if _, ok := o.Time("whenchanged"); ok {
			what = "modifiée le " + dateOf(o, "whenchanged")
		}
		if v := o.Get("versionnumber"); v != "" {
			what += ", version " + v
		}
		objs = append(objs, ObjectRef{DN: o.DN, Sam: o.Get("displayname"), Detail: what})
	}
	// Most recent first: failIf would sort by DN.
	if len(objs) == 0 {
		return nil, nil
	}
	detail := french.Plural(len(objs), "stratégie de groupe", "stratégies de groupe, de la plus récemment modifiée à la plus ancienne")
	return []Failure{{Detail: detail, Objects: objs}}, nil
}

func runKeyCred(of func(c *Context) []*model.Object) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range of(c) {
			if n := len(o.All("msds-keycredentiallink")) + len(o.BinaryAll("msds-keycredentiallink")); n > 0 {
				objs = append(objs, ref(o, french.Plural(n, "clé", "clés")+" dans msDS-KeyCredentialLink"))
			}
		}
		return raise("", objs), nil
	}
}

// hasLAPS reports whether a computer's local administrator password is
// managed by legacy or Windows LAPS.
func hasLAPS(o *model.Object) bool {
	return o.Get("ms-mcs-admpwdexpirationtime") != "" || o.Get("mslaps-passwordexpirationtime") != ""
}

// runLAPS reports LAPS coverage of the enabled computers that are not
// domain controllers, per domain (info_laps), or the domains where none is
// covered (info_laps_missing). Computers are counted, not listed: on a
// large forest the uncovered ones number in thousands.
func runLAPS(missing bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		d := c.Dir
		type tally struct{ all, covered int }
		per := map[*model.Domain]*tally{}
		for _, o := range d.Accounts {
			if !o.IsComputer() || !o.Enabled() || o.IsDC() || o.IsRODC() || o.Domain == nil {
				continue
			}
			t := per[o.Domain]
			if t == nil {
				t = &tally{}
				per[o.Domain] = t
			}
			t.all++
			if hasLAPS(o) {
				t.covered++
			}
		}
		all, covered := 0, 0
		var rows, none []ObjectRef
		for _, dom := range d.Domains {
			t := per[dom]
			if t == nil || dom.Head == nil {
				continue
			}
			all += t.all
			covered += t.covered
			rows = append(rows, ref(dom.Head, fmt.Sprintf("%s sur %s (%s)", french.Int(t.covered), french.Int(t.all), percent(t.covered, t.all))))
			if t.covered == 0 {
				none = append(none, ref(dom.Head, "aucun ordinateur actif (hors contrôleurs) n'utilise LAPS, sur "+french.Int(t.all)))
			}
		}
		if missing {
			return raise("", none), nil
		}
		if all == 0 {
			return nil, nil
		}
		return raise(fmt.Sprintf("ordinateurs actifs (hors contrôleurs) couverts par LAPS : %s sur %s (%s)", french.Int(covered), french.Int(all), percent(covered, all)), rows), nil
	}
}

func runInfoPSO(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, p := range c.Targets[0] {
		parts := []string{"priorité " + orNone(p.Get("msds-passwordsettingsprecedence"))}
		if l, ok := p.Int("msds-minimumpasswordlength"); ok {
			parts = append(parts, fmt.Sprintf("longueur minimale %d", l))
		}
		if a, ok := p.Int("msds-maximumpasswordage"); ok {
			if a == 0 || a == maxAgeNever {
				parts = append(parts, "sans expiration")
			} else {
				if a < 0 {
					a = -a
				}
				parts = append(parts, "expiration après "+french.Plural(int(a/10_000_000/86400), "jour", "jours"))
			}
		}
		if strings.EqualFold(p.Get("msds-passwordreversibleencryptionenabled"), "TRUE") {
			parts = append(parts, "stockage réversible autorisé")
		}
		applies := p.All("msds-psoappliesto")
		if len(applies) == 0 {
			parts = append(parts, "appliquée à personne")
		} else {
			var names []string
			for _, dn := range applies {
				if o := c.Dir.ByDN(dn); o != nil && o.Sam() != "" {
					names = append(names, o.Sam())
				} else {
					names = append(names, dn)
				}
			}
			sort.Strings(names)
			parts = append(parts, "appliquée à "+strings.Join(names, ", "))
		}
		objs = append(objs, ref(p, strings.Join(parts, ", ")))
	}
	return raise("", objs), nil
}

// runOUNote raises the organizational units for which note says something.
func runOUNote(note func(o *model.Object) string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.OfClass("organizationalUnit") {
			if !o.SDRead {
				continue
			}
			if what := note(o); what != "" {
				objs = append(objs, ref(o, what))
			}
		}
		return raise("", objs), nil
	}
}

func runInfoDormant(c *Context) ([]Failure, error) {
	max := c.Days("logon_days", 365)
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if !o.Enabled() || !(o.IsUser() || o.IsComputer()) || o.IsDC() || o.IsRODC() || o.UAC&model.UACInterdomainTrustAccount != 0 {
			continue
		}
		if c.Inactive(o, "lastlogontimestamp", max) {
			objs = append(objs, ref(o, "dernière authentification : "+dateOf(o, "lastlogontimestamp")))
		}
	}
	return raise("", objs), nil
}

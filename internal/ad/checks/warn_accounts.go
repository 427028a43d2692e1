package checks

import (
	"fmt"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

// accountWarnings are the ANSSI warnings on account hygiene.
func accountWarnings() []Check {
	acc := []string{"objectclass", "useraccountcontrol"}
	return []Check{
		{ID: "warning_admincount", Needs: Needs{Attrs: with("admincount"), Optional: []string{"ntsecuritydescriptor"}}, Run: runAdminCount(1)},
		{ID: "warning_admincount_0", Needs: Needs{Attrs: with("admincount"), Optional: []string{"ntsecuritydescriptor"}}, Run: runAdminCount(0)},
		{ID: "warning_dont_expire", Needs: Needs{Attrs: acc}, Run: runWarnDontExpire},
		{ID: "warning_password_change", Needs: Needs{Attrs: attrs(acc, []string{"pwdlastset", "whencreated"})}, Run: runWarnPasswordChange},
		{ID: "warning_reversible_password", Needs: Needs{Attrs: acc}, Run: runWarnReversible},
		{ID: "warning_rid500", Needs: Needs{Attrs: []string{"objectclass", "objectsid", "lastlogontimestamp"},
			Targets: []Target{{What: "comptes Administrateur intégrés (RID 500)", PerDomain: true, Find: wellKnownIn(model.RIDAdministrator)}}},
			Run: runRID500},
		{ID: "warning_user_accounts_dormant", Needs: Needs{Attrs: attrs(acc, []string{"primarygroupid", "whencreated", "pwdlastset", "lastlogontimestamp"})},
			Run: runWarnDormant},
	}
}

// sdPropProtected reports whether SDProp legitimately keeps adminCount=1
// on an account or group: the privileged groups and their recursive
// members, the built-in administrator and krbtgt (protected whatever
// their groups), and the read-only domain controllers' group with its
// members.
func sdPropProtected(d *model.Directory, o *model.Object) bool {
	n := d.NodeOf(o)
	if rid := o.RID(); d.IsPrivileged(n) || rid == model.RIDKrbtgt || (rid == model.RIDAdministrator && o.Domain != nil && o.SID.Domain() == o.Domain.SID) {
		return true
	}
	rodcs := d.WellKnownGroup(o.Domain, model.RIDRODCs)
	return rodcs != nil && (rodcs == o || d.GroupsRec(n)[d.NodeOf(rodcs)])
}

// runAdminCount raises the accounts and groups whose adminCount equals
// value: 1 without privileged membership (orphaned protection), or an
// explicit 0 (a hand-cleaned former privileged object).
func runAdminCount(value int64) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		d := c.Dir
		var objs []ObjectRef
		for _, list := range [][]*model.Object{d.Accounts, d.Groups} {
			for _, o := range list {
				v, ok := o.Int("admincount")
				if !ok || v != value || (value == 1 && sdPropProtected(d, o)) {
					continue
				}
				what := "adminCount = 0"
				if value == 1 {
					what = "adminCount = 1 sans appartenance à un groupe privilégié"
				}
				if o.SDRead && o.Protected {
					what += " ; héritage des permissions toujours désactivé"
				}
				objs = append(objs, ref(o, what))
			}
		}
		return raise("", objs), nil
	}
}

// enabledUsers calls fn for each enabled user account (trust accounts,
// computers and managed service accounts aside) and returns their number.
func enabledUsers(d *model.Directory, fn func(o *model.Object)) int {
	n := 0
	for _, o := range d.Accounts {
		if o.IsUser() && o.Enabled() && o.UAC&model.UACInterdomainTrustAccount == 0 {
			n++
			fn(o)
		}
	}
	return n
}

func runWarnDontExpire(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	n := enabledUsers(c.Dir, func(o *model.Object) {
		if o.UAC&model.UACDontExpirePassword != 0 {
			objs = append(objs, ref(o, "mot de passe sans expiration"))
		}
	})
	if len(objs) == 0 {
		return nil, nil
	}
	return raise(fmt.Sprintf("%s sur %s (%s)", french.Plural(len(objs), "compte", "comptes"), french.Plural(n, "actif", "actifs"), percent(len(objs), n)), objs), nil
}

func runWarnPasswordChange(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 1095)
	var objs []ObjectRef
	enabledUsers(c.Dir, func(o *model.Object) {
		attr := "pwdlastset"
		if _, ok := o.Time(attr); !ok {
			attr = "whencreated"
		}
		if !c.OlderThan(o, attr, max) {
			return
		}
		what := "mot de passe changé le " + dateOf(o, attr)
		if attr == "whencreated" {
			what = "mot de passe jamais changé depuis la création du compte le " + dateOf(o, attr)
		}
		objs = append(objs, ref(o, what))
	})
	return raise("", objs), nil
}

func runWarnReversible(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if o.Enabled() && o.UAC&model.UACEncryptedTextPwdAllowed != 0 {
			objs = append(objs, ref(o, "mot de passe stocké de façon réversible"))
		}
	}
	return raise("", objs), nil
}

func runRID500(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 30)
	var objs []ObjectRef
	for _, o := range c.Targets[0] {
		if t, ok := o.Time("lastlogontimestamp"); ok && c.AsOf.Sub(t) <= max {
			objs = append(objs, ref(o, "dernière authentification le "+t.Format("02/01/2006")))
		}
	}
	return raise("", objs), nil
}

func runWarnDormant(c *Context) ([]Failure, error) {
	objs, enabled := c.dormant()
	if enabled == 0 || len(objs) == 0 {
		return nil, nil
	}
	if float64(len(objs))/float64(enabled) <= c.Param("min_ratio", 0.10) {
		return nil, nil
	}
	return raise(fmt.Sprintf("%s sur %s (%s)", french.Plural(len(objs), "compte dormant", "comptes dormants"), french.Plural(enabled, "actif", "actifs"), percent(len(objs), enabled)), objs), nil
}

// percent formats part/whole as a French percentage (« 12 % »).
func percent(part, whole int) string {
	if whole == 0 {
		return "0 %"
	}
	return fmt.Sprintf("%.0f %%", 100*float64(part)/float64(whole))
}

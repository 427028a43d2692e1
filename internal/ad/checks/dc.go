package checks

import (
	"regexp"
	"strings"

	"vigie/internal/ad/model"
)

func dcChecks() []Check {
	return []Check{
		{ID: "vuln_dc_inconsistent_uac", Needs: Needs{NC: []string{"configuration"}}, Run: runDCInconsistent},
		{ID: "vuln_dc_obsolete", Needs: Needs{Attrs: []string{"operatingsystem"}}, Run: runDCObsolete},
		{ID: "vuln_password_change_dc_no_change", Needs: Needs{Attrs: []string{"pwdlastset"}}, Run: runDCAge("pwdlastset", "mot de passe machine changé le ")},
		{ID: "vuln_password_change_inactive_dc", Needs: Needs{Attrs: []string{"lastlogontimestamp"}}, Run: runDCAge("lastlogontimestamp", "dernière authentification le ")},
	}
}

func runDCInconsistent(c *Context) ([]Failure, error) {
	d := c.Dir
	servers := map[string]*model.Object{}
	for _, o := range d.OfClass("server") {
		if ref := o.Get("serverreference"); ref != "" {
			servers[model.NormDN(ref)] = o
		}
	}
	hasNTDS := map[string]bool{}
	for _, o := range ofClasses(d, "nTDSDSA", "nTDSDSARO") {
		hasNTDS[model.ParentKey(o.Key)] = true
	}
	var objs []ObjectRef
	check := func(o *model.Object, need uint32, what string) {
		var bad []string
		if o.UAC&need != need {
			bad = append(bad, "userAccountControl sans "+what)
		}
		s := servers[o.Key]
		switch {
		case s == nil:
			bad = append(bad, "aucun objet serveur dans la configuration")
		case !hasNTDS[s.Key]:
			bad = append(bad, "objet NTDS Settings absent")
		}
		if len(bad) > 0 {
			objs = append(objs, ref(o, strings.Join(bad, " ; ")))
		}
	}
	for _, o := range d.DCs {
		check(o, model.UACServerTrustAccount|model.UACTrustedForDelegation, "SERVER_TRUST_ACCOUNT et TRUSTED_FOR_DELEGATION")
	}
	for _, o := range d.RODCs {
		check(o, model.UACPartialSecretsAccount|model.UACWorkstationTrustAccount|model.UACTrustedToAuthForDelegation,
			"PARTIAL_SECRETS_ACCOUNT, WORKSTATION_TRUST_ACCOUNT et TRUSTED_TO_AUTH_FOR_DELEGATION")
	}
	// Computers claiming to be DCs by their flags but not by their group.
	for _, o := range d.Accounts {
		if o.IsComputer() && !o.IsDC() && !o.IsRODC() && o.UAC&model.UACServerTrustAccount != 0 {
			objs = append(objs, ref(o, "SERVER_TRUST_ACCOUNT sur un ordinateur hors du groupe des contrôleurs"))
		}
	}
	return failIf(1, "", objs), nil
}

// obsoleteOS matches Windows Server releases out of support.
var obsoleteOS = regexp.MustCompile(`(?i)\b(2000|2003|2008|2012)\b`)

func runDCObsolete(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, list := range [][]*model.Object{c.Dir.DCs, c.Dir.RODCs} {
		for _, o := range list {
			if os := o.Get("operatingsystem"); obsoleteOS.MatchString(os) {
				objs = append(objs, ref(o, os))
			}
		}
	}
	return failIf(1, "", objs), nil
}

func runDCAge(attr, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		max := c.Days("max_days", 45)
		var objs []ObjectRef
		for _, list := range [][]*model.Object{c.Dir.DCs, c.Dir.RODCs} {
			for _, o := range list {
				if o.Enabled() && c.Inactive(o, attr, max) {
					objs = append(objs, ref(o, what+dateOf(o, attr)))
				}
			}
		}
		return failIf(1, "", objs), nil
	}
}

package checks

import (
	"fmt"
	"regexp"
	"strings"

	"vigie/internal/ad/model"
)

func dcChecks() []Check {
	dcAttrs := []string{"objectclass", "useraccountcontrol", "primarygroupid"}
	return []Check{
		{ID: "vuln_dc_inconsistent_uac", Needs: Needs{NC: []string{"configuration"},
			Attrs:    attrs(dcAttrs, []string{"serverreference", "operatingsystem", "msds-behavior-version"}),
			Optional: []string{"msds-isrodc"}, Targets: []Target{tDCs}}, Run: runDCInconsistent},
		{ID: "vuln_dc_obsolete", Needs: Needs{Attrs: attrs(dcAttrs, []string{"operatingsystem"}), Targets: []Target{tDCs}}, Run: runDCObsolete},
		{ID: "vuln_password_change_dc_no_change", Needs: Needs{Attrs: attrs(dcAttrs, []string{"pwdlastset", "whencreated"}),
			Targets: []Target{tDCs}}, Run: runDCAge("pwdlastset", "mot de passe machine changé le ")},
		{ID: "vuln_password_change_inactive_dc", Needs: Needs{Attrs: attrs(dcAttrs, []string{"lastlogontimestamp", "whencreated"}),
			Targets: []Target{tDCs}}, Run: runDCAge("lastlogontimestamp", "dernière authentification le ")},
	}
}

// dsaBehaviour maps a Windows Server release named in operatingSystem to
// the msDS-Behavior-Version its NTDS Settings object carries.
var dsaBehaviour = []struct {
	re *regexp.Regexp
	v  int64
}{
	{regexp.MustCompile(`(?i)\b2008 R2\b`), 4},
	{regexp.MustCompile(`(?i)\b2012 R2\b`), 6},
	{regexp.MustCompile(`(?i)\b2008\b`), 3},
	{regexp.MustCompile(`(?i)\b2012\b`), 5},
	{regexp.MustCompile(`(?i)\b(2016|2019|2022)\b`), 7},
	{regexp.MustCompile(`(?i)\b2025\b`), 10},
}

// expectedBehaviour returns the DSA behaviour version of a Windows Server
// operatingSystem value; false for other systems (Samba, unknown).
func expectedBehaviour(os string) (int64, bool) {
	if !strings.Contains(strings.ToLower(os), "windows") {
		return 0, false
	}
	for _, b := range dsaBehaviour {
		if b.re.MatchString(os) {
			return b.v, true
		}
	}
	return 0, false
}

// runDCInconsistent applies ANSSI's consistency rules to every DC and RODC:
// userAccountControl flags, a Configuration server object referencing the
// account, its NTDS Settings child of the right class (nTDSDSA for a DC,
// nTDSDSARO for an RODC) whose msDS-Behavior-Version matches the system.
func runDCInconsistent(c *Context) ([]Failure, error) {
	d := c.Dir
	servers := map[string]*model.Object{}
	for _, o := range d.OfClass("server") {
		if ref := o.Get("serverreference"); ref != "" {
			servers[model.NormDN(ref)] = o
		}
	}
	ntds := map[string]*model.Object{}
	for _, o := range ofClasses(d, "nTDSDSA", "nTDSDSARO") {
		ntds[model.ParentKey(o.Key)] = o
	}
	var objs []ObjectRef
	check := func(o *model.Object, need uint32, what string, rodc bool) {
		var bad []string
		if o.UAC&need != need {
			bad = append(bad, "userAccountControl sans "+what)
		}
		s := servers[o.Key]
		switch {
		case s == nil:
			bad = append(bad, "aucun objet serveur dans la configuration")
		case ntds[s.Key] == nil:
			bad = append(bad, "objet NTDS Settings absent")
		default:
			n := ntds[s.Key]
			isRO := n.IsClass("nTDSDSARO") || strings.EqualFold(n.Get("msds-isrodc"), "TRUE")
			switch {
			case rodc && !isRO:
				bad = append(bad, "NTDS Settings de type nTDSDSA pour un contrôleur en lecture seule")
			case !rodc && isRO:
				bad = append(bad, "NTDS Settings de type nTDSDSARO pour un contrôleur accessible en écriture")
			}
			if want, ok := expectedBehaviour(o.Get("operatingsystem")); ok {
				if v, ok := n.Int("msds-behavior-version"); !ok || v != want {
					bad = append(bad, fmt.Sprintf("msDS-Behavior-Version de NTDS Settings = %s, attendu %d pour %s",
						orNone(n.Get("msds-behavior-version")), want, o.Get("operatingsystem")))
				}
			}
		}
		if len(bad) > 0 {
			objs = append(objs, ref(o, strings.Join(bad, " ; ")))
		}
	}
	for _, o := range d.DCs {
		check(o, model.UACServerTrustAccount|model.UACTrustedForDelegation, "SERVER_TRUST_ACCOUNT et TRUSTED_FOR_DELEGATION", false)
	}
	for _, o := range d.RODCs {
		check(o, model.UACPartialSecretsAccount|model.UACWorkstationTrustAccount|model.UACTrustedToAuthForDelegation,
			"PARTIAL_SECRETS_ACCOUNT, WORKSTATION_TRUST_ACCOUNT et TRUSTED_TO_AUTH_FOR_DELEGATION", true)
	}
	// Computers claiming to be DCs by their flags but not by their group.
	for _, o := range d.Accounts {
		if o.IsComputer() && !o.IsDC() && !o.IsRODC() && o.UAC&model.UACServerTrustAccount != 0 {
			objs = append(objs, ref(o, "SERVER_TRUST_ACCOUNT sur un ordinateur hors du groupe des contrôleurs"))
		}
	}
	return failIf(1, "", objs), nil
}

func orNone(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
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

package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

func staleChecks() []Check {
	acc := []string{"objectclass", "useraccountcontrol", "primarygroupid", "whencreated"}
	server := attrs(acc, []string{"operatingsystem"})
	return []Check{
		{ID: "vuln_user_accounts_dormant", Needs: Needs{Attrs: attrs(acc, []string{"pwdlastset", "lastlogontimestamp"})}, Run: runDormant},
		{ID: "vuln_password_change_server_no_change_90", Needs: Needs{Attrs: attrs(server, []string{"pwdlastset"})},
			Run: runServerAge("pwdlastset", "mot de passe machine changé le ")},
		{ID: "vuln_password_change_server_no_change_45", Needs: Needs{Attrs: attrs(server, []string{"pwdlastset"})},
			Run: runServerAge("pwdlastset", "mot de passe machine changé le ")},
		{ID: "vuln_password_change_inactive_servers", Needs: Needs{Attrs: attrs(server, []string{"lastlogontimestamp"})},
			Run: runServerAge("lastlogontimestamp", "dernière authentification le ")},
		{ID: "vuln_password_change_cluster_no_change_3years", Needs: Needs{Attrs: attrs(acc, []string{"serviceprincipalname", "pwdlastset"})}, Run: runCluster},
		{ID: "vuln_password_change_msa_no_change_90", Needs: Needs{Attrs: attrs(acc, []string{"pwdlastset"})}, Run: runMSAAge},
		{ID: "vuln_trusts_accounts", Needs: Needs{Attrs: attrs(acc, []string{"pwdlastset"})}, Run: runTrustAccounts},
		{ID: "vuln_guest", Needs: Needs{Attrs: []string{"objectclass", "objectsid", "useraccountcontrol"},
			Targets: []Target{{What: "comptes Invité (RID 501)", PerDomain: true, Find: wellKnownIn(model.RIDGuest)}}}, Run: runGuest},
	}
}

func runDormant(c *Context) ([]Failure, error) {
	objs, enabled := c.dormant()
	if enabled == 0 {
		return nil, nil
	}
	ratio := float64(len(objs)) / float64(enabled)
	if ratio <= c.Param("max_ratio", 0.25) {
		return nil, nil
	}
	return failIf(1, fmt.Sprintf("%s sur %s (%.0f %%)", french.Plural(len(objs), "compte dormant", "comptes dormants"), french.Plural(enabled, "actif", "actifs"), 100*ratio), objs), nil
}

// dormant lists the enabled users and computers (trust accounts aside)
// whose password is older than pwd_days (3 years) and that have not
// authenticated for logon_days (1 year), with the number of enabled ones.
func (c *Context) dormant() (objs []ObjectRef, enabled int) {
	pwdMax := c.Days("pwd_days", 1095)
	logonMax := c.Days("logon_days", 365)
	for _, o := range c.Dir.Accounts {
		if !o.Enabled() || !(o.IsUser() || o.IsComputer()) || o.UAC&model.UACInterdomainTrustAccount != 0 {
			continue
		}
		enabled++
		if !c.OlderThan(o, "pwdlastset", pwdMax) {
			continue
		}
		if !c.Inactive(o, "lastlogontimestamp", logonMax) {
			continue
		}
		objs = append(objs, ref(o, "dernière authentification : "+dateOf(o, "lastlogontimestamp")))
	}
	return objs, enabled
}

func runServerAge(attr, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		max := c.Days("max_days", 90)
		var objs []ObjectRef
		for _, o := range c.Dir.Accounts {
			if o.IsServer() && c.Inactive(o, attr, max) {
				objs = append(objs, ref(o, what+dateOf(o, attr)))
			}
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}

func runCluster(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 1095)
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if !o.Enabled() {
			continue
		}
		cluster := false
		for _, spn := range o.All("serviceprincipalname") {
			if strings.Contains(strings.ToLower(spn), "mscluster") || strings.Contains(strings.ToLower(spn), "msservercluster") {
				cluster = true
			}
		}
		if cluster && c.OlderThan(o, "pwdlastset", max) {
			objs = append(objs, ref(o, "mot de passe changé le "+dateOf(o, "pwdlastset")))
		}
	}
	return failIf(2, "", objs), nil
}

func runMSAAge(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 90)
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if o.IsMSA() && o.Enabled() && c.OlderThan(o, "pwdlastset", max) {
			objs = append(objs, ref(o, "mot de passe changé le "+dateOf(o, "pwdlastset")))
		}
	}
	return failIf(2, "", objs), nil
}

func runTrustAccounts(c *Context) ([]Failure, error) {
	max := c.Days("max_days", 365)
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if o.Enabled() && o.UAC&model.UACInterdomainTrustAccount != 0 && c.OlderThan(o, "pwdlastset", max) {
			objs = append(objs, ref(o, "mot de passe d'approbation changé le "+dateOf(o, "pwdlastset")))
		}
	}
	return failIf(2, "", objs), nil
}

func runGuest(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, g := range c.Targets[0] {
		if g.HasUAC && g.Enabled() {
			objs = append(objs, ref(g, "compte Invité activé"))
		}
	}
	return failIf(2, "", objs), nil
}

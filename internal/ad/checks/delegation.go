package checks

import (
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func delegationChecks() []Check {
	return []Check{
		{ID: "vuln_delegation_a2d2", Run: runConstrained(false)},
		{ID: "vuln_delegation_t2a4d", Run: runConstrained(true)},
		{ID: "vuln_delegation_t4d", Run: runUnconstrained},
		{ID: "vuln_delegation_sourcedeleg", Run: runRBCDPriv},
	}
}

// dcHosts returns the lower-case host names (short and DNS) of every DC.
func dcHosts(d *model.Directory) map[string]bool {
	h := map[string]bool{}
	for _, list := range [][]*model.Object{d.DCs, d.RODCs} {
		for _, o := range list {
			if n := strings.ToLower(o.Get("dnshostname")); n != "" {
				h[n] = true
				short, _, _ := strings.Cut(n, ".")
				h[short] = true
			}
			h[strings.ToLower(strings.TrimSuffix(o.Sam(), "$"))] = true
		}
	}
	return h
}

// privilegedSPN reports whether an SPN ("service/host[:port][/name]")
// targets a DC or the krbtgt service.
func privilegedSPN(spn string, dcs map[string]bool) bool {
	svc, rest, ok := strings.Cut(strings.ToLower(spn), "/")
	if !ok {
		return false
	}
	if svc == "krbtgt" || svc == "kadmin" {
		return true
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, ":")
	return dcs[host]
}

func runConstrained(transition bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		dcs := dcHosts(c.Dir)
		var objs []ObjectRef
		for _, o := range c.Dir.Accounts {
			if !o.Enabled() || o.IsDC() || o.IsRODC() {
				continue
			}
			if transition && o.UAC&model.UACTrustedToAuthForDelegation == 0 {
				continue
			}
			var bad []string
			for _, spn := range o.All("msds-allowedtodelegateto") {
				if privilegedSPN(spn, dcs) {
					bad = append(bad, spn)
				}
			}
			if len(bad) > 0 {
				objs = append(objs, ref(o, "délégation vers "+strings.Join(bad, ", ")))
			}
		}
		return failIf(1, "", objs), nil
	}
}

func runUnconstrained(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if o.Enabled() && !o.IsDC() && !o.IsRODC() && o.UAC&model.UACTrustedForDelegation != 0 &&
			o.UAC&model.UACServerTrustAccount == 0 {
			objs = append(objs, ref(o, "TRUSTED_FOR_DELEGATION"))
		}
	}
	return failIf(1, "", objs), nil
}

func runRBCDPriv(c *Context) ([]Failure, error) {
	d := c.Dir
	targets := append(append([]*model.Object(nil), d.DCs...), d.RODCs...)
	targets = append(targets, d.PrivilegedAccounts()...)
	for _, dom := range d.Domains {
		if dom.SID != "" {
			if k := d.BySID(dom.SID.WithRID(model.RIDKrbtgt)); k != nil {
				targets = append(targets, k)
			}
		}
	}
	var objs []ObjectRef
	for _, o := range targets {
		b := o.Binary("msds-allowedtoactonbehalfofotheridentity")
		if b == nil {
			continue
		}
		detail := "msDS-AllowedToActOnBehalfOfOtherIdentity renseigné"
		if sd, err := secdesc.Parse(b); err == nil && sd.DACL != nil {
			var who []string
			for _, a := range sd.DACL.ACEs {
				if a.IsAllow() {
					who = append(who, d.Describe(a.SID))
				}
			}
			detail = "délégation autorisée pour " + strings.Join(who, ", ")
		}
		objs = append(objs, ref(o, detail))
	}
	return failIf(1, "", objs), nil
}

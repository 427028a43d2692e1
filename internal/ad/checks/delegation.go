package checks

import (
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func delegationChecks() []Check {
	deleg := Needs{Attrs: with("msds-allowedtodelegateto", "serviceprincipalname", "dnshostname"), Targets: []Target{tDCs}}
	return []Check{
		{ID: "vuln_delegation_a2d2", Needs: deleg, Run: runConstrained(false)},
		{ID: "vuln_delegation_t2a4d", Needs: deleg, Run: runConstrained(true)},
		{ID: "vuln_delegation_t4d", Needs: Needs{Attrs: []string{"objectclass", "useraccountcontrol", "primarygroupid"}}, Run: runUnconstrained},
		{ID: "vuln_delegation_sourcedeleg", Needs: Needs{Attrs: with("msds-allowedtoactonbehalfofotheridentity"),
			Targets: []Target{tDCs, tKrbtgt}}, Run: runRBCDPriv},
	}
}

// privilegedServices indexes the services of Tier 0: every SPN held by a
// Tier 0 object (privileged accounts, DCs and RODCs, krbtgt), and the host
// names of Tier 0 computers, whose services are reached through any
// service class (cifs, ldap… map to HOST).
type privilegedServices struct {
	spns  map[string]string // lower-case SPN (without port) → holder
	hosts map[string]string // lower-case host name → holder
}

func tier0Services(d *model.Directory) privilegedServices {
	p := privilegedServices{spns: map[string]string{}, hosts: map[string]string{}}
	var holders []*model.Object
	holders = append(holders, d.DCs...)
	holders = append(holders, d.RODCs...)
	for _, o := range d.Objects {
		if o.SID != "" && o.IsAccount() && d.IsTier0(o.SID) {
			holders = append(holders, o)
		}
	}
	for _, o := range holders {
		name := o.Sam()
		for _, spn := range o.All("serviceprincipalname") {
			p.spns[spnKey(spn)] = name
		}
		if o.IsComputer() || o.IsDC() || o.IsRODC() {
			if n := strings.ToLower(o.Get("dnshostname")); n != "" {
				p.hosts[n] = name
				short, _, _ := strings.Cut(n, ".")
				p.hosts[short] = name
			}
			p.hosts[strings.ToLower(strings.TrimSuffix(o.Sam(), "$"))] = name
		}
	}
	return p
}

// spnKey normalises "Svc/Host:1433/name" to "svc/host/name".
func spnKey(spn string) string {
	svc, rest, ok := strings.Cut(strings.ToLower(strings.TrimSpace(spn)), "/")
	if !ok {
		return svc
	}
	host, tail, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, ":")
	if tail != "" {
		return svc + "/" + host + "/" + tail
	}
	return svc + "/" + host
}

// holder returns the Tier 0 object offering the service an SPN names, or "".
func (p privilegedServices) holder(spn string) string {
	k := spnKey(spn)
	svc, rest, ok := strings.Cut(k, "/")
	if !ok {
		return ""
	}
	if svc == "krbtgt" || svc == "kadmin" {
		return "krbtgt"
	}
	if h, ok := p.spns[k]; ok {
		return h
	}
	host, _, _ := strings.Cut(rest, "/")
	return p.hosts[host]
}

func runConstrained(transition bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		priv := tier0Services(c.Dir)
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
				if h := priv.holder(spn); h != "" {
					bad = append(bad, spn+" (service de "+h+")")
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
	targets := append(append([]*model.Object(nil), c.Targets[0]...), c.Targets[1]...)
	targets = append(targets, d.PrivilegedAccounts()...)
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

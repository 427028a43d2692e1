package checks

import (
	"regexp"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
	"vigie/internal/french"
)

func rodcChecks() []Check {
	rodc := []string{"objectclass", "useraccountcontrol", "primarygroupid", "objectsid"}
	return []Check{
		{ID: "vuln_rodc_priv_revealed", Needs: Needs{Attrs: with("msds-revealedusers")}, Run: runRODCRevealed},
		{ID: "vuln_rodc_never_reveal", Needs: Needs{Attrs: attrs(rodc, []string{"msds-neverrevealgroup"})}, Run: runRODCNeverReveal},
		{ID: "vuln_rodc_reveal", Needs: Needs{Attrs: attrs(rodc, []string{"msds-revealondemandgroup"})}, Run: runRODCReveal},
		{ID: "vuln_rodc_allowed_group", Needs: Needs{Attrs: principalAttrs, Targets: []Target{{
			What: "groupes « Allowed RODC Password Replication Group » (RID 571)", PerDomain: true,
			Find: wellKnownIn(model.RIDAllowedRODCPwdRepl)}}}, Run: runRODCAllowed},
		{ID: "vuln_rodc_denied_group", Needs: Needs{Attrs: principalAttrs, Targets: []Target{{
			What: "groupes « Denied RODC Password Replication Group » (RID 572)", PerDomain: true,
			Find: wellKnownIn(model.RIDDeniedRODCPwdRepl)}}}, Run: runRODCDenied},
		{ID: "vuln_rodc_orphan_krbtgt", Needs: Needs{Attrs: attrs(rodc, []string{"samaccountname", "msds-secondarykrbtgtnumber", "msds-krbtgtlink"})},
			Run: runOrphanKrbtgt},
	}
}

// revealedRead describes msDS-RevealedUsers, readable only by administrators.
var revealedRead = &Privileged{What: "secrets mis en cache sur les RODC (msDS-RevealedUsers)",
	Seen: func(d *model.Directory) bool { return d.AttrSeen("msds-revealedusers") }}

// dnBinaryDN returns the DN of a DN-Binary value ("B:8:0102…:CN=x,…").
func dnBinaryDN(v string) string {
	if strings.HasPrefix(v, "B:") {
		parts := strings.SplitN(v, ":", 4)
		if len(parts) == 4 {
			return parts[3]
		}
	}
	return v
}

func runRODCRevealed(c *Context) ([]Failure, error) {
	d := c.Dir
	if len(d.RODCs) == 0 {
		return nil, nil
	}
	for _, r := range d.RODCs {
		if why := privilegedMissing(d, revealedRead, r.Domain); why != "" {
			return nil, skip("%s", why)
		}
	}
	priv := map[*model.Object]bool{}
	for _, o := range d.PrivilegedAccounts() {
		priv[o] = true
	}
	var objs []ObjectRef
	for _, r := range d.RODCs {
		seen := map[string]bool{}
		for _, v := range r.All("msds-revealedusers") {
			dn := dnBinaryDN(v)
			if o := d.ByDN(dn); o != nil && priv[o] && !seen[o.Key] {
				seen[o.Key] = true
				objs = append(objs, ref(o, "secrets présents sur "+r.Sam()))
			}
		}
	}
	return failIf(2, "", objs), nil
}

// sidsOfDNs resolves DN values to SIDs (unknown DNs are kept as "").
func sidsOfDNs(d *model.Directory, dns []string) map[secdesc.SID]bool {
	out := map[secdesc.SID]bool{}
	for _, dn := range dns {
		if o := d.ByDN(dnBinaryDN(dn)); o != nil && o.SID != "" {
			out[o.SID] = true
		}
	}
	return out
}

func runRODCNeverReveal(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, r := range d.RODCs {
		have := sidsOfDNs(d, r.All("msds-neverrevealgroup"))
		var missing []string
		want := []secdesc.SID{model.SIDAdministrators, model.SIDServerOperators, model.SIDAccountOperators, model.SIDBackupOperators}
		if r.Domain != nil && r.Domain.SID != "" {
			want = append(want, r.Domain.SID.WithRID(model.RIDDeniedRODCPwdRepl))
		}
		for _, s := range want {
			if !have[s] {
				missing = append(missing, d.Describe(s))
			}
		}
		if len(missing) > 0 {
			objs = append(objs, ref(r, "absents de msDS-NeverRevealGroup : "+strings.Join(missing, ", ")))
		}
	}
	return failIf(3, "", objs), nil
}

func runRODCReveal(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, r := range d.RODCs {
		var bad []string
		for s := range sidsOfDNs(d, r.All("msds-revealondemandgroup")) {
			rid, ok := s.RID()
			if ok && rid < 1000 && rid != model.RIDAllowedRODCPwdRepl {
				bad = append(bad, d.Describe(s))
			}
		}
		if len(bad) > 0 {
			objs = append(objs, ref(r, "msDS-RevealOnDemandGroup contient : "+strings.Join(bad, ", ")))
		}
	}
	return failIf(3, "", objs), nil
}

func runRODCAllowed(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, g := range c.Targets[0] {
		if n := len(d.DirectMembers(d.NodeOf(g))); n > 0 {
			objs = append(objs, ref(g, french.Plural(n, "membre", "membres")))
		}
	}
	return failIf(3, "", objs), nil
}

func runRODCDenied(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, g := range c.Targets[0] {
		dom := g.Domain
		have := map[secdesc.SID]bool{}
		for _, m := range d.DirectMembers(d.NodeOf(g)) {
			have[d.SIDOf(m)] = true
		}
		var missing []string
		for _, rid := range []uint32{516, 521, 520, 512, 517, 519, 518, 502} {
			if dom == nil || dom.SID == "" {
				break
			}
			s := dom.SID.WithRID(rid)
			if d.BySID(s) != nil && !have[s] {
				missing = append(missing, d.Describe(s))
			}
		}
		if len(missing) > 0 {
			objs = append(objs, ref(g, "membres par défaut absents : "+strings.Join(missing, ", ")))
		}
	}
	return failIf(3, "", objs), nil
}

// krbtgtRODCName matches the sAMAccountName of an RODC's krbtgt account.
var krbtgtRODCName = regexp.MustCompile(`(?i)^krbtgt_\d+$`)

func runOrphanKrbtgt(c *Context) ([]Failure, error) {
	d := c.Dir
	linked := map[string]bool{}
	for _, r := range d.RODCs {
		for _, v := range r.All("msds-krbtgtlink") {
			linked[model.NormDN(v)] = true
		}
	}
	var objs []ObjectRef
	for _, o := range d.Accounts {
		if (o.Get("msds-secondarykrbtgtnumber") != "" || krbtgtRODCName.MatchString(o.Sam())) && !linked[o.Key] {
			objs = append(objs, ref(o, "aucun RODC ne le référence (msDS-KrbTgtLink)"))
		}
	}
	return failIf(3, "", objs), nil
}

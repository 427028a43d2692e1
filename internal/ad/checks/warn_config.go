package checks

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

// Reasons of the warnings Vigie never has the data for.
const (
	possSupWhy = "nécessite l'attribut possSuperiors des classes du schéma, que Vigie ne collecte pas, et la référence des classes d'un schéma Windows Server non modifié, que Vigie n'embarque pas"
)

// configWarnings are the ANSSI warnings on forest configuration: DNS
// zones, password settings objects, schema, SYSVOL, trusts and the
// collecting tool.
func configWarnings() []Check {
	psos := Target{What: "stratégies de mot de passe affinées (msDS-PasswordSettings)", Optional: true, AdminOnly: true,
		Filter: "(objectClass=msDS-PasswordSettings)", Find: func(d *model.Directory) []*model.Object { return d.OfClass("msDS-PasswordSettings") }}
	psoRead := &Privileged{What: "stratégies de mot de passe affinées (PSO)",
		Seen: func(d *model.Directory) bool { return len(d.OfClass("msDS-PasswordSettings")) > 0 }}
	psoAttrs := []string{"objectclass", "msds-minimumpasswordlength", "msds-maximumpasswordage"}
	psoOptional := []string{"msds-passwordreversibleencryptionenabled", "cn", "msds-psoappliesto"}
	trust := Needs{Attrs: []string{"objectclass", "trustdirection", "trustattributes", "trustpartner"},
		Targets: []Target{{What: "relations d'approbation (trustedDomain)", Optional: true, Filter: "(objectClass=trustedDomain)",
			Find: func(d *model.Directory) []*model.Object { return d.OfClass("trustedDomain") }}}}
	return []Check{
		{ID: "warning_dnszone_duplicated_zones", Needs: Needs{NC: []string{"dns-domain", "dns-forest"}, Attrs: []string{"objectclass"}}, Run: runDuplicatedZones},
		{ID: "warning_password_policy_pso_missing", Needs: Needs{Attrs: with("msds-resultantpso"), Optional: []string{"msds-psoapplied"},
			Privileged: &Privileged{What: "stratégies de mot de passe affinées (PSO) et leurs liens (msDS-ResultantPSO, msDS-PSOApplied)",
				Seen: func(d *model.Directory) bool {
					return len(d.OfClass("msDS-PasswordSettings")) > 0 || d.AttrSeen("msds-resultantpso") || d.AttrSeen("msds-psoapplied")
				}}}, Run: runPSOMissing},
		{ID: "warning_password_policy_pso_weak", Needs: Needs{Attrs: psoAttrs, Optional: psoOptional, Targets: []Target{psos}, Privileged: psoRead},
			Run: runPSOWeak(false)},
		{ID: "warning_password_policy_pso_weak2", Needs: Needs{Attrs: attrs(psoAttrs, principalAttrs, []string{"msds-psoappliesto"}), Optional: psoOptional,
			Targets: []Target{psos}, Privileged: psoRead}, Run: runPSOWeak(true)},
		{ID: "warning_schema_default_sd", Needs: Needs{NC: []string{"schema"}, Attrs: []string{"objectclass", "ldapdisplayname", "defaultsecuritydescriptor"},
			Targets: []Target{{What: "classes du schéma (classSchema)", Find: schemaClasses}}}, Run: runSchemaDefaultSD},
		{ID: "warning_schema_posssuperiors", Run: unavailable(possSupWhy)},
		{ID: "warning_sysvol_files_acl", Run: runSysvolFilesACL},
		{ID: "warning_sysvol_files_sd", Run: unavailable(sysvolDefaultsWhy)},
		{ID: "warning_sysvol_root_sd", Run: unavailable(sysvolDefaultsWhy)},
		{ID: "warning_sysvol_no_repl", Needs: Needs{Attrs: []string{"objectclass"}, Targets: []Target{tDomainHeads}}, Run: runSysvolNoRepl},
		{ID: "warning_tool_version", Run: runToolVersion},
		{ID: "warning_trusts_tgt_deleg", Needs: trust, Run: runTrust(3, func(dir, attr int64) bool {
			return dir&model.TrustDirectionInbound != 0 && attr&model.TrustWithinForest == 0 &&
				attr&(model.TrustCrossOrgNoTGTDel|model.TrustCrossOrgEnableTGTDel) == 0
		}, "délégation de TGT non bloquée explicitement")},
	}
}

// zoneName reads the zone name of a dnsZone DN, without the mangling of a
// replication conflict ("\0ACNF:<guid>").
func zoneName(o *model.Object) string {
	first, _, _ := strings.Cut(o.Key, ",")
	_, v, _ := strings.Cut(first, "=")
	for _, cnf := range []string{`\0acnf:`, "\ncnf:"} {
		if i := strings.Index(v, cnf); i >= 0 {
			v = v[:i]
		}
	}
	return v
}

func runDuplicatedZones(c *Context) ([]Failure, error) {
	byName := map[string][]*model.Object{}
	for _, z := range c.Dir.OfClass("dnsZone") {
		n := zoneName(z)
		if n == "" || n == "rootdnsservers" || strings.HasPrefix(n, "..inprogress") || strings.HasPrefix(n, "..deleted") {
			continue
		}
		byName[n] = append(byName[n], z)
	}
	var objs []ObjectRef
	for n, zs := range byName {
		if len(zs) < 2 {
			continue
		}
		var where []string
		for _, z := range zs {
			where = append(where, z.DN)
		}
		sort.Strings(where)
		for _, z := range zs {
			objs = append(objs, ref(z, fmt.Sprintf("zone %s présente %d fois : %s", n, len(zs), strings.Join(where, " ; "))))
		}
	}
	return raise("", objs), nil
}

func runPSOMissing(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, list := range [][]*model.Object{d.Accounts, d.Groups} {
		for _, o := range list {
			var missing []string
			for _, attr := range []string{"msds-resultantpso", "msds-psoapplied"} {
				for _, dn := range o.All(attr) {
					if d.ByDN(dn) == nil {
						missing = append(missing, dn)
					}
				}
			}
			if len(missing) > 0 {
				objs = append(objs, ref(o, "PSO absente de la collecte : "+strings.Join(missing, " ; ")))
			}
		}
	}
	return raise("", objs), nil
}

// psoWeakness lists what makes a password settings object weak, or nil.
func psoWeakness(c *Context, p *model.Object) []string {
	var bad []string
	if l, ok := p.Int("msds-minimumpasswordlength"); ok && l < int64(c.Param("min_length", 8)) {
		bad = append(bad, fmt.Sprintf("longueur minimale %d", l))
	}
	if a, ok := p.Int("msds-maximumpasswordage"); ok {
		if a < 0 && a != maxAgeNever {
			a = -a
		}
		switch {
		case a == 0 || a == maxAgeNever:
			bad = append(bad, "mot de passe sans expiration")
		case a/10_000_000 > int64(c.Days("max_age_days", 1095).Seconds()):
			bad = append(bad, "expiration après "+french.Plural(int(a/10_000_000/86400), "jour", "jours"))
		}
	}
	if strings.EqualFold(p.Get("msds-passwordreversibleencryptionenabled"), "TRUE") {
		bad = append(bad, "stockage réversible autorisé")
	}
	return bad
}

func runPSOWeak(privOnly bool) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		d := c.Dir
		var objs []ObjectRef
		for _, p := range c.Targets[0] {
			bad := psoWeakness(c, p)
			if len(bad) == 0 {
				continue
			}
			what := strings.Join(bad, ", ")
			if privOnly {
				var priv []string
				for _, dn := range p.All("msds-psoappliesto") {
					if o := d.ByDN(dn); o != nil && d.IsTier0Node(d.NodeOf(o)) {
						priv = append(priv, d.NodeName(d.NodeOf(o)))
					}
				}
				if len(priv) == 0 {
					continue
				}
				sort.Strings(priv)
				what += " ; appliquée à " + strings.Join(priv, ", ")
			}
			objs = append(objs, ref(p, what))
		}
		return raise("", objs), nil
	}
}

func runSysvolNoRepl(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, dom := range d.Domains {
		if dom.Head == nil {
			continue
		}
		dfsr := d.ByDN("CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System," + dom.DN)
		frs := d.ByDN("CN=Domain System Volume (SYSVOL share),CN=File Replication Service,CN=System," + dom.DN)
		if dfsr == nil && frs == nil {
			objs = append(objs, ref(dom.Head, "ni groupe de réplication DFSR « Domain System Volume » ni jeu de réplicas NTFRS du SYSVOL"))
		}
	}
	return raise("", objs), nil
}

// parseVersion reads the leading "major.minor" of a version string.
func parseVersion(v string) (major, minor int, ok bool) {
	parts := strings.Split(strings.TrimSpace(v), ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	var err1, err2 error
	major, err1 = strconv.Atoi(parts[0])
	minor, err2 = strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

func runToolVersion(c *Context) ([]Failure, error) {
	h := c.Dir.Header
	if h.Source != "oradad" {
		if h.Source == "ldap" {
			return nil, skip("porte sur la version d'ORADAD : sans objet pour une collecte LDAP faite par Vigie")
		}
		return nil, skip("porte sur la version d'ORADAD : l'instantané ne vient pas d'extractions ORADAD seulement (source %q)", h.Source)
	}
	forest := ObjectRef{DN: h.Forest}
	if len(c.Dir.Domains) > 0 {
		forest.DN = c.Dir.Domains[0].DN
	}
	if h.ToolVersion == "" {
		forest.Detail = "version d'ORADAD inconnue (metadata.tsv absent ou sans oradad_version)"
		return raise("", []ObjectRef{forest}), nil
	}
	major, minor, ok := parseVersion(h.ToolVersion)
	wantMaj, wantMin := int(c.Param("min_major", 3)), int(c.Param("min_minor", 6))
	switch {
	case !ok:
		forest.Detail = fmt.Sprintf("version d'ORADAD illisible : %q", h.ToolVersion)
	case major < wantMaj || (major == wantMaj && minor < wantMin):
		forest.Detail = fmt.Sprintf("ORADAD %s, antérieure à la version de référence %d.%d", h.ToolVersion, wantMaj, wantMin)
	default:
		return nil, nil
	}
	return raise("", []ObjectRef{forest}), nil
}

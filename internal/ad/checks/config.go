package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
)

func configChecks() []Check {
	cfg := []string{"configuration"}
	heads := []Target{tDomainHeads}
	return []Check{
		{ID: "vuln_dsheuristics_bad", Needs: Needs{NC: cfg, Attrs: []string{"dsheuristics"}, Targets: []Target{tDirectoryService}}, Run: runDSHeuristics},
		{ID: "vuln_functional_level", Needs: Needs{NC: cfg, Attrs: []string{"msds-behavior-version"},
			Targets: []Target{tDomainHeads, tPartitions}}, Run: runFunctionalLevel},
		{ID: "vuln_adupdate_bad", Needs: Needs{Attrs: []string{"revision"}, Targets: []Target{{
			What: "objets CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System (révision adprep)", PerDomain: true,
			Find: byDNInDomains("CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System,")}}}, Run: runADUpdate},
		{ID: "vuln_sysvol_ntfrs", Needs: Needs{Attrs: []string{"objectclass", "msdfsr-flags"}, Targets: []Target{{
			What: "paramètres de réplication du SYSVOL (CN=DFSR-GlobalSettings ou CN=File Replication Service, sous CN=System)", PerDomain: true,
			Find: func(d *model.Directory) []*model.Object {
				return append(byDNInDomains("CN=DFSR-GlobalSettings,CN=System,")(d), byDNInDomains("CN=File Replication Service,CN=System,")(d)...)
			}}}}, Run: runSysvolNTFRS},
		{ID: "vuln_reversible_password_priv_namingcontext", Needs: Needs{Attrs: []string{"pwdproperties"}, Targets: heads},
			Run: runDomainHead(3, func(h *model.Object) string {
				if v, ok := h.Int("pwdproperties"); ok && v&0x10 != 0 {
					return "DOMAIN_PASSWORD_STORE_CLEARTEXT activé (pwdProperties & 0x10)"
				}
				return ""
			})},
		{ID: "vuln_user_accounts_machineaccountquota", Needs: Needs{Attrs: []string{"ms-ds-machineaccountquota"}, Targets: heads},
			Run: runDomainHead(4, func(h *model.Object) string {
				v, ok := h.Int("ms-ds-machineaccountquota")
				if !ok {
					return "ms-DS-MachineAccountQuota absent (10 par défaut)"
				}
				if v != 0 {
					return fmt.Sprintf("ms-DS-MachineAccountQuota = %d", v)
				}
				return ""
			})},
		// adminContextMenu is what ANSSI's own collection (ORADAD, default
		// level) reads; the other console commands are checked when collected.
		{ID: "vuln_display_specifier", Needs: Needs{NC: cfg, Attrs: []string{"objectclass", "admincontextmenu"},
			Optional: attrs([]string{"dnshostname", "netbiosname", "dnsroot"}, displaySpecifierAttrs[1:]),
			Targets: []Target{{What: "objets displaySpecifier (CN=DisplaySpecifiers de la configuration)",
				Find: func(d *model.Directory) []*model.Object { return d.OfClass("displaySpecifier") }}}}, Run: runDisplaySpecifier},
	}
}

// heuristicAt returns the character at 1-based position p, '0' when absent.
func heuristicAt(v string, p int) byte {
	if p <= len(v) {
		return v[p-1]
	}
	return '0'
}

func runDSHeuristics(c *Context) ([]Failure, error) {
	ds := c.Targets[0][0]
	v := ds.Get("dsheuristics")
	show := v
	if show == "" {
		show = "(vide)"
	}
	var g1, g2, g4 []string
	if heuristicAt(v, 8) != '0' {
		g1 = append(g1, "fAllowAnonNSPI (position 8) ≠ 0")
	}
	if heuristicAt(v, 16) != '0' {
		g1 = append(g1, "dwAdminSDExMask (position 16) ≠ 0")
	}
	if heuristicAt(v, 7) == '2' {
		g2 = append(g2, "fLDAPBlockAnonOps (position 7) = 2")
	}
	if heuristicAt(v, 21) != '0' {
		g2 = append(g2, "DoNotVerifyUPNAndOrSPNUniqueness (position 21) ≠ 0")
	}
	if heuristicAt(v, 28) == '2' {
		g2 = append(g2, "AttributeAuthorizationOnLDAPAdd (position 28) = 2")
	}
	if heuristicAt(v, 29) == '2' {
		g2 = append(g2, "BlockOwnerImplicitRights (position 29) = 2")
	}
	if heuristicAt(v, 31) != '0' {
		g2 = append(g2, "DisableConfidentialAttributeEncryptionRequirements (position 31) ≠ 0")
	}
	if heuristicAt(v, 28) != '1' || heuristicAt(v, 29) != '1' {
		g4 = append(g4, "positions 28 et 29 non explicitement à 1")
	}
	var out []Failure
	for _, x := range []struct {
		g    int
		what []string
	}{{1, g1}, {2, g2}, {4, g4}} {
		if len(x.what) > 0 {
			out = append(out, failIf(x.g, "dSHeuristics = "+show, []ObjectRef{ref(ds, strings.Join(x.what, " ; "))})...)
		}
	}
	return out, nil
}

func runFunctionalLevel(c *Context) ([]Failure, error) {
	type lvl struct {
		o *model.Object
		v int64
		w string
	}
	var levels []lvl
	for _, h := range c.Targets[0] {
		v, ok := h.Int("msds-behavior-version")
		if !ok {
			return nil, skip("msDS-Behavior-Version illisible sur %s", h.DN)
		}
		levels = append(levels, lvl{h, v, "niveau fonctionnel du domaine"})
	}
	for _, p := range c.Targets[1] {
		v, ok := p.Int("msds-behavior-version")
		if !ok {
			return nil, skip("msDS-Behavior-Version illisible sur CN=Partitions")
		}
		levels = append(levels, lvl{p, v, "niveau fonctionnel de la forêt"})
	}
	var out []Failure
	for _, t := range []struct {
		g     int
		param string
		def   float64
	}{{1, "g1_below", 4}, {3, "g3_below", 6}, {4, "g4_below", 7}} {
		var objs []ObjectRef
		for _, l := range levels {
			if l.v < int64(c.Param(t.param, t.def)) {
				objs = append(objs, ref(l.o, fmt.Sprintf("%s = %d (%s)", l.w, l.v, flName(l.v))))
			}
		}
		out = append(out, failIf(t.g, "", objs)...)
	}
	return out, nil
}

func flName(v int64) string {
	names := map[int64]string{0: "2000", 1: "2003 intermédiaire", 2: "2003", 3: "2008", 4: "2008 R2", 5: "2012", 6: "2012 R2", 7: "2016"}
	if n, ok := names[v]; ok {
		return "Windows Server " + n
	}
	return "inconnu"
}

func runADUpdate(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Targets[0] {
		v, ok := o.Int("revision")
		if !ok {
			return nil, skip("%s sans attribut revision lisible", o.DN)
		}
		if v == int64(c.Param("bad_revision", 15)) {
			objs = append(objs, ref(o, fmt.Sprintf("revision = %d", v)))
		}
	}
	return failIf(2, "", objs), nil
}

func runSysvolNTFRS(c *Context) ([]Failure, error) {
	d := c.Dir
	var objs []ObjectRef
	for _, dom := range d.Domains {
		if o := d.ByDN("CN=Domain System Volume (SYSVOL share),CN=File Replication Service,CN=System," + dom.DN); o != nil {
			objs = append(objs, ref(o, "réplica NTFRS de SYSVOL présent"))
		}
		if g := d.ByDN("CN=DFSR-GlobalSettings,CN=System," + dom.DN); g != nil {
			if v, ok := g.Int("msdfsr-flags"); ok && v&0x30 != 0x30 {
				objs = append(objs, ref(g, fmt.Sprintf("migration DFSR non terminée (msDFSR-Flags = %d)", v)))
			}
		}
	}
	return failIf(2, "", objs), nil
}

// runDomainHead fails domain heads for which bad returns a reason.
func runDomainHead(grade int, bad func(*model.Object) string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, h := range c.Targets[0] {
			if why := bad(h); why != "" {
				objs = append(objs, ref(h, why))
			}
		}
		return failIf(grade, "", objs), nil
	}
}

// displaySpecifierAttrs hold commands and COM extensions run by the
// administration consoles.
var displaySpecifierAttrs = []string{"admincontextmenu", "shellcontextmenu", "contextmenu", "adminpropertypages",
	"shellpropertypages", "adminmultiselectpropertypages", "createwizardext", "creationwizard"}

// sysvolHosts are the names under which the forest's own SYSVOL shares are
// reached: domain DNS and NetBIOS names, DC host names.
func sysvolHosts(d *model.Directory) map[string]bool {
	h := map[string]bool{}
	for _, dom := range d.Domains {
		h[strings.ToLower(dom.DNS)] = true
	}
	for _, o := range d.OfClass("crossRef") {
		if n := o.Get("netbiosname"); n != "" {
			h[strings.ToLower(n)] = true
		}
		if n := o.Get("dnsroot"); n != "" {
			h[strings.ToLower(n)] = true
		}
	}
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

// uncOutsideSysvol returns the UNC path of a display-specifier value when
// it does not lie in one of the forest's own SYSVOL shares, or "".
func uncOutsideSysvol(v string, hosts map[string]bool) string {
	i := strings.Index(v, `\\`)
	if i < 0 {
		return ""
	}
	path := v[i:]
	rest := strings.TrimLeft(path, `\`)
	host, rest, _ := strings.Cut(rest, `\`)
	share, _, _ := strings.Cut(rest, `\`)
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if hosts[host] && strings.EqualFold(share, "SYSVOL") {
		return ""
	}
	return path
}

func runDisplaySpecifier(c *Context) ([]Failure, error) {
	hosts := sysvolHosts(c.Dir)
	var objs []ObjectRef
	for _, o := range c.Targets[0] {
		for _, a := range displaySpecifierAttrs {
			for _, v := range o.All(a) {
				if p := uncOutsideSysvol(v, hosts); p != "" {
					objs = append(objs, ref(o, a+" : "+v))
				}
			}
		}
	}
	return failIf(1, "", objs), nil
}

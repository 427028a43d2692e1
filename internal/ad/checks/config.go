package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
)

func configChecks() []Check {
	cfg := Needs{NC: []string{"configuration"}}
	return []Check{
		{ID: "vuln_dsheuristics_bad", Needs: cfg, Run: runDSHeuristics},
		{ID: "vuln_functional_level", Needs: cfg, Run: runFunctionalLevel},
		{ID: "vuln_adupdate_bad", Run: runADUpdate},
		{ID: "vuln_sysvol_ntfrs", Run: runSysvolNTFRS},
		{ID: "vuln_reversible_password_priv_namingcontext", Run: runDomainHead(3, func(h *model.Object) string {
			if v, ok := h.Int("pwdproperties"); ok && v&0x10 != 0 {
				return "DOMAIN_PASSWORD_STORE_CLEARTEXT activé (pwdProperties & 0x10)"
			}
			return ""
		})},
		{ID: "vuln_user_accounts_machineaccountquota", Run: runDomainHead(4, func(h *model.Object) string {
			v, ok := h.Int("ms-ds-machineaccountquota")
			if !ok {
				return "ms-DS-MachineAccountQuota absent (10 par défaut)"
			}
			if v != 0 {
				return fmt.Sprintf("ms-DS-MachineAccountQuota = %d", v)
			}
			return ""
		})},
		{ID: "vuln_display_specifier", Needs: cfg, Run: runDisplaySpecifier},
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
	d := c.Dir
	var ds *model.Object
	for _, nc := range d.Header.NamingContexts {
		if nc.Kind == "configuration" {
			ds = d.ByDN("CN=Directory Service,CN=Windows NT,CN=Services," + nc.DN)
		}
	}
	if ds == nil {
		return nil, skip("objet CN=Directory Service absent de la collecte")
	}
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
	d := c.Dir
	type lvl struct {
		o *model.Object
		v int64
		w string
	}
	var levels []lvl
	for _, dom := range d.Domains {
		if dom.Head == nil {
			return nil, skip("tête du domaine %s absente", dom.DN)
		}
		v, ok := dom.Head.Int("msds-behavior-version")
		if !ok {
			return nil, skip("msDS-Behavior-Version illisible sur %s", dom.DN)
		}
		levels = append(levels, lvl{dom.Head, v, "niveau fonctionnel du domaine"})
	}
	for _, nc := range d.Header.NamingContexts {
		if nc.Kind == "configuration" {
			p := d.ByDN("CN=Partitions," + nc.DN)
			if p == nil {
				return nil, skip("CN=Partitions absent de la collecte")
			}
			v, ok := p.Int("msds-behavior-version")
			if !ok {
				return nil, skip("msDS-Behavior-Version illisible sur CN=Partitions")
			}
			levels = append(levels, lvl{p, v, "niveau fonctionnel de la forêt"})
		}
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
	d := c.Dir
	var objs []ObjectRef
	for _, dom := range d.Domains {
		o := d.ByDN("CN=ActiveDirectoryUpdate,CN=DomainUpdates,CN=System," + dom.DN)
		if o == nil {
			return nil, skip("CN=ActiveDirectoryUpdate absent de la collecte pour %s", dom.DN)
		}
		if v, ok := o.Int("revision"); ok && v == int64(c.Param("bad_revision", 15)) {
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
		for _, dom := range c.Dir.Domains {
			if dom.Head == nil {
				return nil, skip("tête du domaine %s absente", dom.DN)
			}
			if why := bad(dom.Head); why != "" {
				objs = append(objs, ref(dom.Head, why))
			}
		}
		return failIf(grade, "", objs), nil
	}
}

// displaySpecifierAttrs hold commands run by the admin consoles.
var displaySpecifierAttrs = []string{"admincontextmenu", "shellcontextmenu", "adminpropertypages",
	"shellpropertypages", "adminmultiselectpropertypages", "createwizardext", "creationwizard"}

func runDisplaySpecifier(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.OfClass("displaySpecifier") {
		for _, a := range displaySpecifierAttrs {
			for _, v := range o.All(a) {
				if i := strings.Index(v, `\\`); i >= 0 && !strings.Contains(strings.ToLower(v[i:]), `\sysvol\`) {
					objs = append(objs, ref(o, a+" : "+v))
				}
			}
		}
	}
	return failIf(1, "", objs), nil
}

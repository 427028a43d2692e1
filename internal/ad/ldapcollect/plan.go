package ldapcollect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/snapshot"
)

// rootDSEAttributes are read from the root DSE.
var rootDSEAttributes = []string{
	"namingContexts", "defaultNamingContext", "configurationNamingContext", "schemaNamingContext",
	"rootDomainNamingContext", "dnsHostName", "serverName", "dsServiceName", "ldapServiceName",
	"domainFunctionality", "forestFunctionality", "domainControllerFunctionality",
	"supportedControl", "supportedCapabilities", "supportedLDAPVersion", "supportedSASLMechanisms",
	"isGlobalCatalogReady", "isSynchronized", "highestCommittedUSN", "currentTime", "vendorName",
	"vendorVersion", "supportedLDAPPolicies",
	// who the collection ran as: tells "absent" from "not readable by this account"
	"tokenGroups", "msDS-PrincipalName",
}

// readRootDSE reads the root DSE into an object named snapshot.RootDSEDN.
func readRootDSE(conn Conn) (*snapshot.Object, error) {
	req := ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", rootDSEAttributes, nil)
	res, err := conn.Search(req)
	o := &snapshot.Object{DN: snapshot.RootDSEDN}
	if err != nil {
		return o, err
	}
	if len(res.Entries) != 1 {
		return o, fmt.Errorf("rootDSE : %d entrées au lieu d'une", len(res.Entries))
	}
	for _, a := range res.Entries[0].Attributes {
		o.Add(a.Name, a.ByteValues...)
	}
	return o, nil
}

// remoteDomain is another domain of the forest, reached by its DNS name.
type remoteDomain struct {
	dnsRoot  string
	contexts []snapshot.NamingContext
}

// plan is what the collection will read.
type plan struct {
	forest string
	local  []snapshot.NamingContext // held by the DC we are bound to
	remote []remoteDomain
	gaps   []snapshot.Gap // planned contexts known missing before reading
}

func (p *plan) contexts() []snapshot.NamingContext {
	out := append([]snapshot.NamingContext(nil), p.local...)
	for _, d := range p.remote {
		out = append(out, d.contexts...)
	}
	return out
}

// holds reports whether dn lies in one of the planned naming contexts.
func (p *plan) holds(dn string) bool {
	for _, nc := range p.contexts() {
		if dnWithin(dn, nc.DN) {
			return true
		}
	}
	return false
}

// plan derives the naming contexts from the root DSE and the crossRef
// objects of CN=Partitions.
func (c *collector) plan(root *snapshot.Object) (*plan, error) {
	domainNC := root.Get("defaultNamingContext")
	configNC := root.Get("configurationNamingContext")
	schemaNC := root.Get("schemaNamingContext")
	rootNC := firstNonEmpty(root.Get("rootDomainNamingContext"), domainNC)
	if domainNC == "" || configNC == "" {
		return nil, newErr(KindOther, nil, "le serveur %s ne se présente pas comme un contrôleur de domaine Active Directory (rootDSE sans defaultNamingContext ni configurationNamingContext)", c.cfg.Host)
	}
	p := &plan{forest: dnsFromDN(rootNC)}
	held := map[string]bool{}
	for _, nc := range root.All("namingContexts") {
		held[strings.ToLower(nc)] = true
	}
	domain := dnsFromDN(domainNC)
	add := func(dn, kind, dom string) {
		nc := snapshot.NamingContext{DN: dn, Kind: kind, Domain: dom}
		p.local = append(p.local, nc)
	}
	add(domainNC, "domain", domain)
	add(configNC, "configuration", "")
	if schemaNC != "" {
		add(schemaNC, "schema", "")
	} else {
		p.gaps = append(p.gaps, snapshot.Gap{Scope: "naming-context", DN: "CN=Schema," + configNC, Why: "schéma non annoncé par le rootDSE"})
	}
	for _, want := range []struct{ dn, kind, dom string }{
		{"DC=DomainDnsZones," + domainNC, "dns-domain", domain},
		{"DC=ForestDnsZones," + rootNC, "dns-forest", ""},
	} {
		if held[strings.ToLower(want.dn)] {
			add(want.dn, want.kind, want.dom)
		} else {
			p.gaps = append(p.gaps, snapshot.Gap{Scope: "naming-context", DN: want.dn, Why: "partition DNS applicative absente de ce contrôleur (zones DNS non intégrées à l'AD ?)"})
		}
	}
	refs, err := c.crossRefs(configNC)
	if err != nil {
		p.gaps = append(p.gaps, snapshot.Gap{Scope: "domain", DN: "CN=Partitions," + configNC, Why: fmt.Sprintf("liste des domaines de la forêt illisible : %v", err)})
		return p, nil
	}
	// Other domains: crossRefs with SYSTEM_FLAG_CR_NTDS_DOMAIN (2), and their
	// DomainDnsZones partitions (crossRefs of application partitions).
	appParts := map[string]bool{}
	for _, r := range refs {
		if r.flags&2 == 0 {
			appParts[strings.ToLower(r.nc)] = true
		}
	}
	for _, r := range refs {
		if r.flags&2 == 0 || strings.EqualFold(r.nc, domainNC) || r.dnsRoot == "" {
			continue
		}
		d := remoteDomain{dnsRoot: r.dnsRoot, contexts: []snapshot.NamingContext{{DN: r.nc, Kind: "domain", Domain: r.dnsRoot}}}
		if dz := "DC=DomainDnsZones," + r.nc; appParts[strings.ToLower(dz)] {
			d.contexts = append(d.contexts, snapshot.NamingContext{DN: dz, Kind: "dns-domain", Domain: r.dnsRoot})
		}
		p.remote = append(p.remote, d)
	}
	return p, nil
}

type crossRef struct {
	nc, dnsRoot string
	flags       int64
}

func (c *collector) crossRefs(configNC string) ([]crossRef, error) {
	req := ldap.NewSearchRequest("CN=Partitions,"+configNC, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=crossRef)", []string{"nCName", "dnsRoot", "systemFlags"}, []ldap.Control{ldap.NewControlPaging(uint32(c.opts.PageSize))})
	res, err := c.conn.Search(req)
	if err != nil {
		return nil, err
	}
	var out []crossRef
	for _, e := range res.Entries {
		f, _ := strconv.ParseInt(e.GetAttributeValue("systemFlags"), 10, 64)
		out = append(out, crossRef{nc: e.GetAttributeValue("nCName"), dnsRoot: e.GetAttributeValue("dnsRoot"), flags: f})
	}
	return out, nil
}

// dnsFromDN turns DC=lab,DC=test into lab.test.
func dnsFromDN(dn string) string {
	var parts []string
	for _, rdn := range strings.Split(dn, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(rdn), "=")
		if ok && strings.EqualFold(k, "DC") {
			parts = append(parts, strings.ToLower(v))
		}
	}
	return strings.Join(parts, ".")
}

// dnWithin reports whether dn equals or lies under parent (case-insensitive,
// ignoring spaces after commas).
func dnWithin(dn, parent string) bool {
	norm := func(s string) string {
		parts := strings.Split(s, ",")
		for i, p := range parts {
			parts[i] = strings.ToLower(strings.TrimSpace(p))
		}
		return strings.Join(parts, ",")
	}
	d, p := norm(dn), norm(parent)
	return d == p || strings.HasSuffix(d, ","+p)
}

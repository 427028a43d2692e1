package checks

import (
	"strings"

	"vigie/internal/ad/model"
)

// principalAttrs are what the directory model reads to know accounts,
// groups, membership and the privileged set: every point that looks at
// privileged accounts or groups needs them.
var principalAttrs = []string{"objectclass", "objectsid", "samaccountname", "useraccountcontrol", "primarygroupid", "member"}

// attrs joins attribute lists.
func attrs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// with appends attributes to the principal attributes.
func with(extra ...string) []string { return attrs(principalAttrs, extra) }

// byDNInDomains finds "<prefix><domain DN>" in each domain.
func byDNInDomains(prefix string) func(*model.Directory) []*model.Object {
	return func(d *model.Directory) []*model.Object {
		var out []*model.Object
		for _, dom := range d.Domains {
			if o := d.ByDN(prefix + dom.DN); o != nil {
				out = append(out, o)
			}
		}
		return out
	}
}

// configDN returns the DN of the Configuration partition, or "".
func configDN(d *model.Directory) string {
	for _, nc := range d.Header.NamingContexts {
		if nc.Kind == "configuration" {
			return nc.DN
		}
	}
	return ""
}

// byDNInConfig finds "<prefix><Configuration DN>".
func byDNInConfig(prefix string) func(*model.Directory) []*model.Object {
	return func(d *model.Directory) []*model.Object {
		if c := configDN(d); c != "" {
			if o := d.ByDN(prefix + c); o != nil {
				return []*model.Object{o}
			}
		}
		return nil
	}
}

// Targets shared by several control points.
var (
	tAdminSDHolder = Target{What: "objets AdminSDHolder (CN=AdminSDHolder,CN=System)", PerDomain: true,
		Find: byDNInDomains("CN=AdminSDHolder,CN=System,")}
	tDomainHeads = Target{What: "têtes de domaine", PerDomain: true, Find: func(d *model.Directory) []*model.Object {
		var out []*model.Object
		for _, dom := range d.Domains {
			if dom.Head != nil {
				out = append(out, dom.Head)
			}
		}
		return out
	}}
	tPrivileged = Target{What: "comptes privilégiés (au moins l'Administrateur intégré, RID 500)", PerDomain: true,
		Find: func(d *model.Directory) []*model.Object { return d.PrivilegedAccounts() }}
	tDCs = Target{What: "comptes des contrôleurs de domaine", PerDomain: true, Find: func(d *model.Directory) []*model.Object {
		return append(append([]*model.Object(nil), d.DCs...), d.RODCs...)
	}}
	tKrbtgt = Target{What: "comptes krbtgt (RID 502)", PerDomain: true, Find: func(d *model.Directory) []*model.Object {
		var out []*model.Object
		for _, dom := range d.Domains {
			if dom.SID != "" {
				if k := d.BySID(dom.SID.WithRID(model.RIDKrbtgt)); k != nil {
					out = append(out, k)
				}
			}
		}
		return out
	}}
	tDirectoryService = Target{What: "objet CN=Directory Service,CN=Windows NT,CN=Services (dSHeuristics)",
		Find: byDNInConfig("CN=Directory Service,CN=Windows NT,CN=Services,")}
	tPartitions = Target{What: "conteneur CN=Partitions de la configuration", Find: byDNInConfig("CN=Partitions,")}
)

// wellKnownIn finds a RID-identified group in each domain.
func wellKnownIn(rid uint32) func(*model.Directory) []*model.Object {
	return func(d *model.Directory) []*model.Object {
		var out []*model.Object
		for _, dom := range d.Domains {
			if g := d.WellKnownGroup(dom, rid); g != nil {
				out = append(out, g)
			}
		}
		return out
	}
}

// isBackupKey reports a DPAPI domain backup key secret.
func isBackupKey(o *model.Object) bool {
	return strings.HasPrefix(strings.ToLower(o.Get("cn")), "bckupkey_")
}

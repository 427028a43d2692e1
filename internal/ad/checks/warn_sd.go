package checks

import (
	"fmt"
	"sort"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// dumpErrorWhy is why the ORADAD dump-error warnings are never evaluated.
const dumpErrorWhy = "nécessite le journal des erreurs de lecture d'ORADAD (attributs refusés objet par objet) : une lecture LDAP ne signale pas un attribut masqué par un descripteur de sécurité, et Vigie ne lit pas ce journal dans une extraction ORADAD"

// sdWarnings are the ANSSI warnings read from security descriptors.
func sdWarnings() []Check {
	sd := Needs{SD: true, Attrs: []string{"objectclass", "ntsecuritydescriptor"}}
	withPrincipals := Needs{SD: true, Attrs: with("ntsecuritydescriptor"), Optional: []string{"sidhistory", "securityidentifier", "trustattributes"}}
	containers := Needs{SD: true, Attrs: with("ntsecuritydescriptor"), Optional: kb5008383Attrs,
		Targets: []Target{{What: "conteneurs sensibles", Optional: true, Find: sensitiveContainers,
			Filter: "(|(cn=System)(cn=Policies)(ou=Domain Controllers)(cn=Builtin)(cn=Users)(cn=Computers)(cn=ForeignSecurityPrincipals)" +
				"(cn=Managed Service Accounts)(cn=Password Settings Container)(cn=Sites)(cn=Services)(cn=Partitions)(cn=Extended-Rights)" +
				"(cn=DisplaySpecifiers)(cn=WellKnown Security Principals))"}}}
	return []Check{
		{ID: "warning_dump_error_rp", Run: unavailable(dumpErrorWhy)},
		{ID: "warning_dump_error_vuln_rp", Run: unavailable(dumpErrorWhy)},
		{ID: "warning_permissions_specific_containers", Needs: containers, Run: runSpecificContainers},
		{ID: "warning_sd_adminsdholder_protec", Needs: Needs{SD: true, Attrs: []string{"ntsecuritydescriptor"}, Targets: []Target{tAdminSDHolder}},
			Run: runAdminSDHolderProtec},
		{ID: "warning_sd_anonymous_control", Needs: sd, Run: runAnonymousControl},
		{ID: "warning_sd_deny_read", Needs: sd, Run: runDenyRead},
		{ID: "warning_sd_failed_sd_read", Needs: sd, Run: runFailedSDRead},
		{ID: "warning_sd_generic_perm", Needs: sd, Run: sdNoted(model.SDGenericBits, "ACE avec droits génériques non traduits")},
		{ID: "warning_sd_repl_perm", Needs: withPrincipals, Run: runReplPerm},
		{ID: "warning_sd_unknown_sid", Needs: withPrincipals, Run: runUnknownSID},
	}
}

// sensitiveContainers are the containers of warning_permissions_specific_containers.
func sensitiveContainers(d *model.Directory) []*model.Object {
	var out []*model.Object
	add := func(dn string) {
		if o := d.ByDN(dn); o != nil {
			out = append(out, o)
		}
	}
	for _, dom := range d.Domains {
		for _, p := range []string{"CN=System,", "CN=Policies,CN=System,", "OU=Domain Controllers,", "CN=Builtin,", "CN=Users,",
			"CN=Computers,", "CN=ForeignSecurityPrincipals,", "CN=Managed Service Accounts,", "CN=Password Settings Container,CN=System,"} {
			add(p + dom.DN)
		}
	}
	if c := configDN(d); c != "" {
		for _, p := range []string{"CN=Sites,", "CN=Services,", "CN=Partitions,", "CN=Extended-Rights,", "CN=DisplaySpecifiers,", "CN=WellKnown Security Principals,"} {
			add(p + c)
		}
	}
	return out
}

func runSpecificContainers(c *Context) ([]Failure, error) {
	t := c.Targets[0]
	if len(t) == 0 {
		return nil, skip("aucun des conteneurs sensibles n'est dans l'instantané")
	}
	// Group Policy Creator Owners create GPOs in CN=Policies by default.
	accept := func(o *model.Object, trustee secdesc.SID, r model.Right) model.Right {
		rid, _ := trustee.RID()
		if trustee.Domain() != "" && rid == model.RIDGPCreatorOwners && strings.HasPrefix(o.Key, "cn=policies,cn=system,") {
			return r & model.RCreateChild
		}
		return 0
	}
	return c.aclFailures(t, aclSpec{g1: model.Exploitable, g2: model.Dangerous, accept: accept})
}

func runAdminSDHolderProtec(c *Context) ([]Failure, error) {
	if err := c.needSD(c.Targets[0]); err != nil {
		return nil, err
	}
	var objs []ObjectRef
	for _, o := range c.Targets[0] {
		if !o.Protected {
			objs = append(objs, ref(o, "héritage des permissions actif : les ACE héritées sont recopiées sur les comptes privilégiés"))
		}
	}
	return raise("", objs), nil
}

func runAnonymousControl(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.Objects {
		var r model.Right
		for _, a := range o.ACEs {
			if a.Trustee == model.SIDAnonymous {
				r |= a.Rights
			}
		}
		if o.Owner == model.SIDAnonymous {
			r |= model.ROwner
		}
		if r&model.Dangerous != 0 {
			objs = append(objs, ref(o, "Ouverture de session anonyme : "+(r&model.Dangerous).String()))
		}
	}
	return raise("", objs), nil
}

func runDenyRead(c *Context) ([]Failure, error) {
	d := c.Dir
	collector := d.Collector()
	var objs []ObjectRef
	for _, o := range d.Objects {
		if o.SDNotes&model.SDDenyRead == 0 {
			continue
		}
		var names []string
		hits := false
		for _, s := range d.DenyReadTrustees(o) {
			names = append(names, d.Describe(s))
			hits = hits || collector.SIDs[s] || s == model.SIDEveryone || s == model.SIDAuthenticatedUsers
		}
		sort.Strings(names)
		what := "lecture refusée à " + strings.Join(names, ", ")
		if hits {
			what += " (concerne le compte de collecte)"
		}
		objs = append(objs, ref(o, what))
	}
	return raise("", objs), nil
}

func runFailedSDRead(c *Context) ([]Failure, error) {
	d := c.Dir
	gapped := map[string]string{}
	for _, g := range d.Gaps {
		if g.DN != "" && g.Scope == "security-descriptor" {
			gapped[model.NormDN(g.DN)] = g.Why
		}
	}
	var objs []ObjectRef
	for _, o := range d.Objects {
		switch {
		case o.DN == snapshot.RootDSEDN:
		case gapped[o.Key] != "":
			objs = append(objs, ref(o, "non lu : "+gapped[o.Key]))
		case !o.SDRead && o.SDError != "":
			objs = append(objs, ref(o, "descripteur illisible : "+o.SDError))
		case !o.SDRead:
			objs = append(objs, ref(o, "descripteur de sécurité absent de la collecte"))
		}
	}
	return raise("", objs), nil
}

// sdNoted raises the objects whose descriptor carries a note.
func sdNoted(note model.SDNote, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.Objects {
			if o.SDNotes&note != 0 {
				objs = append(objs, ref(o, what))
			}
		}
		return raise("", objs), nil
	}
}

// replicationHeads are the objects where replication rights take effect:
// naming-context heads and the BUILTIN domain containers.
func replicationHeads(d *model.Directory) map[*model.Object]bool {
	out := map[*model.Object]bool{}
	for _, o := range ncHeads(d) {
		out[o] = true
	}
	for _, dom := range d.Domains {
		if dom.Head != nil {
			out[dom.Head] = true
		}
		if b := d.ByDN("CN=Builtin," + dom.DN); b != nil {
			out[b] = true
		}
	}
	for _, o := range d.OfClass("builtinDomain") {
		out[o] = true
	}
	return out
}

// defaultReplicator reports the principals that hold replication rights on
// naming-context heads by default: domain controllers and read-only DCs
// (SYSTEM, Enterprise Domain Controllers and Administrators are never
// kept by the model).
func defaultReplicator(d *model.Directory, s secdesc.SID) bool {
	if d.IsRODCPrincipal(s) {
		return true
	}
	rid, _ := s.RID()
	if s.Domain() != "" && rid == model.RIDDomainControllers {
		return true
	}
	o := d.BySID(s)
	return o != nil && o.IsDC()
}

func runReplPerm(c *Context) ([]Failure, error) {
	d := c.Dir
	heads := replicationHeads(d)
	const repl = model.RGetChanges | model.RGetChangesAll
	var objs []ObjectRef
	for _, o := range d.Objects {
		var notes []string
		for _, a := range o.ACEs {
			r := a.Rights & repl
			if r == 0 {
				continue
			}
			switch {
			case !heads[o]:
				notes = append(notes, d.Describe(a.Trustee)+" : "+r.String()+" hors d'une tête de contexte de nommage")
			case d.IsTier0(a.Trustee) && !defaultReplicator(d, a.Trustee):
				notes = append(notes, d.Describe(a.Trustee)+" : "+r.String()+" (compte Tier 0 hors des réplicateurs par défaut)")
			}
		}
		if len(notes) > 0 {
			sort.Strings(notes)
			objs = append(objs, ref(o, strings.Join(notes, " ; ")))
		}
	}
	return raise("", objs), nil
}

func runUnknownSID(c *Context) ([]Failure, error) {
	d := c.Dir
	forest := map[secdesc.SID]bool{}
	for _, dom := range d.Domains {
		if dom.SID != "" {
			forest[dom.SID] = true
		}
	}
	known := forestSIDs(d)
	for _, t := range d.OfClass("trustedDomain") {
		if s, err := secdesc.SIDFromBytes(t.Binary("securityidentifier")); err == nil {
			known[s] = true
		}
	}
	history := map[secdesc.SID]bool{}
	for _, o := range d.Objects {
		for _, b := range o.BinaryAll("sidhistory") {
			if s, err := secdesc.SIDFromBytes(b); err == nil {
				history[s] = true
			}
		}
	}
	unknown := func(s secdesc.SID) string {
		if !strings.HasPrefix(string(s), "S-1-5-21-") || d.BySID(s) != nil || history[s] {
			return ""
		}
		dom := s.Domain()
		rid, _ := s.RID()
		switch {
		case forest[dom] && rid >= 1000:
			return "SID sans objet dans le domaine"
		case !known[dom]:
			return "SID d'un domaine inconnu"
		}
		return ""
	}
	var objs []ObjectRef
	for _, o := range d.Objects {
		var notes []string
		seen := map[secdesc.SID]bool{}
		if why := unknown(o.Owner); why != "" {
			notes = append(notes, "propriétaire "+string(o.Owner)+" ("+why+")")
		}
		for _, a := range o.ACEs {
			if seen[a.Trustee] {
				continue
			}
			seen[a.Trustee] = true
			if why := unknown(a.Trustee); why != "" {
				notes = append(notes, fmt.Sprintf("ACE pour %s (%s)", a.Trustee, why))
			}
		}
		if len(notes) > 0 {
			sort.Strings(notes)
			objs = append(objs, ref(o, strings.Join(notes, " ; ")))
		}
	}
	return raise("", objs), nil
}

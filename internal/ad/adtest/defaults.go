package adtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"vigie/internal/ad/secdesc"
)

// windefaults.json holds the default security descriptors the fixtures are
// built from (regenerate with gen_windefaults.py): every class's schema
// defaultSecurityDescriptor (Windows Server 2016 schema) and the explicit
// descriptors Windows and Samba write on provisioned objects.
//
//go:embed windefaults.json
var winDefaultsJSON []byte

type classDef struct {
	GUID  string `json:"guid"`
	Super string `json:"super"`
	SDDL  string `json:"sddl"`
}

type winDefaults struct {
	Classes map[string]classDef `json:"classes"`
	Objects map[string]string   `json:"objects"`
	// Attributes: lDAPDisplayName → [schemaIDGUID, attributeSecurityGUID].
	Attributes map[string][2]string `json:"attributes"`
	// byLower indexes Classes by lower-case lDAPDisplayName.
	byLower map[string]classDef
}

var (
	defaultsOnce sync.Once
	defaults     *winDefaults
)

func loadDefaults() *winDefaults {
	defaultsOnce.Do(func() {
		var d winDefaults
		if err := json.Unmarshal(winDefaultsJSON, &d); err != nil {
			panic(fmt.Sprintf("adtest: windefaults.json: %v", err)) // embedded data: a build bug
		}
		d.byLower = make(map[string]classDef, len(d.Classes))
		for k, v := range d.Classes {
			d.byLower[strings.ToLower(k)] = v
		}
		defaults = &d
	})
	return defaults
}

// ClassGUID returns the schemaIDGUID of a class (any case), or the zero GUID.
func ClassGUID(class string) secdesc.GUID {
	c, ok := loadDefaults().byLower[strings.ToLower(class)]
	if !ok {
		return secdesc.GUID{}
	}
	return secdesc.MustGUID(c.GUID)
}

// sddl turns a template (with {D}, {R} domain tokens) into a descriptor.
func (f *Forest) sddl(tpl string) (*secdesc.SecurityDescriptor, error) {
	s := strings.NewReplacer("{D}", string(f.SID), "{R}", string(f.SID)).Replace(tpl)
	return secdesc.ParseSDDL(s, secdesc.SDDLDomains{Domain: f.SID, Root: f.SID})
}

// defaultDescriptor returns the explicit descriptor an object gets at
// creation: the provisioned one for well-known objects, else its most
// specific class's schema default; the owner is the creating
// administrators' group, CREATOR OWNER ACEs go to that owner.
func (f *Forest) defaultDescriptor(dn string, classes []string) *secdesc.SecurityDescriptor {
	d := loadDefaults()
	key := dn
	if strings.HasSuffix(strings.ToLower(dn), strings.ToLower(f.DomainDN)) {
		key = dn[:len(dn)-len(f.DomainDN)] + "{domain}"
	}
	owner := f.DomainSID(512)
	if strings.HasSuffix(strings.ToLower(dn), strings.ToLower(f.ConfigDN)) {
		owner = f.DomainSID(519)
	}
	tpl, explicit := d.Objects[key]
	if !explicit {
		for i := len(classes) - 1; i >= 0; i-- {
			if c, ok := d.byLower[strings.ToLower(classes[i])]; ok {
				tpl = c.SDDL
				break
			}
		}
	}
	sd, err := f.sddl(tpl)
	if err != nil {
		panic(fmt.Sprintf("adtest: default descriptor of %s: %v", dn, err)) // embedded data: a build bug
	}
	if sd.Owner == "" {
		sd.Owner = owner
	}
	if sd.Group == "" {
		sd.Group = sd.Owner
	}
	if sd.DACL == nil {
		sd.DACL = &secdesc.ACL{}
	}
	if !explicit {
		for i := range sd.DACL.ACEs {
			if sd.DACL.ACEs[i].SID == sidCreatorOwner && sd.DACL.ACEs[i].Flags&secdesc.FlagInheritOnly == 0 {
				sd.DACL.ACEs[i].SID = sd.Owner
			}
		}
	}
	return sd
}

const sidCreatorOwner = secdesc.SID("S-1-3-0")

// classGUIDs returns the schemaIDGUIDs of an object's classes.
func classGUIDs(classes []string) map[secdesc.GUID]bool {
	out := map[secdesc.GUID]bool{}
	for _, c := range classes {
		if g := ClassGUID(c); !g.IsZero() {
			out[g] = true
		}
	}
	return out
}

// inherit computes the ACEs a child of the given classes and owner gets
// from its parent's effective DACL, as Active Directory does: only
// container-inherit ACEs flow; one whose inherited object type is not a
// class of the child reaches it inherit-only (to pass further down);
// NO_PROPAGATE stops at the child; CREATOR OWNER becomes the owner.
func inherit(parent []secdesc.ACE, classes map[secdesc.GUID]bool, owner secdesc.SID) []secdesc.ACE {
	var out []secdesc.ACE
	for _, a := range parent {
		if a.Flags&secdesc.FlagContainerInherit == 0 {
			continue
		}
		applies := !a.HasInheritedObjectType || classes[a.InheritedObjectType]
		np := a.Flags&secdesc.FlagNoPropagateInherit != 0
		keep := secdesc.FlagContainerInherit | (a.Flags & secdesc.FlagObjectInherit)
		switch {
		case applies && a.SID == sidCreatorOwner:
			eff := a
			eff.SID, eff.Flags = owner, secdesc.FlagInherited
			out = append(out, eff)
			if !np {
				io := a
				io.Flags = secdesc.FlagInherited | secdesc.FlagInheritOnly | keep
				out = append(out, io)
			}
		case applies:
			eff := a
			eff.Flags = secdesc.FlagInherited
			if !np {
				eff.Flags |= keep
			}
			out = append(out, eff)
		case !np:
			io := a
			io.Flags = secdesc.FlagInherited | secdesc.FlagInheritOnly | keep
			out = append(out, io)
		}
	}
	return out
}

// depth counts the RDNs of a DN (parents sort before children).
func depth(dn string) int { return strings.Count(dn, ",") - strings.Count(dn, `\,`) }

// byDepth returns the objects parents first.
func byDepth(objs []*Obj) []*Obj {
	out := append([]*Obj(nil), objs...)
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i].DN) < depth(out[j].DN) })
	return out
}

// ensureSchema adds to the Schema partition the attributeSchema objects
// the descriptors refer to — every attribute an ACE names, and every
// member of a property set an ACE names — so that the analysis can tell a
// harmless attribute from a sensitive one as it does on a real snapshot.
func (f *Forest) ensureSchema() {
	d := loadDefaults()
	used := map[secdesc.GUID]bool{}
	for _, o := range f.objs {
		if o.SD == nil || o.SD.DACL == nil {
			continue
		}
		for _, a := range o.SD.DACL.ACEs {
			if a.HasObjectType {
				used[a.ObjectType] = true
			}
		}
	}
	for name, g := range d.Attributes {
		id, ps := secdesc.MustGUID(g[0]), secdesc.MustGUID(g[1])
		if !used[id] && (g[1] == "" || !used[ps]) {
			continue
		}
		dn := "CN=" + name + "," + f.SchemaDN
		if f.Get(dn) != nil {
			continue
		}
		a := f.Add(dn, "attributeSchema").Set("ldapdisplayname", name).SetBin("schemaidguid", id[:])
		if g[1] != "" {
			a.SetBin("attributesecurityguid", ps[:])
		}
	}
}

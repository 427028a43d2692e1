package checks

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

// schemaDefaultsJSON maps each class of the Windows Server 2016 schema
// (lDAPDisplayName) to its defaultSecurityDescriptor, from Microsoft's
// schema definition files (the copy Samba ships; same data as
// adtest/windefaults.json, which a test keeps in step).
//
//go:embed schemadefaults.json
var schemaDefaultsJSON []byte

var schemaDefaults = sync.OnceValues(func() (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal(schemaDefaultsJSON, &m); err != nil {
		return nil, fmt.Errorf("référence intégrée des descripteurs par défaut du schéma illisible : %w", err)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out, nil
})

// sddlACEs splits an SDDL string into its ACEs, keyed by a canonical form
// (so that aliases, SIDs, GUID case and right order compare equal), with
// the ACE's text; head is the canonical owner, group and control flags.
func sddlACEs(sddl string, doms secdesc.SDDLDomains) (head string, aces map[string]string, count map[string]int, err error) {
	sddl = outsideSpaces(sddl)
	sd, err := secdesc.ParseSDDL(sddl, doms)
	if err != nil {
		return "", nil, nil, err
	}
	head = fmt.Sprintf("O:%s G:%s C:%04x", domainRelative(sd.Owner), domainRelative(sd.Group), sd.Control&(secdesc.ControlDACLProtected|secdesc.ControlSACLProtected|secdesc.ControlDACLAutoInherited))
	aces, count = map[string]string{}, map[string]int{}
	section := byte(0)
	for i := 0; i < len(sddl); i++ {
		switch c := sddl[i]; {
		case c == '(':
			j := strings.IndexByte(sddl[i:], ')')
			if j < 0 || section == 0 {
				return "", nil, nil, fmt.Errorf("ACE mal formée à partir du caractère %d", i+1)
			}
			tok := sddl[i : i+j+1]
			one, err := secdesc.ParseSDDL(string(section)+":"+tok, doms)
			if err != nil {
				return "", nil, nil, err
			}
			acl := one.DACL
			if section == 'S' {
				acl = one.SACL
			}
			if acl == nil || len(acl.ACEs) != 1 {
				return "", nil, nil, fmt.Errorf("ACE %s illisible", tok)
			}
			a := acl.ACEs[0]
			key := fmt.Sprintf("%c|%d|%d|%08x|%s|%v|%s|%v|%s", section, a.Type, a.Flags, a.Mask, domainRelative(a.SID), a.HasObjectType, a.ObjectType, a.HasInheritedObjectType, a.InheritedObjectType)
			aces[key] = tok
			count[key]++
			i += j
		case (c == 'D' || c == 'S') && i+1 < len(sddl) && sddl[i+1] == ':':
			section = c
			i++
		}
	}
	return head, aces, count, nil
}

func runSchemaDefaultSD(c *Context) ([]Failure, error) {
	reference, err := schemaDefaults()
	if err != nil {
		return nil, err
	}
	d := c.Dir
	var doms secdesc.SDDLDomains
	for _, dom := range d.Domains {
		if dom.SID != "" && (doms.Domain == "" || strings.EqualFold(dom.DNS, d.Header.Forest)) {
			doms = secdesc.SDDLDomains{Domain: dom.SID, Root: dom.SID}
		}
	}
	if doms.Domain == "" {
		return nil, skip("SID du domaine racine inconnu : les alias de domaine des descripteurs ne peuvent pas être comparés")
	}
	var objs []ObjectRef
	compared := 0
	for _, o := range c.Targets[0] {
		want, ok := reference[strings.ToLower(o.Get("ldapdisplayname"))]
		got := o.Get("defaultsecuritydescriptor")
		if !ok || got == "" {
			continue
		}
		compared++
		if why := sddlDiff(got, want, doms); why != "" {
			objs = append(objs, ref(o, why))
		}
	}
	if compared == 0 {
		return nil, skip("aucune classe du schéma collectée ne porte de defaultSecurityDescriptor comparable à la référence")
	}
	return raise("", objs), nil
}

// domainRelative names a domain SID by its RID only: schema defaults hold
// the SID of the domain the schema was installed with (Samba keeps its
// template's), which says nothing about a modification.
func domainRelative(s secdesc.SID) string {
	if rid, ok := s.RID(); ok && strings.HasPrefix(string(s), "S-1-5-21-") && s.Domain() != "" {
		return fmt.Sprintf("domaine-%d", rid)
	}
	return string(s)
}

// outsideSpaces removes the white space between the parts and ACEs of an
// SDDL string, which Windows accepts (some schema defaults have it).
func outsideSpaces(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case depth == 0 && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sddlDiff explains how a default descriptor differs from the reference,
// or returns "".
func sddlDiff(got, want string, doms secdesc.SDDLDomains) string {
	gh, gAces, gCount, err := sddlACEs(got, doms)
	if err != nil {
		return "descripteur par défaut illisible : " + err.Error()
	}
	// The reference writes domain-relative SIDs {D}-RID (root domain {R}).
	want = strings.NewReplacer("{D}", string(doms.Domain), "{R}", string(doms.Root)).Replace(want)
	wh, wAces, wCount, err := sddlACEs(want, doms)
	if err != nil {
		return "" // a reference Vigie cannot read is not the directory's fault
	}
	var added, removed []string
	for k, n := range gCount {
		if n > wCount[k] {
			added = append(added, gAces[k])
		}
	}
	for k, n := range wCount {
		if n > gCount[k] {
			removed = append(removed, wAces[k])
		}
	}
	// An ACE only removed gives nobody a right, and older schemas (and
	// Samba's) lack some ACEs of the 2016 reference: not raised alone.
	if gh == wh && len(added) == 0 {
		return ""
	}
	var parts []string
	if gh != wh {
		parts = append(parts, "propriétaire, groupe ou options d'héritage modifiés")
	}
	if len(added) > 0 {
		sort.Strings(added)
		parts = append(parts, "ACE ajoutées : "+strings.Join(added, ""))
	}
	if len(removed) > 0 {
		sort.Strings(removed)
		parts = append(parts, "ACE retirées : "+strings.Join(removed, ""))
	}
	return strings.Join(parts, " ; ")
}

// schemaClasses are the classSchema objects of the schema partition.
func schemaClasses(d *model.Directory) []*model.Object { return d.OfClass("classSchema") }

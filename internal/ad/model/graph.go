package model

import (
	"sort"
	"strings"

	"vigie/internal/ad/secdesc"
)

// Step is one edge of a control path: From can act on To, by Via
// ("membre de", "contrôle du conteneur parent", or a Right list).
type Step struct {
	From Node
	To   Node
	Via  string
}

// ControlPath is the shortest chain of control from a non-Tier-0 principal
// to a Tier 0 object.
type ControlPath struct {
	Principal secdesc.SID
	Steps     []Step
}

// Tier0Targets returns the objects ANSSI treats as Tier 0 targets (§1.2):
// NC heads, AdminSDHolder, privileged groups and members, DCs, krbtgt,
// PKI and KDS key containers, DPAPI backup keys, MicrosoftDNS.
func (d *Directory) Tier0Targets() []*Object {
	var out []*Object
	seen := map[int32]bool{}
	add := func(o *Object) {
		if o != nil && !seen[o.Index] {
			seen[o.Index] = true
			out = append(out, o)
		}
	}
	for _, nc := range d.Header.NamingContexts {
		add(d.ByDN(nc.DN))
	}
	for _, dom := range d.Domains {
		add(dom.Head)
		add(d.ByDN("CN=AdminSDHolder,CN=System," + dom.DN))
		add(d.ByDN("CN=MicrosoftDNS,CN=System," + dom.DN))
	}
	for _, n := range sortedNodes(d.priv.tier0) {
		if o := d.ObjectOf(n); o != nil {
			add(o)
		}
	}
	for _, o := range d.OfClass("msKds-ProvRootKey") {
		add(o)
	}
	for _, o := range d.OfClass("secret") {
		if strings.HasPrefix(strings.ToLower(o.Get("cn")), "bckupkey_") {
			add(o)
		}
	}
	for _, o := range d.Objects {
		if strings.Contains(o.Key, "cn=public key services,cn=services,") ||
			strings.Contains(o.Key, "cn=dfsr-globalsettings,cn=system,") {
			add(o)
		}
	}
	// Containers holding privileged accounts, and the GPOs linked on them.
	done := map[string]bool{}
	for _, n := range sortedNodes(d.priv.members) {
		o := d.ObjectOf(n)
		if o == nil {
			continue
		}
		for k := ParentKey(o.Key); k != "" && !done[k]; k = ParentKey(k) {
			done[k] = true
			p := d.byKey[k]
			if p == nil {
				continue
			}
			add(p)
			for _, g := range ParseGPLink(p.Get("gplink")) {
				add(d.ByDN(g))
			}
		}
	}
	return out
}

// sortedNodes returns a set's nodes in order, for deterministic results.
func sortedNodes(set map[Node]bool) []Node {
	out := make([]Node, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// GPLink is one link of a gPLink value.
type GPLink struct {
	DN string
	// Options: 1 link disabled, 2 enforced.
	Options int
}

// Disabled reports a link that does not apply.
func (l GPLink) Disabled() bool { return l.Options&1 != 0 }

// ParseGPLinks reads a gPLink value
// ("[LDAP://cn={…},cn=policies,cn=system,DC=…;0][…]").
func ParseGPLinks(v string) []GPLink {
	var out []GPLink
	for _, part := range strings.Split(v, "[") {
		part = strings.TrimSuffix(strings.TrimSpace(part), "]")
		if len(part) < 7 || !strings.EqualFold(part[:7], "LDAP://") {
			continue
		}
		dn, opt, _ := strings.Cut(part[7:], ";")
		n := 0
		for _, c := range opt {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
			if n > 1<<16 {
				break
			}
		}
		out = append(out, GPLink{DN: dn, Options: n})
	}
	return out
}

// ParseGPLink extracts the GPO DNs of a gPLink value, disabled links
// included.
func ParseGPLink(v string) []string {
	var out []string
	for _, l := range ParseGPLinks(v) {
		out = append(out, l.DN)
	}
	return out
}

// ControlPaths computes, by one reverse breadth-first search from every
// Tier 0 target, the shortest control path of each non-Tier-0 principal
// that can take over Tier 0 within maxDepth steps. Edges are: exploitable
// ACE rights and ownership, group membership (a member acts as its group),
// and takeover of an inheriting object's parent container.
func (d *Directory) ControlPaths(maxDepth int) []ControlPath {
	type visit struct {
		next  Node
		via   string
		depth int
	}
	seen := map[Node]visit{}
	var queue []Node
	for _, o := range d.Tier0Targets() {
		n := Node(o.Index)
		if _, ok := seen[n]; !ok {
			seen[n] = visit{next: -1}
			queue = append(queue, n)
		}
	}
	push := func(from, to Node, via string, depth int) {
		if _, ok := seen[from]; ok {
			return
		}
		seen[from] = visit{next: to, via: via, depth: depth}
		queue = append(queue, from)
	}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		v := seen[x]
		if v.depth >= maxDepth {
			continue
		}
		o := d.ObjectOf(x)
		if o != nil {
			if o.Owner != "" && !alwaysTier0[o.Owner] {
				push(d.NodeOfSID(o.Owner), x, ROwner.String(), v.depth+1)
			}
			for _, a := range o.ACEs {
				r := a.Rights & Exploitable
				if o.Domain == nil || o.Domain.Head != o {
					r &^= RGetChangesAll // replication only leaks secrets from a domain partition
				}
				if r != 0 {
					push(d.NodeOfSID(a.Trustee), x, r.String(), v.depth+1)
				}
			}
			if !o.Protected {
				if p := d.Parent(o); p != nil {
					push(Node(p.Index), x, "contrôle du conteneur parent", v.depth+1)
				}
			}
		}
		for _, m := range nodeList(d.groups.members, x) {
			push(m, x, "membre de", v.depth+1)
		}
	}
	var out []ControlPath
	for n, v := range seen {
		s := d.SIDOf(n)
		if v.next < 0 || s == "" || d.priv.tier0[n] || alwaysTier0[s] {
			continue
		}
		if o := d.ObjectOf(n); o != nil && !(o.IsAccount() || o.IsGroup() || o.IsClass("foreignSecurityPrincipal")) {
			continue // a domain or builtinDomain head carries a SID but is not a principal
		}
		if o := d.ObjectOf(n); o != nil && o.IsGroup() && len(d.groups.members[n]) == 0 {
			continue // an empty group (DnsAdmins by default) gives its rights to nobody
		}
		p := ControlPath{Principal: s}
		for cur := n; ; {
			cv := seen[cur]
			if cv.next < 0 {
				break
			}
			p.Steps = append(p.Steps, Step{From: cur, To: cv.next, Via: cv.via})
			cur = cv.next
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Steps) != len(out[j].Steps) {
			return len(out[i].Steps) < len(out[j].Steps)
		}
		return out[i].Principal < out[j].Principal
	})
	return out
}

// NodeName names a node for people: sAMAccountName, DN or SID.
func (d *Directory) NodeName(n Node) string {
	if o := d.ObjectOf(n); o != nil {
		if s := o.Sam(); s != "" {
			return s
		}
		return o.DN
	}
	return d.Describe(d.SIDOf(n))
}

package model

import (
	"strings"

	"vigie/internal/ad/secdesc"
)

// Node identifies a principal or object in the membership and control
// graphs: an object index, or (for SIDs with no object in the snapshot,
// e.g. well-known or foreign SIDs) an index past the last object.
type Node int32

// groupIndex holds direct membership in both directions, indexed by node.
type groupIndex struct {
	virt     []secdesc.SID
	virtIdx  map[secdesc.SID]Node
	members  [][]Node
	memberOf [][]Node
	// unresolved counts member values that named nothing in the snapshot.
	unresolved int
}

// NodeOf returns the canonical node of an object: the first object carrying
// its SID, so that a foreign security principal or a well-known principal
// stands for the same node as the account it designates.
func (d *Directory) NodeOf(o *Object) Node {
	if o.SID != "" {
		if c := d.bySID[o.SID]; c != nil {
			return Node(c.Index)
		}
	}
	return Node(o.Index)
}

// NodeOfSID returns the node of a SID, creating a virtual one when no
// object carries it.
func (d *Directory) NodeOfSID(s secdesc.SID) Node {
	if o := d.bySID[s]; o != nil {
		return Node(o.Index)
	}
	g := d.groups
	if n, ok := g.virtIdx[s]; ok {
		return n
	}
	n := Node(len(d.Objects) + len(g.virt))
	g.virt = append(g.virt, s)
	g.virtIdx[s] = n
	return n
}

// lookupSIDNode is NodeOfSID without creating a node.
func (d *Directory) lookupSIDNode(s secdesc.SID) (Node, bool) {
	if o := d.bySID[s]; o != nil {
		return Node(o.Index), true
	}
	n, ok := d.groups.virtIdx[s]
	return n, ok
}

// ObjectOf returns the object of a node, or nil for virtual nodes.
func (d *Directory) ObjectOf(n Node) *Object {
	if n >= 0 && int(n) < len(d.Objects) {
		return d.Objects[n]
	}
	return nil
}

// SIDOf returns the SID of a node ("" for objects without SID).
func (d *Directory) SIDOf(n Node) secdesc.SID {
	if o := d.ObjectOf(n); o != nil {
		return o.SID
	}
	i := int(n) - len(d.Objects)
	if i >= 0 && i < len(d.groups.virt) {
		return d.groups.virt[i]
	}
	return ""
}

func buildGroups(d *Directory) *groupIndex {
	g := &groupIndex{virtIdx: map[secdesc.SID]Node{}, members: make([][]Node, len(d.Objects)), memberOf: make([][]Node, len(d.Objects))}
	d.groups = g
	link := func(group, member Node) {
		for int(max(group, member)) >= len(g.members) { // virtual nodes
			g.members = append(g.members, nil)
			g.memberOf = append(g.memberOf, nil)
		}
		g.members[group] = append(g.members[group], member)
		g.memberOf[member] = append(g.memberOf[member], group)
	}
	// primary groups by domain and RID: a few for the whole directory
	type primaryKey struct {
		dom *Domain
		rid uint32
	}
	primary := map[primaryKey]Node{}
	for _, o := range d.Objects {
		if o.IsGroup() {
			gn := d.NodeOf(o)
			for _, dn := range o.All("member") {
				if m := d.ByDN(dn); m != nil {
					link(gn, d.NodeOf(m))
					continue
				}
				if s := sidFromFSPDN(dn); s != "" {
					link(gn, d.NodeOfSID(s))
					continue
				}
				g.unresolved++
			}
		}
		if o.PrimaryGroupID != 0 && o.Domain != nil && o.Domain.SID != "" && o.IsAccount() {
			k := primaryKey{o.Domain, o.PrimaryGroupID}
			n, ok := primary[k]
			if !ok {
				n = d.NodeOfSID(o.Domain.SID.WithRID(o.PrimaryGroupID))
				primary[k] = n
			}
			link(n, d.NodeOf(o))
		}
	}
	return g
}

// sidFromFSPDN reads the SID in "CN=S-1-5-11,CN=ForeignSecurityPrincipals,…".
func sidFromFSPDN(dn string) secdesc.SID {
	first, _, _ := strings.Cut(dn, ",")
	k, v, ok := strings.Cut(first, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(k), "cn") {
		return ""
	}
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(strings.ToUpper(v), "S-1-") {
		return ""
	}
	s, err := secdesc.ParseSID(v)
	if err != nil {
		return ""
	}
	return s
}

// DirectMembers returns the direct members of a group node.
func (d *Directory) DirectMembers(group Node) []Node { return nodeList(d.groups.members, group) }

// nodeList returns l[n], or nil when n is out of range.
func nodeList(l [][]Node, n Node) []Node {
	if n < 0 || int(n) >= len(l) {
		return nil
	}
	return l[n]
}

// MembersRec returns every recursive member of a group node (nested groups
// included), each once. Cycles are tolerated.
func (d *Directory) MembersRec(group Node) []Node {
	seen := map[Node]bool{group: true}
	var out []Node
	stack := []Node{group}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, m := range nodeList(d.groups.members, n) {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
				stack = append(stack, m)
			}
		}
	}
	return out
}

// GroupsRec returns every group a node belongs to, recursively.
func (d *Directory) GroupsRec(n Node) map[Node]bool {
	seen := map[Node]bool{}
	stack := []Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, g := range nodeList(d.groups.memberOf, x) {
			if !seen[g] {
				seen[g] = true
				stack = append(stack, g)
			}
		}
	}
	return seen
}

// GroupCycles returns the groups that take part in a nesting cycle, one
// representative list per cycle (strongly connected component of size > 1,
// or a group member of itself).
func (d *Directory) GroupCycles() [][]Node {
	// Tarjan's algorithm, iterative to survive deep nesting. Nodes are
	// numbered from 1 in index (0: not visited yet).
	members := d.groups.members
	index := make([]int, len(members))
	low := make([]int, len(members))
	onStack := make([]bool, len(members))
	var stack []Node
	var out [][]Node
	next := 1
	type frame struct {
		n Node
		i int
	}
	for s, ms := range members {
		start := Node(s)
		if len(ms) == 0 || index[start] != 0 {
			continue
		}
		call := []frame{{start, 0}}
		index[start], low[start] = next, next
		next++
		stack = append(stack, start)
		onStack[start] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			ms := members[f.n]
			if f.i < len(ms) {
				m := ms[f.i]
				f.i++
				if index[m] == 0 {
					index[m], low[m] = next, next
					next++
					stack = append(stack, m)
					onStack[m] = true
					call = append(call, frame{m, 0})
				} else if onStack[m] {
					low[f.n] = min(low[f.n], index[m])
				}
				continue
			}
			n := f.n
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].n
				low[p] = min(low[p], low[n])
			}
			if low[n] == index[n] {
				var comp []Node
				for {
					x := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[x] = false
					comp = append(comp, x)
					if x == n {
						break
					}
				}
				self := false
				for _, m := range members[n] {
					if m == n {
						self = true
					}
				}
				if len(comp) > 1 || self {
					out = append(out, comp)
				}
			}
		}
	}
	return out
}

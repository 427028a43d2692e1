// Package forestmerge combines snapshots of one forest, each collected
// from a domain controller of one of its domains, into a single forest
// snapshot. It serves forests whose domains cannot all be reached from one
// place: the collector bound to a DC of the root domain reads the other
// domains over the network, and records a gap for those it cannot reach;
// a collection made inside each such domain fills the gap.
//
// Each domain's partitions (domain and DomainDnsZones) are taken whole
// from one snapshot: the one collected from a DC of that domain, else the
// first that holds them without a gap. The forest-wide partitions
// (Configuration, Schema, ForestDnsZones) are the union of all snapshots,
// the root domain's snapshot winning for objects present in several. The
// header lists the attributes every snapshot collected (an attribute one of
// them missed is not collected for the forest), and the root DSE is the
// root domain's, its token extended with the domain groups of the other
// collecting accounts, so that data only administrators read counts as
// read for each domain whose administrator collected it.
package forestmerge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// InputError is a problem with the snapshots given (unreadable, from
// different forests).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err comes from the snapshots given.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func inputf(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

// Part says where one naming context of the merged forest comes from.
type Part struct {
	DN, Kind, Domain string
	From             string // input path
}

// Summary describes a merge.
type Summary struct {
	Forest  string
	Root    string // input collected from the forest root domain (or the first)
	Parts   []Part
	Objects int
	Gaps    int
}

// input is what the first pass learns of one snapshot.
type input struct {
	path   string
	h      snapshot.Header
	root   *snapshot.Object // its root DSE
	gaps   []snapshot.Gap
	home   string // lower-case DN of the domain of the DC it was collected from
	isRoot bool
}

// Merge reads the snapshots at paths (at least two) and writes the forest
// snapshot out.
func Merge(ctx context.Context, paths []string, out string) (Summary, error) {
	if len(paths) < 2 {
		return Summary{}, inputf("au moins deux instantanés à fusionner")
	}
	var ins []*input
	for _, p := range paths {
		in, err := scan(ctx, p)
		if err != nil {
			return Summary{}, err
		}
		ins = append(ins, in)
	}
	for _, in := range ins[1:] {
		if !strings.EqualFold(in.h.Forest, ins[0].h.Forest) || !strings.EqualFold(configDN(in.h), configDN(ins[0].h)) {
			return Summary{}, inputf("%s (forêt %s) et %s (forêt %s) ne sont pas de la même forêt", ins[0].path, ins[0].h.Forest, in.path, in.h.Forest)
		}
	}
	// the root domain's snapshot first, the others in the order given
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].isRoot && !ins[j].isRoot })
	base := ins[0]

	ncs, owner := plan(ins)
	h := snapshot.Header{
		Forest: base.h.Forest, Source: base.h.Source, Server: base.h.Server, CollectedAt: base.h.CollectedAt,
		NamingContexts: ncs, Attributes: commonAttributes(ins), ToolVersion: base.h.ToolVersion,
	}
	for _, in := range ins[1:] {
		if in.h.Source != h.Source {
			h.Source = "fusion"
		}
		// the oldest extraction tool speaks for the forest; unknown wins
		if in.h.ToolVersion == "" || (h.ToolVersion != "" && olderVersion(in.h.ToolVersion, h.ToolVersion)) {
			h.ToolVersion = in.h.ToolVersion
		}
		// the oldest collection dates the forest: ages are not understated
		if !in.h.CollectedAt.IsZero() && (h.CollectedAt.IsZero() || in.h.CollectedAt.Before(h.CollectedAt)) {
			h.CollectedAt = in.h.CollectedAt
		}
	}
	w, err := snapshot.Create(out, h)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Forest: h.Forest, Root: base.path}
	for _, nc := range ncs {
		from := base.path
		if o := owner[strings.ToLower(nc.DN)]; o != nil {
			from = o.path
		}
		sum.Parts = append(sum.Parts, Part{DN: nc.DN, Kind: nc.Kind, Domain: nc.Domain, From: from})
	}
	written := map[string]bool{} // forest-wide objects already written
	for _, in := range ins {
		n, err := copyObjects(ctx, in, base, ins, ncs, owner, written, w)
		if err != nil {
			w.Abort()
			return Summary{}, err
		}
		sum.Objects += n
	}
	for _, in := range ins {
		for _, g := range in.gaps {
			nc := ncOf(g.DN, ncs)
			if o := owner[strings.ToLower(nc.DN)]; (o != nil && o != in) || (o == nil && in != base) {
				continue // the partition comes from another snapshot
			}
			if err := w.WriteGap(g); err != nil {
				w.Abort()
				return Summary{}, err
			}
			sum.Gaps++
		}
	}
	if err := w.Close(); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// scan reads a snapshot's header, root DSE and gaps.
func scan(ctx context.Context, path string) (*input, error) {
	r, c, err := snapshot.Open(path)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	defer c.Close()
	in := &input{path: path, h: r.Header}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("%s : %w", path, err)}
		}
		if g != nil {
			in.gaps = append(in.gaps, *g)
		} else if strings.EqualFold(o.DN, snapshot.RootDSEDN) {
			in.root = o
		}
	}
	if in.root != nil {
		in.home = strings.ToLower(in.root.Get("defaultnamingcontext"))
		in.isRoot = in.home != "" && strings.EqualFold(in.home, in.root.Get("rootdomainnamingcontext"))
	}
	return in, nil
}

// olderVersion reports whether dotted version a is older than b (numeric
// parts compared in order; a part that is not a number compares as 0).
func olderVersion(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func configDN(h snapshot.Header) string {
	for _, nc := range h.NamingContexts {
		if nc.Kind == "configuration" {
			return nc.DN
		}
	}
	return ""
}

// domainScoped reports whether a naming context belongs to one domain.
func domainScoped(kind string) bool { return kind == "domain" || kind == "dns-domain" }

// plan lists the naming contexts of the forest and, for each domain
// partition, the snapshot it is taken from.
func plan(ins []*input) ([]snapshot.NamingContext, map[string]*input) {
	var ncs []snapshot.NamingContext
	seen := map[string]bool{}
	for _, in := range ins {
		for _, nc := range in.h.NamingContexts {
			if k := strings.ToLower(nc.DN); !seen[k] {
				seen[k] = true
				ncs = append(ncs, nc)
			}
		}
	}
	owner := map[string]*input{}
	for _, nc := range ncs {
		if !domainScoped(nc.Kind) {
			continue
		}
		k := strings.ToLower(nc.DN)
		var first *input
		for _, in := range ins {
			if !holds(in, nc) {
				continue
			}
			if first == nil {
				first = in
			}
			if in.home != "" && (k == in.home || strings.HasSuffix(k, ","+in.home)) {
				first = in // collected inside its own domain: preferred
				break
			}
		}
		if first == nil {
			first = ins[0]
		}
		owner[k] = first
	}
	return ncs, owner
}

// holds reports whether in lists nc without a gap on the whole context.
func holds(in *input, nc snapshot.NamingContext) bool {
	listed := false
	for _, x := range in.h.NamingContexts {
		if strings.EqualFold(x.DN, nc.DN) {
			listed = true
		}
	}
	if !listed {
		return false
	}
	for _, g := range in.gaps {
		if (g.Scope == "naming-context" || g.Scope == "domain") && strings.EqualFold(g.DN, nc.DN) {
			return false
		}
	}
	return true
}

// commonAttributes is the intersection of the attribute lists; empty when
// one snapshot does not list its attributes.
func commonAttributes(ins []*input) []string {
	count := map[string]int{}
	for _, in := range ins {
		if len(in.h.Attributes) == 0 {
			return nil
		}
		for _, a := range in.h.Attributes {
			count[strings.ToLower(a)]++
		}
	}
	var out []string
	for a, n := range count {
		if n == len(ins) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// ncOf returns the most specific naming context holding dn (zero if none).
func ncOf(dn string, ncs []snapshot.NamingContext) snapshot.NamingContext {
	l := strings.ToLower(dn)
	var best snapshot.NamingContext
	for _, nc := range ncs {
		k := strings.ToLower(nc.DN)
		if (l == k || strings.HasSuffix(l, ","+k)) && len(k) > len(best.DN) {
			best = nc
		}
	}
	return best
}

// copyObjects streams the objects of in that the merged forest takes from
// it.
func copyObjects(ctx context.Context, in, base *input, ins []*input, ncs []snapshot.NamingContext,
	owner map[string]*input, written map[string]bool, w *snapshot.Writer) (int, error) {
	r, c, err := snapshot.Open(in.path)
	if err != nil {
		return 0, &InputError{Err: err}
	}
	defer c.Close()
	n := 0
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		o, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, &InputError{Err: fmt.Errorf("%s : %w", in.path, err)}
		}
		if o == nil {
			continue
		}
		if strings.EqualFold(o.DN, snapshot.RootDSEDN) {
			if in != base {
				continue
			}
			o = mergedRootDSE(o, base, ins)
		} else {
			nc := ncOf(o.DN, ncs)
			k := strings.ToLower(nc.DN)
			switch {
			case nc.DN == "":
				if in != base {
					continue
				}
			case domainScoped(nc.Kind):
				if owner[k] != in {
					continue
				}
			default:
				dn := strings.ToLower(o.DN)
				if written[dn] {
					continue
				}
				written[dn] = true
			}
		}
		if err := w.WriteObject(o); err != nil {
			return n, fmt.Errorf("écriture de l'instantané : %w", err)
		}
		n++
	}
}

// mergedRootDSE adds to the root domain's root DSE token the domain groups
// (S-1-5-21-…) of the accounts that collected the other snapshots. root
// is the object just read, changed in place.
func mergedRootDSE(root *snapshot.Object, base *input, ins []*input) *snapshot.Object {
	have := map[string]bool{}
	for _, b := range root.BinaryAll("tokengroups") {
		have[string(b)] = true
	}
	var extra [][]byte
	for _, in := range ins {
		if in == base || in.root == nil {
			continue
		}
		for _, b := range in.root.BinaryAll("tokengroups") {
			s, err := secdesc.SIDFromBytes(b)
			if err != nil || !strings.HasPrefix(string(s), "S-1-5-21-") || have[string(b)] {
				continue
			}
			have[string(b)] = true
			extra = append(extra, b)
		}
	}
	if len(extra) > 0 {
		root.Add("tokenGroups", extra...)
	}
	return root
}

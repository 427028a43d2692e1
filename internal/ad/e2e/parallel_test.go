package e2e

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"

	"vigie/internal/ad/ldapcollect"
	"vigie/internal/ad/snapshot"
)

// volatileAttrs change between two reads of a live directory (our own
// binds update logon counters; the root DSE reports the server's clock).
var volatileAttrs = map[string]bool{
	"lastlogon": true, "lastlogontimestamp": true, "logoncount": true, "badpwdcount": true,
	"badpasswordtime": true, "currenttime": true, "highestcommittedusn": true,
	"usnchanged": true, "whenchanged": true,
}

// TestParallelCollectionMatchesSequential reads the lab DC on one
// connection and on four (domain subtrees in parallel): the same objects,
// with the same values, and the same gaps.
func TestParallelCollectionMatchesSequential(t *testing.T) {
	l := needLab(t)
	seq, _ := collect(t, adminCfg(l), ldapcollect.Options{Parallel: 1})
	par, _ := collect(t, adminCfg(l), ldapcollect.Options{Parallel: 4})
	if len(seq.objs) < 1000 || len(seq.objs) != len(par.objs) {
		t.Fatalf("%d objects on one connection, %d on four", len(seq.objs), len(par.objs))
	}
	for dn, a := range seq.objs {
		b := par.objs[dn]
		if b == nil {
			t.Errorf("%s missing from the parallel collection", a.DN)
			continue
		}
		if d := objectDiff(a, b); d != "" {
			t.Errorf("%s: %s", a.DN, d)
		}
	}
	gaps := func(s *snap) []string {
		var out []string
		for _, g := range s.gaps {
			out = append(out, g.Scope+" "+g.DN+" "+g.Attribute)
		}
		sort.Strings(out)
		return out
	}
	if g1, g4 := gaps(seq), gaps(par); !slices.Equal(g1, g4) {
		t.Errorf("gaps differ:\n%q\n%q", g1, g4)
	}
}

// objectDiff names the first attribute whose values differ, ignoring
// volatile ones.
func objectDiff(a, b *snapshot.Object) string {
	names := append(a.Names(), b.Names()...)
	sort.Strings(names)
	for _, n := range slices.Compact(names) {
		if volatileAttrs[n] {
			continue
		}
		if !slices.Equal(a.All(n), b.All(n)) || !slices.EqualFunc(a.BinaryAll(n), b.BinaryAll(n), bytes.Equal) {
			return "attribute " + n + " differs: " + strings.Join(a.All(n), ";") + " / " + strings.Join(b.All(n), ";")
		}
	}
	return ""
}

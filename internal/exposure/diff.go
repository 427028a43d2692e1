package exposure

import "sort"

// Delta compares two audits by stable finding key: what appeared, what was
// fixed and what is still open. Changed lists findings still open whose
// severity moved.
type Delta struct {
	New       []Finding `json:"new"`
	Fixed     []Finding `json:"fixed"`
	StillOpen []Finding `json:"still_open"`
	Changed   []Change  `json:"changed,omitempty"`
}

// Change is a finding present in both audits with a different severity.
type Change struct {
	Key    string   `json:"key"`
	Before Severity `json:"before"`
	After  Severity `json:"after"`
}

// Diff compares the previous audit a with the newer audit b by Finding.Key():
// New holds b's findings absent from a, Fixed a's findings absent from b,
// StillOpen b's findings also in a. A nil audit counts as empty. Each list is
// sorted by severity, host, port and id.
func Diff(a, b *Audit) Delta {
	before := map[string]Finding{}
	if a != nil {
		for _, f := range a.Findings {
			before[f.Key()] = f
		}
	}
	after := map[string]bool{}
	d := Delta{New: []Finding{}, Fixed: []Finding{}, StillOpen: []Finding{}}
	if b != nil {
		for _, f := range b.Findings {
			k := f.Key()
			if after[k] {
				continue
			}
			after[k] = true
			old, ok := before[k]
			if !ok {
				d.New = append(d.New, f)
				continue
			}
			d.StillOpen = append(d.StillOpen, f)
			if old.Severity != f.Severity {
				d.Changed = append(d.Changed, Change{Key: k, Before: old.Severity, After: f.Severity})
			}
		}
	}
	if a != nil {
		done := map[string]bool{}
		for _, f := range a.Findings {
			k := f.Key()
			if !after[k] && !done[k] {
				done[k] = true
				d.Fixed = append(d.Fixed, f)
			}
		}
	}
	for _, l := range [][]Finding{d.New, d.Fixed, d.StillOpen} {
		sortFindings(l)
	}
	sort.Slice(d.Changed, func(i, j int) bool { return d.Changed[i].Key < d.Changed[j].Key })
	return d
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.ID < b.ID
	})
}

package ad

import "sort"

// DiffItem is one (control point, object) pair in a comparison.
type DiffItem struct {
	ID    string `json:"id"`
	Grade int    `json:"grade"`
	DN    string `json:"dn"`
	Sam   string `json:"sam,omitempty"`
}

// DiffResult compares two audits by stable keys (control point + DN).
type DiffResult struct {
	Before       Summary    `json:"before"`
	After        Summary    `json:"after"`
	Fixed        []DiffItem `json:"fixed"`
	New          []DiffItem `json:"new"`
	StillFailing []DiffItem `json:"still_failing"`
	// NotComparable lists points evaluated in one audit and not the other.
	NotComparable []string `json:"not_comparable"`
}

// Diff compares audit a (before) with audit b (after).
func Diff(a, b *Report) *DiffResult {
	out := &DiffResult{Before: a.Summary(), After: b.Summary(), Fixed: []DiffItem{}, New: []DiffItem{},
		StillFailing: []DiffItem{}, NotComparable: []string{}}
	ka, kb := keys(a), keys(b)
	neA, neB := notEvaluated(a), notEvaluated(b)
	for k, it := range ka {
		switch {
		case kb[k] != nil:
			out.StillFailing = append(out.StillFailing, *kb[k])
		case neB[it.ID]:
			// Not evaluated afterwards: neither fixed nor failing.
		default:
			out.Fixed = append(out.Fixed, *it)
		}
	}
	for k, it := range kb {
		if ka[k] == nil && !neA[it.ID] {
			out.New = append(out.New, *it)
		}
	}
	seen := map[string]bool{}
	for id := range neA {
		if !neB[id] {
			seen[id] = true
		}
	}
	for id := range neB {
		if !neA[id] {
			seen[id] = true
		}
	}
	for id := range seen {
		out.NotComparable = append(out.NotComparable, id)
	}
	sort.Strings(out.NotComparable)
	for _, l := range [][]DiffItem{out.Fixed, out.New, out.StillFailing} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].ID != l[j].ID {
				return l[i].ID < l[j].ID
			}
			return l[i].DN < l[j].DN
		})
	}
	return out
}

func keys(r *Report) map[string]*DiffItem {
	m := map[string]*DiffItem{}
	for _, f := range r.Findings {
		for _, o := range f.Objects {
			k := f.ID + "\x00" + normKey(o.DN)
			if old, ok := m[k]; ok && old.Grade <= f.Grade {
				continue
			}
			m[k] = &DiffItem{ID: f.ID, Grade: f.Grade, DN: o.DN, Sam: o.Sam}
		}
	}
	return m
}

func notEvaluated(r *Report) map[string]bool {
	m := map[string]bool{}
	for _, n := range r.Coverage.NotEvaluated {
		m[n.ID] = true
	}
	return m
}

func normKey(dn string) string {
	b := []byte(dn)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

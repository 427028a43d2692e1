package ad

import "sort"

// DiffItem is one (control point, object) pair in a comparison.
type DiffItem struct {
	ID    string `json:"id"`
	Grade int    `json:"grade"`
	DN    string `json:"dn"`
	Sam   string `json:"sam,omitempty"`
	// Title names a warning (its grade is indicative); control points
	// are named by the catalogue.
	Title string `json:"title,omitempty"`
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
	// WarningsCompared is false when one of the reports predates the
	// warnings (format without advisory coverage): the three lists below
	// are then empty.
	WarningsCompared bool `json:"warnings_compared"`
	// The ANSSI warnings (apart from the level), by warning and object:
	// gone, raised since, still raised. A warning evaluated in one audit
	// only is in NotComparable.
	WarningsFixed []DiffItem `json:"warnings_fixed"`
	WarningsNew   []DiffItem `json:"warnings_new"`
	WarningsStill []DiffItem `json:"warnings_still"`
}

// Diff compares audit a (before) with audit b (after).
func Diff(a, b *Report) *DiffResult {
	out := &DiffResult{Before: a.Summary(), After: b.Summary(), NotComparable: []string{},
		WarningsFixed: []DiffItem{}, WarningsNew: []DiffItem{}, WarningsStill: []DiffItem{}}
	neA, neB := notEvaluated(a), notEvaluated(b)
	out.Fixed, out.New, out.StillFailing = compare(keys(a), keys(b), neA, neB)
	out.NotComparable = append(out.NotComparable, onlyOne(neA, neB)...)
	if a.AdvisoryCoverage.Total > 0 && b.AdvisoryCoverage.Total > 0 {
		out.WarningsCompared = true
		wneA, wneB := advisoriesNotEvaluated(a), advisoriesNotEvaluated(b)
		out.WarningsFixed, out.WarningsNew, out.WarningsStill = compare(warningKeys(a), warningKeys(b), wneA, wneB)
		out.NotComparable = append(out.NotComparable, onlyOne(wneA, wneB)...)
	}
	sort.Strings(out.NotComparable)
	return out
}

// compare sorts the keyed items of two audits into gone, new and still
// present, each sorted by point and DN. An item whose point the other
// audit could not evaluate is neither gone nor new.
func compare(ka, kb map[string]*DiffItem, neA, neB map[string]bool) (gone, added, still []DiffItem) {
	gone, added, still = []DiffItem{}, []DiffItem{}, []DiffItem{}
	for k, it := range ka {
		switch {
		case kb[k] != nil:
			still = append(still, *kb[k])
		case !neB[it.ID]:
			gone = append(gone, *it)
		}
	}
	for k, it := range kb {
		if ka[k] == nil && !neA[it.ID] {
			added = append(added, *it)
		}
	}
	for _, l := range [][]DiffItem{gone, added, still} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].ID != l[j].ID {
				return l[i].ID < l[j].ID
			}
			return l[i].DN < l[j].DN
		})
	}
	return gone, added, still
}

// onlyOne lists the points not evaluated in exactly one of the audits.
func onlyOne(neA, neB map[string]bool) []string {
	var out []string
	for id := range neA {
		if !neB[id] {
			out = append(out, id)
		}
	}
	for id := range neB {
		if !neA[id] {
			out = append(out, id)
		}
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

// warningKeys keys the raised warnings by warning and object (a warning
// without objects is one item with an empty DN).
func warningKeys(r *Report) map[string]*DiffItem {
	m := map[string]*DiffItem{}
	for _, w := range r.Warnings {
		if len(w.Objects) == 0 {
			m[w.ID+"\x00"] = &DiffItem{ID: w.ID, Grade: w.Grade, Title: w.Title}
		}
		for _, o := range w.Objects {
			m[w.ID+"\x00"+normKey(o.DN)] = &DiffItem{ID: w.ID, Grade: w.Grade, DN: o.DN, Sam: o.Sam, Title: w.Title}
		}
	}
	return m
}

// advisoriesNotEvaluated lists the warnings and informations a report
// could not evaluate.
func advisoriesNotEvaluated(r *Report) map[string]bool {
	m := map[string]bool{}
	for _, n := range r.AdvisoryCoverage.NotEvaluated {
		m[n.ID] = true
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

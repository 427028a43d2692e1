package checks

import (
	"sort"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
)

var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func evaluate(t *testing.T, f *adtest.Forest) map[string]Result {
	t.Helper()
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Result{}
	for _, r := range Run(d, cat, f.Now) {
		out[r.ID] = r
	}
	return out
}

func TestRegistryMatchesCatalog(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range All() {
		if seen[c.ID] {
			t.Errorf("%s registered twice", c.ID)
		}
		seen[c.ID] = true
		e, ok := cat.Entries[c.ID]
		if !ok {
			t.Errorf("%s has no catalogue entry", c.ID)
			continue
		}
		if e.Title == "" || e.Remediation == "" || len(e.Grades) == 0 {
			t.Errorf("%s: incomplete entry", c.ID)
		}
	}
	for id := range cat.Entries {
		if !seen[id] {
			t.Errorf("%s in catalogue but not registered", id)
		}
	}
	if len(seen) != 76 {
		t.Errorf("%d control points registered, want 76", len(seen))
	}
}

// TestCleanForestPassesEverything is the "pass" test of every control
// point: the adtest baseline is built to be compliant at level 5.
func TestCleanForestPassesEverything(t *testing.T) {
	res := evaluate(t, adtest.NewForest("lab.test", testNow))
	var ids []string
	for id := range res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if r := res[id]; r.Status != Passed {
			t.Errorf("%s: %s %s %+v", id, r.Status, r.Why, r.Failures)
		}
	}
}

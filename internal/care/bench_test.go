package care_test

import (
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
)

// BenchmarkEvaluateNational evaluates every applicant of a generated
// national-scale set: 3,000 establishments, two years of audits.
func BenchmarkEvaluateNational(b *testing.B) {
	asOf := civil.MustParse("2025-06-15")
	set := demo.National(1, 3000, asOf)
	c, err := care.DefaultCatalogue()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range set {
			if _, err := c.Evaluate(&set[i], asOf, care.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(set)), "applicants")
}

func TestNationalSetEvaluates(t *testing.T) {
	asOf := civil.MustParse("2025-06-15")
	set := demo.National(2, 300, asOf)
	c, _ := care.DefaultCatalogue()
	statuses := map[care.Status]int{}
	for i := range set {
		ev, err := c.Evaluate(&set[i], asOf, care.Options{})
		if err != nil {
			t.Fatalf("applicant %d: %v", i, err)
		}
		for _, r := range ev.Results {
			statuses[r.Status]++
		}
	}
	for _, s := range []care.Status{care.Met, care.NotMet, care.InProgress, care.NotApplicable} {
		if statuses[s] == 0 {
			t.Errorf("generated set never yields %s: %v", s, statuses)
		}
	}
}

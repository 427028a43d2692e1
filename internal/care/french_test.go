package care_test

import (
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/french/frenchtest"
)

// Reasons, next actions, warnings and notes a CISO reads: dates JJ/MM/AAAA,
// plurals agreed, on a generated national set at dates around the deadline.
func TestReasonsReadWithoutHelp(t *testing.T) {
	set := demo.National(3, 300, civil.MustParse("2025-06-15"))
	c, _ := care.DefaultCatalogue()
	for _, at := range []string{"2024-05-01", "2024-12-01", "2025-06-29", "2025-06-30", "2025-07-01", "2026-02-01"} {
		for i := range set {
			ev, err := c.Evaluate(&set[i], civil.MustParse(at), care.Options{})
			if err != nil {
				t.Fatal(err)
			}
			texts := []string{ev.Dossier.Notice, ev.Dossier.FinalReason}
			if ev.Frozen != nil {
				texts = append(texts, ev.Frozen.Note, ev.Current.Note)
			}
			if ev.Dossier.NextAction != nil {
				texts = append(texts, ev.Dossier.NextAction.Action)
			}
			for _, r := range append(ev.Prerequisites, ev.Results...) {
				texts = append(texts, r.Reason, r.EntityName)
				texts = append(texts, r.Warnings...)
				if r.Next != nil {
					texts = append(texts, r.Next.Action)
				}
				for _, e := range r.Evidence {
					texts = append(texts, e.Ref, e.Detail)
				}
			}
			for _, s := range texts {
				if p := frenchtest.Problems(s); p != nil {
					t.Fatalf("%s: %s", at, p[0])
				}
			}
		}
	}
}

package care

import (
	"testing"

	"vigie/internal/org"
)

func exposure(date string, c *Counts, complete bool, source string) ExposureAudit {
	return ExposureAudit{Entities: []org.FINESS{ejA}, Date: d(date), CompletePerimeter: complete, Counts: c, Source: source}
}

// noCritical is a provider audit that only states whether criticals were found.
func noCritical(date string, none bool) ExposureAudit {
	a := exposure(date, nil, true, "prestataire")
	a.NoCritical = &none
	return a
}

func TestExposureCleanPairSpacing(t *testing.T) {
	cases := []struct {
		second string
		want   Status
	}{
		{"2024-08-14", InProgress}, // 44 days
		{"2024-08-15", Met},        // 45 days
		{"2024-08-30", Met},        // 60 days
		{"2024-08-31", InProgress}, // 61 days
	}
	for _, c := range cases {
		t.Run(c.second, func(t *testing.T) {
			f := publicEJ()
			f.ExposureAudits = []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), exposure(c.second, counts(0), true, "SILENE")}
			r := result(t, evaluate(t, f, "2024-09-01", Options{}), "D1.O2.B", string(ejA))
			wantStatus(t, r, c.want)
			if c.want == Met && len(r.Evidence) != 2 {
				t.Errorf("evidence %v", r.Evidence)
			}
		})
	}
}

func TestExposureCleanPairRules(t *testing.T) {
	cases := []struct {
		name   string
		audits []ExposureAudit
		asOf   string
		want   Status
	}{
		{"no audit", nil, "2025-01-01", InProgress},
		{"no audit after deadline", nil, "2025-07-15", NotMet},
		{"critical in last audit", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), exposure("2024-08-20", counts(2), true, "SILENE")}, "2024-09-01", NotMet},
		{"critical in first audit", []ExposureAudit{exposure("2024-07-01", counts(1), true, "SILENE"), exposure("2024-08-20", counts(0), true, "SILENE")}, "2024-09-01", InProgress},
		{"incomplete perimeter does not count", []ExposureAudit{exposure("2024-07-01", counts(0), false, "SILENE"), exposure("2024-08-20", counts(0), true, "SILENE")}, "2024-09-01", InProgress},
		{"monthly audits: pair 2 months apart", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), exposure("2024-07-29", counts(0), true, "SILENE"), exposure("2024-08-26", counts(0), true, "SILENE")}, "2024-09-01", Met},
		{"monthly audits: critical in between", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), exposure("2024-07-29", counts(3), true, "SILENE"), exposure("2024-08-26", counts(0), true, "SILENE")}, "2024-09-01", InProgress},
		{"counts unknown", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), exposure("2024-08-20", nil, true, "SILENE")}, "2024-09-01", MissingData},
		{"source states no critical", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), noCritical("2024-08-20", true)}, "2024-09-01", Met},
		{"source states criticals", []ExposureAudit{exposure("2024-07-01", counts(0), true, "SILENE"), noCritical("2024-08-20", false)}, "2024-09-01", NotMet},
		{"vigie audits ignored", []ExposureAudit{exposure("2024-07-01", counts(0), true, "vigie"), exposure("2024-08-20", counts(0), true, "vigie")}, "2024-09-01", InProgress},
		{"provider audits count", []ExposureAudit{exposure("2024-07-01", counts(0), true, "prestataire"), exposure("2024-08-20", counts(0), true, "CERT Santé")}, "2024-09-01", Met},
		{"one clean audit after deadline", []ExposureAudit{exposure("2025-06-01", counts(0), true, "SILENE")}, "2025-07-15", NotMet},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			f.ExposureAudits = c.audits
			wantStatus(t, result(t, evaluate(t, f, c.asOf, Options{}), "D1.O2.B", string(ejA)), c.want)
		})
	}
}

func TestExposureNextWindow(t *testing.T) {
	f := publicEJ()
	f.ExposureAudits = []ExposureAudit{exposure("2024-10-01", counts(0), true, "SILENE")}
	r := result(t, evaluate(t, f, "2024-10-10", Options{}), "D1.O2.B", string(ejA))
	if r.Next == nil || r.Next.From.String() != "2024-11-15" || r.Next.Due.String() != "2024-11-30" {
		t.Fatalf("next = %+v", r.Next)
	}
	// The window has passed: a new pair must start before deadline - 45 days.
	r = result(t, evaluate(t, f, "2025-01-10", Options{}), "D1.O2.B", string(ejA))
	if r.Next == nil || r.Next.Due.String() != "2025-05-16" {
		t.Fatalf("next after window = %+v", r.Next)
	}
}

func TestExposureCadence(t *testing.T) {
	f := publicEJ()
	f.ExposureAudits = []ExposureAudit{exposure("2024-07-01", counts(3), true, "SILENE"), exposure("2024-08-30", counts(1), true, "SILENE")}
	wantStatus(t, result(t, evaluate(t, f, "2024-09-05", Options{}), "D1.O2.A", string(ejA)), Met)
	f.ExposureAudits[1].CompletePerimeter = false
	wantStatus(t, result(t, evaluate(t, f, "2024-09-05", Options{}), "D1.O2.A", string(ejA)), NotMet)
}

func TestExposureAppliesPerEJ(t *testing.T) {
	f := ght()
	a := exposure("2024-07-01", counts(0), true, "SILENE")
	b := exposure("2024-08-20", counts(0), true, "SILENE")
	f.ExposureAudits = []ExposureAudit{a, b} // only EJ A is audited
	ev := evaluate(t, f, "2024-09-01", Options{})
	wantStatus(t, result(t, ev, "D1.O2.B", string(ejA)), Met)
	wantStatus(t, result(t, ev, "D1.O2.B", string(ejB)), InProgress)
}

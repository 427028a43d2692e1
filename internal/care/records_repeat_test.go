package care

import (
	"slices"
	"strings"
	"testing"
)

// Several records of the same kind for the same entity and period: the
// latest by its own date decides, whatever the order; undated is oldest.
func TestRepeatedRecordsLatestWins(t *testing.T) {
	type setup func(f *Facts)
	cases := []struct {
		name      string
		set       setup
		objective string
		entity    string
		want      Status
		reason    string
	}{
		{"prerequisite: later not met wins", func(f *Facts) {
			f.Prerequisites = []Prerequisite{{Entity: ejA, ID: "PS2.1", Met: true, Date: d("2024-03-01")}, {Entity: ejA, ID: "PS2.1", Met: false, Date: d("2024-09-01")},
				{Entity: ejA, ID: "PS2.2", Met: true}}
		}, "PS2.1", string(ejA), NotMet, "saisie du 01/09/2024"},
		{"prerequisite: dated beats undated", func(f *Facts) {
			f.Prerequisites = []Prerequisite{{Entity: ejA, ID: "PS2.1", Met: true, Date: d("2024-03-01")}, {Entity: ejA, ID: "PS2.1", Met: false},
				{Entity: ejA, ID: "PS2.2", Met: true}}
		}, "PS2.1", string(ejA), Met, "saisie du 01/03/2024"},
		{"oSIS: later complete wins", func(f *Facts) {
			f.OSIS = []OSIS{{Entity: ejA, Year: 2024, Date: d("2024-05-01"), BudgetShare: true, PriorityMeasuresAnswered: 12},
				{Entity: ejA, Year: 2024, Date: d("2024-12-01"), BudgetShare: true, PriorityMeasuresAnswered: 43}}
		}, "D1.O4", string(ejA), Met, "saisie du 01/12/2024"},
		{"budget: later correction wins", func(f *Facts) {
			f.Budget = []Budget{{Entity: ejA, Year: 2024, Date: d("2024-11-01"), DigitalSharePct: floatp(2)},
				{Entity: ejA, Year: 2024, Date: d("2024-12-01"), DigitalSharePct: floatp(2.2), SSIFTE: floatp(0.5)}}
		}, "D1.O5", string(ejA), Met, "2,2 %"},
		{"budget: a later year wins over a later date", func(f *Facts) {
			f.Budget = []Budget{{Entity: ejA, Year: 2024, Date: d("2024-02-01"), DigitalSharePct: floatp(2)},
				{Entity: ejA, Year: 2023, Date: d("2024-12-01"), DigitalSharePct: floatp(2.2), SSIFTE: floatp(0.5)}}
		}, "D1.O5", string(ejA), InProgress, "2024 (saisie du 01/02/2024)"},
		{"governance: the latest record", func(f *Facts) {
			f.Governance = &Governance{Date: d("2024-06-01"), Referent: "A", SingleADTeam: boolp(false), Governance: boolp(true)}
			f.GovernanceHistory = []Governance{{Date: d("2024-10-01"), Referent: "B", SingleADTeam: boolp(true), Governance: boolp(true)}}
		}, "D1.O6.A", "ARA-99", Met, "saisie du 01/10/2024"},
	}
	for _, c := range cases {
		for _, reversed := range []bool{false, true} {
			name := c.name
			if reversed {
				name += " (order reversed)"
			}
			t.Run(name, func(t *testing.T) {
				f := ght()
				c.set(f)
				if reversed {
					slices.Reverse(f.Prerequisites)
					slices.Reverse(f.OSIS)
					slices.Reverse(f.Budget)
					if len(f.GovernanceHistory) == 1 {
						g, h := *f.Governance, f.GovernanceHistory[0]
						f.Governance, f.GovernanceHistory = &h, []Governance{g}
					}
				}
				ev := evaluate(t, f, "2025-01-15", Options{})
				rs := append(ev.Prerequisites, ev.Results...)
				r := result(t, &Evaluation{Results: rs}, c.objective, c.entity)
				wantStatus(t, r, c.want)
				if !strings.Contains(r.Reason, c.reason) {
					t.Errorf("reason %q lacks %q", r.Reason, c.reason)
				}
			})
		}
	}
}

// The eligibility results name the establishment and the record used.
func TestEligibilityNamesRecord(t *testing.T) {
	f := ght()
	f.Prerequisites[0].Date = d("2024-03-05")
	ev := evaluate(t, f, "2025-01-15", Options{})
	r := result(t, &Evaluation{Results: ev.Prerequisites}, "PS2.1", string(ejA))
	if !strings.Contains(r.Reason, "CH A") || !strings.Contains(r.Reason, "saisie du 05/03/2024") || len(r.Evidence) != 1 {
		t.Errorf("reason %q evidence %v", r.Reason, r.Evidence)
	}
}

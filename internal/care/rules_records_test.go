package care

import (
	"strings"
	"testing"

	"vigie/internal/org"
)

func TestExerciseGranularity(t *testing.T) {
	t.Run("public: per EJ", func(t *testing.T) {
		f := publicEJ()
		x := yesYes(ejA, "2024-10-10")
		x.Kit = "intermediaire"
		f.Exercises = []Exercise{x}
		ev := evaluate(t, f, "2025-01-01", Options{})
		r := result(t, ev, "D1.O3", string(ejA))
		wantStatus(t, r, Met)
		if !strings.Contains(r.Reason, "kit intermédiaire") || !strings.Contains(r.Reason, "10/10/2024") {
			t.Errorf("reason %q", r.Reason)
		}
		for _, r := range ev.Results {
			if r.Objective == "D1.O3" && r.Entity != string(ejA) {
				t.Errorf("public establishment evaluated per site: %+v", r)
			}
		}
	})
	t.Run("private: per EG", func(t *testing.T) {
		f := privateEJ()
		f.Exercises = []Exercise{yesYes(egA1, "2024-10-10"), yesYes(ejA, "2024-10-11")}
		ev := evaluate(t, f, "2025-01-01", Options{})
		r1 := result(t, ev, "D1.O3", string(egA1))
		wantStatus(t, r1, Met)
		if r1.EJ != ejA || r1.EntityName != "Site A1 (site de CH A)" {
			t.Errorf("site row does not name its EJ: %q %q", r1.EntityName, r1.EJ)
		}
		r := result(t, ev, "D1.O3", string(egA2))
		wantStatus(t, r, InProgress) // the EJ-level exercise does not cover the site
	})
	t.Run("unknown category", func(t *testing.T) {
		f := publicEJ()
		f.Entities[0].LegalStatus, f.Entities[0].Category = "", org.Unknown
		wantStatus(t, result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O3", string(ejA)), MissingData)
	})
}

func TestExerciseWindow(t *testing.T) {
	cases := []struct {
		date, asOf string
		dg         *bool
		want       Status
	}{
		{"2024-01-15", "2025-01-15", boolp(true), Met},         // exactly 12 months
		{"2024-01-14", "2025-01-15", boolp(true), NotMet},      // 12 months and a day
		{"2024-06-01", "2025-01-15", boolp(false), InProgress}, // no general management: does not count
		{"2024-06-01", "2025-01-15", nil, MissingData},         // nobody says who took part
		{"2024-01-14", "2025-01-15", nil, NotMet},              // too old anyway
		{"2025-02-01", "2025-01-15", boolp(true), InProgress},  // in the future
	}
	for _, c := range cases {
		t.Run(c.date+"@"+c.asOf, func(t *testing.T) {
			f := publicEJ()
			f.Exercises = []Exercise{{Entity: ejA, Date: d(c.date), GeneralManagement: c.dg, Clinical: c.dg}}
			wantStatus(t, result(t, evaluate(t, f, c.asOf, Options{}), "D1.O3", string(ejA)), c.want)
		})
	}
}

func TestOSIS(t *testing.T) {
	cases := []struct {
		name     string
		rec      *OSIS
		asOf     string
		want     Status
		category org.Category
	}{
		{"complete", &OSIS{Entity: ejA, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 43}, "2025-01-01", Met, org.Public},
		{"42 measures", &OSIS{Entity: ejA, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 42}, "2025-01-01", InProgress, org.Public},
		{"no budget share", &OSIS{Entity: ejA, Year: 2024, PriorityMeasuresAnswered: 43}, "2025-01-01", InProgress, org.Public},
		{"too old", &OSIS{Entity: ejA, Year: 2022, BudgetShare: true, PriorityMeasuresAnswered: 43}, "2025-01-01", InProgress, org.Public},
		{"none after deadline", nil, "2025-08-01", NotMet, org.Public},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			if c.rec != nil {
				f.OSIS = []OSIS{*c.rec}
			}
			wantStatus(t, result(t, evaluate(t, f, c.asOf, Options{}), "D1.O4", string(ejA)), c.want)
		})
	}
	t.Run("private: each EG", func(t *testing.T) {
		f := privateEJ()
		f.OSIS = []OSIS{{Entity: egA1, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 43}}
		ev := evaluate(t, f, "2025-01-01", Options{})
		wantStatus(t, result(t, ev, "D1.O4", string(egA1)), Met)
		wantStatus(t, result(t, ev, "D1.O4", string(egA2)), InProgress)
	})
}

func TestBudget(t *testing.T) {
	cases := []struct {
		name string
		rec  *Budget
		asOf string
		want Status
	}{
		{"both given", &Budget{Entity: ejA, Year: 2024, DigitalSharePct: floatp(2.8), SSIFTE: floatp(1.5)}, "2025-01-01", Met},
		{"zero FTE is an answer", &Budget{Entity: ejA, Year: 2024, DigitalSharePct: floatp(2.8), SSIFTE: floatp(0)}, "2025-01-01", Met},
		{"FTE missing", &Budget{Entity: ejA, Year: 2024, DigitalSharePct: floatp(2.8)}, "2025-01-01", InProgress},
		{"FTE missing after deadline", &Budget{Entity: ejA, Year: 2025, DigitalSharePct: floatp(2.8)}, "2025-07-15", NotMet},
		{"nothing", nil, "2025-01-01", InProgress},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			if c.rec != nil {
				f.Budget = []Budget{*c.rec}
			}
			wantStatus(t, result(t, evaluate(t, f, c.asOf, Options{}), "D1.O5", string(ejA)), c.want)
		})
	}
	t.Run("each EJ of a GHT", func(t *testing.T) {
		f := ght()
		f.Budget = []Budget{{Entity: ejA, Year: 2024, DigitalSharePct: floatp(2), SSIFTE: floatp(1)}}
		ev := evaluate(t, f, "2025-01-01", Options{})
		wantStatus(t, result(t, ev, "D1.O5", string(ejA)), Met)
		wantStatus(t, result(t, ev, "D1.O5", string(ejB)), InProgress)
	})
}

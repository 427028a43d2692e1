package care

import (
	"testing"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// Fictional FINESS numbers with valid keys.
const (
	ejA  org.FINESS = "010000016"
	egA1 org.FINESS = "010000024"
	egA2 org.FINESS = "010000032"
	ejB  org.FINESS = "010000040"
	egB1 org.FINESS = "010000057"
)

func d(s string) civil.Date { return civil.MustParse(s) }

func boolp(b bool) *bool          { return &b }
func floatp(f float64) *float64   { return &f }
func counts(critical int) *Counts { return &Counts{Critical: critical, High: 1} }

// publicEJ is one public EJ outside a GHT with two sites, eligible, one AD.
func publicEJ() *Facts {
	return &Facts{
		Wave: "D1-2024",
		Entities: []org.Entity{
			{FINESS: ejA, Kind: org.EJ, Name: "CH A", LegalStatus: "13", Category: org.Public},
			{FINESS: egA1, Kind: org.EG, Name: "Site A1", Parent: ejA},
			{FINESS: egA2, Kind: org.EG, Name: "Site A2", Parent: ejA},
		},
		Prerequisites: []Prerequisite{{Entity: ejA, ID: "PS2.1", Met: true}, {Entity: ejA, ID: "PS2.2", Met: true}},
		Directories:   []Directory{{ID: "ad-a", Name: "a.local", Entities: []org.FINESS{ejA}}},
	}
}

// privateEJ is the same shape with a for-profit legal status.
func privateEJ() *Facts {
	f := publicEJ()
	f.Entities[0].LegalStatus, f.Entities[0].Category = "72", org.ForProfit
	return f
}

// ght is a GHT of two public EJ, A being the support.
func ght() *Facts {
	f := publicEJ()
	f.GHT = &org.GHT{Code: "ARA-99", Name: "GHT Test", Support: ejA}
	f.Entities = append(f.Entities,
		org.Entity{FINESS: ejB, Kind: org.EJ, Name: "CH B", LegalStatus: "14", Category: org.Public},
		org.Entity{FINESS: egB1, Kind: org.EG, Name: "Site B1", Parent: ejB})
	f.Prerequisites = append(f.Prerequisites, Prerequisite{Entity: ejB, ID: "PS2.1", Met: true}, Prerequisite{Entity: ejB, ID: "PS2.2", Met: true})
	f.Directories = append(f.Directories, Directory{ID: "ad-b", Name: "b.local", Entities: []org.FINESS{egB1}})
	return f
}

// withPhase records the ARS validation of the candidature: the start of
// the dossier's operational phase.
func withPhase(f *Facts, start string) *Facts {
	f.Dossier.Steps = append(f.Dossier.Steps, Step{Step: StepCandidatureValidated, Date: d(start), By: "ARS"})
	return f
}

// yesYes is an exercise with general management and business directions.
func yesYes(entity org.FINESS, date string) Exercise {
	return Exercise{Entity: entity, Date: d(date), GeneralManagement: boolp(true), Clinical: boolp(true)}
}

// catalogueWith returns the embedded catalogue with one objective's
// parameters changed.
func catalogueWith(t *testing.T, objective string, edit func(*Params)) *Catalogue {
	t.Helper()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Wave("D1-2024")
	o, ok := w.Objective(objective)
	if !ok {
		t.Fatalf("no %s", objective)
	}
	edit(&o.Params)
	return c
}

func evaluate(t *testing.T, f *Facts, asOf string, opts Options) *Evaluation {
	t.Helper()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := c.Evaluate(f, d(asOf), opts)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return ev
}

// result finds the result of an objective for an entity.
func result(t *testing.T, ev *Evaluation, objective, entity string) Result {
	t.Helper()
	for _, r := range ev.Results {
		if r.Objective == objective && r.Entity == entity {
			return r
		}
	}
	t.Fatalf("no result for %s / %s in %+v", objective, entity, ev.Results)
	return Result{}
}

func wantStatus(t *testing.T, r Result, want Status) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s %s: status %s, want %s (reason: %s)", r.Objective, r.Entity, r.Status, want, r.Reason)
	}
	if r.Reason == "" {
		t.Errorf("%s %s: empty reason", r.Objective, r.Entity)
	}
}

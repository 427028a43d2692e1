package care

import "testing"

func TestGHTObjectivesOutsideGHT(t *testing.T) {
	ev := evaluate(t, publicEJ(), "2025-01-01", Options{})
	for _, id := range []string{"D1.O6.A", "D1.O6.B"} {
		wantStatus(t, result(t, ev, id, string(ejA)), NotApplicable)
	}
}

func TestGHTGovernance(t *testing.T) {
	cases := []struct {
		name string
		g    *Governance
		want Status
	}{
		{"missing", nil, MissingData},
		{"complete", &Governance{Referent: "N. P.", SingleADTeam: boolp(true), Governance: boolp(true)}, Met},
		{"no single team", &Governance{Referent: "N. P.", SingleADTeam: boolp(false), Governance: boolp(true)}, NotMet},
		{"team unknown", &Governance{Referent: "N. P.", Governance: boolp(true)}, MissingData},
		{"no referent", &Governance{SingleADTeam: boolp(true), Governance: boolp(true)}, MissingData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ght()
			f.Governance = c.g
			wantStatus(t, result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O6.A", "ARA-99"), c.want)
		})
	}
}

func TestGHTConvergence(t *testing.T) {
	cases := []struct {
		name string
		g    Governance
		asOf string
		want Status
	}{
		{"validated", Governance{ConvergenceValidatedOn: d("2024-12-10")}, "2025-01-01", Met},
		{"validated later", Governance{ConvergenceValidatedOn: d("2025-02-10")}, "2025-01-01", InProgress},
		{"not validated after deadline", Governance{}, "2025-07-01", NotMet},
		{"already converged", Governance{AlreadyConverged: true, ConvergedDescription: "Une forêt unique ght.local"}, "2025-01-01", Met},
		{"converged without description", Governance{AlreadyConverged: true}, "2025-01-01", MissingData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ght()
			f.Governance = &c.g
			r := result(t, evaluate(t, f, c.asOf, Options{}), "D1.O6.B", "ARA-99")
			wantStatus(t, r, c.want)
			if c.want == Met && len(r.Evidence) == 0 {
				t.Error("met without evidence")
			}
		})
	}
}

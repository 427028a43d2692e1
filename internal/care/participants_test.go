package care

import (
	"strings"
	"testing"
)

// The participants list is read: without general management (the
// decision-making crisis cell) or business directions, an exercise does
// not count and the reason names what was missing.
func TestExerciseParticipants(t *testing.T) {
	p := func(role, direction string) Participant { return Participant{Role: role, Direction: direction} }
	cases := []struct {
		name    string
		people  []Participant
		gm, cl  *bool
		want    Status
		missing string
	}{
		{"general management and care", []Participant{p("directeur de crise", "direction générale"), p("cadre de santé", "direction des soins")}, nil, nil, Met, ""},
		{"accents and case ignored", []Participant{p("DIRECTRICE GENERALE", ""), p("Président de la CME", "")}, nil, nil, Met, ""},
		{"decision-making crisis cell named", []Participant{p("cellule de crise décisionnelle", ""), p("chef de pôle urgences", "")}, nil, nil, Met, ""},
		{"IT only", []Participant{p("RSSI", "DSI"), p("technicien", "DSI")}, nil, nil, InProgress, "sans direction générale (cellule de crise décisionnelle) ni directions métier"},
		{"no general management", []Participant{p("RSSI", "DSI"), p("cadre de santé", "direction des soins")}, nil, nil, InProgress, "sans direction générale (cellule de crise décisionnelle)"},
		{"no business direction", []Participant{p("directeur général", ""), p("RSSI", "DSI")}, nil, nil, InProgress, "sans directions métier"},
		{"DSI is not DG", []Participant{p("DSI", "direction des systèmes d'information"), p("médecin", "urgences")}, nil, nil, InProgress, "sans direction générale"},
		{"the flag wins over the list", []Participant{p("RSSI", "DSI")}, boolp(true), boolp(true), Met, ""},
		{"flag says no general management", []Participant{p("directeur général", ""), p("médecin", "")}, boolp(false), nil, InProgress, "sans direction générale"},
		{"nothing recorded", nil, nil, nil, MissingData, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			f.Exercises = []Exercise{{Entity: ejA, Date: d("2024-10-10"), Participants: c.people, GeneralManagement: c.gm, Clinical: c.cl}}
			r := result(t, evaluate(t, f, "2025-01-15", Options{}), "D1.O3", string(ejA))
			wantStatus(t, r, c.want)
			if c.missing != "" && !strings.Contains(r.Reason, "10/10/2024 ("+c.missing) {
				t.Errorf("reason %q does not name %q", r.Reason, c.missing)
			}
		})
	}
}

// For a public EJ, records entered on one of its sites count for the EJ
// and the reason says so; for a private EJ they stay the site's.
func TestPublicRecordsOnASite(t *testing.T) {
	f := publicEJ()
	f.Exercises = []Exercise{yesYes(egA1, "2024-10-10")}
	f.OSIS = []OSIS{{Entity: egA2, Year: 2024, Date: d("2024-11-02"), BudgetShare: true, PriorityMeasuresAnswered: 43}}
	f.Budget = []Budget{{Entity: egA1, Year: 2024, DigitalSharePct: floatp(2.5), SSIFTE: floatp(1)}}
	ev := evaluate(t, f, "2025-01-15", Options{})
	for _, c := range []struct{ objective, site string }{{"D1.O3", "Site A1"}, {"D1.O4", "Site A2"}, {"D1.O5", "Site A1"}} {
		r := result(t, ev, c.objective, string(ejA))
		wantStatus(t, r, Met)
		if !strings.Contains(r.Reason, "enregistré") || !strings.Contains(r.Reason, "« "+c.site+" »") {
			t.Errorf("%s reason %q does not say the record was made on %s", c.objective, r.Reason, c.site)
		}
	}
	p := privateEJ()
	p.OSIS = []OSIS{{Entity: ejA, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 43}}
	ev = evaluate(t, p, "2025-01-15", Options{})
	wantStatus(t, result(t, ev, "D1.O4", string(egA1)), InProgress)
}

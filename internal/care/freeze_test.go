package care

import (
	"strings"
	"testing"
)

// An exercise valid at the deadline does not expire during the ARS
// instruction: the day before, of and after the deadline, and months later.
func TestFrozenExerciseDoesNotExpire(t *testing.T) {
	cases := []struct {
		asOf   string
		frozen bool
		next   bool
	}{
		{"2025-06-29", false, true},
		{"2025-06-30", false, true},
		{"2025-07-01", true, false},
		{"2025-07-02", true, false}, // live, the exercise of 01/07/2024 would be 12 months and a day old
		{"2025-11-15", true, false},
	}
	for _, c := range cases {
		t.Run(c.asOf, func(t *testing.T) {
			f := publicEJ()
			f.Exercises = []Exercise{yesYes(ejA, "2024-07-01")}
			ev := evaluate(t, f, c.asOf, Options{})
			r := result(t, ev, "D1.O3", string(ejA))
			wantStatus(t, r, Met)
			if (ev.Frozen != nil) != c.frozen || (r.Next != nil) != c.next {
				t.Errorf("frozen %+v next %+v", ev.Frozen, r.Next)
			}
			if c.frozen && (ev.Frozen.At.String() != "2025-06-30" || ev.Frozen.Basis != "deadline" || ev.Current == nil) {
				t.Errorf("frozen %+v current %+v", ev.Frozen, ev.Current)
			}
		})
	}
}

// Audits made after the deadline do not rescue a dossier that failed at
// the deadline; they show in the current posture only.
func TestFrozenLateAuditsDoNotRescue(t *testing.T) {
	f := withPhase(publicEJ(), "2024-06-01")
	var dates []string
	for day := d("2024-06-20"); day.Before(d("2025-04-01")); day = day.AddDays(55) {
		dates = append(dates, day.String())
	}
	f.ADAudits = adAudits("ad-a", dates, make([]int, len(dates)), "ADS")
	for i := range f.ADAudits {
		f.ADAudits[i].Level = 2
	}
	last := f.ADAudits[len(f.ADAudits)-1].Date
	f.ADAudits = append(f.ADAudits, ADAudit{Directory: "ad-a", Date: d("2025-07-05"), Level: 3, Source: "ADS"})
	f.ExposureAudits = []ExposureAudit{exposure("2025-05-01", counts(1), true, "SILENE"),
		exposure("2025-07-01", counts(0), true, "SILENE"), exposure("2025-08-20", counts(0), true, "SILENE")}
	for _, asOf := range []string{"2025-07-10", "2025-09-01"} {
		ev := evaluate(t, f, asOf, Options{})
		r := result(t, ev, "D1.O1.A", "ad-a")
		wantStatus(t, r, NotMet)
		if !strings.Contains(r.Reason, "aucun audit depuis le "+last.French()) || !strings.Contains(r.Reason, "au 30/06/2025") {
			t.Errorf("%s: reason %q does not name the gap up to the deadline", asOf, r.Reason)
		}
		wantStatus(t, result(t, ev, "D1.O2.B", string(ejA)), NotMet)
		if ev.Current == nil || len(ev.Current.Directories) != 1 || ev.Current.Directories[0].Level != 3 || ev.Current.Directories[0].Date.String() != "2025-07-05" {
			t.Errorf("%s: current posture %+v", asOf, ev.Current)
		}
		if !strings.Contains(ev.Current.Note, "ne compte pas pour la vague") {
			t.Errorf("current posture note %q", ev.Current.Note)
		}
		for _, r := range ev.Results {
			if r.Next != nil {
				t.Errorf("%s: closed wave proposes %s %+v", asOf, r.Objective, r.Next)
			}
		}
		if len(ev.Dues(d(asOf).AddDays(365))) != 0 {
			t.Errorf("%s: dues after the window", asOf)
		}
	}
	ex := result(t, evaluate(t, f, "2025-09-01", Options{}), "D1.O2.B", string(ejA))
	if len(ex.Evidence) != 1 || ex.Evidence[0].Date.String() != "2025-05-01" {
		t.Errorf("D1.O2.B judged on %v, want the audit of 01/05/2025", ex.Evidence)
	}
}

// With a declaration recorded, the verdict is the one of the declaration
// date: an audit made after it (but before the deadline) does not count
// once the window has closed.
func TestFrozenAtDeclaration(t *testing.T) {
	f := publicEJ()
	f.ADAudits = adAudits("ad-a", []string{"2025-03-01", "2025-04-25", "2025-06-15"}, []int{1, 2, 2}, "ADS")
	f.Dossier.Steps = []Step{{Step: StepDeclared, Date: d("2025-06-01"), By: "RSSI"}}
	cases := []struct {
		asOf  string
		want  Status
		basis string
	}{
		{"2025-06-20", Met, ""}, // window open: live
		{"2025-06-30", Met, ""},
		{"2025-07-01", NotMet, "declaration"},
		{"2026-01-15", NotMet, "declaration"},
	}
	for _, c := range cases {
		t.Run(c.asOf, func(t *testing.T) {
			ev := evaluate(t, f, c.asOf, Options{})
			wantStatus(t, result(t, ev, "D1.O1.B", "ad-a"), c.want)
			switch {
			case c.basis == "" && ev.Frozen != nil:
				t.Errorf("frozen while open: %+v", ev.Frozen)
			case c.basis != "" && (ev.Frozen == nil || ev.Frozen.Basis != c.basis || ev.Frozen.At.String() != "2025-06-01" || !strings.Contains(ev.Frozen.Note, "01/06/2025")):
				t.Errorf("frozen %+v", ev.Frozen)
			}
		})
	}
	// A declaration recorded after the deadline is out of time: judged at
	// the deadline, and said so.
	f.Dossier.Steps[0].Date = d("2025-07-03")
	ev := evaluate(t, f, "2025-08-01", Options{})
	if ev.Frozen == nil || ev.Frozen.Basis != "deadline" || !ev.Dossier.NotDeclared || !strings.Contains(ev.Dossier.Notice, "hors délai") {
		t.Errorf("late declaration: frozen %+v dossier %+v", ev.Frozen, ev.Dossier)
	}
}

// Records dated after the judgement date do not count; the latest before
// it does.
func TestFrozenRecords(t *testing.T) {
	f := ght()
	f.OSIS = []OSIS{
		{Entity: ejA, Year: 2025, Date: d("2025-07-10"), BudgetShare: true, PriorityMeasuresAnswered: 43},
		{Entity: ejA, Year: 2025, Date: d("2025-04-10"), BudgetShare: true, PriorityMeasuresAnswered: 40},
	}
	f.Budget = []Budget{{Entity: ejA, Year: 2025, Date: d("2025-08-01"), DigitalSharePct: floatp(2), SSIFTE: floatp(1)}}
	f.Governance = &Governance{Date: d("2025-07-15"), Referent: "B", SingleADTeam: boolp(true), Governance: boolp(true), ConvergenceValidatedOn: d("2025-07-15")}
	f.GovernanceHistory = []Governance{{Date: d("2025-02-01"), Referent: "A", SingleADTeam: boolp(false), Governance: boolp(true)}}
	ev := evaluate(t, f, "2025-09-01", Options{})
	o := result(t, ev, "D1.O4", string(ejA))
	wantStatus(t, o, NotMet)
	if !strings.Contains(o.Reason, "40 mesures prioritaires renseignées sur 43") || !strings.Contains(o.Reason, "10/04/2025") {
		t.Errorf("D1.O4 reason %q", o.Reason)
	}
	wantStatus(t, result(t, ev, "D1.O5", string(ejA)), NotMet)
	g := result(t, ev, "D1.O6.A", "ARA-99")
	wantStatus(t, g, NotMet)
	if !strings.Contains(g.Reason, "01/02/2025") {
		t.Errorf("D1.O6.A reason %q does not name the record used", g.Reason)
	}
	c := result(t, ev, "D1.O6.B", "ARA-99")
	wantStatus(t, c, NotMet)
	// Live, before the deadline, the same facts dated up to the date count.
	ev = evaluate(t, f, "2025-06-15", Options{})
	wantStatus(t, result(t, ev, "D1.O6.A", "ARA-99"), NotMet)
	wantStatus(t, result(t, ev, "D1.O4", string(ejA)), InProgress)
}

// After the window, the dossier speaks of its next step, never of a date
// already past; a dossier never declared is said so plainly.
func TestClosedWaveNextStep(t *testing.T) {
	declared := []Step{{Step: "candidature_submitted", Date: d("2024-04-01"), By: "DSI"},
		{Step: StepCandidatureValidated, Date: d("2024-05-10"), By: "ARS"}, {Step: StepDeclared, Date: d("2025-06-20"), By: "DSI"}}
	cases := []struct {
		name    string
		steps   []Step
		asOf    string
		action  string
		due     string
		notice  string
		notDecl bool
	}{
		{"open, not declared", declared[:2], "2025-06-30", "déclarer l'atteinte des objectifs au plus tard le 30/06/2025", "2025-06-30", "", false},
		{"closed, never declared", declared[:2], "2025-07-01", "", "", "non déclaré à la clôture de la fenêtre de déclaration le 30/06/2025", true},
		{"closed, declared: ARS instruction", declared, "2025-07-01", "« Déclaration instruite par l'ARS » (ARS), prévue au calendrier au plus tard le 30/09/2025", "2025-09-30", "", false},
		{"ARS instruction late: no past due date", declared, "2025-10-05", "le calendrier la prévoyait au plus tard le 30/09/2025", "", "", false},
		{"ANS control", append(declared, Step{Step: "instructed", Date: d("2025-09-01"), By: "ARS"}), "2025-10-05", "« Déclaration contrôlée par l'ANS » (ANS), prévue au calendrier au plus tard le 31/12/2025", "2025-12-31", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			f.Dossier.Steps = c.steps
			ev := evaluate(t, f, c.asOf, Options{})
			ds := ev.Dossier
			if ds.NotDeclared != c.notDecl || (c.notice != "" && !strings.Contains(ds.Notice, c.notice)) {
				t.Errorf("not declared %v notice %q", ds.NotDeclared, ds.Notice)
			}
			switch {
			case c.action == "" && ds.NextAction != nil:
				t.Errorf("next action %+v", ds.NextAction)
			case c.action != "" && (ds.NextAction == nil || !strings.Contains(ds.NextAction.Action, c.action) || ds.NextAction.Due.String() != c.due):
				t.Errorf("next action %+v, want %q due %q", ds.NextAction, c.action, c.due)
			}
			if ds.NextAction != nil && !ds.NextAction.Due.IsZero() && ds.NextAction.Due.Before(d(c.asOf)) {
				t.Errorf("past due date proposed: %+v", ds.NextAction)
			}
		})
	}
}

package care

import (
	"fmt"
	"strings"
	"testing"
)

func TestExerciseOverdueActions(t *testing.T) {
	f := publicEJ()
	f.Exercises = []Exercise{{Entity: ejA, Date: d("2024-10-10"), GeneralManagement: boolp(true), Clinical: boolp(true), Actions: []Action{
		{Title: "PCA papier", Due: d("2024-12-01"), Status: ActionTodo},
		{Title: "annuaire de crise", Due: d("2024-11-01"), Status: ActionInProgress},
		{Title: "sauvegardes hors ligne", Due: d("2024-11-01"), Status: ActionDone},
		{Title: "exercice de restauration", Due: d("2025-03-01"), Status: ActionTodo},
		{Title: "sans échéance", Status: ActionTodo},
	}}}
	r := result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O3", string(ejA))
	wantStatus(t, r, Met) // the status rule is unchanged
	if !strings.Contains(r.Reason, "2 actions du plan en retard") {
		t.Errorf("reason %q does not mention the 2 overdue actions", r.Reason)
	}
	f.Exercises[0].Actions = f.Exercises[0].Actions[2:]
	r = result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O3", string(ejA))
	if strings.Contains(r.Reason, "retard") {
		t.Errorf("reason %q mentions overdue actions", r.Reason)
	}
}

func TestOSISMeasuresDeriveCount(t *testing.T) {
	f := publicEJ()
	all := map[string]string{}
	for i := 1; i <= 43; i++ {
		all[fmt.Sprintf("MP%02d", i)] = MeasureAnswers[i%len(MeasureAnswers)]
	}
	f.OSIS = []OSIS{{Entity: ejA, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 0, Measures: all}}
	wantStatus(t, result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O4", string(ejA)), Met)
	delete(all, "MP43")
	f.OSIS[0].PriorityMeasuresAnswered = 43 // ignored: the checklist wins
	r := result(t, evaluate(t, f, "2025-01-01", Options{}), "D1.O4", string(ejA))
	if r.Status == Met || !strings.Contains(r.Reason, "42 mesures prioritaires renseignées sur 43") {
		t.Errorf("42 answered: %s %q", r.Status, r.Reason)
	}
}

package web

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// Rows of the participant and action plan lists shown by the exercise
// form (server-side rendering only: empty rows are ignored).
const (
	participantRows = 6
	actionRows      = 5
	maxPlanText     = 200 // characters of a role, direction, title or owner
)

// actionStatuses are the action plan statuses: stored value → French label.
var actionStatuses = []struct{ Value, Label string }{
	{care.ActionTodo, "à faire"}, {care.ActionInProgress, "en cours"}, {care.ActionDone, "fait"},
}

// directionSuggestions fill the datalist of the participant direction field.
var directionSuggestions = []string{"direction générale", "direction des soins", "direction des affaires médicales",
	"DSI", "direction de la communication", "direction des ressources humaines", "direction financière", "direction logistique"}

// allExerciseFields lists every field of the exercise form, row fields
// included, in display order, with their labels.
var allExerciseFields = func() []struct{ Name, Label string } {
	out := slices.Clone(exerciseFields)
	add := func(name, label string) { out = append(out, struct{ Name, Label string }{name, label}) }
	for i := range participantRows {
		add(fmt.Sprintf("participant_role_%d", i), fmt.Sprintf("Participant %d : rôle", i+1))
		add(fmt.Sprintf("participant_direction_%d", i), fmt.Sprintf("Participant %d : direction", i+1))
	}
	for i := range actionRows {
		add(fmt.Sprintf("action_title_%d", i), fmt.Sprintf("Action %d : intitulé", i+1))
		add(fmt.Sprintf("action_owner_%d", i), fmt.Sprintf("Action %d : porteur", i+1))
		add(fmt.Sprintf("action_due_%d", i), fmt.Sprintf("Action %d : échéance", i+1))
		add(fmt.Sprintf("action_status_%d", i), fmt.Sprintf("Action %d : statut", i+1))
	}
	return out
}()

// planRow is one row of a repeatable list: I indexes the field names, N
// numbers the row for the labels.
type planRow struct{ I, N int }

// ParticipantRows lists the participant rows for the template.
func (exerciseData) ParticipantRows() []planRow { return rowNumbers(participantRows) }

// ActionRows lists the action plan rows for the template.
func (exerciseData) ActionRows() []planRow { return rowNumbers(actionRows) }

// Statuses lists the action statuses for the template.
func (exerciseData) Statuses() []struct{ Value, Label string } { return actionStatuses }

// Directions lists the suggested directions for the template.
func (exerciseData) Directions() []string { return directionSuggestions }

func rowNumbers(n int) []planRow {
	out := make([]planRow, n)
	for i := range out {
		out[i] = planRow{i, i + 1}
	}
	return out
}

// planText checks a free-text row field and returns it.
func (d *exerciseData) planText(field string) string {
	v := d.V[field]
	switch {
	case utf8.RuneCountInString(v) > maxPlanText:
		d.fail(field, fmt.Sprintf("%d caractères au plus (%d saisis)", maxPlanText, utf8.RuneCountInString(v)))
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		d.fail(field, "texte illisible (caractères invalides)")
	default:
		return v
	}
	return ""
}

// validatePlan reads the participant and action rows into x; empty rows
// are skipped.
func (d *exerciseData) validatePlan(x *care.Exercise) {
	for i := range participantRows {
		role, dir := fmt.Sprintf("participant_role_%d", i), fmt.Sprintf("participant_direction_%d", i)
		if d.V[role] == "" && d.V[dir] == "" {
			continue
		}
		p := care.Participant{Role: d.planText(role), Direction: d.planText(dir)}
		if d.V[role] == "" {
			d.fail(role, "indiquez le rôle du participant dans la cellule de crise")
		}
		x.Participants = append(x.Participants, p)
	}
	for i := range actionRows {
		f := func(s string) string { return fmt.Sprintf("action_%s_%d", s, i) }
		if d.V[f("title")] == "" && d.V[f("owner")] == "" && d.V[f("due")] == "" {
			continue
		}
		a := care.Action{Title: d.planText(f("title")), Owner: d.planText(f("owner")), Status: d.V[f("status")]}
		if d.V[f("title")] == "" {
			d.fail(f("title"), "indiquez l'intitulé de l'action")
		}
		if v := d.V[f("due")]; v != "" {
			due, err := civil.ParseInput(v)
			if err == nil {
				d.V[f("due")] = due.String()
			}
			switch {
			case err != nil:
				d.fail(f("due"), fmt.Sprintf("« %s » n'est pas une date valide (attendu JJ/MM/AAAA)", v))
			case !x.Date.IsZero() && due.Before(x.Date):
				d.fail(f("due"), "l'échéance ne peut précéder l'exercice")
			default:
				a.Due = due
			}
		}
		switch {
		case a.Status == "":
			d.fail(f("status"), "choisissez le statut de l'action (à faire, en cours ou fait)")
		case !slices.Contains(care.ActionStatuses, a.Status):
			d.fail(f("status"), "statut inconnu : à faire, en cours ou fait")
		}
		x.Actions = append(x.Actions, a)
	}
}

package web

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
)

func TestExercisePlanBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau")
	tok := csrfOf(t, page)
	before := len(e.exercises(t))
	cases := []struct {
		name  string
		set   map[string]string
		field string
		want  string
	}{
		{"direction without role", map[string]string{"participant_direction_1": "DSI"}, "participant_role_1", "indiquez le rôle"},
		{"long role", map[string]string{"participant_role_0": strings.Repeat("r", 201)}, "participant_role_0", "200 caractères au plus"},
		{"action without title", map[string]string{"action_owner_0": "DSI", "action_status_0": "a_faire"}, "action_title_0", "indiquez l'intitulé"},
		{"bad due", map[string]string{"action_title_2": "PCA", "action_due_2": "31/12/25", "action_status_2": "a_faire"}, "action_due_2", "n'est pas une date valide"},
		{"due before exercise", map[string]string{"action_title_0": "PCA", "action_due_0": "2025-06-01", "action_status_0": "fait"}, "action_due_0", "ne peut précéder l'exercice"},
		{"missing status", map[string]string{"action_title_4": "PCA"}, "action_status_4", "choisissez le statut"},
		{"unknown status", map[string]string{"action_title_0": "PCA", "action_status_0": "termine"}, "action_status_0", "statut inconnu"},
	}
	for _, tc := range cases {
		f := exerciseForm(tok)
		for k, v := range tc.set {
			f.Set(k, v)
		}
		resp, body := c.post("/entites/010000040/exercices", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
			continue
		}
		if !strings.Contains(body, escapeHTML(tc.want)) {
			t.Errorf("%s: message %q missing", tc.name, tc.want)
		}
		label := (exerciseData{}).Label(tc.field)
		if !strings.Contains(body, `<a href="#`+tc.field+`">`+escapeHTML(label)+`</a>`) {
			t.Errorf("%s: the error summary does not name the field %q", tc.name, label)
		}
		if !strings.Contains(body, `id="`+tc.field+`"`) || !strings.Contains(body, `aria-invalid="true" aria-describedby="err-`+tc.field+`"`) {
			t.Errorf("%s: the form is not re-displayed with the field marked invalid", tc.name)
		}
		for k, v := range tc.set {
			if !strings.HasPrefix(k, "action_status") && !strings.Contains(body, `value="`+escapeHTML(v)+`"`) {
				t.Errorf("%s: the typed value of %s is lost", tc.name, k)
			}
		}
	}
	if after := len(e.exercises(t)); after != before {
		t.Errorf("exercises: %d → %d after refused forms", before, after)
	}
}

func TestExercisePlanRecorded(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau?at=" + demoAt)
	for _, want := range []string{`<label for="participant_role_5">Participant 6 : rôle</label>`,
		`<label for="action_status_4">Action 5 : statut</label>`, `<datalist id="directions">`} {
		if !strings.Contains(page, escapeHTML(want)) && !strings.Contains(page, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	f := exerciseForm(csrfOf(t, page))
	f.Set("at", demoAt)
	for k, v := range map[string]string{
		"participant_role_0": "directeur de crise", "participant_direction_0": "direction générale",
		"participant_role_2": "cadre de santé", "participant_direction_2": "direction des soins",
		"action_title_0": "Procédures dégradées papier", "action_owner_0": "DSI", "action_due_0": "2025-06-12", "action_status_0": "en_cours",
		"action_title_1": "Annuaire de crise", "action_status_1": "fait", "action_due_1": "2025-06-11",
		"action_status_2": "a_faire", // empty row: ignored
	} {
		f.Set(k, v)
	}
	resp, _ := c.post("/entites/010000040/exercices", f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	var got *care.Exercise
	for _, x := range e.exercises(t) {
		if x.Entity == "010000040" && x.Date.String() == "2025-06-10" {
			got = &x
		}
	}
	if got == nil {
		t.Fatal("exercise not recorded")
	}
	wantP := []care.Participant{{Role: "directeur de crise", Direction: "direction générale"}, {Role: "cadre de santé", Direction: "direction des soins"}}
	wantA := []care.Action{{Title: "Procédures dégradées papier", Owner: "DSI", Due: civil.MustParse("2025-06-12"), Status: care.ActionInProgress},
		{Title: "Annuaire de crise", Due: civil.MustParse("2025-06-11"), Status: care.ActionDone}}
	if !reflect.DeepEqual(got.Participants, wantP) || !reflect.DeepEqual(got.Actions, wantA) {
		t.Errorf("recorded plan: %+v %+v", got.Participants, got.Actions)
	}
	_, body := c.get(resp.Header.Get("Location"))
	if row := rowOf(body, `data-objectif="D1.O3" data-entite="010000040"`); !strings.Contains(row, "1 action du plan en retard") {
		t.Errorf("D1.O3 row does not mention the overdue action: %q", row)
	}
}

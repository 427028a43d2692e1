package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxScenarioLength bounds the scenario text, in characters.
const maxScenarioLength = 500

// exerciseData fills the crisis exercise form.
type exerciseData struct {
	Entity org.Entity
	At     string
	Kits   []struct{ Value, Label string }
	// V holds the submitted values, by field name.
	V map[string]string
	// Errs holds the French error of each refused field, by field name.
	Errs map[string]string
	// Order lists the refused fields in form order, for the summary.
	Order []string
}

// exerciseFields are the form's fixed fields in display order, with their
// labels (allExerciseFields adds the participant and action rows).
var exerciseFields = []struct{ Name, Label string }{
	{"date", "Date de l'exercice"},
	{"kit", "Niveau du kit ANS"},
	{"scenario", "Scénario"},
	{"direction_generale", "Direction générale présente"},
	{"directions_metier", "Directions métier ou cliniques présentes"},
	{"debriefing", "Date du débriefing à chaud"},
	{"retex", "Date du RETEX (retour d'expérience à froid)"},
}

// Label returns the label of a field.
func (d exerciseData) Label(name string) string {
	for _, f := range allExerciseFields {
		if f.Name == name {
			return f.Label
		}
	}
	return name
}

// exerciseForm shows the empty form.
func (s *Server) exerciseForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, _, err := s.loadEntity(r.Context(), rq.scope, r.PathValue("finess"), true)
	if err != nil {
		return err
	}
	at := ""
	if d, err := civil.ParseInput(r.URL.Query().Get("at")); err == nil {
		at = d.String()
	}
	d := exerciseData{Entity: e, At: at, Kits: kits, V: map[string]string{}, Errs: map[string]string{}}
	s.render(w, r, http.StatusOK, "exercise", pageData{Title: "Enregistrer un exercice de crise", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// exerciseSubmit validates and records an exercise, then shows the entity
// page; a refused field re-displays the form with HTTP 400.
func (s *Server) exerciseSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	e, _, err := s.loadEntity(ctx, rq.scope, r.PathValue("finess"), true)
	if err != nil {
		return err
	}
	d := exerciseData{Entity: e, Kits: kits, V: map[string]string{}, Errs: map[string]string{}}
	for _, f := range allExerciseFields {
		d.V[f.Name] = strings.TrimSpace(r.PostForm.Get(f.Name))
	}
	if at, err := civil.ParseInput(r.PostForm.Get("at")); err == nil {
		d.At = at.String()
	}
	x, ok := s.validateExercise(&d)
	if ok {
		err := s.st.RecordExercise(store.WithActor(ctx, rq.p.Login), x, rq.p.Login)
		switch {
		case errors.Is(err, store.ErrDuplicate):
			d.fail("date", fmt.Sprintf("un exercice est déjà enregistré pour cette entité le %s", x.Date.French()))
		case err != nil:
			return err
		default:
			q := url.Values{"enregistre": {"1"}}
			if d.At != "" {
				q.Set("at", d.At)
			}
			http.Redirect(w, r, "/entites/"+string(e.FINESS)+"?"+q.Encode()+"#exercices", http.StatusSeeOther)
			return nil
		}
	}
	s.render(w, r, http.StatusBadRequest, "exercise", pageData{Title: "Enregistrer un exercice de crise — erreur",
		User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// fail records the error of a field (the first one wins).
func (d *exerciseData) fail(field, msg string) {
	if _, done := d.Errs[field]; done {
		return
	}
	d.Errs[field] = msg
	d.Order = nil
	for _, f := range allExerciseFields {
		if _, bad := d.Errs[f.Name]; bad {
			d.Order = append(d.Order, f.Name)
		}
	}
}

// validateExercise checks the submitted values and builds the exercise.
func (s *Server) validateExercise(d *exerciseData) (care.Exercise, bool) {
	today := s.today()
	x := care.Exercise{Entity: d.Entity.FINESS}
	date := func(field string, required bool) civil.Date {
		v := d.V[field]
		if v == "" {
			if required {
				d.fail(field, "date obligatoire")
			}
			return civil.Date{}
		}
		t, err := civil.ParseInput(v)
		if err == nil {
			d.V[field] = t.String() // the date field of the form shows it back
		}
		switch {
		case err != nil:
			d.fail(field, fmt.Sprintf("« %s » n'est pas une date valide (attendu JJ/MM/AAAA)", v))
		case t.Year < 2000:
			d.fail(field, "date antérieure à l'an 2000")
		case t.After(today):
			d.fail(field, fmt.Sprintf("date dans le futur (aujourd'hui : %s) : enregistrez l'exercice une fois réalisé", today.French()))
		default:
			return t
		}
		return civil.Date{}
	}
	yesNo := func(field string) *bool {
		switch d.V[field] {
		case "oui":
			b := true
			return &b
		case "non":
			b := false
			return &b
		case "":
			d.fail(field, "répondez par oui ou non")
		default:
			d.fail(field, "valeur invalide : oui ou non attendu")
		}
		return nil
	}
	x.Date = date("date", true)
	switch k := d.V["kit"]; {
	case k == "":
		d.fail("kit", "choisissez le niveau du kit (débutant, intermédiaire ou confirmé)")
	case kitFr(k) == k:
		d.fail("kit", "niveau inconnu : débutant, intermédiaire ou confirmé")
	default:
		x.Kit = k
	}
	switch sc := d.V["scenario"]; {
	case sc == "":
		d.fail("scenario", "décrivez le scénario joué")
	case utf8.RuneCountInString(sc) > maxScenarioLength:
		d.fail("scenario", fmt.Sprintf("%d caractères au plus (%d saisis)", maxScenarioLength, utf8.RuneCountInString(sc)))
	case !utf8.ValidString(sc) || strings.ContainsRune(sc, 0):
		d.fail("scenario", "texte illisible (caractères invalides)")
	default:
		x.Scenario = sc
	}
	x.GeneralManagement = yesNo("direction_generale")
	x.Clinical = yesNo("directions_metier")
	x.HotDebrief = date("debriefing", false)
	x.Retex = date("retex", false)
	if !x.Date.IsZero() {
		if !x.HotDebrief.IsZero() && x.HotDebrief.Before(x.Date) {
			d.fail("debriefing", "le débriefing à chaud ne peut précéder l'exercice")
		}
		if !x.Retex.IsZero() && x.Retex.Before(x.Date) {
			d.fail("retex", "le RETEX ne peut précéder l'exercice")
		}
	}
	d.validatePlan(&x)
	return x, len(d.Errs) == 0
}

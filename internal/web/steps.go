package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"vigie/internal/care"
	"vigie/internal/store"
)

// stepsPath is the form recording the next step of a dossier's life.
const stepsPath = "/dossiers/%s/cycle"

// errFinal is shown when a "not met" attestation closed the dossier.
const errFinal = "attestation « non atteint » : décision définitive"

// stepRoutes registers the dossier life form (steps*.go).
func (s *Server) stepRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/cycle", s.page(s.stepsHandler))
	handle("POST /dossiers/{id}/cycle", s.page(s.stepsHandler))
}

// stepsOfRole lists the steps a role may record in a view: the ARS its
// region's validations and instructions, the GHT referent and the
// establishment (for its own dossier) the candidature and the declaration,
// the administrator every step (including the ANS's). Nil: none.
func stepsOfRole(p *Principal, v *view) []string {
	switch p.Role {
	case RoleAdmin:
		return nil // see mayRecord: every step
	case RoleARS:
		return []string{"candidature_validated", "instructed"}
	case RoleGHT:
		return []string{"candidature_submitted", "declared"}
	case RoleEstablishment:
		if !v.Partial() {
			return []string{"candidature_submitted", "declared"}
		}
	}
	return []string{}
}

// mayRecord reports whether the user may record a step in the view.
func mayRecord(p *Principal, v *view, step string) bool {
	if p.Role == RoleAdmin {
		return true
	}
	return slices.Contains(stepsOfRole(p, v), step)
}

// errStepRole answers a step the role may not record.
func errStepRole(step string) error {
	return &httpError{Status: http.StatusForbidden,
		Msg: fmt.Sprintf("Votre rôle ne permet pas d'enregistrer l'étape « %s » de ce dossier.", step)}
}

// nextStep returns the index of the next step to record in the catalogue
// order, the last recorded step (nil when none) and whether the dossier is
// closed by a final outcome.
func nextStep(defs []care.StepDef, f *care.Facts) (int, *care.Step, bool) {
	last := -1
	var prev *care.Step
	for i := range f.Dossier.Steps {
		st := &f.Dossier.Steps[i]
		idx := slices.IndexFunc(defs, func(d care.StepDef) bool { return d.ID == st.Step })
		if idx > last {
			last, prev = idx, st
		}
	}
	final := last >= 0 && defs[last].FinalIf != "" && prev.Outcome == defs[last].FinalIf
	return last + 1, prev, final
}

// stepsForm builds the form: the steps offered are the role's.
func stepsForm(id string, defs []care.StepDef, p *Principal, v *view, next int, final bool) *recForm {
	intro := "Toutes les étapes du dossier sont enregistrées."
	switch {
	case final:
		intro = "Dossier clos : " + errFinal + "."
	case next < len(defs):
		intro = fmt.Sprintf("Prochaine étape : %s (%s). Les étapes s'enregistrent dans l'ordre du cycle du dossier.", defs[next].Title, defs[next].Actor)
	}
	d := &recForm{form: &form{
		Title:  "Cycle du dossier : enregistrer une étape",
		Intro:  intro,
		Action: fmt.Sprintf(stepsPath, id),
		Submit: "Enregistrer l'étape",
		Fields: []*field{
			{Name: "etape", Label: "Étape", Kind: "select", Required: true},
			{Name: "date", Label: "Date de l'étape", Help: "Format JJ/MM/AAAA ; pas avant l'étape précédente.", Kind: "date", Required: true},
			{Name: "resultat", Label: "Résultat de l'attestation", Help: "Pour l'attestation de l'ANS seulement.", Kind: "select"},
			{Name: "montant", Label: "Montant versé (€)", Help: "Pour le paiement seulement, facultatif.", Kind: "number"},
			{Name: "note", Label: "Note", Kind: "textarea"},
		},
	}, Back: "/dossiers/" + id, Opts: map[string][]option{
		"resultat": {{"met", "atteint"}, {"not_met", "non atteint"}},
	}}
	for _, def := range defs {
		if mayRecord(p, v, def.ID) {
			d.Opts["etape"] = append(d.Opts["etape"], option{def.ID, def.Title})
		}
	}
	if next < len(defs) && !final {
		d.get("etape").Value = defs[next].ID
	}
	return d
}

// stepsHandler serves GET and POST of the dossier life form.
func (s *Server) stepsHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	if len(stepsOfRole(rq.p, v)) == 0 && rq.p.Role != RoleAdmin {
		return errReadOnly
	}
	f, err := s.st.LoadFacts(r.Context(), v.Applicant.ID)
	if err != nil {
		return fmt.Errorf("dossier %s : %w", v.Applicant.ID, err)
	}
	wv, err := s.cat.Wave(f.Wave)
	if err != nil || len(wv.Steps) == 0 {
		return &httpError{Status: http.StatusBadRequest, Msg: "La vague de ce dossier n'a pas d'étapes au catalogue."}
	}
	next, prev, final := nextStep(wv.Steps, &f)
	d := stepsForm(v.Applicant.ID, wv.Steps, rq.p, v, next, final)
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.fill(r.PostForm.Get)
	st, pay, err := s.validateStep(d, rq.p, v, wv.Steps, next, prev, final)
	if err != nil {
		return err
	}
	if d.errCount() > 0 {
		s.renderRec(w, r, rq, d)
		return nil
	}
	err = s.st.RecordDossierStep(store.WithActor(r.Context(), rq.p.Login), v.Applicant.ID, st, pay, rq.p.Login)
	if errors.Is(err, store.ErrStepRecorded) {
		d.get("etape").Err = "étape déjà enregistrée"
		s.renderRec(w, r, rq, d)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"?enregistre=etape", http.StatusSeeOther)
	return nil
}

// validateStep checks the form: a step of the role (else 403), the next one
// in the catalogue order, dated from the previous step on, with its outcome
// or amount. Field errors are set on the form.
func (s *Server) validateStep(d *recForm, p *Principal, v *view, defs []care.StepDef, next int, prev *care.Step, final bool) (care.Step, *care.Payment, error) {
	by := fmt.Sprintf("%s (%s)", p.Login, p.Role.French())
	st := care.Step{By: by, Note: d.get("note").Value}
	var ok bool
	if st.Step, ok = d.choice("etape", "choisissez l'étape"); !ok {
		x := d.get("etape")
		if x.Value != "" && slices.ContainsFunc(defs, func(def care.StepDef) bool { return def.ID == x.Value }) {
			return st, nil, errStepRole(x.Value) // a catalogue step, not the role's
		}
	}
	x := d.get("etape")
	switch {
	case !ok:
	case final:
		x.Err = errFinal
	case next >= len(defs):
		x.Err = "toutes les étapes sont déjà enregistrées"
	case st.Step != defs[next].ID:
		x.Err = fmt.Sprintf("étape hors d'ordre : la prochaine étape est « %s »", defs[next].Title)
	}
	st.Date, ok = d.pastDate("date", s.today())
	if ok && prev != nil && st.Date.Before(prev.Date) {
		d.get("date").Err = fmt.Sprintf("date antérieure à l'étape précédente (%s)", prev.Date.French())
	}
	if st.Step == "attestation" {
		st.Outcome, _ = d.choice("resultat", "résultat de l'attestation obligatoire")
	} else if d.get("resultat").Value != "" {
		d.get("resultat").Err = "le résultat ne concerne que l'attestation"
	}
	var pay *care.Payment
	if m := d.get("montant"); m.Value != "" {
		if st.Step != "paid" {
			m.Err = "le montant ne concerne que le paiement"
		} else if amt, ok := d.number("montant", 0.01, 1e9); ok {
			pay = &care.Payment{Date: st.Date, AmountEUR: amt, By: by}
		}
	}
	if len(st.Note) > 2000 {
		d.get("note").Err = "2000 caractères au plus"
	}
	return st, pay, nil
}

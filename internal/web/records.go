package web

import (
	"fmt"
	"net/http"
	"net/url"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// budgetForm describes the D1.O5 form of an EJ.
func budgetForm(e org.Entity, year int) *form {
	return &form{
		Title:  "Déclarer le budget numérique et les ETP SSI",
		Intro:  fmt.Sprintf("Objectif D1.O5, pour l'entité juridique %s (FINESS %s). Pour une même année, la déclaration la plus récente (par sa date) fait foi.", e.Name, e.FINESS),
		Action: "/entites/" + string(e.FINESS) + "/budget",
		Submit: "Enregistrer la déclaration",
		Fields: []*field{
			{Name: "annee", Label: "Année", Help: fmt.Sprintf("Par exemple %d.", year), Kind: "number", Required: true},
			{Name: "part_numerique", Label: "Part du budget consacrée au numérique (%)", Help: "Nombre entre 0 et 100, par exemple 2,5.", Kind: "number", Required: true},
			{Name: "etp_ssi", Label: "Effectif SSI (ETP)", Help: "Équivalents temps plein dédiés à la sécurité des SI, par exemple 1,5.", Kind: "number", Required: true},
			declaredOnField(civil.Date{}),
		},
	}
}

// osisForm describes the D1.O4 form of an entity.
func osisForm(e org.Entity, year, measures int) *form {
	return &form{
		Title:  "Déclarer l'auto-évaluation oSIS",
		Intro:  fmt.Sprintf("Objectif D1.O4, pour %s (FINESS %s). Pour une même campagne, la déclaration la plus récente (par sa date) fait foi.", e.Name, e.FINESS),
		Action: "/entites/" + string(e.FINESS) + "/osis",
		Submit: "Enregistrer l'auto-évaluation",
		Fields: []*field{
			{Name: "annee", Label: "Année de la campagne oSIS", Help: fmt.Sprintf("Par exemple %d.", year), Kind: "number", Required: true},
			{Name: "part_budget", Label: "Part du budget numérique renseignée dans oSIS", Kind: "yesno", Required: true},
			{Name: "mesures", Label: "Nombre de mesures prioritaires renseignées", Help: fmt.Sprintf("Entre 0 et %d.", measures), Kind: "number", Required: true},
			declaredOnField(civil.Date{}),
		},
	}
}

// measuresCount is the number of oSIS priority measures of the current wave.
func (s *Server) measuresCount() int {
	for _, w := range s.cat.Waves {
		if n := len(w.PriorityMeasures.Items); n > 0 {
			return n
		}
		if o, ok := w.Objective("D1.O4"); ok && o.Params.Measures > 0 {
			return o.Params.Measures
		}
	}
	return 43
}

// recordForm serves GET (empty form) and POST (validate, store, redirect)
// of a generic record form on an entity.
func (s *Server) recordForm(build func(e org.Entity) (*form, error),
	save func(r *http.Request, rq *request, e org.Entity, f *form) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		e, _, err := s.loadEntity(r.Context(), rq.scope, r.PathValue("finess"), true)
		if err != nil {
			return err
		}
		f, err := build(e)
		if err != nil {
			return err
		}
		if r.Method == http.MethodGet {
			on := s.today()
			if d, err := civil.ParseInput(r.URL.Query().Get("at")); err == nil {
				f.At = d.String()
				if d.Before(on) {
					on = d // entering a declaration while looking at a past date
				}
			}
			if x := f.get(declaredOn); x.Value == "" {
				x.Value = on.String()
			}
			s.render(w, r, http.StatusOK, "form", pageData{Title: f.Title, User: rq.p, CSRF: rq.csrf, Data: f})
			return nil
		}
		if d, err := civil.ParseInput(r.PostForm.Get("at")); err == nil {
			f.At = d.String()
		}
		f.fill(r.PostForm.Get)
		if err := save(r, rq, e, f); err != nil {
			return err
		}
		if f.errCount() > 0 {
			s.render(w, r, http.StatusBadRequest, "form", pageData{Title: f.Title + " — erreur", User: rq.p, CSRF: rq.csrf, Data: f})
			return nil
		}
		q := url.Values{"enregistre": {"declaration"}}
		if f.At != "" {
			q.Set("at", f.At)
		}
		http.Redirect(w, r, "/entites/"+string(e.FINESS)+"?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
}

// budgetHandler is the D1.O5 form: EJ only.
func (s *Server) budgetHandler() handlerFunc {
	return s.recordForm(func(e org.Entity) (*form, error) {
		if e.Kind != org.EJ {
			return nil, &httpError{Status: http.StatusBadRequest, Msg: "Le budget numérique et les ETP SSI se déclarent pour l'entité juridique (EJ), pas pour un site."}
		}
		return budgetForm(e, s.now().Year()), nil
	}, func(r *http.Request, rq *request, e org.Entity, f *form) error {
		year, okY := f.integer("annee", 2020, s.now().Year())
		share, okS := f.number("part_numerique", 0, 100)
		fte, okF := f.number("etp_ssi", 0, 1000)
		on, okD := f.date(declaredOn, s.today(), "")
		if !okY || !okS || !okF || !okD {
			return nil
		}
		b := care.Budget{Entity: e.FINESS, Year: year, DigitalSharePct: &share, SSIFTE: &fte, Date: on}
		return s.st.RecordBudget(store.WithActor(r.Context(), rq.p.Login), b, rq.p.Login)
	})
}

// osisHandler is the D1.O4 form: a checklist of the catalogue's priority
// measures, or a count when the catalogue lists none.
func (s *Server) osisHandler() handlerFunc {
	return s.recordForm(func(e org.Entity) (*form, error) {
		f := osisForm(e, s.now().Year(), s.measuresCount())
		if ms := s.measureList(); len(ms) > 0 {
			osisChecklist(f, ms)
		}
		return f, nil
	}, func(r *http.Request, rq *request, e org.Entity, f *form) error {
		year, okY := f.integer("annee", 2020, s.now().Year())
		share, okS := f.yesNo("part_budget")
		on, okD := f.date(declaredOn, s.today(), "")
		o := care.OSIS{Entity: e.FINESS, Year: year, BudgetShare: share, Date: on}
		okN := true
		if ms := s.measureList(); len(ms) > 0 {
			o.Measures, okN = f.checklist(ms)
		} else {
			o.PriorityMeasuresAnswered, okN = f.integer("mesures", 0, s.measuresCount())
		}
		if !okY || !okS || !okN || !okD {
			return nil
		}
		return s.st.RecordOSIS(store.WithActor(r.Context(), rq.p.Login), o, rq.p.Login)
	})
}

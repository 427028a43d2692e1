package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"vigie/internal/care"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
)

// exposureForm describes the form launching an exposure audit: the
// entity is picked among those whose declared perimeter is approved; the
// perimeter is never typed here.
func exposureForm(v *view, choices []option) *recForm {
	return &recForm{form: &form{
		Title: "Lancer un audit d'exposition internet",
		Intro: fmt.Sprintf("Dossier %s. Vigie scanne uniquement le périmètre déclaré et approuvé de l'établissement choisi ; "+
			"l'audit est enregistré avec la source « vigie » (indicatif pour D1.O2, visible avec « inclure les audits Vigie »). "+
			"Un établissement dont le périmètre n'est pas approuvé n'est pas proposé : déclarez-le puis faites-le approuver depuis la page des audits.", v.Applicant.Name),
		Action: "/dossiers/" + v.Applicant.ID + "/audits/exposition",
		Submit: "Lancer l'audit",
		Fields: []*field{
			{Name: "entite", Label: "Établissement audité (périmètre approuvé)", Kind: "select", Required: true},
			{Name: "ports", Label: "Ports", Help: "« default », « top-1000 » ou une liste comme 22,80,443,8000-8100.", Kind: "text", Required: true, Value: "default"},
		},
	}, Back: "/dossiers/" + v.Applicant.ID + "/audits", Opts: map[string][]option{"entite": choices}}
}

// exposureRequest is a validated exposure audit launch: the entity and
// the version of its approved perimeter the user saw.
type exposureRequest struct {
	Entity  org.FINESS
	Version int
	Ports   string
}

// approvedChoices lists the dossier's entities in the view whose current
// perimeter is approved, with that perimeter.
func (s *Server) approvedChoices(ctx context.Context, v *view, f *care.Facts) ([]option, map[org.FINESS]store.ExposurePerimeter, error) {
	var opts []option
	found := map[org.FINESS]store.ExposurePerimeter{}
	for _, e := range visibleEntities(v, f) {
		ap, err := s.st.ApprovedExposurePerimeter(ctx, e.FINESS)
		if errors.Is(err, store.ErrNotApproved) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		found[e.FINESS] = ap
		opts = append(opts, option{string(e.FINESS), fmt.Sprintf("%s (FINESS %s) — périmètre version %d approuvé par %s", e.Name, e.FINESS, ap.Version, ap.ApprovedBy)})
	}
	return opts, found, nil
}

// exposureLaunch serves GET (empty form) and POST (validate, start the
// job, redirect to its page) of the exposure audit form.
func (s *Server) exposureLaunch(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	if s.jobs == nil {
		return errNoEngines
	}
	choices, approved, err := s.approvedChoices(r.Context(), v, f)
	if err != nil {
		return err
	}
	fm := exposureForm(v, choices)
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	fm.fill(r.PostForm.Get)
	req, ok := validateExposure(fm, approved, s.jobs.ParsePorts)
	if !ok {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	id, err := s.jobs.EnqueueExposureLimited(r.Context(), jobs.ExposureRequest{Applicant: v.Applicant.ID, Entities: []org.FINESS{req.Entity},
		Perimeter: jobs.ApprovedVersionRef(req.Entity, req.Version), Ports: req.Ports, By: rq.p.Login}, s.jobLimits)
	if qe, ok := errors.AsType[*jobs.QuotaError](err); ok {
		fm.get("entite").Err = qe.Error()
		s.renderRec(w, r, rq, fm)
		return nil
	}
	if err != nil {
		return err
	}
	s.trailJob(r.Context(), rq.p.Login, "tache_exposure", v.Applicant.ID,
		fmt.Sprintf("tâche %d : périmètre approuvé de %s (version %d), ports %s", id, req.Entity, req.Version, req.Ports))
	http.Redirect(w, r, fmt.Sprintf("/dossiers/%s/taches/%d", v.Applicant.ID, id), http.StatusSeeOther)
	return nil
}

// loadWritableFacts loads a dossier the user sees and may write to, with its facts.
func (s *Server) loadWritableFacts(r *http.Request, rq *request) (*view, *care.Facts, error) {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	if !rq.p.CanWrite() {
		return nil, nil, errReadOnly
	}
	f, err := s.st.LoadFacts(r.Context(), v.Applicant.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("dossier %s : %w", v.Applicant.ID, err)
	}
	return v, &f, nil
}

// validateExposure checks the form, reading the ports with parsePorts;
// refused fields carry their French error. The perimeter is the approved
// one of the chosen entity.
func validateExposure(fm *recForm, approved map[org.FINESS]store.ExposurePerimeter, parsePorts func(string) ([]int, error)) (exposureRequest, bool) {
	var req exposureRequest
	if v, ok := fm.choice("entite", "choisissez l'établissement dont le périmètre approuvé sera scanné"); ok {
		ap := approved[org.FINESS(v)]
		if _, err := scanPerimeter(ap); err != nil {
			fm.get("entite").Err = err.Error()
		} else {
			req.Entity, req.Version = ap.Entity, ap.Version
		}
	}
	pt := fm.get("ports")
	if pt.Value == "" {
		pt.Err = "valeur obligatoire"
	} else if _, err := parsePorts(pt.Value); err != nil {
		pt.Err = err.Error()
	} else {
		req.Ports = pt.Value
	}
	return req, fm.errCount() == 0
}

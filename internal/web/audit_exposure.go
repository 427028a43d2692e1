package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	perim "vigie/internal/exposure/scope"
	"vigie/internal/french"
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

// exposureRequest is a validated exposure audit launch.
type exposureRequest struct {
	Entities  []org.FINESS
	Perimeter *perim.Perimeter
	Ports     []int
	Target    string // summary shown on the job
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
	if s.engines == nil {
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
	req, ok := validateExposure(fm, approved, s.engines.ParsePorts)
	if !ok {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	id, err := s.startJob(r.Context(), store.WebJob{Kind: store.JobExposure, Applicant: v.Applicant.ID, Target: req.Target,
		Entity: string(req.Entities[0]), CreatedBy: rq.p.Login},
		func(ctx context.Context, progress jobProgress) (string, error) {
			return s.runExposure(ctx, req, rq.p.Login, progress)
		})
	if qe, ok := errors.AsType[*store.QuotaError](err); ok {
		fm.get("entite").Err = qe.Error()
		s.renderRec(w, r, rq, fm)
		return nil
	}
	if err != nil {
		return err
	}
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
		p, err := scanPerimeter(ap)
		if err != nil {
			fm.get("entite").Err = err.Error()
		} else {
			req.Entities, req.Perimeter = []org.FINESS{ap.Entity}, p
			req.Target = fmt.Sprintf("périmètre approuvé de %s (version %d)", ap.Entity, ap.Version)
		}
	}
	pt := fm.get("ports")
	if pt.Value == "" {
		pt.Err = "valeur obligatoire"
	} else if ports, err := parsePorts(pt.Value); err != nil {
		pt.Err = err.Error()
	} else {
		req.Ports = ports
	}
	return req, fm.errCount() == 0
}

// runExposure scans the perimeter with the engines (whose scope guard
// refuses anything outside it) and stores the audit with the source "vigie".
func (s *Server) runExposure(ctx context.Context, req exposureRequest, by string, progress jobProgress) (string, error) {
	progress(1, "préparation du périmètre")
	a, err := s.engines.ExposureAudit(ctx, ExposureRequest{Perimeter: req.Perimeter, Ports: req.Ports, AllowPrivateTargets: s.allowPrivate},
		func(done, total uint64, open int) {
			progress(int(done*90/max(total, 1)), fmt.Sprintf("scan des ports : %d/%d tentatives, %s", done, total, french.Plural(open, "port ouvert", "ports ouverts")))
		})
	if err != nil {
		return "", fmt.Errorf("audit d'exposition : %w", err)
	}
	progress(95, "enregistrement de l'audit")
	return s.saveExposure(ctx, req.Entities, a, by)
}

// saveExposure stores an exposure audit and its summary (source vigie).
func (s *Server) saveExposure(ctx context.Context, entities []org.FINESS, a *exposure.Audit, by string) (string, error) {
	blob, err := json.Marshal(a)
	if err != nil {
		return "", err
	}
	sum := care.ExposureAudit{Entities: entities, Date: civil.Of(a.FinishedAt.In(s.loc)), CompletePerimeter: a.Complete,
		Counts: &care.Counts{Critical: a.Summary.Critical, High: a.Summary.High, Medium: a.Summary.Medium, Low: a.Summary.Low, Info: a.Summary.Info},
		Source: care.SourceVigie}
	id, err := s.st.SaveExposureAudit(store.WithActor(ctx, by), sum, blob)
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit : %w", err)
	}
	return id, nil
}

// jobID formats a job ID for links.
func jobID(id int64) string { return strconv.FormatInt(id, 10) }

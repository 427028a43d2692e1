package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	perim "vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxPerimeterBytes bounds the perimeter typed in the form.
const maxPerimeterBytes = 64 << 10

// exposureForm describes the form launching an exposure audit.
func exposureForm(v *view) *form {
	return &form{
		Title:  "Lancer un audit d'exposition internet",
		Intro:  fmt.Sprintf("Dossier %s. Vigie scanne uniquement les adresses du périmètre déclaré ; l'audit est enregistré avec la source « vigie » (indicatif pour D1.O2, visible avec « inclure les audits Vigie »).", v.Applicant.Name),
		Action: "/dossiers/" + v.Applicant.ID + "/audits/exposition",
		Submit: "Lancer l'audit",
		Fields: []*field{
			{Name: "entite", Label: "FINESS de l'établissement audité", Help: "Un établissement du dossier, dans votre périmètre (9 caractères).", Kind: "text", Required: true},
			{Name: "perimetre", Label: "Périmètre déclaré", Help: "Une entrée par ligne, au format du fichier de périmètre : « net 198.51.100.0/27 », « host vpn.exemple.fr », « domain exemple.fr », « exclude 198.51.100.30 », « entity FINESS ».", Kind: "textarea", Required: true},
			{Name: "cibles", Label: "Cibles (facultatif)", Help: "Pour n'auditer qu'une partie du périmètre : adresses ou noms séparés par des espaces ou des virgules ; chacune doit être dans le périmètre.", Kind: "text"},
			{Name: "ports", Label: "Ports", Help: "« default », « top-1000 » ou une liste comme 22,80,443,8000-8100.", Kind: "text", Required: true, Value: "default"},
		},
	}
}

// exposureRequest is a validated exposure audit launch.
type exposureRequest struct {
	Entities  []org.FINESS
	Perimeter *perim.Perimeter
	Ports     []int
	Target    string // summary shown on the job
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
	fm := exposureForm(v)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "auditform", pageData{Title: fm.Title, User: rq.p, CSRF: rq.csrf, Data: fm})
		return nil
	}
	fm.fill(r.PostForm.Get)
	req, ok := validateExposure(fm, v, f, s.engines.ParsePorts)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "auditform", pageData{Title: fm.Title + " — erreur", User: rq.p, CSRF: rq.csrf, Data: fm})
		return nil
	}
	id, err := s.startJob(r.Context(), store.WebJob{Kind: store.JobExposure, Applicant: v.Applicant.ID, Target: req.Target, CreatedBy: rq.p.Login},
		func(ctx context.Context, progress jobProgress) (string, error) {
			return s.runExposure(ctx, req, rq.p.Login, progress)
		})
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

// visibleEntity reports whether an entity belongs to the dossier and to the view.
func visibleEntity(v *view, f *care.Facts, e org.FINESS) bool {
	if v.Partial() && !v.only[e] {
		return false
	}
	for _, x := range f.Entities {
		if x.FINESS == e {
			return true
		}
	}
	return false
}

// validateExposure checks the form, reading the ports with parsePorts;
// refused fields carry their French error.
func validateExposure(fm *form, v *view, f *care.Facts, parsePorts func(string) ([]int, error)) (exposureRequest, bool) {
	var req exposureRequest
	ent := fm.get("entite")
	if ent.Value == "" {
		ent.Err = "valeur obligatoire"
	} else if e, err := org.ParseFINESS(ent.Value); err != nil {
		ent.Err = fmt.Sprintf("« %s » n'est pas un numéro FINESS valide", ent.Value)
	} else if !visibleEntity(v, f, e) {
		ent.Err = fmt.Sprintf("l'établissement %s ne fait pas partie de ce dossier ou de votre périmètre", e)
	} else {
		req.Entities = append(req.Entities, e)
	}
	per := fm.get("perimetre")
	switch {
	case per.Value == "":
		per.Err = "déclarez au moins une adresse, un réseau ou un nom"
	case len(per.Value) > maxPerimeterBytes:
		per.Err = fmt.Sprintf("périmètre trop long : %d Kio au plus", maxPerimeterBytes>>10)
	default:
		p, err := perim.Parse(strings.NewReader(per.Value))
		switch {
		case err != nil:
			per.Err = err.Error()
		case p.Empty():
			per.Err = "déclarez au moins une adresse, un réseau ou un nom"
		default:
			req.Perimeter = p
			for _, s := range p.Entities {
				e, err := org.ParseFINESS(s)
				if err != nil || !visibleEntity(v, f, e) {
					per.Err = fmt.Sprintf("ligne « entity %s » : établissement hors de ce dossier ou de votre périmètre", s)
					break
				}
				if len(req.Entities) == 0 || req.Entities[0] != e {
					req.Entities = append(req.Entities, e)
				}
			}
			if per.Err == "" {
				if _, err := perim.Expand(p.Prefixes(), p.Excludes, perim.DefaultMaxAddresses); err != nil {
					per.Err = err.Error()
				}
			}
		}
	}
	req.Target = summarizePerimeter(per.Value)
	if tg := fm.get("cibles"); tg.Value != "" && req.Perimeter != nil {
		targets := strings.FieldsFunc(tg.Value, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' })
		sub, err := perim.Restrict(req.Perimeter, targets)
		if err != nil {
			tg.Err = err.Error()
		} else {
			req.Perimeter = sub
			req.Target = strings.Join(targets, " ")
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

// summarizePerimeter keeps the first lines of a perimeter, for the job list.
func summarizePerimeter(text string) string {
	var parts []string
	for _, l := range strings.Split(text, "\n") {
		l, _, _ = strings.Cut(l, "#")
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("… (%d entrées)", len(parts)))
	}
	return strings.Join(parts, " ; ")
}

// runExposure scans the perimeter with the engines (whose scope guard
// refuses anything outside it) and stores the audit with the source "vigie".
func (s *Server) runExposure(ctx context.Context, req exposureRequest, by string, progress jobProgress) (string, error) {
	progress(1, "préparation du périmètre")
	a, err := s.engines.ExposureAudit(ctx, ExposureRequest{Perimeter: req.Perimeter, Ports: req.Ports},
		func(done, total uint64, open int) {
			progress(int(done*90/max(total, 1)), fmt.Sprintf("scan des ports : %d/%d tentatives, %d port(s) ouvert(s)", done, total, open))
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

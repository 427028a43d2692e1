package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/store"
)

// maxGovernanceText bounds the referent and the description, in characters.
const (
	maxReferentLength    = 200
	maxDescriptionLength = 2000
)

// governanceForm describes the D1.O6 form of a GHT dossier, filled with
// the current declaration when there is one.
func governanceForm(v *view, g *care.Governance, today civil.Date) *form {
	fm := &form{
		Title:  "Déclarer la gouvernance des annuaires du GHT",
		Intro:  fmt.Sprintf("Objectif D1.O6 (D1.O6.A gouvernance, D1.O6.B convergence), pour %s. La déclaration la plus récente (par sa date) fait foi.", v.Applicant.Name),
		Action: "/dossiers/" + v.Applicant.ID + "/gouvernance",
		Submit: "Enregistrer la gouvernance",
		Fields: []*field{
			{Name: "referent", Label: "Référent projet", Help: "Nom et fonction, par exemple « Mme Martin, RSSI du GHT ».", Kind: "text", Required: true},
			{Name: "equipe_unique", Label: "Une équipe unique exploite les annuaires du GHT", Kind: "yesno", Required: true},
			{Name: "gouvernance_ght", Label: "Une gouvernance des annuaires existe à l'échelle du GHT", Kind: "yesno", Required: true},
			{Name: "date_convergence", Label: "Date de validation du document de convergence (facultatif)", Help: "Par le comité stratégique du GHT, format JJ/MM/AAAA.", Kind: "date"},
			{Name: "deja_converge", Label: "Les annuaires du GHT sont déjà convergés", Kind: "yesno", Required: true},
			{Name: "description", Label: "Description de l'annuaire convergé", Help: "Obligatoire si les annuaires sont déjà convergés : forêt, domaines, établissements couverts.", Kind: "textarea"},
			declaredOnField(today),
		},
	}
	if g != nil {
		fm.get("referent").Value = g.Referent
		fm.get("equipe_unique").Value = yesNoValue(g.SingleADTeam)
		fm.get("gouvernance_ght").Value = yesNoValue(g.Governance)
		if !g.ConvergenceValidatedOn.IsZero() {
			fm.get("date_convergence").Value = g.ConvergenceValidatedOn.String()
		}
		fm.get("deja_converge").Value = yesNoValue(&g.AlreadyConverged)
		fm.get("description").Value = g.ConvergedDescription
	}
	return fm
}

func yesNoValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "oui"
	}
	return "non"
}

// governanceHandler serves GET and POST of the D1.O6 form: GHT dossiers
// only, whole view only, write role required.
func (s *Server) governanceHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	if !rightsOf(rq.p, v).governance() {
		return errReadOnly
	}
	if v.Applicant.Kind != store.ApplicantGHT || f.GHT == nil {
		return &httpError{Status: http.StatusBadRequest, Msg: "La gouvernance des annuaires (D1.O6) se déclare pour un dossier de GHT seulement."}
	}
	fm := governanceForm(v, f.Governance, s.today())
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "auditform", pageData{Title: fm.Title, User: rq.p, CSRF: rq.csrf, Data: fm})
		return nil
	}
	fm.fill(r.PostForm.Get)
	g, ok := s.validateGovernance(fm)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "auditform", pageData{Title: fm.Title + " — erreur", User: rq.p, CSRF: rq.csrf, Data: fm})
		return nil
	}
	if err := s.st.RecordGovernance(store.WithActor(r.Context(), rq.p.Login), v.Applicant.ID, g, rq.p.Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"?enregistre=gouvernance#obj-D1.O6", http.StatusSeeOther)
	return nil
}

// validateGovernance checks the D1.O6 form.
func (s *Server) validateGovernance(fm *form) (care.Governance, bool) {
	var g care.Governance
	text := func(name string, maxLen int) string {
		x := fm.get(name)
		switch n := utf8.RuneCountInString(x.Value); {
		case !utf8.ValidString(x.Value) || strings.ContainsRune(x.Value, 0):
			x.Err = "texte illisible (caractères invalides)"
		case n > maxLen:
			x.Err = fmt.Sprintf("%d caractères au plus (%d saisis)", maxLen, n)
		default:
			return x.Value
		}
		return ""
	}
	if g.Referent = text("referent", maxReferentLength); g.Referent == "" && fm.get("referent").Err == "" {
		fm.get("referent").Err = "indiquez le référent projet"
	}
	if v, ok := fm.yesNo("equipe_unique"); ok {
		g.SingleADTeam = &v
	}
	if v, ok := fm.yesNo("gouvernance_ght"); ok {
		g.Governance = &v
	}
	if d, ok := fm.date("date_convergence", s.today(), "enregistrez la validation une fois prononcée"); ok {
		g.ConvergenceValidatedOn = d
	}
	g.Date, _ = fm.date(declaredOn, s.today(), "")
	g.AlreadyConverged, _ = fm.yesNo("deja_converge")
	g.ConvergedDescription = text("description", maxDescriptionLength)
	if g.AlreadyConverged && strings.TrimSpace(g.ConvergedDescription) == "" && fm.get("description").Err == "" {
		fm.get("description").Err = "décrivez l'annuaire convergé (obligatoire quand les annuaires sont déjà convergés)"
	}
	return g, fm.errCount() == 0
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"vigie/internal/org"
	"vigie/internal/store"
)

// maxEntityName bounds an entity's name, in characters.
const maxEntityName = 200

// errEntityRole answers an entity form opened by another role than
// administrator or GHT referent.
var errEntityRole = &httpError{Status: http.StatusForbidden,
	Msg: "Seuls un administrateur ou le référent du GHT peuvent ajouter ou corriger les établissements d'un dossier."}

// entityEntryForm describes the EJ/EG form of a dossier.
func entityEntryForm(id string, ejs []org.Entity) *recForm {
	d := &recForm{form: &form{
		Title:  "Ajouter ou corriger un établissement du dossier",
		Intro:  "Entité juridique (EJ) ou entité géographique (EG) du dossier. Un numéro FINESS déjà présent dans le dossier est corrigé ; un nouveau numéro est ajouté.",
		Action: "/dossiers/" + id + "/entites/saisie",
		Submit: "Enregistrer l'établissement",
		Fields: []*field{
			{Name: "finess", Label: "Numéro FINESS", Help: "9 caractères, clé de contrôle comprise, par exemple 010000016.", Kind: "text", Required: true},
			{Name: "type", Label: "Type", Kind: "select", Required: true},
			{Name: "nom", Label: "Raison sociale", Kind: "text", Required: true},
			{Name: "ej", Label: "EJ de rattachement (pour une EG)", Kind: "select"},
			{Name: "statut", Label: "Code du statut juridique FINESS (pour une EJ)", Help: "Par exemple 13 pour un établissement public communal.", Kind: "text"},
		},
	}, Back: "/dossiers/" + id, Opts: map[string][]option{"type": {{"EJ", "entité juridique (EJ)"}, {"EG", "entité géographique (EG)"}}}}
	for _, e := range ejs {
		d.Opts["ej"] = append(d.Opts["ej"], option{string(e.FINESS), fmt.Sprintf("%s (FINESS %s)", e.Name, e.FINESS)})
	}
	return d
}

// entityEntryHandler serves GET (?finess= pre-fills a correction) and POST
// of the entity form: administrators and GHT referents, whole view only.
func (s *Server) entityEntryHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	if !rightsOf(rq.p, v).entities() {
		return errEntityRole
	}
	var ejs []org.Entity
	known := map[org.FINESS]org.Entity{}
	for _, e := range f.Entities {
		known[e.FINESS] = e
		if e.Kind == org.EJ {
			ejs = append(ejs, e)
		}
	}
	d := entityEntryForm(v.Applicant.ID, ejs)
	if r.Method == http.MethodGet {
		if e, ok := known[org.FINESS(r.URL.Query().Get("finess"))]; ok {
			d.get("finess").Value, d.get("type").Value, d.get("nom").Value = string(e.FINESS), string(e.Kind), e.Name
			d.get("ej").Value, d.get("statut").Value = string(e.Parent), e.LegalStatus
		}
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.fill(r.PostForm.Get)
	e := org.Entity{Region: v.Applicant.Region}
	if x := d.get("finess"); x.Value == "" {
		x.Err = "numéro FINESS obligatoire"
	} else if fi, err := org.ParseFINESS(x.Value); err != nil {
		x.Err = err.Error()
	} else {
		e.FINESS = fi
		if old, ok := known[fi]; ok && old.Region != "" {
			e.Region = old.Region
		}
	}
	kind, _ := d.choice("type", "choisissez EJ ou EG")
	e.Kind = org.Kind(kind)
	switch x := d.get("nom"); {
	case x.Value == "":
		x.Err = "raison sociale obligatoire"
	case !utf8.ValidString(x.Value) || strings.ContainsRune(x.Value, 0):
		x.Err = "texte illisible (caractères invalides)"
	case utf8.RuneCountInString(x.Value) > maxEntityName:
		x.Err = fmt.Sprintf("%d caractères au plus", maxEntityName)
	default:
		e.Name = x.Value
	}
	switch e.Kind {
	case org.EJ:
		if d.get("ej").Value != "" {
			d.get("ej").Err = "une EJ n'a pas d'EJ de rattachement : laissez ce champ vide"
		}
		x := d.get("statut")
		if x.Value == "" {
			x.Err = "code du statut juridique obligatoire pour une EJ"
		} else if c, err := org.CategoryOf(x.Value); err != nil {
			x.Err = err.Error()
		} else {
			e.LegalStatus, e.Category = x.Value, c
		}
	case org.EG:
		if p, ok := d.choice("ej", "choisissez l'EJ de rattachement du dossier"); ok {
			e.Parent, e.Category = org.FINESS(p), known[org.FINESS(p)].Category
			if e.Parent == e.FINESS {
				d.get("ej").Err = "une EG ne peut être rattachée à elle-même"
			}
		}
		if d.get("statut").Value != "" {
			d.get("statut").Err = "le statut juridique se déclare sur l'EJ : laissez ce champ vide"
		}
	}
	if old, ok := known[e.FINESS]; ok && old.Kind != e.Kind && e.Kind == org.EG {
		for _, c := range f.Entities {
			if c.Parent == e.FINESS {
				d.get("type").Err = "cette EJ a des EG rattachées : elle ne peut devenir une EG"
			}
		}
	}
	if d.errCount() > 0 {
		s.renderRec(w, r, rq, d)
		return nil
	}
	_, err = s.st.RecordEntity(r.Context(), v.Applicant.ID, e, rq.p.Login)
	if errors.Is(err, store.ErrOtherApplicant) {
		d.get("finess").Err = "cet établissement appartient déjà à un autre dossier"
		s.renderRec(w, r, rq, d)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/entites/"+string(e.FINESS)+"?enregistre=etablissement", http.StatusSeeOther)
	return nil
}

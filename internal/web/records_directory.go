package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxDirectoryName bounds a directory's name, in characters.
const maxDirectoryName = 200

// errDirectoryRole answers a directory form opened by another role than
// administrator or GHT referent.
var errDirectoryRole = &httpError{Status: http.StatusForbidden,
	Msg: "Seuls un administrateur ou le référent du GHT peuvent ajouter ou corriger les annuaires d'un dossier."}

// directoryEntryForm describes the Active Directory form of a dossier.
func directoryEntryForm(id string, ents []org.Entity) *recForm {
	d := &recForm{form: &form{
		Title:  "Ajouter ou corriger un annuaire Active Directory du dossier",
		Intro:  "Annuaire Active Directory (forêt ou domaine) et établissements du dossier qui l'utilisent. Un identifiant déjà présent dans le dossier est corrigé ; un nouvel identifiant est ajouté.",
		Action: "/dossiers/" + id + "/annuaires/saisie",
		Submit: "Enregistrer l'annuaire",
		Fields: []*field{
			{Name: "id", Label: "Identifiant", Help: "Lettres, chiffres et tirets, par exemple ad-chu.", Kind: "text", Required: true},
			{Name: "nom", Label: "Nom de l'annuaire", Help: "Par exemple chu.local.", Kind: "text", Required: true},
			{Name: "entites", Label: "Établissements qui l'utilisent", Help: "Au moins un.", Kind: "checks", Required: true},
		},
	}, Back: "/dossiers/" + id, Opts: map[string][]option{}}
	for _, e := range ents {
		d.Opts["entites"] = append(d.Opts["entites"], option{string(e.FINESS), fmt.Sprintf("%s (FINESS %s, %s)", e.Name, e.FINESS, e.Kind)})
	}
	return d
}

// directoryEntryHandler serves GET (?id= pre-fills a correction) and POST
// of the directory form: administrators and GHT referents, whole view only.
func (s *Server) directoryEntryHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	if !rightsOf(rq.p, v).directories() {
		return errDirectoryRole
	}
	known := map[string]care.Directory{}
	for _, x := range f.Directories {
		known[x.ID] = x
	}
	d := directoryEntryForm(v.Applicant.ID, f.Entities)
	if r.Method == http.MethodGet {
		d.Checked = map[string]map[string]bool{"entites": {}}
		if x, ok := known[r.URL.Query().Get("id")]; ok {
			d.get("id").Value, d.get("nom").Value = x.ID, x.Name
			for _, e := range x.Entities {
				d.Checked["entites"][string(e)] = true
			}
		}
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.fill(r.PostForm.Get)
	d.fillChecks(r)
	dir := care.Directory{}
	switch x := d.get("id"); {
	case x.Value == "":
		x.Err = "identifiant obligatoire"
	case !store.ValidDirectoryID(x.Value):
		x.Err = "identifiant invalide : lettres, chiffres et tirets seulement (100 caractères au plus), par exemple ad-chu"
	default:
		dir.ID = x.Value
	}
	switch x := d.get("nom"); {
	case strings.TrimSpace(x.Value) == "":
		x.Err = "nom de l'annuaire obligatoire"
	case !utf8.ValidString(x.Value) || strings.ContainsRune(x.Value, 0):
		x.Err = "texte illisible (caractères invalides)"
	case utf8.RuneCountInString(x.Value) > maxDirectoryName:
		x.Err = fmt.Sprintf("%d caractères au plus", maxDirectoryName)
	default:
		dir.Name = strings.TrimSpace(x.Value)
	}
	if x := d.get("entites"); x.Err == "" {
		for _, o := range d.Opts["entites"] {
			if d.Checked["entites"][o.Value] {
				dir.Entities = append(dir.Entities, org.FINESS(o.Value))
			}
		}
		if len(dir.Entities) == 0 {
			x.Err = "cochez au moins un établissement"
		}
	}
	if d.errCount() > 0 {
		s.renderRec(w, r, rq, d)
		return nil
	}
	_, err = s.st.RecordDirectory(r.Context(), v.Applicant.ID, dir, rq.p.Login)
	if errors.Is(err, store.ErrOtherApplicant) {
		d.get("id").Err = "cet identifiant est déjà utilisé par un autre dossier"
		s.renderRec(w, r, rq, d)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"#entites", http.StatusSeeOther)
	return nil
}

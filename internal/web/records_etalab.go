package web

import (
	"bytes"
	"fmt"
	"net/http"

	"vigie/internal/french"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxEtalabBytes bounds the FINESS Etalab extraction upload.
const maxEtalabBytes = 128 << 20

// maxShownErrors is how many refused rows the Etalab form lists.
const maxShownErrors = 10

// etalabForm describes the FINESS extraction upload form.
func etalabForm() *recForm {
	return &recForm{form: &form{
		Title:  "Importer l'extraction FINESS (Etalab)",
		Intro:  "Fichier CSV « etalab_cs1100507_stock » publié sur data.gouv.fr : les entités juridiques et géographiques sont ajoutées ou mises à jour. Un fichier dont une ligne est invalide est refusé en entier.",
		Action: "/finess/import",
		Submit: "Importer l'extraction",
		Fields: []*field{
			{Name: "fichier", Label: "Extraction FINESS (CSV)", Help: fmt.Sprintf("%d Mio au plus.", maxEtalabBytes>>20), Kind: "file", Required: true},
		},
	}, Multipart: true, Back: "/"}
}

// etalabHandler serves GET and POST of the Etalab upload: administrators only.
func (s *Server) etalabHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.p.Role != RoleAdmin {
		return &httpError{Status: http.StatusForbidden, Msg: "L'import de l'extraction FINESS est réservé aux administrateurs."}
	}
	d := etalabForm()
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, d)
		return nil
	}
	x := d.get("fichier")
	data, _ := d.uploaded(r, "fichier", maxEtalabBytes)
	if data == nil && x.Err == "" {
		x.Err = "choisissez le fichier CSV de l'extraction"
	}
	var es []org.Entity
	if x.Err == "" {
		et, err := org.ReadEtalab(bytes.NewReader(data))
		switch {
		case err != nil:
			x.Err = "fichier illisible : " + err.Error()
		case len(et.Errors) > 0:
			x.Err = french.Plural(len(et.Errors), "ligne invalide", "lignes invalides") + ", rien n'a été importé"
			for i, le := range et.Errors {
				if i == maxShownErrors {
					x.Err += " ; …"
					break
				}
				x.Err += " ; " + le.Error()
			}
		case len(et.Sites) == 0:
			x.Err = "aucun établissement dans ce fichier (extraction FINESS Etalab attendue)"
		default:
			es = et.Entities()
		}
	}
	if x.Err != "" {
		s.renderRec(w, r, rq, d)
		return nil
	}
	st, err := s.st.UpsertEntities(store.WithActor(r.Context(), rq.p.Login), es)
	if err != nil {
		x.Err = "extraction refusée, rien n'a été importé : " + err.Error()
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.Done = fmt.Sprintf("Extraction importée : %s (%s, %s, %s).", french.Plural(len(es), "établissement", "établissements"),
		french.Plural(st.Added, "ajouté", "ajoutés"), french.Plural(st.Updated, "mis à jour", "mis à jour"), french.Plural(st.Unchanged, "inchangé", "inchangés"))
	s.renderRec(w, r, rq, d)
	return nil
}

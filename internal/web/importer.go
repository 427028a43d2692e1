package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"vigie/internal/care"
	"vigie/internal/dossier"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxUploadBytes bounds an import request: the dossier plus the form.
const maxUploadBytes = dossier.MaxSize + 1<<20

// importData fills the import page.
type importData struct {
	Error    string
	Path     string           // JSON path of the error, when known
	List     []*dossier.Error // every error, when the file has several
	More     int              // errors beyond those listed
	Imported *store.ImportStats
	Name     string
	// Refused lists the values the role may not record, with their paths.
	Refused []refusedValue
}

// importForm shows the upload form.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.p.CanWrite() {
		return errReadOnly
	}
	s.render(w, r, http.StatusOK, "import", pageData{Title: "Importer un dossier", User: rq.p, CSRF: rq.csrf, Data: importData{}})
	return nil
}

// mayImport checks the dossier's applicant is the user's to write.
func mayImport(p *Principal, f *care.Facts) error {
	switch {
	case !p.CanWrite():
		return errReadOnly
	case p.kind == scopeAll:
		return nil
	case p.kind == scopeGHT && f.GHT != nil && f.GHT.Code == p.value:
		return nil
	case p.kind == scopeEntity && f.GHT == nil:
		for _, e := range f.Entities {
			if e.Kind == org.EJ && string(e.FINESS) != p.value {
				return errImportScope
			}
		}
		return nil
	}
	return errImportScope
}

var errImportScope = errors.New("ce dossier ne fait pas partie de votre périmètre : vous ne pouvez importer que le dossier de votre GHT ou de votre établissement")

// importSubmit reads an uploaded vigie-dossier file, checks it, checks
// scope and stores it in one transaction.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.p.CanWrite() {
		return errReadOnly
	}
	fail := func(status int, d importData) error {
		s.render(w, r, status, "import", pageData{Title: "Importer un dossier — erreur", User: rq.p, CSRF: rq.csrf, Data: d})
		return nil
	}
	file, hdr, err := r.FormFile("dossier")
	if err != nil {
		return fail(http.StatusBadRequest, importData{Error: "Choisissez un fichier dossier (JSON vigie-dossier/1) à importer."})
	}
	defer file.Close()
	name := hdr.Filename
	if hdr.Size > dossier.MaxSize {
		return fail(http.StatusBadRequest, importData{Name: name, Error: fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mio.", dossier.MaxSize>>20)})
	}
	facts, err := dossier.Read(io.LimitReader(file, dossier.MaxSize+1))
	if err != nil {
		d := importData{Name: name, Error: err.Error()}
		var all *dossier.Errors
		var de *dossier.Error
		switch {
		case errors.As(err, &all) && len(all.List)+all.More > 1:
			d.Error, d.List, d.More = fmt.Sprintf("%d erreurs, chacune à son emplacement :", len(all.List)+all.More), all.List, all.More
		case errors.As(err, &de):
			d.Path, d.Error = de.Path, de.Msg
		}
		return fail(http.StatusBadRequest, d)
	}
	if err := mayImport(rq.p, facts); err != nil {
		if errors.Is(err, errReadOnly) {
			return err
		}
		return fail(http.StatusForbidden, importData{Name: name, Error: err.Error()})
	}
	titles := map[string]string{}
	if wv, err := s.cat.Wave(facts.Wave); err == nil {
		for _, d := range wv.Steps {
			titles[d.ID] = d.Title
		}
	}
	check := importCheck(rightsOf(rq.p, &view{}), facts, titles)
	stats, err := s.st.ImportFactsChecked(store.WithActor(r.Context(), rq.p.Login), *facts, rq.p.Login, check)
	if refusal, ok := errors.AsType[*importRefusal](err); ok {
		s.log.WarnContext(r.Context(), "import refusé : valeurs hors du rôle", "identifiant", rq.p.Login, "chemins", len(refusal.Items))
		return fail(http.StatusForbidden, importData{Name: name, Error: "votre rôle ne permet pas d'enregistrer ces valeurs du fichier (les mêmes règles que les formulaires s'appliquent).", Refused: refusal.Items})
	}
	if err != nil {
		// The store refuses inconsistent data (an entity already claimed by
		// another dossier, an unknown reference) in French, atomically.
		s.log.WarnContext(r.Context(), "import refusé", "identifiant", rq.p.Login, "erreur", err)
		return fail(http.StatusBadRequest, importData{Name: name, Error: "Import refusé, rien n'a été enregistré : " + strings.TrimSpace(err.Error())})
	}
	return s.renderImported(w, r, rq, name, stats)
}

func (s *Server) renderImported(w http.ResponseWriter, r *http.Request, rq *request, name string, st store.ImportStats) error {
	s.render(w, r, http.StatusOK, "import", pageData{Title: "Dossier importé", User: rq.p, CSRF: rq.csrf,
		Data: importData{Name: name, Imported: &st}})
	return nil
}

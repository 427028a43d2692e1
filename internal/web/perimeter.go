package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	perim "vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxPerimeterBytes bounds a declared perimeter.
const maxPerimeterBytes = 64 << 10

// perimeterData fills the perimeter page of an entity.
type perimeterData struct {
	Entity  org.Entity
	Current *store.ExposurePerimeter
	History []store.ExposurePerimeter
	// MayRecord and MayApprove say which forms the user gets.
	MayRecord, MayApprove bool
	Text, Err             string
	Saved                 string
}

// perimeterRoutes registers the declared exposure perimeter of an entity.
func (s *Server) perimeterRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /entites/{finess}/perimetre", s.page(s.perimeterPage))
	handle("POST /entites/{finess}/perimetre", s.page(s.perimeterRecord))
	handle("POST /entites/{finess}/perimetre/approbation", s.page(s.perimeterApprove))
}

// loadPerimeter loads the entity (in scope) and its perimeter versions.
func (s *Server) loadPerimeter(r *http.Request, rq *request) (*perimeterData, rights, error) {
	e, _, err := s.loadEntity(r.Context(), rq.scope, r.PathValue("finess"), false)
	if err != nil {
		return nil, rights{}, err
	}
	hist, err := s.st.ExposurePerimeterHistory(r.Context(), e.FINESS)
	if err != nil {
		return nil, rights{}, err
	}
	d := &perimeterData{Entity: e, History: hist}
	if len(hist) > 0 {
		d.Current = &hist[0]
		d.Text = hist[0].Text
	}
	rt := rightsOf(rq.p, &view{})
	d.MayRecord, d.MayApprove = rt.perimeterRecord(), rt.perimeterApprove(d.Current)
	return d, rt, nil
}

func (s *Server) renderPerimeter(w http.ResponseWriter, r *http.Request, rq *request, status int, d *perimeterData) {
	s.render(w, r, status, "perimeter", pageData{Title: "Périmètre d'exposition — " + d.Entity.Name, User: rq.p, CSRF: rq.csrf, Data: d})
}

// perimeterPage shows the entity's perimeter, its approval and history.
func (s *Server) perimeterPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, _, err := s.loadPerimeter(r, rq)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("enregistre")
	s.renderPerimeter(w, r, rq, http.StatusOK, d)
	return nil
}

// perimeterRecord stores a new version (pending approval).
func (s *Server) perimeterRecord(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, _, err := s.loadPerimeter(r, rq)
	if err != nil {
		return err
	}
	if !d.MayRecord {
		return errReadOnly
	}
	d.Text = r.PostForm.Get("perimetre")
	text, err := validatePerimeter(d.Text, d.Entity.FINESS, s.allowPrivate)
	if err != nil {
		d.Err = err.Error()
		s.renderPerimeter(w, r, rq, http.StatusBadRequest, d)
		return nil
	}
	if _, _, err := s.st.RecordExposurePerimeter(store.WithActor(r.Context(), rq.p.Login), d.Entity.FINESS, text, rq.p.Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/entites/"+string(d.Entity.FINESS)+"/perimetre?enregistre=version", http.StatusSeeOther)
	return nil
}

// perimeterApprove approves the version shown to the approver.
func (s *Server) perimeterApprove(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, _, err := s.loadPerimeter(r, rq)
	if err != nil {
		return err
	}
	switch rq.p.Role {
	case RoleAdmin, RoleGHT, RoleARS:
	default:
		return &httpError{Status: http.StatusForbidden, Msg: "Seuls le référent du GHT, l'ARS ou un administrateur approuvent un périmètre d'exposition."}
	}
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 1 {
		return &httpError{Status: http.StatusBadRequest, Msg: "Version du périmètre invalide."}
	}
	err = s.st.ApproveExposurePerimeter(store.WithActor(r.Context(), rq.p.Login), d.Entity.FINESS, v, rq.p.Login)
	switch {
	case errors.Is(err, store.ErrSelfApproval):
		return &httpError{Status: http.StatusForbidden, Msg: "Vous avez enregistré cette version du périmètre : un autre compte (référent du GHT, ARS ou administrateur) doit l'approuver."}
	case errors.Is(err, store.ErrStaleVersion), errors.Is(err, store.ErrNotFound):
		return &httpError{Status: http.StatusConflict, Msg: "Cette version du périmètre n'est plus la dernière : rechargez la page et relisez la version en attente."}
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/entites/"+string(d.Entity.FINESS)+"/perimetre?enregistre=approbation", http.StatusSeeOther)
	return nil
}

// validatePerimeter checks a declared perimeter and returns the text to
// store: the file format of docs/perimeter.md, "entity" lines only for the
// entity itself, within the expansion limit, and public addresses only
// unless the server allows private targets (lab).
func validatePerimeter(text string, entity org.FINESS, allowPrivate bool) (string, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	switch {
	case text == "":
		return "", errors.New("déclarez au moins un domaine, un nom, une adresse ou un réseau")
	case len(text) > maxPerimeterBytes:
		return "", fmt.Errorf("périmètre trop long : %d Kio au plus", maxPerimeterBytes>>10)
	}
	p, err := perim.Parse(strings.NewReader(text))
	if err != nil {
		return "", err
	}
	if p.Empty() {
		return "", errors.New("déclarez au moins un domaine, un nom, une adresse ou un réseau")
	}
	for _, e := range p.Entities {
		if f, err := org.ParseFINESS(e); err != nil || f != entity {
			return "", fmt.Errorf("ligne « entity %s » : ce périmètre est celui de l'établissement %s seulement", e, entity)
		}
	}
	if !allowPrivate {
		if err := perim.CheckPublic(p); err != nil {
			return "", err
		}
	}
	if _, err := perim.Expand(p.Prefixes(), p.Excludes, perim.DefaultMaxAddresses); err != nil {
		return "", err
	}
	return text + "\n", nil
}

// scanPerimeter builds the perimeter an audit of entity scans from its
// approved version.
func scanPerimeter(ap store.ExposurePerimeter) (*perim.Perimeter, error) {
	p, err := perim.Parse(strings.NewReader(ap.Text))
	if err != nil {
		return nil, fmt.Errorf("périmètre approuvé de %s (version %d) illisible : %w", ap.Entity, ap.Version, err)
	}
	p.Entities = []string{string(ap.Entity)}
	return p, nil
}

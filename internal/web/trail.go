package web

import (
	"net/http"
	"strconv"

	"vigie/internal/store"
)

// trailPage shows the latest audit trail entries to administrators: who
// changed what, when (imports, records, accounts, tokens).
func (s *Server) trailPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.p.Role != RoleAdmin {
		return &httpError{Status: http.StatusForbidden, Msg: "Le journal d'audit est réservé aux administrateurs."}
	}
	limit := 200
	if v := r.URL.Query().Get("n"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5000 {
			return &httpError{Status: http.StatusBadRequest, Msg: "Nombre d'entrées invalide : entier entre 1 et 5000 attendu."}
		}
		limit = n
	}
	entries, err := s.st.AuditTrail(r.Context(), limit)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "trail", pageData{Title: "Journal d'audit", User: rq.p, CSRF: rq.csrf,
		Data: struct{ Entries []store.TrailEntry }{entries}})
	return nil
}

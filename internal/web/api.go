package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// apiError is the JSON body of every API error.
type apiError struct {
	Error string `json:"error"`
}

// writeJSON writes v with a status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// api wraps an API handler: it authenticates with a bearer token (or the
// browser session, for GET), resolves the scope and renders errors as JSON.
// No credentials, or bad ones, answer 401.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, ok, err := s.apiUser(r)
		if err != nil {
			he := s.internalError(r, err)
			writeJSON(w, he.Status, apiError{he.Msg})
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
			writeJSON(w, http.StatusUnauthorized, apiError{"authentification requise : en-tête « Authorization: Bearer JETON » (jeton créé par « vigie user token »)"})
			return
		}
		p, err := principalOf(u)
		if err == nil {
			var sc *scope
			if sc, err = s.resolveScope(r.Context(), p); err == nil {
				err = h(w, r, &request{p: p, scope: sc})
			}
		}
		if err != nil {
			he := s.asHTTPError(r, err)
			writeJSON(w, he.Status, apiError{he.Msg})
		}
	})
}

// apiUser authenticates an API call.
func (s *Server) apiUser(r *http.Request) (store.WebUser, bool, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, found := strings.Cut(h, " ")
		if !found || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(strings.TrimSpace(tok), APITokenPrefix) {
			return store.WebUser{}, false, nil
		}
		u, err := s.st.APITokenUser(r.Context(), HashToken(strings.TrimSpace(tok)), s.now())
		if errors.Is(err, store.ErrNotFound) {
			return store.WebUser{}, false, nil
		}
		return u, err == nil, err
	}
	if r.Method != http.MethodGet {
		return store.WebUser{}, false, nil // a session cookie alone never authorises a write
	}
	_, u, _, ok, err := s.sessionFrom(r)
	return u, ok, err
}

// apiApplicant is an applicant as the API lists it.
type apiApplicant struct {
	store.Applicant
	Bucket  org.Bucket `json:"bucket"`
	Partial bool       `json:"partial,omitempty"`
}

// apiApplicants lists the applicants in scope.
func (s *Server) apiApplicants(w http.ResponseWriter, r *http.Request, rq *request) error {
	views, err := s.visibleApplicants(r.Context(), rq.scope)
	if err != nil {
		return err
	}
	ejList, err := s.st.Entities(r.Context(), store.EntityFilter{Kind: org.EJ})
	if err != nil {
		return err
	}
	ejs := make(map[org.FINESS]org.Entity, len(ejList))
	for _, e := range ejList {
		ejs[e.FINESS] = e
	}
	out := []apiApplicant{}
	for _, v := range views {
		out = append(out, apiApplicant{Applicant: v.Applicant, Bucket: bucketOf(v.Applicant, ejs), Partial: v.Partial()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"applicants": out})
	return nil
}

// apiEvaluation returns an applicant's evaluation at ?at= (today by default),
// limited to the user's view.
func (s *Server) apiEvaluation(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf, _, err := s.asOf(r)
	if err != nil {
		return err
	}
	ev, f, key, err := s.cachedEvaluation(r.Context(), v.Applicant.ID, asOf, care.Options{})
	if err != nil {
		return err
	}
	return s.cachedResponse(w, r, key+"\x00api\x00"+viewKey(v), func(w http.ResponseWriter) error {
		filterEvaluation(ev, f, v)
		writeJSON(w, http.StatusOK, struct {
			*care.Evaluation
			Partial bool `json:"partial,omitempty"`
		}{ev, v.Partial()})
		return nil
	})
}

// apiEntityBody is an entity with its applicant.
type apiEntityBody struct {
	org.Entity
	Applicant string `json:"applicant,omitempty"`
}

// apiEntity returns one entity.
func (s *Server) apiEntity(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, a, err := s.loadEntity(r.Context(), rq.scope, r.PathValue("finess"), false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiEntityBody{Entity: e, Applicant: a.ID})
	return nil
}

package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"vigie/internal/dossier"
	"vigie/internal/store"
)

// Cookie names.
const (
	sessionCookie    = "vigie_session"
	loginCSRFCookie  = "vigie_connexion"
	maxFormBodyBytes = 1 << 20
)

// csrfMessage is shown when a form comes back without its token.
const csrfMessage = "Le jeton de sécurité du formulaire est absent ou invalide (session expirée ou page ouverte depuis un autre site). Rechargez la page puis recommencez."

// DefaultIdleTimeout ends a session after this long without a request
// (within the absolute SessionTTL).
const DefaultIdleTimeout = 30 * time.Minute

// touchEvery throttles the recording of a session's activity.
const touchEvery = time.Minute

// csrfToken derives a form token from the secret of a cookie (session or
// pre-session): only the browser holding the cookie can compute it, and
// the store keeps no usable copy (the session's is stored hashed).
func csrfToken(secret, purpose string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("vigie-csrf:" + purpose))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sessionFrom returns the session of the request's cookie, if any, and
// the session's form token. A session idle for longer than the idle
// timeout is closed; an active one records its activity.
func (s *Server) sessionFrom(r *http.Request) (store.WebSession, store.WebUser, string, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return store.WebSession{}, store.WebUser{}, "", false, nil
	}
	now := s.now()
	ss, u, err := s.st.WebSessionByHash(r.Context(), HashToken(c.Value), now)
	if errors.Is(err, store.ErrNotFound) {
		return store.WebSession{}, store.WebUser{}, "", false, nil
	}
	if err != nil {
		return store.WebSession{}, store.WebUser{}, "", false, err
	}
	if now.Sub(ss.LastSeen) > s.idle {
		if err := s.st.DeleteWebSession(r.Context(), ss.TokenHash); err != nil {
			return store.WebSession{}, store.WebUser{}, "", false, err
		}
		return store.WebSession{}, store.WebUser{}, "", false, nil
	}
	if now.Sub(ss.LastSeen) >= touchEvery {
		if err := s.st.TouchWebSession(r.Context(), ss.TokenHash, now); err != nil {
			return store.WebSession{}, store.WebUser{}, "", false, err
		}
	}
	return ss, u, csrfToken(c.Value, "session"), true, nil
}

// page wraps a page handler: it requires a session (else redirects to the
// login page), resolves the scope, checks the CSRF token of every POST and
// renders errors as French pages.
func (s *Server) page(h handlerFunc) http.Handler { return s.pageUpload(h, maxFormBodyBytes) }

// pageUpload is page with a larger body limit, for multipart uploads.
func (s *Server) pageUpload(h handlerFunc, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ss, u, csrf, ok, err := s.sessionFrom(r)
		if err != nil {
			s.renderError(w, r, nil, s.internalError(r, err))
			return
		}
		if !ok {
			target := "/connexion"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?suite=" + urlQueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		p, err := principalOf(u)
		if err != nil {
			s.renderError(w, r, nil, s.internalError(r, err))
			return
		}
		rq := &request{p: p, csrf: csrf, sessionHash: ss.TokenHash}
		if r.Method == http.MethodPost {
			if limit > maxFormBodyBytes {
				if err := s.checkUpload(p.Login); err != nil {
					s.renderError(w, r, rq, err.(*httpError))
					return
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var err error
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				err = r.ParseMultipartForm(8 << 20) // larger parts go to temporary files
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				msg := "Formulaire illisible."
				if _, big := errors.AsType[*http.MaxBytesError](err); big {
					msg = "Envoi trop volumineux : le formulaire dépasse la taille autorisée."
					if limit == maxUploadBytes {
						msg = fmt.Sprintf("Envoi trop volumineux : le fichier dossier fait %d Mio au plus.", dossier.MaxSize>>20)
					}
				}
				s.renderError(w, r, rq, &httpError{Status: http.StatusBadRequest, Msg: msg})
				return
			}
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
			sent := r.PostForm.Get("csrf")
			if subtle.ConstantTimeCompare([]byte(sent), []byte(csrf)) != 1 || subtle.ConstantTimeCompare([]byte(HashToken(sent)), []byte(ss.CSRF)) != 1 {
				s.renderError(w, r, rq, &httpError{Status: http.StatusForbidden, Msg: csrfMessage})
				return
			}
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			r = r.WithContext(withKnownVersion(r.Context(), ss.DataVersion))
		}
		if rq.scope, err = s.resolveScope(r.Context(), p); err != nil {
			s.renderError(w, r, rq, s.internalError(r, err))
			return
		}
		if err := h(w, r, rq); err != nil {
			s.renderError(w, r, rq, s.asHTTPError(r, err))
		}
	})
}

// newSession opens a session for login and sets its cookie.
func (s *Server) newSession(w http.ResponseWriter, r *http.Request, login string) error {
	token, err := newSecret()
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.st.CreateWebSession(r.Context(), store.WebSession{TokenHash: HashToken(token), Login: login, CSRF: HashToken(csrfToken(token, "session")),
		CreatedAt: now, ExpiresAt: now.Add(s.ttl)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.ttl / time.Second)})
	return nil
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.st.DeleteWebSession(r.Context(), rq.sessionHash); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/connexion?au-revoir=1", http.StatusSeeOther)
	return nil
}

// logoutAll ends every session of the user (« se déconnecter partout »:
// a session left open on another computer, a stolen cookie).
func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request, rq *request) error {
	if _, err := s.st.DeleteWebSessions(r.Context(), rq.p.Login, rq.p.Login); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/connexion?au-revoir=partout", http.StatusSeeOther)
	return nil
}

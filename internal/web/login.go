package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"vigie/internal/store"
)

// loginData fills the login page.
type loginData struct {
	Login     string
	Next      string
	LoginCSRF string
	Error     string
	Field     string // the field the error is about, for aria-invalid
	Bye       bool
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login target only when it is a local path.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// loginForm shows the login page with a fresh login CSRF token.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, _, ok, _ := s.sessionFrom(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d := loginData{Next: safeNext(r.URL.Query().Get("suite")), Bye: r.URL.Query().Get("au-revoir") != ""}
	s.renderLogin(w, r, http.StatusOK, d)
}

// renderLogin renders the login page with the login CSRF token of the
// browser's cookie, or a new one. The token is kept across renders so that
// a page opened in a second tab (or a background request redirected here)
// does not invalidate the first form.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	var tok string
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) == 43 {
		tok = c.Value
	} else if tok, err = newSecret(); err != nil {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	d.LoginCSRF = tok
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/connexion", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: 3600})
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "login", pageData{Title: "Connexion", Data: d})
}

// clientIP is the peer address; no proxy header is trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginSubmit checks the credentials, with throttling per login and per
// client address, and opens a session.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, http.StatusBadRequest, loginData{Error: "Formulaire illisible ou trop volumineux."})
		return
	}
	login := strings.TrimSpace(r.PostForm.Get("login"))
	pw := r.PostForm.Get("password")
	d := loginData{Login: login, Next: safeNext(r.PostForm.Get("suite"))}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("csrf"))) != 1 {
		d.Error = csrfMessage
		s.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	switch {
	case login == "":
		d.Error, d.Field = "Indiquez votre identifiant.", "login"
	case len(login) > 200:
		d.Error, d.Field = "Identifiant trop long (200 caractères au plus).", "login"
	case pw == "":
		d.Error, d.Field = "Indiquez votre mot de passe.", "password"
	}
	if d.Error != "" {
		s.renderLogin(w, r, http.StatusBadRequest, d)
		return
	}
	keys := []string{"login:" + strings.ToLower(login), "ip:" + clientIP(r)}
	now := s.now()
	if until, locked := s.limiter.locked(now, keys...); locked {
		d.Error = fmt.Sprintf("Trop de tentatives de connexion échouées : connexion bloquée jusqu'à %s (%d minutes après le dernier échec). Réessayez plus tard ou contactez votre administrateur.",
			until.In(s.loc).Format("15:04"), int(LoginLockout.Minutes()))
		s.recordLoginFailure(r, login, "connexion bloquée après trop d'échecs")
		s.renderLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	u, err := s.st.WebUser(r.Context(), login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash // same work whether the login exists or not
	}
	if !VerifyPassword(hash, pw) || err != nil || u.Disabled {
		s.limiter.fail(now, keys...)
		s.log.WarnContext(r.Context(), "échec de connexion", "identifiant", login, "adresse", clientIP(r))
		s.recordLoginFailure(r, login, loginFailureReason(err, u))
		d.Error, d.Field = "Identifiant ou mot de passe incorrect.", "password"
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	s.limiter.succeed(keys[0])
	if err := s.newSession(w, r, u.Login); err != nil {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	s.log.InfoContext(r.Context(), "connexion", "identifiant", u.Login, "adresse", clientIP(r))
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: "", Path: "/connexion", MaxAge: -1})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

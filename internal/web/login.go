package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	// Everywhere: every session of the account was closed.
	Everywhere bool
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// maxNext bounds the post-login target.
const maxNext = 2048

// safeNext keeps a post-login target only when it is a path of this site:
// parsed, without scheme, host or user, starting with one "/" (not "//",
// not "/\\" — browsers read a backslash as a slash — even once decoded),
// and without control characters or spaces (browsers drop tabs and line
// feeds, which would turn "/\t/site" into "//site"). Anything else
// answers "/". The result is re-serialised from the parsed URL.
func safeNext(next string) string {
	if next == "" || len(next) > maxNext {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return "/"
		}
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\") {
		return "/"
	}
	u.Fragment, u.RawFragment = "", ""
	return u.RequestURI()
}

// loginForm shows the login page with a fresh login CSRF token.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, _, _, ok, _ := s.sessionFrom(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d := loginData{Next: safeNext(r.URL.Query().Get("suite")), Bye: r.URL.Query().Get("au-revoir") != "", Everywhere: r.URL.Query().Get("au-revoir") == "partout"}
	s.renderLogin(w, r, http.StatusOK, d)
}

// preSessionTTL bounds how long a login form stays usable.
const preSessionTTL = time.Hour

// renderLogin renders the login page. The form is bound to a pre-session:
// the browser's cookie holds a random token whose hash the store keeps,
// and the form's CSRF token derives from it; a cookie forged by another
// site (or a subdomain) has no pre-session and is refused. The pre-session
// of the browser's cookie is kept across renders, so that a page opened in
// a second tab does not invalidate the first form.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	now := s.now()
	tok := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) == 43 {
		if ok, err := s.st.PreSessionValid(r.Context(), HashToken(c.Value), now); err == nil && ok {
			tok = c.Value
		}
	}
	if tok == "" {
		var err error
		if tok, err = newSecret(); err == nil {
			err = s.st.CreatePreSession(r.Context(), HashToken(tok), now, now.Add(preSessionTTL))
		}
		if err != nil {
			s.renderError(w, r, nil, s.internalError(r, err))
			return
		}
	}
	d.LoginCSRF = csrfToken(tok, "connexion")
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/connexion", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: int(preSessionTTL / time.Second)})
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "login", pageData{Title: "Connexion", Data: d})
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
	valid := false
	if err == nil && len(c.Value) == 43 && subtle.ConstantTimeCompare([]byte(csrfToken(c.Value, "connexion")), []byte(r.PostForm.Get("csrf"))) == 1 {
		if valid, err = s.st.PreSessionValid(r.Context(), HashToken(c.Value), s.now()); err != nil {
			s.renderError(w, r, nil, s.internalError(r, err))
			return
		}
	}
	if !valid {
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
	ip := s.clientIP(r)
	account, address := throttleKeys(login, ip)
	now := s.now()
	until, err := s.loginBlocked(r.Context(), now, account, address)
	if err != nil {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	if !until.IsZero() {
		wait := until.Sub(now).Round(time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		d.Error = fmt.Sprintf("Trop de tentatives de connexion échouées : patientez %s avant de réessayer (jusqu'à %s). Chaque nouvel échec allonge l'attente.",
			frDuration(wait), until.In(s.loc).Format("15:04:05"))
		s.recordLoginFailure(r, login, ip, "connexion bloquée après trop d'échecs")
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
	if !VerifyPassword(hash, pw) || err != nil {
		if err := s.loginFailed(r.Context(), now, account, address); err != nil {
			s.renderError(w, r, nil, s.internalError(r, err))
			return
		}
		s.log.WarnContext(r.Context(), "échec de connexion", "identifiant", login, "adresse", ip)
		s.recordLoginFailure(r, login, ip, loginFailureReason(err, u))
		d.Error, d.Field = "Identifiant ou mot de passe incorrect.", "password"
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if u.Disabled() {
		s.log.WarnContext(r.Context(), "connexion d'un compte désactivé", "identifiant", login, "adresse", ip)
		s.recordLoginFailure(r, login, ip, loginFailureReason(nil, u))
		d.Error = "Ce compte est désactivé : contactez votre administrateur."
		s.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	if err := s.st.ClearLoginFailures(r.Context(), account); err != nil {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	if err := s.newSession(w, r, u.Login); err != nil {
		s.renderError(w, r, nil, s.internalError(r, err))
		return
	}
	s.log.InfoContext(r.Context(), "connexion", "identifiant", u.Login, "adresse", ip)
	if err := s.st.DeletePreSession(r.Context(), HashToken(c.Value)); err != nil {
		s.log.ErrorContext(r.Context(), "fin de pré-session", "erreur", err)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: "", Path: "/connexion", MaxAge: -1})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// frDuration writes a wait in French: « 4 secondes », « 2 min 8 s ».
func frDuration(d time.Duration) string {
	sec := int(d.Round(time.Second) / time.Second)
	switch {
	case sec < 2:
		return "1 seconde"
	case sec < 60:
		return strconv.Itoa(sec) + " secondes"
	case sec%60 == 0:
		return strconv.Itoa(sec/60) + " min"
	}
	return fmt.Sprintf("%d min %d s", sec/60, sec%60)
}

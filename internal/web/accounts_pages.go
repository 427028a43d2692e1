package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie/internal/store"
)

// accountRoutes registers the account pages: every user's own account
// (password, API tokens) and the administrators' account management.
func (s *Server) accountRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /compte", s.page(s.ownAccountPage))
	handle("POST /compte/mot-de-passe", s.page(s.changePassword))
	handle("POST /compte/jetons", s.page(s.createToken))
	handle("POST /compte/jetons/{token}/revoquer", s.page(s.revokeToken))
	handle("GET /comptes", s.page(s.accountsPage))
	handle("POST /comptes", s.page(s.createAccount))
	handle("POST /comptes/{login}/desactiver", s.page(s.setAccountDisabled(true)))
	handle("POST /comptes/{login}/reactiver", s.page(s.setAccountDisabled(false)))
	handle("POST /comptes/{login}/reinitialiser", s.page(s.resetPassword))
}

// ownAccountData fills the page of the user's own account.
type ownAccountData struct {
	Login, RoleFr, Scope string
	Tokens               []store.APIToken
	// NewToken is shown once, right after its creation, with its expiry.
	NewToken   string
	NewExpires time.Time
	Msg        string
	Errs       map[string]string
	Label      string
	// Days is the validity typed in the token form.
	Days string
	// Now tells active tokens from expired ones.
	Now time.Time
}

// ownAccountPage shows the user's account: password change and API tokens.
func (s *Server) ownAccountPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	msg := map[string]string{"mot-de-passe": "Mot de passe changé. Vos autres sessions ont été fermées et vos jetons d'API révoqués.",
		"jeton-revoque": "Jeton révoqué : il ne donne plus accès à l'API."}[r.URL.Query().Get("fait")]
	return s.renderOwnAccount(w, r, rq, http.StatusOK, ownAccountData{Msg: msg})
}

func (s *Server) renderOwnAccount(w http.ResponseWriter, r *http.Request, rq *request, status int, d ownAccountData) error {
	toks, err := s.st.APITokens(r.Context(), rq.p.Login)
	if err != nil {
		return err
	}
	d.Login, d.RoleFr, d.Scope, d.Tokens, d.Now = rq.p.Login, rq.p.Role.French(), rq.p.ScopeLabel(), toks, s.now()
	if d.Days == "" {
		d.Days = strconv.Itoa(int(store.DefaultTokenTTL.Hours() / 24))
	}
	if d.NewToken != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "account", pageData{Title: "Mon compte", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// changePassword checks the current password, then replaces it; the
// store closes every session of the account and revokes its API tokens,
// so a new session is opened for this browser.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	cur, pw, again := r.PostForm.Get("actuel"), r.PostForm.Get("nouveau"), r.PostForm.Get("confirmation")
	d := ownAccountData{Errs: map[string]string{}}
	u, err := s.st.WebUser(r.Context(), rq.p.Login)
	if err != nil {
		return err
	}
	if !VerifyPassword(u.PasswordHash, cur) {
		d.Errs["actuel"] = "mot de passe actuel incorrect"
	}
	if err := CheckPasswordPolicy(pw); err != nil {
		d.Errs["nouveau"] = err.Error()
	} else if pw == cur {
		d.Errs["nouveau"] = "le nouveau mot de passe doit différer de l'actuel"
	}
	if again != pw {
		d.Errs["confirmation"] = "la confirmation ne reprend pas le nouveau mot de passe"
	}
	if len(d.Errs) > 0 {
		return s.renderOwnAccount(w, r, rq, http.StatusBadRequest, d)
	}
	if err := SetPassword(r.Context(), s.st, rq.p.Login, pw, rq.p.Login, s.argon); err != nil {
		return err
	}
	if err := s.newSession(w, r, rq.p.Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/compte?fait=mot-de-passe", http.StatusSeeOther)
	return nil
}

// maxTokenLabel bounds an API token's label.
const maxTokenLabel = 100

// createToken issues an API token for the user, valid for the days asked
// (90 by default, 366 at most), and shows it once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	label := strings.TrimSpace(r.PostForm.Get("libelle"))
	days := strings.TrimSpace(r.PostForm.Get("validite"))
	d := ownAccountData{Errs: map[string]string{}, Label: label, Days: days}
	switch {
	case label == "":
		d.Errs["libelle"] = "donnez un nom au jeton (le script ou l'outil qui l'utilise)"
	case len([]rune(label)) > maxTokenLabel:
		d.Errs["libelle"] = fmt.Sprintf("nom trop long (%d caractères au plus)", maxTokenLabel)
	}
	maxDays := int(MaxTokenTTL.Hours() / 24)
	n := int(store.DefaultTokenTTL.Hours() / 24)
	if days != "" {
		var err error
		if n, err = strconv.Atoi(days); err != nil || n < 1 || n > maxDays {
			d.Errs["validite"] = fmt.Sprintf("nombre de jours entre 1 et %d", maxDays)
		}
	}
	if len(d.Errs) > 0 {
		return s.renderOwnAccount(w, r, rq, http.StatusBadRequest, d)
	}
	tok, expires, err := IssueAPITokenFor(r.Context(), s.st, rq.p.Login, label, rq.p.Login, time.Duration(n)*24*time.Hour, s.now())
	if err != nil {
		return err
	}
	d.NewToken, d.NewExpires, d.Label, d.Days = tok, expires, "", ""
	return s.renderOwnAccount(w, r, rq, http.StatusOK, d)
}

// revokeToken revokes one of the user's own tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		return errOutOfScope
	}
	err = s.st.RevokeAPIToken(r.Context(), id, rq.p.Login, rq.p.Login)
	if errors.Is(err, store.ErrNotFound) {
		return errOutOfScope
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/compte?fait=jeton-revoque", http.StatusSeeOther)
	return nil
}

// accountsData fills the administrators' account page.
type accountsData struct {
	Users []store.WebUser
	Roles []Role
	Msg   string
	// Shown is a password generated for an account, shown once.
	Shown, ShownFor string
	Errs            map[string]string
	Form            struct{ Login, Role, Scope string }
}

// requireAdmin refuses every role but the administrators'.
func requireAdmin(rq *request) error {
	if rq.p.Role != RoleAdmin {
		return &httpError{Status: http.StatusForbidden, Msg: "La gestion des comptes est réservée aux administrateurs."}
	}
	return nil
}

// accountsPage lists the accounts with their actions and the creation form.
func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireAdmin(rq); err != nil {
		return err
	}
	msg := map[string]string{"desactive": "Compte désactivé : ses sessions sont fermées et ses jetons d'API révoqués.",
		"reactive": "Compte réactivé : il se connecte avec son mot de passe ; ses anciens jetons ne reviennent pas."}[r.URL.Query().Get("fait")]
	return s.renderAccounts(w, r, rq, http.StatusOK, accountsData{Msg: msg})
}

func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, rq *request, status int, d accountsData) error {
	us, err := s.st.WebUsers(r.Context())
	if err != nil {
		return err
	}
	d.Users, d.Roles = us, Roles()
	if d.Shown != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "accounts", pageData{Title: "Comptes", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// accountPasswordLength is the length of the passwords Vigie generates.
const accountPasswordLength = 16

// createAccount creates an account with a generated password, shown once
// to the administrator (who hands it over; the user changes it).
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireAdmin(rq); err != nil {
		return err
	}
	d := accountsData{Errs: map[string]string{}}
	d.Form.Login = strings.TrimSpace(r.PostForm.Get("identifiant"))
	d.Form.Role = r.PostForm.Get("role")
	d.Form.Scope = strings.TrimSpace(r.PostForm.Get("perimetre"))
	if err := CheckLogin(d.Form.Login); err != nil {
		d.Errs["identifiant"] = err.Error()
	}
	role, err := ParseRole(d.Form.Role)
	if err != nil {
		d.Errs["role"] = "choisissez un rôle"
	} else if _, err := NormalizeScope(r.Context(), s.st, role, d.Form.Scope); err != nil {
		d.Errs["perimetre"] = err.Error()
	}
	if len(d.Errs) > 0 {
		return s.renderAccounts(w, r, rq, http.StatusBadRequest, d)
	}
	pw, err := GeneratePassword(accountPasswordLength)
	if err != nil {
		return err
	}
	err = CreateUser(r.Context(), s.st, d.Form.Login, role, d.Form.Scope, pw, rq.p.Login, s.argon)
	if errors.Is(err, store.ErrDuplicate) {
		d.Errs["identifiant"] = "cet identifiant existe déjà"
		return s.renderAccounts(w, r, rq, http.StatusBadRequest, d)
	}
	if err != nil {
		return err
	}
	return s.renderAccounts(w, r, rq, http.StatusOK, accountsData{Shown: pw, ShownFor: d.Form.Login,
		Msg: "Compte « " + d.Form.Login + " » créé."})
}

// setAccountDisabled disables or re-enables an account (never one's own).
func (s *Server) setAccountDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := requireAdmin(rq); err != nil {
			return err
		}
		login := r.PathValue("login")
		if login == rq.p.Login {
			return &httpError{Status: http.StatusBadRequest, Msg: "Vous ne pouvez pas désactiver votre propre compte."}
		}
		err := s.st.SetWebUserDisabled(r.Context(), login, disabled, rq.p.Login)
		if errors.Is(err, store.ErrNotFound) {
			return errOutOfScope
		}
		if err != nil {
			return err
		}
		done := "reactive"
		if disabled {
			done = "desactive"
		}
		http.Redirect(w, r, "/comptes?fait="+done, http.StatusSeeOther)
		return nil
	}
}

// resetPassword gives an account a new generated password, shown once;
// its sessions are closed.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireAdmin(rq); err != nil {
		return err
	}
	login := r.PathValue("login")
	pw, err := GeneratePassword(accountPasswordLength)
	if err != nil {
		return err
	}
	err = SetPassword(r.Context(), s.st, login, pw, rq.p.Login, s.argon)
	if errors.Is(err, store.ErrNotFound) {
		return errOutOfScope
	}
	if err != nil {
		return err
	}
	if login == rq.p.Login {
		if err := s.newSession(w, r, login); err != nil {
			return err
		}
	}
	return s.renderAccounts(w, r, rq, http.StatusOK, accountsData{Shown: pw, ShownFor: login,
		Msg: "Mot de passe de « " + login + " » réinitialisé ; ses sessions sont fermées et ses jetons d'API révoqués."})
}

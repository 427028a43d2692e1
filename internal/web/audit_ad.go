package web

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"vigie/internal/jobs"
	"vigie/internal/store"
)

// maxCABytes bounds the CA certificate pasted in the form.
const maxCABytes = 64 << 10

// tlsModes are the choices of the connection form: stored value → French label.
var tlsModes = []struct{ Value, Label string }{
	{TLSLDAPS, "LDAPS (TLS dès la connexion, port 636)"},
	{TLSStartTLS, "StartTLS (port 389 puis TLS)"},
	{TLSNone, "aucun chiffrement (déconseillé : mot de passe en clair sur le réseau)"},
}

// connectionForm describes the form storing a directory's connection.
func connectionForm(v *view, dir string) *form {
	return &form{
		Title:  "Connexion à l'annuaire " + dir,
		Intro:  fmt.Sprintf("Dossier %s. Le mot de passe et l'ensemble de la connexion sont chiffrés dans la base (AES-256-GCM) ; ils ne sont jamais réaffichés. Une nouvelle saisie remplace la précédente.", v.Applicant.Name),
		Action: "/dossiers/" + v.Applicant.ID + "/annuaires/" + dir + "/connexion",
		Submit: "Enregistrer la connexion",
		Fields: []*field{
			{Name: "hote", Label: "Contrôleur de domaine", Help: "L'un des contrôleurs déclarés pour l'annuaire par un administrateur ou le référent du GHT (nom DNS ou adresse).", Kind: "text", Required: true},
			{Name: "port", Label: "Port (facultatif)", Help: "Par défaut 636 en LDAPS, 389 sinon.", Kind: "text"},
			{Name: "tls", Label: "Chiffrement", Kind: "tls", Required: true, Value: TLSLDAPS},
			{Name: "compte", Label: "Compte de collecte", Help: "compte@domaine, DOMAINE\\compte ou DN ; un compte en lecture seule suffit.", Kind: "text", Required: true},
			{Name: "mot_de_passe", Label: "Mot de passe", Kind: "password", Required: true},
			{Name: "ca", Label: "Certificat de l'autorité (PEM, facultatif)", Help: "L'autorité qui a signé le certificat du contrôleur, si elle n'est pas reconnue par le système.", Kind: "textarea"},
		},
	}
}

// loadDirectory loads a writable dossier and one of its directories the user sees.
func (s *Server) loadDirectory(r *http.Request, rq *request) (*view, string, error) {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return nil, "", err
	}
	id := r.PathValue("dir")
	for _, d := range f.Directories {
		if d.ID != id {
			continue
		}
		for _, e := range d.Entities {
			if !v.Partial() || v.only[e] {
				return v, id, nil
			}
		}
	}
	return nil, "", errOutOfScope
}

// connectionHandler serves GET (empty form) and POST (validate, seal, store) of a directory's connection.
func (s *Server) connectionHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, dir, err := s.loadDirectory(r, rq)
	if err != nil {
		return err
	}
	fm := connectionForm(v, dir)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "auditform", pageData{Title: fm.Title, User: rq.p, CSRF: rq.csrf, Data: fm})
		return nil
	}
	fm.fill(r.PostForm.Get)
	c, ok := validateConnection(fm)
	fm.get("mot_de_passe").Value = "" // never sent back, even on an error
	if h := fm.get("hote"); ok {
		declared, hosts, err := s.declaredController(r.Context(), dir, c.Host)
		switch {
		case err != nil:
			return err
		case len(hosts) == 0:
			h.Err, ok = "aucun contrôleur de domaine n'est déclaré pour cet annuaire : un administrateur ou le référent du GHT doit d'abord les déclarer", false
		case !declared:
			h.Err, ok = "contrôleur non déclaré pour cet annuaire (déclarés : "+strings.Join(hosts, ", ")+")", false
		}
	}
	if ok {
		err := s.st.SaveADConnection(store.WithActor(r.Context(), rq.p.Login), v.Applicant.ID, dir, c, rq.p.Login)
		if errors.Is(err, store.ErrNoKey) {
			return &httpError{Status: http.StatusBadRequest, Msg: "Aucune clé de chiffrement n'est configurée pour la base : la connexion ne peut pas être enregistrée."}
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"/audits?enregistre=connexion", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusBadRequest, "auditform", pageData{Title: fm.Title + " — erreur", User: rq.p, CSRF: rq.csrf, Data: fm})
	return nil
}

// validateConnection checks the connection form.
func validateConnection(fm *form) (store.ADConnection, bool) {
	var c store.ADConnection
	req := func(name string) string {
		x := fm.get(name)
		if x.Value == "" {
			x.Err = "valeur obligatoire"
		}
		return x.Value
	}
	c.Host = req("hote")
	if len(c.Host) > 255 {
		fm.get("hote").Err = "nom trop long (255 caractères au plus)"
	}
	if p := fm.get("port"); p.Value != "" {
		n, err := strconv.Atoi(p.Value)
		if err != nil || n < 1 || n > 65535 {
			p.Err = "port attendu entre 1 et 65535"
		}
		c.Port = n
	}
	t := fm.get("tls")
	c.TLS = t.Value
	if t.Value != TLSLDAPS && t.Value != TLSStartTLS && t.Value != TLSNone {
		t.Err = "choisissez LDAPS, StartTLS ou aucun chiffrement"
	}
	c.User = req("compte")
	c.Password = req("mot_de_passe")
	if ca := fm.get("ca"); ca.Value != "" {
		switch {
		case len(ca.Value) > maxCABytes:
			ca.Err = fmt.Sprintf("certificat trop long (%d Kio au plus)", maxCABytes>>10)
		case !validPEM(ca.Value):
			ca.Err = "certificat illisible : collez un certificat au format PEM (-----BEGIN CERTIFICATE----- …)"
		default:
			c.CAPEM = ca.Value
		}
	}
	return c, fm.errCount() == 0
}

// validPEM reports whether text holds at least one parsable certificate and nothing else.
func validPEM(text string) bool {
	rest, n := []byte(text), 0
	for {
		b, r := pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return false
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return false
		}
		n, rest = n+1, r
	}
	return n > 0
}

// adLaunch starts the AD audit of a directory with its stored connection.
func (s *Server) adLaunch(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, dir, err := s.loadDirectory(r, rq)
	if err != nil {
		return err
	}
	if s.jobs == nil {
		return errNoEngines
	}
	c, err := s.st.ADConnectionOf(r.Context(), v.Applicant.ID, dir)
	if errors.Is(err, store.ErrNotFound) {
		return &httpError{Status: http.StatusBadRequest, Msg: fmt.Sprintf("Aucune connexion n'est enregistrée pour l'annuaire %s : renseignez-la d'abord.", dir)}
	} else if err != nil {
		return err
	}
	if ok, _, err := s.declaredController(r.Context(), dir, c.Host); err != nil {
		return err
	} else if !ok {
		return &httpError{Status: http.StatusBadRequest, Msg: "Audit refusé : " + errUndeclaredController(dir, c.Host).Error() + "."}
	}
	app := v.Applicant.ID
	id, err := s.jobs.EnqueueADLimited(r.Context(), jobs.ADRequest{Applicant: app, Directory: dir, By: rq.p.Login}, s.jobLimits)
	if qe, ok := errors.AsType[*jobs.QuotaError](err); ok {
		return &httpError{Status: http.StatusTooManyRequests, Msg: "Audit non lancé : " + qe.Error() + "."}
	}
	if err != nil {
		return err
	}
	s.trailJob(r.Context(), rq.p.Login, "tache_ad", app, fmt.Sprintf("tâche %d : annuaire %s", id, dir))
	http.Redirect(w, r, fmt.Sprintf("/dossiers/%s/taches/%d", app, id), http.StatusSeeOther)
	return nil
}

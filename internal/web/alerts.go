package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"vigie/internal/alert"
	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// minWebhookSecret is the shortest webhook signing secret accepted.
const minWebhookSecret = 16

// alertRoutes registers the alert subscription pages.
func (s *Server) alertRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /alertes", s.page(s.alertsPage))
	handle("POST /alertes", s.page(s.alertsPage))
	handle("POST /alertes/{sub}/suppression", s.page(s.alertDelete))
}

// initAlertPages parses the subscriptions page.
func (s *Server) initAlertPages() error {
	t, err := template.New("layout.html").Funcs(templateFuncs(s.loc)).Funcs(template.FuncMap{
		"alertKind": func(k string) string { return alert.Kind(k).French() },
	}).ParseFS(templateFiles, "templates/layout.html", "templates/alerts.html")
	if err != nil {
		return fmt.Errorf("gabarit alerts : %w", err)
	}
	s.pages["alerts"] = t
	return nil
}

// subscriptionRow is a subscription of the page, its dossier and subject named.
type subscriptionRow struct {
	Sub           store.AlertSubscription
	Dossier, What string
}

// alertsData fills the subscriptions page.
type alertsData struct {
	Rows []subscriptionRow
	Form *recForm
	Done string
}

// alertsForm describes the subscription form: a dossier (or an entity or
// directory of it) among those the user sees, kinds, immediate or digest,
// e-mail and/or signed webhook.
func alertsForm(subjects []option) *recForm {
	kinds := make([]option, len(alert.Kinds))
	for i, k := range alert.Kinds {
		kinds[i] = option{string(k), k.French()}
	}
	return &recForm{form: &form{
		Title:  "Nouvel abonnement",
		Intro:  "Vigie vous prévient des événements choisis sur ce que votre compte peut voir ; une même vulnérabilité, une même échéance n'est signalée qu'une fois.",
		Action: "/alertes", Submit: "S'abonner",
		Fields: []*field{
			{Name: "sujet", Label: "Dossier, établissement ou annuaire", Kind: "select", Required: true},
			{Name: "types", Label: "Événements", Kind: "checks", Required: true},
			{Name: "resume", Label: "Recevoir un résumé périodique plutôt qu'un message par alerte", Kind: "yesno", Required: true, Value: "non"},
			{Name: "courriel", Label: "Adresse électronique (facultatif)", Help: "Envoi par le serveur de messagerie de Vigie (STARTTLS).", Kind: "text"},
			{Name: "webhook", Label: "Adresse du webhook (facultatif)", Help: "https://… ; chaque requête est signée (en-têtes X-Vigie-Timestamp et X-Vigie-Signature, HMAC-SHA256).", Kind: "text"},
			{Name: "secret", Label: "Secret de signature du webhook", Help: fmt.Sprintf("%d caractères au moins ; il n'est plus jamais affiché.", minWebhookSecret), Kind: "text"},
		},
		Note: "Une adresse électronique, un webhook ou les deux.",
	}, Back: "/", Opts: map[string][]option{"sujet": subjects, "types": kinds}}
}

// alertSubjects lists what the user may subscribe to: each visible
// dossier (whole or the visible part), its visible entities and directories.
// Values are « dossier », « dossier/FINESS » or « dossier/annuaire ».
func (s *Server) alertSubjects(ctx context.Context, sc *scope) ([]option, map[string]*view, error) {
	views, err := s.visibleApplicants(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	var out []option
	byID := map[string]*view{}
	for _, v := range views {
		byID[v.Applicant.ID] = v
		f, err := s.cachedFacts(ctx, v.Applicant.ID)
		if err != nil {
			return nil, nil, err
		}
		label := "dossier " + v.Applicant.Name
		if v.Partial() {
			label += " (votre partie)"
		}
		out = append(out, option{v.Applicant.ID, label})
		for _, e := range visibleEntities(v, f) {
			out = append(out, option{v.Applicant.ID + "/" + string(e.FINESS), "  établissement " + e.Name + " (" + string(e.FINESS) + ")"})
		}
		for _, d := range f.Directories {
			if !v.Partial() || usesVisible(v, d) {
				out = append(out, option{v.Applicant.ID + "/" + d.ID, "  annuaire " + d.ID})
			}
		}
	}
	return out, byID, nil
}

// alertsPage lists the user's subscriptions (GET) and adds one (POST):
// one subscription per channel chosen.
func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	subjects, views, err := s.alertSubjects(ctx, rq.scope)
	if err != nil {
		return err
	}
	fm := alertsForm(subjects)
	d := alertsData{Form: fm}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		fm.fill(r.PostForm.Get)
		fm.fillChecks(r)
		subs, ok := s.validateSubscription(fm, rq.p.Login, views)
		if ok {
			for _, sub := range subs {
				if _, err := s.st.SaveAlertSubscription(ctx, sub); err != nil {
					return err
				}
			}
			http.Redirect(w, r, "/alertes?enregistre=1", http.StatusSeeOther)
			return nil
		}
		status = http.StatusBadRequest
	}
	if r.URL.Query().Get("enregistre") == "1" {
		d.Done = "Abonnement enregistré."
	}
	mine, err := s.st.AlertSubscriptionsOf(ctx, rq.p.Login)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, o := range subjects {
		names[o.Value] = o.Label
	}
	for _, sub := range mine {
		key := sub.Applicant
		if sub.Subject != "" {
			key += "/" + sub.Subject
		}
		what := names[key]
		if what == "" {
			what = "hors de votre périmètre actuel : rien n'est envoyé"
		}
		sub.Secret = "" // never shown
		d.Rows = append(d.Rows, subscriptionRow{Sub: sub, Dossier: sub.Applicant, What: what})
	}
	s.render(w, r, status, "alerts", pageData{Title: "Mes alertes", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// validateSubscription checks the form and returns a subscription per channel.
func (s *Server) validateSubscription(fm *recForm, login string, views map[string]*view) ([]store.AlertSubscription, bool) {
	base := store.AlertSubscription{Login: login}
	if v, ok := fm.choice("sujet", "choisissez un dossier, un établissement ou un annuaire"); ok {
		app, sub, _ := strings.Cut(v, "/")
		if views[app] == nil {
			fm.get("sujet").Err = "hors de votre périmètre"
		}
		base.Applicant, base.Subject = app, sub
	}
	for _, k := range alert.Kinds {
		if fm.IsChecked("types", string(k)) {
			base.Kinds = append(base.Kinds, string(k))
		}
	}
	if len(base.Kinds) == 0 && fm.get("types").Err == "" {
		fm.get("types").Err = "cochez au moins un type d'événement"
	}
	switch x := fm.get("resume"); x.Value {
	case "oui", "non":
		base.Digest = x.Value == "oui"
	default:
		x.Err = "oui ou non attendu"
	}
	var out []store.AlertSubscription
	mailTo, hook, secret := fm.get("courriel"), fm.get("webhook"), fm.get("secret")
	if mailTo.Value == "" && hook.Value == "" {
		mailTo.Err = "indiquez une adresse électronique, un webhook ou les deux"
	}
	if mailTo.Value != "" {
		if a, err := mail.ParseAddress(mailTo.Value); err != nil || a.Address != mailTo.Value || len(mailTo.Value) > 254 {
			mailTo.Err = "adresse électronique invalide (nom@domaine attendu)"
		} else {
			e := base
			e.Channel, e.Target = "email", mailTo.Value
			out = append(out, e)
		}
	}
	if hook.Value != "" {
		switch err := alert.CheckURL(hook.Value, s.allowPrivate); {
		case len(hook.Value) > 2000:
			hook.Err = "adresse trop longue"
		case err != nil:
			hook.Err = err.Error()
		case utf8.RuneCountInString(secret.Value) < minWebhookSecret:
			secret.Err = fmt.Sprintf("secret de %d caractères au moins attendu", minWebhookSecret)
		default:
			h := base
			h.Channel, h.Target, h.Secret = "webhook", hook.Value, secret.Value
			out = append(out, h)
		}
	}
	secret.Value = "" // never sent back
	return out, fm.errCount() == 0
}

// alertDelete deletes one of the user's subscriptions.
func (s *Server) alertDelete(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("sub"), 10, 64)
	if err != nil {
		return errOutOfScope
	}
	if err := s.st.DeleteAlertSubscription(r.Context(), id, rq.p.Login); errors.Is(err, store.ErrNotFound) {
		return errOutOfScope
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/alertes", http.StatusSeeOther)
	return nil
}

// AlertScope returns the check the alert notifier applies before recording
// an event for a subscriber: the account exists, is enabled, and its
// current scope shows the dossier and, in a partial view, the entity or
// directory the event is about (whatever it could see when subscribing).
func AlertScope(st *store.Store) func(ctx context.Context, login, applicant, subject string) (bool, error) {
	s := &Server{st: st}
	return func(ctx context.Context, login, applicant, subject string) (bool, error) {
		u, err := st.WebUser(ctx, login)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil || u.Disabled() {
			return false, err
		}
		p, err := principalOf(u)
		if err != nil {
			return false, nil
		}
		sc, err := s.resolveScope(ctx, p)
		if err != nil {
			return false, err
		}
		v, err := s.loadApplicantView(ctx, sc, applicant)
		if errors.Is(err, errOutOfScope) || (err != nil && errors.As(err, new(*httpError))) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch {
		case !v.Partial():
			return true, nil
		case subject == "" || subject == applicant: // the dossier's own results: not a partial view's
			return false, nil
		case v.only[org.FINESS(subject)]:
			return true, nil
		}
		f, err := st.LoadFacts(ctx, applicant)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(f.Directories, func(d care.Directory) bool { return d.ID == subject && usesVisible(v, d) }), nil
	}
}

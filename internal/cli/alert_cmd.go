package cli

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vigie/internal/alert"
	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/store"
	"vigie/internal/web"
)

// runAlert runs « vigie alert »: subscriptions, and the evaluation and
// sending the job engine otherwise does periodically.
func runAlert(ctx context.Context, env *Env, args []string) error {
	const usage = "alert subscribe|list|delete|check|flush [options]"
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprintf(env.Stdout, "Usage : vigie %s\n\n", usage)
		fmt.Fprintln(env.Stdout, "  subscribe  abonner un compte : --user L [--dossier ID [--subject FINESS|ANNUAIRE]] --kinds TYPE,… (--email ADR | --webhook URL --secret-file F) [--digest]")
		fmt.Fprintln(env.Stdout, "  list       lister les abonnements [--user L] (jamais les secrets)")
		fmt.Fprintln(env.Stdout, "  delete     supprimer un abonnement : --user L ID")
		fmt.Fprintln(env.Stdout, "  check      évaluer les dossiers maintenant (ou --at DATE) et envoyer les alertes « objectif non atteint » et « échéance proche »")
		fmt.Fprintln(env.Stdout, "  flush      envoyer maintenant les alertes en attente, résumés compris")
		kinds := make([]string, len(alert.Kinds))
		for i, k := range alert.Kinds {
			kinds[i] = fmt.Sprintf("%s (%s)", k, k.French())
		}
		fmt.Fprintf(env.Stdout, "\nTypes : %s.\nLes exécutants (« vigie worker », « vigie serve ») évaluent et envoient d'eux-mêmes (--alert-interval, --digest-interval).\n", strings.Join(kinds, ", "))
		if len(args) == 0 {
			return ExitStatus(2)
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	name := "alert " + sub
	fs := newFlags(env, name, name)
	var sf storeFlags
	sf.register(fs)
	var smtp smtpFlags
	smtp.register(fs)
	user := fs.String("user", "", "compte de l'interface web concerné")
	dossierID := fs.String("dossier", "", "dossier suivi (vide : tous ceux que le compte voit)")
	subject := fs.String("subject", "", "établissement (FINESS) ou annuaire du dossier (vide : tout le dossier)")
	kindsFlag := fs.String("kinds", "", "types d'événements séparés par des virgules")
	email := fs.String("email", "", "adresse électronique destinataire")
	hook := fs.String("webhook", "", "adresse du webhook (requêtes signées HMAC-SHA256)")
	secretFile := fs.String("secret-file", "", "fichier du secret de signature du webhook (16 caractères au moins)")
	digest := fs.Bool("digest", false, "résumé périodique plutôt qu'un message par alerte")
	at := fs.String("at", "", "date de l'évaluation (check ; défaut : aujourd'hui)")
	days := fs.Int("deadline-days", alert.DefaultDeadlineDays, "alerte « échéance proche » : jours avant l'échéance (check)")
	allowPrivate := fs.Bool("allow-private-targets", false, "laboratoire seulement : webhooks vers des adresses non publiques")
	pos, err := parse(env, fs, name+" [options]", rest)
	if err != nil {
		return err
	}
	switch sub {
	case "subscribe", "list", "check", "flush":
		if len(pos) != 0 {
			return usagef("%s : argument inattendu %q", name, pos[0])
		}
	case "delete":
		if len(pos) != 1 || *user == "" {
			return usagef("alert delete : --user L ID attendus")
		}
	default:
		return usagef("alert : sous-commande inconnue %q (subscribe, list, delete, check ou flush)", sub)
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "subscribe":
		return alertSubscribe(ctx, env, st, *user, *dossierID, *subject, *kindsFlag, *email, *hook, *secretFile, *digest, *allowPrivate)
	case "list":
		return alertList(ctx, env, st, *user)
	case "delete":
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return usagef("alert delete : identifiant %q invalide", pos[0])
		}
		if err := st.DeleteAlertSubscription(ctx, id, *user); errors.Is(err, store.ErrNotFound) {
			return inputErr(fmt.Errorf("abonnement %d de %s introuvable", id, *user))
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Abonnement %d supprimé.\n", id)
		return nil
	}
	m, err := smtp.mailer(env)
	if err != nil {
		return err
	}
	n := &alert.Notifier{Store: st, Now: env.Now, Mail: m, Webhook: &alert.Webhook{AllowPrivate: *allowPrivate, Now: env.Now}, Allowed: web.AlertScope(st),
		Location: zoneOf(env)}
	if sub == "flush" {
		if err := n.Flush(ctx); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "Alertes en attente envoyées.")
		return nil
	}
	now := env.Now()
	if *at != "" {
		d, err := civil.ParseInput(*at)
		if err != nil {
			return usagef("alert check : --at : %v", err)
		}
		now = time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, n.Location)
	}
	seen, err := (&alert.Watcher{Store: st, Notifier: n, DeadlineDays: *days, Location: n.Location}).Check(ctx, now)
	fmt.Fprintf(env.Stdout, "Dossiers évalués au %s : %s (chaque abonné ne reçoit qu'une fois le même).\n", civil.Of(now.In(n.Location)).French(), french.Plural(seen, "événement", "événements"))
	return err
}

// alertSubscribe records the subscriptions of a command line.
func alertSubscribe(ctx context.Context, env *Env, st *store.Store, user, dossierID, subject, kindsFlag, email, hook, secretFile string, digest, allowPrivate bool) error {
	switch {
	case user == "":
		return usagef("alert subscribe : --user requis")
	case email == "" && hook == "":
		return usagef("alert subscribe : --email, --webhook ou les deux")
	case subject != "" && dossierID == "":
		return usagef("alert subscribe : --subject demande --dossier")
	}
	if _, err := st.WebUser(ctx, user); errors.Is(err, store.ErrNotFound) {
		return inputErr(fmt.Errorf("--user %s : compte inconnu", user))
	} else if err != nil {
		return err
	}
	var kinds []string
	for _, k := range strings.Split(kindsFlag, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !slices.Contains(alert.Kinds, alert.Kind(k)) {
			return usagef("alert subscribe : --kinds : type %q inconnu (vigie alert help)", k)
		}
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return usagef("alert subscribe : --kinds requis")
	}
	if dossierID != "" {
		ok, err := web.AlertScope(st)(ctx, user, dossierID, subject)
		if err != nil {
			return err
		}
		if !ok {
			return inputErr(fmt.Errorf("%s ne voit pas %s", user, strings.Trim(dossierID+"/"+subject, "/")))
		}
	}
	base := store.AlertSubscription{Login: user, Applicant: dossierID, Subject: subject, Kinds: kinds, Digest: digest}
	var subs []store.AlertSubscription
	if email != "" {
		if _, err := mail.ParseAddress(email); err != nil {
			return inputErr(fmt.Errorf("--email %q : adresse invalide", email))
		}
		e := base
		e.Channel, e.Target = "email", email
		subs = append(subs, e)
	}
	if hook != "" {
		if err := alert.CheckURL(hook, allowPrivate); err != nil {
			return inputErr(fmt.Errorf("--webhook : %w", err))
		}
		if secretFile == "" {
			return usagef("alert subscribe : --webhook demande --secret-file")
		}
		b, err := os.ReadFile(secretFile)
		if err != nil {
			return inputErr(fmt.Errorf("--secret-file : %w", err))
		}
		secret := strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
		if len([]rune(secret)) < 16 {
			return inputErr(errors.New("--secret-file : secret de 16 caractères au moins attendu"))
		}
		h := base
		h.Channel, h.Target, h.Secret = "webhook", hook, secret
		subs = append(subs, h)
	}
	for _, s := range subs {
		id, err := st.SaveAlertSubscription(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Abonnement %d : %s → %s %s.\n", id, user, s.Channel, s.Target)
	}
	return nil
}

// alertList prints the subscriptions (of one user when user is set).
func alertList(ctx context.Context, env *Env, st *store.Store, user string) error {
	var subs []store.AlertSubscription
	var err error
	if user != "" {
		subs, err = st.AlertSubscriptionsOf(ctx, user)
	} else {
		subs, err = st.AlertSubscriptions(ctx)
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOMPTE\tDOSSIER\tSUJET\tTYPES\tENVOI\tCANAL\tDESTINATAIRE")
	for _, s := range subs {
		mode := "immédiat"
		if s.Digest {
			mode = "résumé"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Login, dash(s.Applicant), dash(s.Subject), strings.Join(s.Kinds, ","), mode, s.Channel, s.Target)
	}
	return tw.Flush()
}

package cli

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"vigie/internal/alert"
	"vigie/internal/care"
	"vigie/internal/exposure"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
	"vigie/internal/web"
)

// smtpFlags are the mail server settings of the alerts; each falls back
// on its environment variable (VIGIE_SMTP_ADDR, VIGIE_SMTP_USER,
// VIGIE_SMTP_PASSWORD, VIGIE_SMTP_FROM, VIGIE_SMTP_CA_FILE).
type smtpFlags struct {
	addr, user, passwordFile, from, caFile string
}

func (f *smtpFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&f.addr, "smtp-addr", "", "alertes par courriel : serveur de soumission HÔTE:PORT (STARTTLS exigé ; défaut $VIGIE_SMTP_ADDR)")
	fs.StringVar(&f.user, "smtp-user", "", "compte d'authentification SMTP (défaut $VIGIE_SMTP_USER)")
	fs.StringVar(&f.passwordFile, "smtp-password-file", "", "fichier du mot de passe SMTP (défaut $VIGIE_SMTP_PASSWORD)")
	fs.StringVar(&f.from, "smtp-from", "", "expéditeur des alertes (défaut $VIGIE_SMTP_FROM, sinon vigie@localhost)")
	fs.StringVar(&f.caFile, "smtp-ca-file", "", "autorité (PEM) du certificat du serveur SMTP, si le système ne la connaît pas (défaut $VIGIE_SMTP_CA_FILE)")
}

// mailer returns the SMTP sender of the settings (nil when no server is set).
func (f smtpFlags) mailer(env *Env) (*alert.SMTP, error) {
	or := func(v, name string) string { return cmp.Or(v, env.Getenv(name)) }
	addr := or(f.addr, "VIGIE_SMTP_ADDR")
	if addr == "" {
		return nil, nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, inputErr(fmt.Errorf("--smtp-addr %q : HÔTE:PORT attendu", addr))
	}
	m := &alert.SMTP{Addr: addr, User: or(f.user, "VIGIE_SMTP_USER"), Password: env.Getenv("VIGIE_SMTP_PASSWORD"),
		From: cmp.Or(or(f.from, "VIGIE_SMTP_FROM"), "vigie@localhost")}
	if f.passwordFile != "" {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return nil, inputErr(fmt.Errorf("--smtp-password-file : %w", err))
		}
		m.Password = strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
	}
	if ca := or(f.caFile, "VIGIE_SMTP_CA_FILE"); ca != "" {
		b, err := os.ReadFile(ca)
		if err != nil {
			return nil, inputErr(fmt.Errorf("--smtp-ca-file : %w", err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, inputErr(fmt.Errorf("--smtp-ca-file %s : aucun certificat PEM lisible", ca))
		}
		m.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return m, nil
}

// alertNotifier returns the notifier of the job engine: e-mail through the
// configured server (STARTTLS required), webhooks to public addresses
// only unless --allow-private-targets, to the subscribers whose current
// scope shows the event (web.AlertScope); its dates are in loc.
func alertNotifier(env *Env, st *store.Store, jf *jobFlags, loc *time.Location) (*alert.Notifier, error) {
	var sf smtpFlags
	allowPrivate := false
	if jf != nil {
		sf, allowPrivate = jf.smtp, jf.allowPrivate
	}
	m, err := sf.mailer(env)
	if err != nil {
		return nil, err
	}
	return &alert.Notifier{Store: st, Now: env.Now, Mail: m, Webhook: &alert.Webhook{AllowPrivate: allowPrivate, Now: env.Now},
		Allowed: web.AlertScope(st), Location: loc}, nil
}

// alertTasks are the leader's periodic alert jobs: evaluate every dossier
// (objectives turned « non atteint », deadlines within --deadline-days)
// and send again the immediate alerts whose sending failed; send the
// digests.
func alertTasks(st *store.Store, n *alert.Notifier, jf *jobFlags, log *slog.Logger) []jobs.Periodic {
	w := &alert.Watcher{Store: st, Notifier: n, DeadlineDays: jf.deadlineDays, Location: n.Location}
	return []jobs.Periodic{
		{Name: "alert-check", Every: jf.alertEvery, Run: func(ctx context.Context, now time.Time) error {
			seen, err := w.Check(ctx, now)
			if log != nil {
				log.Info("évaluation des alertes", "événements", seen, "erreur", err)
			}
			return errors.Join(err, n.FlushImmediate(ctx))
		}},
		{Name: "alert-digest", Every: jf.digestEvery, Run: func(ctx context.Context, now time.Time) error { return n.Flush(ctx) }},
	}
}

// wireAlerts has the engine alert on failed attempts, new critical
// exposure findings and AD level drops.
func wireAlerts(cfg *jobs.Config, n *alert.Notifier, log *slog.Logger) {
	notify := func(ctx context.Context, evs []alert.Event) {
		if len(evs) == 0 {
			return
		}
		if err := n.Notify(ctx, evs); err != nil && log != nil {
			log.Warn("alertes", "erreur", err)
		}
	}
	cfg.OnFailure = func(ctx context.Context, j jobs.Job) {
		subject, what := j.Directory, "audit Active Directory"
		if j.Kind == jobs.KindExposure {
			subject, what = strings.Join(j.Entities, ","), "audit d'exposition"
		}
		msg := ""
		if n := len(j.Errors); n > 0 {
			msg = j.Errors[n-1].Message
		}
		notify(ctx, []alert.Event{alert.Failed(j.Applicant, subject, j.ID, j.Attempt, what, msg, n.Now())})
	}
	cfg.OnStored = func(ctx context.Context, kind store.AuditKind, id string, args any) {
		switch a := args.(type) {
		case jobs.ExposureArgs:
			notify(ctx, exposureEvents(ctx, n.Store, a, id, n))
		case jobs.ADArgs:
			notify(ctx, adEvents(ctx, n.Store, a, id, n))
		}
	}
}

// exposureEvents compares a stored exposure audit with the previous stored
// one of its entity.
func exposureEvents(ctx context.Context, st *store.Store, a jobs.ExposureArgs, id string, n *alert.Notifier) []alert.Event {
	if len(a.Entities) == 0 {
		return nil
	}
	ent := org.FINESS(a.Entities[0])
	cur, err := loadExposure(ctx, st, id)
	if err != nil {
		return nil
	}
	// The dossier is the job's (a GHT's for its establishments), else the
	// one the entity belongs to today.
	app := a.Applicant
	if app == "" {
		ap, err := st.ApplicantOf(ctx, ent)
		if err != nil {
			return nil
		}
		app = ap.ID
	}
	var prev *exposure.Audit
	if f, err := st.LoadFacts(ctx, app); err == nil {
		audits := slices.Clone(f.ExposureAudits)
		slices.SortFunc(audits, func(x, y care.ExposureAudit) int { return x.Date.Compare(y.Date) })
		for i := len(audits) - 1; i >= 0; i-- {
			if audits[i].ID != "" && audits[i].ID != id && slices.Contains(audits[i].Entities, ent) {
				prev, _ = loadExposure(ctx, st, audits[i].ID)
				break
			}
		}
	}
	return alert.NewCriticalFindings(app, string(ent), prev, cur, n.Now())
}

func loadExposure(ctx context.Context, st *store.Store, id string) (*exposure.Audit, error) {
	b, err := st.ExposureReport(ctx, id)
	if err != nil {
		return nil, err
	}
	var a exposure.Audit
	return &a, json.Unmarshal(b, &a)
}

// adEvents compares a stored AD audit's level with the previous one's.
func adEvents(ctx context.Context, st *store.Store, a jobs.ADArgs, id string, n *alert.Notifier) []alert.Event {
	f, err := st.LoadFacts(ctx, a.Applicant)
	if err != nil {
		return nil
	}
	var audits []care.ADAudit
	for _, x := range f.ADAudits {
		if x.Directory == a.Directory {
			audits = append(audits, x)
		}
	}
	slices.SortFunc(audits, func(x, y care.ADAudit) int { return x.Date.Compare(y.Date) })
	var cur, prev int
	for _, x := range audits {
		if x.ID == id {
			cur = x.Level
		} else {
			prev = x.Level
		}
	}
	if ev := alert.LevelDrop(a.Applicant, a.Directory, id, prev, cur, n.Now()); ev != nil {
		return []alert.Event{*ev}
	}
	return nil
}

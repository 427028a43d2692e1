package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"

	"vigie/internal/alert"
	"vigie/internal/care"
	"vigie/internal/exposure"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
)

// alertNotifier returns the notifier of the job engine: e-mail through the
// server of VIGIE_SMTP_ADDR (with VIGIE_SMTP_USER, VIGIE_SMTP_PASSWORD,
// VIGIE_SMTP_FROM; STARTTLS required), webhooks always.
func alertNotifier(env *Env, st *store.Store) *alert.Notifier {
	n := &alert.Notifier{Store: st, Now: env.Now}
	if addr := env.Getenv("VIGIE_SMTP_ADDR"); addr != "" {
		n.Mail = &alert.SMTP{Addr: addr, User: env.Getenv("VIGIE_SMTP_USER"), Password: env.Getenv("VIGIE_SMTP_PASSWORD"),
			From: env.Getenv("VIGIE_SMTP_FROM")}
		if n.Mail.From == "" {
			n.Mail.From = "vigie@localhost"
		}
	}
	return n
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
	app := string(ent)
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

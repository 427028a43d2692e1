package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie/internal/french"
	"vigie/internal/store"
)

// Notifier delivers events to the matching subscriptions.
type Notifier struct {
	Store   *store.Store
	Mail    *SMTP    // nil: e-mail subscriptions stay pending
	Webhook *Webhook // nil: a default one (public destinations only)
	Now     func() time.Time
	// Allowed, when set, says whether a subscriber may still see an
	// event's dossier and subject (accounts change role, scope, or are
	// disabled): an event it refuses is not recorded for that subscriber.
	Allowed func(ctx context.Context, login, applicant, subject string) (bool, error)
	// Location is the time zone of the dates in the messages (the
	// application's, as « vigie serve --timezone »; time.Local when nil).
	Location *time.Location
}

// ErrDelivery marks the errors of sendings (kept pending, retried by
// Flush), as opposed to the errors recording the events.
var ErrDelivery = errors.New("envoi d'alerte")

func (n *Notifier) loc() *time.Location {
	if n.Location != nil {
		return n.Location
	}
	return time.Local
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// matches reports whether a subscription wants an event.
func matches(s store.AlertSubscription, e Event) bool {
	return (s.Applicant == "" || s.Applicant == e.Applicant) && (s.Subject == "" || s.Subject == e.Subject) &&
		slices.Contains(s.Kinds, string(e.Kind))
}

// Notify records the events for the subscriptions that want them — once
// per (subscription, event key): an event seen again is dropped — and
// sends them at once to the subscriptions not in digest mode. A failed
// sending stays pending and is retried by Flush.
func (n *Notifier) Notify(ctx context.Context, events []Event) error {
	subs, err := n.Store.AlertSubscriptions(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range subs {
		fresh := false
		for _, e := range events {
			if !matches(s, e) {
				continue
			}
			if n.Allowed != nil {
				ok, err := n.Allowed(ctx, s.Login, e.Applicant, e.Subject)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			ok, err := n.Store.ClaimAlert(ctx, store.AlertDelivery{Subscription: s.ID, Key: e.Key, Kind: string(e.Kind),
				Applicant: e.Applicant, Subject: e.Subject, Title: e.Title, Detail: e.Detail, At: e.At})
			if err != nil {
				return err
			}
			fresh = fresh || ok
		}
		if fresh && !s.Digest {
			errs = append(errs, n.deliver(ctx, s))
		}
	}
	return errors.Join(errs...)
}

// Flush sends every pending delivery: one message per subscription (the
// digest), and the immediate ones whose first sending failed.
func (n *Notifier) Flush(ctx context.Context) error {
	subs, err := n.Store.AlertSubscriptions(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range subs {
		errs = append(errs, n.deliver(ctx, s))
	}
	return errors.Join(errs...)
}

// FlushImmediate sends again the pending deliveries of the subscriptions
// not in digest mode (their first sending failed).
func (n *Notifier) FlushImmediate(ctx context.Context) error {
	subs, err := n.Store.AlertSubscriptions(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range subs {
		if !s.Digest {
			errs = append(errs, n.deliver(ctx, s))
		}
	}
	return errors.Join(errs...)
}

// deliver sends a subscription's pending deliveries: one message each, or
// one digest for all of them.
func (n *Notifier) deliver(ctx context.Context, s store.AlertSubscription) error {
	pending, err := n.Store.PendingAlerts(ctx, s.ID)
	if err != nil || len(pending) == 0 {
		return err
	}
	groups := [][]store.AlertDelivery{pending}
	if !s.Digest {
		groups = groups[:0]
		for _, d := range pending {
			groups = append(groups, []store.AlertDelivery{d})
		}
	}
	for _, g := range groups {
		if err := n.send(ctx, s, g); err != nil {
			return fmt.Errorf("%w pour %s (%s) : %w", ErrDelivery, s.Login, s.Target, err)
		}
		keys := make([]string, len(g))
		for i, d := range g {
			keys[i] = d.Key
		}
		if err := n.Store.MarkAlertsSent(ctx, s.ID, keys, n.now()); err != nil {
			return err
		}
	}
	return nil
}

// payload is the JSON body of a webhook.
type payload struct {
	Digest bool           `json:"digest"`
	Alerts []payloadAlert `json:"alerts"`
}

type payloadAlert struct {
	Key       string    `json:"key"`
	Kind      string    `json:"kind"`
	Applicant string    `json:"applicant"`
	Subject   string    `json:"subject"`
	Title     string    `json:"title"`
	Detail    string    `json:"detail,omitempty"`
	At        time.Time `json:"at"`
}

func (n *Notifier) send(ctx context.Context, s store.AlertSubscription, ds []store.AlertDelivery) error {
	switch s.Channel {
	case "webhook":
		p := payload{Digest: s.Digest}
		for _, d := range ds {
			p.Alerts = append(p.Alerts, payloadAlert{Key: d.Key, Kind: d.Kind, Applicant: d.Applicant, Subject: d.Subject, Title: d.Title, Detail: d.Detail, At: d.At})
		}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		w := n.Webhook
		if w == nil {
			w = &Webhook{Now: n.Now}
		}
		return w.Post(ctx, s.Target, []byte(s.Secret), body)
	default:
		if n.Mail == nil {
			return errors.New("aucun serveur SMTP configuré")
		}
		subject, body := mailText(ds, s.Digest, n.loc())
		return n.Mail.Send(ctx, s.Target, subject, body)
	}
}

// mailText writes the French subject and body of a message.
func mailText(ds []store.AlertDelivery, digest bool, loc *time.Location) (string, string) {
	var b strings.Builder
	if !digest && len(ds) == 1 {
		d := ds[0]
		fmt.Fprintf(&b, "%s\n\nDossier : %s\nConcerné : %s\nType : %s\nDate : %s\n", d.Title, d.Applicant, d.Subject,
			Kind(d.Kind).French(), d.At.In(loc).Format("02/01/2006 15:04"))
		if d.Detail != "" {
			fmt.Fprintf(&b, "\n%s\n", d.Detail)
		}
		b.WriteString("\n-- \nVigie : alerte envoyée selon votre abonnement.\n")
		return "[Vigie] " + d.Title, b.String()
	}
	fmt.Fprintf(&b, "%s Vigie :\n", french.Plural(len(ds), "alerte", "alertes"))
	for _, d := range ds {
		fmt.Fprintf(&b, "\n- %s (%s, %s)\n", d.Title, d.Subject, d.At.In(loc).Format("02/01/2006 15:04"))
		if d.Detail != "" {
			fmt.Fprintf(&b, "  %s\n", d.Detail)
		}
	}
	b.WriteString("\n-- \nVigie : résumé envoyé selon votre abonnement.\n")
	return fmt.Sprintf("[Vigie] Résumé : %s", french.Plural(len(ds), "alerte", "alertes")), b.String()
}

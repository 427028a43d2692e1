package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AlertSubscription is a user's wish to be alerted of some kinds of events
// of a dossier (all the dossiers when Applicant is empty) or of one of its
// entities or directories (Subject), by e-mail or webhook.
type AlertSubscription struct {
	ID        int64
	Login     string
	Applicant string
	Subject   string
	Kinds     []string
	Channel   string // "email" or "webhook"
	// Target is the e-mail address or the webhook URL.
	Target string
	// Secret signs the webhook's requests (sealed with the store key).
	Secret string
	// Digest groups the alerts in one message per flush instead of one each.
	Digest    bool
	CreatedAt time.Time
}

func aadWebhook(login, target string) string { return "vigie-webhook-secret:" + login + ":" + target }

// SaveAlertSubscription stores a subscription and returns its ID.
func (s *Store) SaveAlertSubscription(ctx context.Context, a AlertSubscription) (int64, error) {
	if a.Channel != "email" && a.Channel != "webhook" {
		return 0, fmt.Errorf("abonnement : canal %q inconnu (email, webhook)", a.Channel)
	}
	if a.Target == "" || len(a.Kinds) == 0 || a.Login == "" {
		return 0, fmt.Errorf("abonnement : compte, destinataire et types d'alerte requis")
	}
	var sealed []byte
	if a.Channel == "webhook" {
		if a.Secret == "" {
			return 0, fmt.Errorf("abonnement : un webhook demande un secret de signature")
		}
		var err error
		if sealed, err = s.seal([]byte(a.Secret), aadWebhook(a.Login, a.Target)); err != nil {
			return 0, fmt.Errorf("abonnement : %w", err)
		}
	}
	var id int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO alert_subscriptions (login, applicant, subject, kinds, channel, target, secret, digest, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, a.Login, a.Applicant, a.Subject, strings.Join(a.Kinds, ","),
			a.Channel, a.Target, sealed, a.Digest, webTime(s.now())).Scan(&id)
		if err != nil {
			return err
		}
		return s.trail(ctx, tx, a.Login, ActionAlertSubscription, a.Login, subscriptionDetail(id, a))
	})
	if err != nil {
		return 0, fmt.Errorf("abonnement : %w", err)
	}
	return id, nil
}

// subscriptionDetail describes a new subscription for the audit trail
// (never its webhook secret).
func subscriptionDetail(id int64, a AlertSubscription) string {
	scope := "tous les dossiers"
	if a.Applicant != "" {
		scope = "dossier " + a.Applicant
	}
	if a.Subject != "" {
		scope += ", " + a.Subject
	}
	channel := "courriel"
	if a.Channel == "webhook" {
		channel = "webhook"
	}
	mode := "une alerte par événement"
	if a.Digest {
		mode = "en récapitulatif"
	}
	return fmt.Sprintf("abonnement %d créé : %s, %s, %s vers %s, %s", id, scope, strings.Join(a.Kinds, ", "), channel, a.Target, mode)
}

// AlertSubscriptions lists the subscriptions (with their secrets).
func (s *Store) AlertSubscriptions(ctx context.Context) ([]AlertSubscription, error) {
	return s.alertSubscriptions(ctx, ``)
}

// AlertSubscriptionsOf lists a user's subscriptions (with their secrets).
func (s *Store) AlertSubscriptionsOf(ctx context.Context, login string) ([]AlertSubscription, error) {
	return s.alertSubscriptions(ctx, `WHERE login = $1`, login)
}

// DeleteAlertSubscription deletes a subscription of login, with its
// deliveries (ErrNotFound when login has no such subscription).
func (s *Store) DeleteAlertSubscription(ctx context.Context, id int64, login string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_subscriptions WHERE id = $1 AND login = $2`, id, login).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("abonnement %d : %w", id, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_deliveries WHERE subscription = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_subscriptions WHERE id = $1`, id); err != nil {
			return err
		}
		return s.trail(ctx, tx, login, ActionAlertSubscription, login, fmt.Sprintf("abonnement %d supprimé", id))
	})
}

func (s *Store) alertSubscriptions(ctx context.Context, where string, args ...any) ([]AlertSubscription, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, login, applicant, subject, kinds, channel, target, secret, digest, created_at
		FROM alert_subscriptions `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("abonnements : %w", err)
	}
	defer rows.Close()
	var out []AlertSubscription
	for rows.Next() {
		var a AlertSubscription
		var kinds, at string
		var sealed []byte
		if err := rows.Scan(&a.ID, &a.Login, &a.Applicant, &a.Subject, &kinds, &a.Channel, &a.Target, &sealed, &a.Digest, &at); err != nil {
			return nil, fmt.Errorf("abonnements : %w", err)
		}
		a.Kinds = strings.Split(kinds, ",")
		a.CreatedAt, _ = time.Parse(webTimeLayout, at)
		if len(sealed) > 0 {
			plain, err := s.unseal(sealed, aadWebhook(a.Login, a.Target))
			if err != nil {
				return nil, fmt.Errorf("abonnement %d : %w", a.ID, err)
			}
			a.Secret = string(plain)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlertDelivery is an event to deliver to a subscription.
type AlertDelivery struct {
	Subscription int64
	Key          string
	Kind         string
	Applicant    string
	Subject      string
	Title        string
	Detail       string
	At           time.Time
	SentAt       time.Time // zero while pending
}

// ClaimAlert records a delivery as pending; it reports false when that
// event was already recorded for that subscription (sent or pending): the
// caller then sends nothing.
func (s *Store) ClaimAlert(ctx context.Context, d AlertDelivery) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO alert_deliveries (subscription, event_key, kind, applicant, subject, title, detail, event_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (subscription, event_key) DO NOTHING`,
		d.Subscription, d.Key, d.Kind, d.Applicant, d.Subject, d.Title, d.Detail, webTime(d.At))
	if err != nil {
		return false, fmt.Errorf("alerte %s : %w", d.Key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MarkAlertsSent records the deliveries as sent.
func (s *Store) MarkAlertsSent(ctx context.Context, subscription int64, keys []string, at time.Time) error {
	for _, k := range keys {
		if _, err := s.w.ExecContext(ctx, `UPDATE alert_deliveries SET sent_at = $1 WHERE subscription = $2 AND event_key = $3`,
			webTime(at), subscription, k); err != nil {
			return fmt.Errorf("alerte %s : %w", k, err)
		}
	}
	return nil
}

// PendingAlerts lists a subscription's deliveries not sent yet, oldest first.
func (s *Store) PendingAlerts(ctx context.Context, subscription int64) ([]AlertDelivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT event_key, kind, applicant, subject, title, detail, event_at FROM alert_deliveries
		WHERE subscription = $1 AND sent_at = '' ORDER BY event_at, event_key`, subscription)
	if err != nil {
		return nil, fmt.Errorf("alertes en attente : %w", err)
	}
	defer rows.Close()
	var out []AlertDelivery
	for rows.Next() {
		d := AlertDelivery{Subscription: subscription}
		var at string
		if err := rows.Scan(&d.Key, &d.Kind, &d.Applicant, &d.Subject, &d.Title, &d.Detail, &at); err != nil {
			return nil, fmt.Errorf("alertes en attente : %w", err)
		}
		d.At, _ = time.Parse(webTimeLayout, at)
		out = append(out, d)
	}
	return out, rows.Err()
}
